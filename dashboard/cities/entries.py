"""The editors' forms for one value or one target: enter or correct a value (prefilled with the
latest stored one; checked by the file reader, so a form accepts what a file may hold), remove a
value, set or remove the city's own target with its source."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard.cities import views
from dashboard.cities.outcome import done, refused
from dashboard.cities.store import CityData
from dashboard.cities.writes import remove_value, save_target, save_value
from dashboard.i18n import language, t
from readiness.cities.cityfile import CityFileError, known_direction
from readiness.cities.columns import DATA_QUALITY, FIRST_YEAR, TARGET_DIRECTIONS, last_year
from readiness.cities.kpis import kpi_points, unit_label
from readiness.errors import ReadinessError
from readiness.i18n import translate
from readiness.uploads.safe import markdown_text

KEY = "cities_w_"  # as dashboard/cities/forms.KEY: every widget leading to a write


def _point_options() -> tuple[list[int], pd.DataFrame]:
    points = kpi_points()
    return list(range(len(points))), points


def _point_label(points: pd.DataFrame, lang: str) -> dict[int, str]:
    return {
        k: f"{code} · {views.kpi_label(code, point, lang)}"
        for k, (code, point) in enumerate(points[["code", "data_point"]].itertuples(index=False))
    }


def _pick_point(key: str, lang: str) -> tuple[int, str, str, dict[int, str], pd.DataFrame]:
    """A KPI and data point picked in a select box: (position, code, data point, labels, all)."""
    options, points = _point_options()
    labels = _point_label(points, lang)
    k = int(
        st.selectbox(t("cities_page.kpi"), options=options, key=key, format_func=labels.__getitem__)
    )
    return k, str(points.loc[k, "code"]), str(points.loc[k, "data_point"]), labels, points


def value_forms(data: CityData) -> None:
    """Enter or correct one value (prefilled with the latest stored one), or remove one."""
    lang = language()
    k, code, point, labels, points = _pick_point(f"{KEY}value_kpi", lang)
    stored = data.values[(data.values["kpi_code"] == code) & (data.values["data_point"] == point)]
    last = stored.iloc[-1] if len(stored) else None
    with st.form(f"{KEY}value_form_{data.city.id}_{k}"):
        st.caption(
            t(
                "cities_page.value_unit",
                unit=markdown_text(unit_label(str(points.loc[k, "unit"]), lang)),
            )
        )
        left, right = st.columns(2)
        year = left.number_input(
            t("cities_page.year_of_value"),
            min_value=FIRST_YEAR,
            max_value=last_year(),
            value=int(last["year"]) if last is not None else last_year() - 1,
            step=1,
        )
        value = right.number_input(
            t("cities_page.value"),
            value=float(last["value"]) if last is not None else None,
            format="%.4f",
        )
        source = st.text_input(
            t("cities_page.source"),
            value=str(last["source"]) if last is not None else "",
            max_chars=500,
        )
        qualities = ["", *DATA_QUALITY]
        known = str(last["data_quality"]) if last is not None else ""
        quality = st.selectbox(
            t("cities_page.data_quality"),
            options=qualities,
            index=qualities.index(known) if known in qualities else 0,
            format_func=lambda q: translate(lang, f"u4ssc.data_quality.{q}") if q else "—",
        )
        note = st.text_input(
            t("cities_page.note"),
            value=str(last["note"]) if last is not None else "",
            max_chars=500,
        )
        if st.form_submit_button(t("cities_page.save_value"), type="primary"):
            entry = {
                "kpi_code": code,
                "data_point": point,
                "year": int(year),
                "value": "" if value is None else repr(float(value)),
                "source": source,
                "data_quality": quality,
                "note": note,
            }
            _save(data, entry)
    _remove_form(data, labels, points)


def _save(data: CityData, entry: dict[str, object]) -> None:
    try:
        save_value(data.city.id, entry)
    except CityFileError as exc:
        st.error("\n".join(f"- {markdown_text(p.message)}" for p in exc.problems))
        return
    except ReadinessError as exc:
        refused(exc)
        return
    done(t("cities_page.value_saved", city=markdown_text(data.city.name)), data.city.id)


def _remove_form(data: CityData, labels: dict[int, str], points: pd.DataFrame) -> None:
    if data.values.empty:
        return
    st.markdown(f"**{t('cities_page.remove_value')}**")
    index = {
        (c, p): k for k, (c, p) in enumerate(points[["code", "data_point"]].itertuples(index=False))
    }
    rows = list(data.values[["kpi_code", "data_point", "year"]].itertuples(index=False))
    with st.form(f"{KEY}remove_form_{data.city.id}"):
        pick = st.selectbox(
            t("cities_page.stored_value"),
            options=list(range(len(rows))),
            format_func=lambda r: f"{labels[index[(rows[r][0], rows[r][1])]]} · {rows[r][2]}",
        )
        sure = st.checkbox(t("cities_page.remove_confirm"))
        if st.form_submit_button(t("cities_page.remove_button")):
            if not sure:
                st.warning(t("cities_page.confirm_first"))
                return
            code, point, year = rows[int(pick)]
            try:
                remove_value(data.city.id, code, int(year), data_point=point)
            except ReadinessError as exc:
                refused(exc)
                return
            done(t("cities_page.value_removed", city=markdown_text(data.city.name)))


def _target_problems(
    code: str, point: str, target: float | None, source: str, direction: str, lang: str
) -> list[str]:
    """What is wrong with a target, in the words the file reader uses."""
    kpi = f"{code} {point}".strip()
    out = []
    if target is None or not math.isfinite(target) or target <= 0:
        out.append(
            translate(lang, "u4ssc.problem.bad_target", text="" if target is None else repr(target))
        )
    if not source.strip():
        out.append(translate(lang, "u4ssc.problem.missing_target_source"))
    known = known_direction(code, point)
    if not direction and known is None:
        out.append(translate(lang, "u4ssc.problem.missing_direction", kpi=kpi))
    elif direction and known is not None and direction != known:
        out.append(
            translate(
                lang,
                "u4ssc.problem.direction_conflict",
                kpi=kpi,
                text=translate(lang, f"u4ssc.direction.{direction}"),
                known=translate(lang, f"u4ssc.direction.{known}"),
            )
        )
    return out


def target_form(data: CityData) -> None:
    """Set the city's own target for a KPI, with its source; or remove it."""
    lang = language()
    k, code, point, _, _ = _pick_point(f"{KEY}target_kpi", lang)
    mine = data.targets[(data.targets["kpi_code"] == code) & (data.targets["data_point"] == point)]
    now = mine.iloc[0] if len(mine) else None
    st.caption(t("cities_page.target_note"))
    with st.form(f"{KEY}target_form_{data.city.id}_{k}"):
        left, right = st.columns(2)
        target = left.number_input(
            t("cities_page.target"),
            value=float(now["target"]) if now is not None else None,
            min_value=0.0,
            format="%.4f",
        )
        ways = ["", *TARGET_DIRECTIONS]
        direction = right.selectbox(
            t("cities_page.direction"),
            options=ways,
            index=ways.index(now["direction"]) if now is not None else 0,
            format_func=lambda d: (
                translate(lang, f"u4ssc.direction.{d}") if d else t("cities_page.direction_kpi")
            ),
        )
        source = st.text_input(
            t("cities_page.target_source"),
            max_chars=500,
            value=str(now["source"]) if now is not None else "",
        )
        remove = st.checkbox(t("cities_page.target_remove"), disabled=now is None)
        if st.form_submit_button(t("cities_page.save_target"), type="primary"):
            if not remove:
                problems = _target_problems(code, point, target, source, direction, lang)
                if problems:
                    st.error("\n".join(f"- {markdown_text(p)}" for p in problems))
                    return
            try:
                save_target(
                    data.city.id,
                    code,
                    None if remove else target,
                    data_point=point,
                    source=source.strip(),
                    direction=direction,
                )
            except ReadinessError as exc:
                refused(exc)
                return
            done(t("cities_page.target_saved", city=markdown_text(data.city.name)))


__all__ = ["target_form", "value_forms"]
