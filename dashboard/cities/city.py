"""One city's sections: completeness, the U4SSC scores with their counts, the national context,
the KPIs by dimension, and the downloads (its values, the city report)."""

from __future__ import annotations

import functools
import importlib.util

import pandas as pd
import streamlit as st

from dashboard import downloads, frozen, state
from dashboard.cities import views
from dashboard.cities.store import CityData, Reader, national
from dashboard.i18n import grid, language, number, option_label, t, term
from dashboard.overlay_cache import is_base
from readiness.cities.kpis import DIMENSIONS, level_name
from readiness.cities.national import NationalContext
from readiness.cities.scoring import CityScore
from readiness.errors import ReadinessError
from readiness.i18n import MISSING, printf_writes_like
from readiness.uploads.safe import markdown_text

REPORT_FORMATS = ("docx", "pdf")
_REPORT = "cities_report_file"  # session key: {request: (file name, mime type, bytes)}
DIGITS = {
    "value": 2,
    "target": 2,
    "percent_of_target": 1,
    "score": 1,
    "city_value": 2,
    "national_value": 1,
    "national_in_kpi_unit": 1,
}


def _digits(lang: str) -> dict[str, int]:
    return {views.col(lang, name): n for name, n in DIGITS.items()}


# (language, columns, dtypes) -> the grid's column settings: the page's tables are shared reads
# whose settings depend on nothing else, so they are made once, not on every run.
_CONFIGS: dict[tuple, dict] = {}


def _table(table: pd.DataFrame, lang: str) -> None:
    """A table of the page, its numbers as the language writes them (dashboard.i18n.grid)."""
    if not printf_writes_like(lang):  # Babel writes the cells: nothing to keep
        st.dataframe(**grid(table, _digits(lang)), hide_index=True, width="stretch")
        return
    key = (lang, tuple(table.columns), tuple(str(d) for d in table.dtypes))
    config = _CONFIGS.get(key)
    if config is None:
        config = _CONFIGS[key] = grid(table, _digits(lang))["column_config"]
    data = frozen.for_display(table)
    st.dataframe(data, column_config=config, hide_index=True, width="stretch")


def heading(data: CityData) -> None:
    """The city's name and country, and where its place comes from."""
    city = data.city
    country = state.name_map().get(city.iso3, city.iso3)
    st.header(markdown_text(f"{city.name} ({country})"))
    if city.geonameid is not None:
        origin = t("cities_page.origin_master", geonameid=city.geonameid)
    else:
        origin = t("cities_page.origin_hand")
    where = f"{number(city.latitude, 4)}, {number(city.longitude, 4)}"
    st.caption(t("cities_page.origin", origin=origin, where=where, values=len(data.values)))


def scores(reader: Reader, city_id: int, year: int | None) -> None:
    """Completeness, then each dimension's score with its counts, then the finer levels."""
    lang = language()
    score = reader.score(city_id, year)
    done = views.completeness(score)
    st.subheader(t("cities_page.scores_title"))
    row = st.container(horizontal=True, gap="medium")
    row.metric(t("cities_page.reported"), t("cities_page.of", n=done.reported, total=done.total))
    row.metric(
        t("cities_page.core_reported"),
        t("cities_page.of", n=done.core_reported, total=done.core_total),
    )
    row.metric(t("cities_page.scored"), f"{done.scored}", help=t("cities_page.scored_help"))
    dims = st.container(horizontal=True, gap="medium")
    for m in views.dimension_metrics(score, lang):
        dims.metric(m.label, m.value, m.note, delta_color="off", delta_arrow="off")
    st.caption(t("cities_page.scores_note"))
    for level in ("sub_dimension", "category"):
        build = functools.partial(_level_table, score, level, lang)
        table = reader.shared("level", city_id, year, level, lang, build=build)
        with st.expander(t(f"cities_page.level_{level}")):
            _table(table, lang)


def _level_table(score: CityScore, level: str, lang: str) -> pd.DataFrame:
    return _shared(views.level_table(score, level, lang))


def _shared(frame: pd.DataFrame) -> pd.DataFrame:
    frozen.share(frame)
    return frame


def national_context(iso3: str) -> NationalContext | None:
    """The country's index, IoT pillar, rank and tier (the session's data, method and year)."""
    country = state.name_map().get(iso3, iso3)
    st.subheader(t("cities_page.national_title", country=markdown_text(country)))
    ctx = national(iso3)
    if ctx is None:
        st.info(t("cities_page.national_none", country=markdown_text(country)))
        return None
    row = st.container(horizontal=True, gap="medium")
    row.metric(
        t("cities_page.national_index"), MISSING if pd.isna(ctx.index) else number(ctx.index)
    )
    iot = state.catalogue().pillar("IOT").name
    row.metric(iot, MISSING if pd.isna(ctx.iot) else number(ctx.iot))
    rank = MISSING if pd.isna(ctx.rank) else f"{int(ctx.rank)} / {ctx.ranked}"
    row.metric(t("cities_page.national_rank"), rank)
    if ctx.tier:
        row.metric(t("cities_page.national_tier"), term("tier", ctx.tier))
    st.caption(t("cities_page.national_note", year=ctx.year))
    return ctx


def national_matches(reader: Reader, city_id: int, ctx: NationalContext) -> None:
    """The national value of each indicator that matches a city KPI, beside the city's own."""
    lang = language()
    cat = state.catalogue()
    score = reader.score(city_id, None)

    def build() -> pd.DataFrame:
        names = {i.code: i.name for i in cat.indicators}
        units = {i.code: str(i.unit) for i in cat.indicators}
        sources = {s.id: s.name for s in cat.sources}
        return _shared(views.national_table(ctx, score, names, units, sources, lang))

    token = state.data_token()
    if is_base(token):  # the committed data (any version): shared; a session's upload stays its own
        method = state.method_key(state.current_method())
        key = (ctx.iso3, ctx.year, method, lang)
        table = reader.shared("national", city_id, *key, build=build)
    else:
        table = build()
    st.markdown(f"**{t('cities_page.national_matches', country=markdown_text(ctx.name))}**")
    _table(table, lang)
    st.caption(t("cities_page.national_matches_note"))


def kpis(reader: Reader, city_id: int, year: int | None) -> None:
    """Every KPI and data point by dimension: value, year, target, band, data quality."""
    lang = language()
    st.subheader(t("cities_page.kpis_title"))
    st.caption(t("cities_page.kpis_note"))
    only = st.toggle(t("cities_page.only_reported"), key="cities_only_reported")
    tables = reader.shared(
        "kpis",
        city_id,
        year,
        lang,
        build=lambda: {
            d: _shared(f) for d, f in views.kpi_tables(reader.score(city_id, year), lang).items()
        },
    )
    order = [d for d in DIMENSIONS if d in tables]
    tabs = st.tabs([level_name("dimension", d, lang) for d in order])
    for tab, dim in zip(tabs, order, strict=True):
        table = views.reported_only(tables[dim], lang) if only else tables[dim]
        with tab:
            if table.empty:
                st.caption(t("cities_page.none_reported"))
            else:
                _table(table, lang)


def values_download(reader: Reader, data: CityData) -> None:
    """The city's stored values as a filled template (CSV, Excel), to correct and import."""
    lang = language()
    st.subheader(t("cities_page.downloads_title"))
    if data.values.empty:
        st.caption(t("cities_page.no_values"))
        return
    table = reader.shared(
        "values_file",
        data.city.id,
        lang,
        build=lambda: views.values_download(data.values, data.targets, lang),
    )
    st.caption(t("cities_page.values_note"))
    downloads.offer(table, t("cities_page.values_name", city=data.city.name), "cities_values")


def report(reader: Reader, data: CityData, year: int | None = None) -> None:
    """The city report (Word or PDF) in the page's language and scoring year, made when a user
    asks."""
    lang = language()
    st.markdown(f"**{t('cities_page.report_title')}**")
    if importlib.util.find_spec("readiness.reports.city") is None:  # imported on a click only
        st.caption(t("cities_page.report_unavailable"))
        return
    files: dict = st.session_state.setdefault(_REPORT, {})
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    fmt = str(
        left.selectbox(
            t("reports.format"),
            options=list(REPORT_FORMATS),
            format_func=option_label("reports.format_"),
            key="cities_report_format",
        )
    )
    request = (reader.store.url, reader.version, data.city.id, fmt, lang, year)
    if right.button(t("reports.prepare"), key="cities_report_prepare", disabled=request in files):
        with st.spinner(t("cities_page.report_preparing")):
            from readiness.reports.city import city_report_bytes
            from readiness.reports.writers import MEDIA_TYPES

            try:
                made = city_report_bytes(reader.store, data.city.id, fmt, lang, year)
            except ReadinessError as exc:
                st.error(markdown_text(str(exc).splitlines()[0]))
                return
        files.clear()  # one prepared file per session: reports are large
        name = downloads._slug(f"{data.city.name} u4ssc {lang}")
        files[request] = (f"{name}.{fmt}", MEDIA_TYPES[fmt], made)
        st.rerun()
    if request in files:
        name, mime, made = files[request]
        st.download_button(
            t("reports.download", name=name),
            data=made,
            file_name=name,
            mime=mime,
            key="cities_report_download",
            type="primary",
            on_click="ignore",
        )


__all__ = [
    "heading",
    "kpis",
    "national_context",
    "national_matches",
    "report",
    "scores",
    "values_download",
]
