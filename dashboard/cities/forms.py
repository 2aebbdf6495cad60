"""The editors' section of the Cities page: create a city, import a filled template, enter or
correct a value and set a target (dashboard/cities/entries.py), delete a city, read the log.

Nothing here is drawn for a visitor who is not signed in as an editor (`tools` returns before
drawing anything), and every write goes through dashboard/cities/writes.py, whose functions
check the editor themselves when they write: no widget, link or session key stands in for the
sign-in.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.auth import current_editor
from dashboard.cities import controls, entries, views
from dashboard.cities.outcome import done, refused
from dashboard.cities.store import CityData, Reader
from dashboard.cities.writes import create_city, delete_city, import_file
from dashboard.i18n import grid, has, language, t
from readiness.cities.cityfile import CityFileError
from readiness.cities.master import find_cities, fold
from readiness.errors import ReadinessError
from readiness.uploads.safe import markdown_text

KEY = "cities_w_"  # every widget that leads to a write has a key starting with this
UPLOADS = "cities_upload_serial"  # a new file uploader after each import (an empty one)
EDIT_TABS = "cities_edit_tabs"  # the open tab's label, for a stored city
EDIT_TABS_EMPTY = "cities_edit_tabs_empty"  # the same while the store holds no city
MATCHES = 20  # places of the master listed for a search


def tools(reader: Reader, data: CityData | None) -> None:
    """The editors' section; draws nothing at all unless an editor is signed in."""
    editor = current_editor()
    if editor is None:
        return
    st.subheader(t("cities_page.edit_title"))
    st.caption(t("cities_page.edit_intro", editor=markdown_text(editor)))
    parts = ["create", "import", "value", "target", "delete", "log"] if data else ["create", "log"]
    draw: dict[str, Callable[[], None]] = {
        "create": lambda: create_forms(reader),
        "log": lambda: write_log(reader),
    }
    if data is not None:
        draw |= {
            "import": lambda: import_form(data),
            "value": lambda: entries.value_forms(data),
            "target": lambda: entries.target_form(data),
            "delete": lambda: delete_form(data),
        }
    # Keyed, so the open tab stays open across reruns; only the open tab's forms are drawn.
    labels = [t(f"cities_page.tab_{p}") for p in parts]
    tabs = st.tabs(labels, key=EDIT_TABS if data else EDIT_TABS_EMPTY, on_change="rerun")
    for part, tab in zip(parts, tabs, strict=True):
        if tab.open:
            with tab:
                draw[part]()


def create_forms(reader: Reader) -> None:
    """A city from the GeoNames master (search by name, country optional), or by hand."""
    master_form(reader)
    hand_form(reader)


def master_form(reader: Reader) -> None:
    """Search the GeoNames master by name (and country), pick a place, add it."""
    economies, names = state.all_economies(), state.name_map()
    st.markdown(f"**{t('cities_page.create_master')}**")
    st.caption(t("cities_page.create_master_note"))
    left, right = st.columns([3, 2])
    query = left.text_input(t("cities_page.search"), key=f"{KEY}search", max_chars=100)
    country = right.selectbox(
        t("cities_page.country_filter"),
        options=["", *economies],
        key=f"{KEY}search_country",
        format_func=lambda c: names.get(c, c) if c else t("cities_page.any_country"),
    )
    if query.strip():
        found = find_cities(query, country or None, limit=MATCHES)
        if found.empty:
            st.info(t("cities_page.no_match"))
        else:
            rows = found.to_dict("records")
            pick = st.selectbox(
                t("cities_page.matches"),
                options=list(range(len(rows))),
                key=f"{KEY}match",
                format_func=lambda k: _place_label(rows[k], names),
            )
            if st.button(t("cities_page.add_master"), key=f"{KEY}add_master", type="primary"):
                row = rows[int(pick)]
                _create(
                    reader,
                    row["name"],
                    row["iso3"],
                    row["latitude"],
                    row["longitude"],
                    int(row["geonameid"]),
                    int(row["population"]),
                )


def hand_form(reader: Reader) -> None:
    """A city by hand: name, country, latitude and longitude, each checked."""
    economies, names = state.all_economies(), state.name_map()
    st.markdown(f"**{t('cities_page.create_hand')}**")
    with st.form(f"{KEY}hand_form", clear_on_submit=False):
        name = st.text_input(t("cities_page.name"), key=f"{KEY}name", max_chars=200)
        iso3 = st.selectbox(
            t("cities_page.country"),
            options=economies,
            index=None,
            key=f"{KEY}country",
            format_func=names.__getitem__,
            placeholder=t("cities_page.choose_country"),
        )
        lat_col, lon_col = st.columns(2)
        lat = lat_col.number_input(
            t("cities_page.latitude"),
            min_value=-90.0,
            max_value=90.0,
            value=None,
            step=0.0001,
            format="%.4f",
            key=f"{KEY}lat",
        )
        lon = lon_col.number_input(
            t("cities_page.longitude"),
            min_value=-180.0,
            max_value=180.0,
            value=None,
            step=0.0001,
            format="%.4f",
            key=f"{KEY}lon",
        )
        if st.form_submit_button(t("cities_page.add_hand"), type="primary"):
            problems = [
                t(f"cities_page.problem_{field}")
                for field, bad in (
                    ("name", not str(name or "").strip()),
                    ("country", not iso3),
                    ("latitude", lat is None),
                    ("longitude", lon is None),
                )
                if bad
            ]
            if problems:
                st.error("\n".join(f"- {p}" for p in problems))
            else:
                _create(reader, str(name).strip(), str(iso3), float(lat), float(lon))  # type: ignore[arg-type]


def _place_label(row: dict, names: dict[str, str]) -> str:
    people = f"{int(row['population']):,}".replace(",", "\u202f")
    where = f"{float(row['latitude']):.3f}, {float(row['longitude']):.3f}"
    country = names.get(row["iso3"], row["iso3"])
    return t("cities_page.place", name=row["name"], country=country, people=people, where=where)


def _create(
    reader: Reader,
    name: str,
    iso3: str,
    lat: float,
    lon: float,
    geonameid: int | None = None,
    population: int | None = None,
) -> None:
    cities = reader.cities()
    clash = (cities["iso3"] == iso3) & (cities["name"].map(fold) == fold(name))
    if clash.any():
        st.error(t("cities_page.exists", city=markdown_text(name)))
        return
    try:
        city = create_city(name, iso3, lat, lon, geonameid=geonameid, population=population)
    except ReadinessError as exc:
        refused(exc)
        return
    for field in ("name", "country", "lat", "lon", "search", "match"):
        st.session_state.pop(f"{KEY}{field}", None)  # the forms start empty again
    done(t("cities_page.created", city=markdown_text(city.name)), city.id)


def import_form(data: CityData) -> None:
    """Upload a filled template: every problem listed by row and column, or all values stored."""
    city = data.city
    st.caption(t("cities_page.import_note", city=markdown_text(city.name)))
    serial = int(st.session_state.get(UPLOADS, 0))
    upload = st.file_uploader(
        t("cities_page.import_file"), type=["csv", "xlsx"], key=f"{KEY}file_{serial}"
    )
    replace = st.checkbox(t("cities_page.import_replace"), value=True, key=f"{KEY}replace")
    if not st.button(t("cities_page.import_button"), key=f"{KEY}import", type="primary"):
        return
    if upload is None:
        st.warning(t("cities_page.import_no_file"))
        return
    try:
        stored = import_file(city.id, upload.getvalue(), upload.name, replace=replace)
    except CityFileError as exc:
        lang = language()
        count = len(exc.problems) + exc.omitted
        st.error(t("cities_page.import_problems", count=count))
        table = exc.table().drop(columns="problem")
        table.columns = [views.col(lang, c) for c in ("row", "column", "message")]
        st.dataframe(**grid(table), hide_index=True, width="stretch")
        return
    except ReadinessError as exc:
        refused(exc)
        return
    st.session_state[UPLOADS] = serial + 1  # the next run shows an empty uploader
    done(t("cities_page.imported", n=stored, city=markdown_text(city.name)), city.id)


def delete_form(data: CityData) -> None:
    """Delete the city, after an explicit confirmation naming what goes with it."""
    city = data.city
    with st.form(f"{KEY}delete_form_{city.id}"):
        sure = st.checkbox(
            t(
                "cities_page.delete_confirm",
                city=markdown_text(city.name),
                values=len(data.values),
                targets=len(data.targets),
            ),
            key=f"{KEY}delete_sure",
        )
        if st.form_submit_button(t("cities_page.delete_button"), type="primary"):
            if not sure:
                st.warning(t("cities_page.confirm_first"))
                return
            try:
                delete_city(city.id)
            except ReadinessError as exc:
                refused(exc)
                return
            st.session_state.pop(controls.SELECTED, None)
            done(t("cities_page.deleted", city=markdown_text(city.name)))


def write_log(reader: Reader) -> None:
    """The latest writes: when (UTC), who, what, on which city (editors only)."""
    lang = language()
    log = reader.audit(200)
    if log.empty:
        st.caption(t("cities_page.log_empty"))
        return
    cities = reader.cities().set_index("id")["name"]

    def entity(text: str) -> str:
        kind, _, key = str(text).partition(":")
        return str(cities.get(int(key), text)) if kind == "city" and key.isdigit() else text

    table = pd.DataFrame(
        {
            views.col(lang, "at"): log["at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC"),
            views.col(lang, "editor"): log["editor"],
            views.col(lang, "action"): log["action"].map(
                lambda a: t(f"cities_page.action.{a}") if has(f"cities_page.action.{a}") else a
            ),
            views.col(lang, "city"): log["entity"].map(entity),
            views.col(lang, "detail"): log["detail"],
        }
    )
    st.caption(t("cities_page.log_note", n=len(table)))
    st.dataframe(table, hide_index=True, width="stretch")


__all__ = ["EDIT_TABS", "EDIT_TABS_EMPTY", "KEY", "tools"]
