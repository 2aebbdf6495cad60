"""Which city and which year this session shows: its own choices, kept in its session state.

A link may name a city (`?city=<id or name>`); it is read once, when the session first opens
the page, and only ever chooses what is shown: no link can change the store. The page then keeps
the id of the city shown in the link, so a copied link reopens that city.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import state, urlstate
from dashboard.i18n import language, t
from readiness.cities.master import fold

SELECTED = urlstate.CITY  # the city shown (its id), kept across pages and reruns and in the link
WIDGET = "_w_cities_city"
YEAR = "cities_year"
LATEST = "latest"
_LINK_READ = "cities_link_read"
FLASH = "cities_flash"
# (list of cities, its length, language) -> (that list, its labels): the list is a shared read
# of one store version (dashboard/cities/store.py), so its labels are made once per language.
_LABELS: dict[
    tuple[int, int, str], tuple[pd.DataFrame, dict[int, str]]
] = {}  # a message to show once, after a write and its rerun


def read_link(cities: pd.DataFrame) -> None:
    """Take the city a link names (`?city=`), once per session, before the page's header
    rewrites the link."""
    if st.session_state.get(_LINK_READ):
        return
    st.session_state[_LINK_READ] = True
    wanted = str(st.query_params.get("city", "")).strip()
    if not wanted or cities.empty:
        return
    hit = cities[cities["id"].astype(str) == wanted]
    if hit.empty:
        hit = cities[cities["name"].map(fold) == fold(wanted)]
    if len(hit) == 1:
        st.session_state[SELECTED] = int(hit["id"].iloc[0])


def select(city_id: int) -> None:
    """Show this city from the next run on (after a create, say)."""
    st.session_state[SELECTED] = int(city_id)


def forget() -> None:
    """Show the first stored city from the next run on (the one shown is gone)."""
    st.session_state.pop(SELECTED, None)


def labels(cities: pd.DataFrame) -> dict[int, str]:
    """City id -> "name (country)", the country in the session's language (read-only)."""
    names = state.name_map()
    key = (id(cities), len(cities), language())
    found = _LABELS.get(key)
    if found is None or found[0] is not cities:
        made = {
            int(i): f"{name} ({names.get(iso3, iso3)})"
            for i, name, iso3 in cities[["id", "name", "iso3"]].itertuples(index=False)
        }
        if len(_LABELS) > 64:
            _LABELS.clear()
        found = _LABELS[key] = (cities, made)
    return found[1]


def city_picker(cities: pd.DataFrame, where: st.delta_generator.DeltaGenerator) -> int:
    """The city selector (every stored city); returns the id shown."""
    ids = [int(i) for i in cities["id"]]
    chosen = st.session_state.get(SELECTED)
    if chosen not in ids:
        chosen = ids[0]
        st.session_state[SELECTED] = chosen
    if st.session_state.get(WIDGET) != chosen:
        st.session_state[WIDGET] = chosen
    names = labels(cities)
    where.selectbox(
        t("cities_page.city"),
        options=ids,
        format_func=names.__getitem__,
        key=WIDGET,
        on_change=_copy,
    )
    return int(chosen)


def _copy() -> None:
    st.session_state[SELECTED] = st.session_state[WIDGET]


def year_picker(years: list[int], where: st.delta_generator.DeltaGenerator) -> int | None:
    """The year scored: the latest value of each KPI, or those at or before a chosen year."""
    options: list[object] = [LATEST, *sorted(set(years), reverse=True)]
    if st.session_state.get(YEAR) not in options:
        st.session_state[YEAR] = LATEST
    latest = t("cities_page.year_latest")
    label: Callable[[object], str] = lambda y: latest if y == LATEST else str(y)  # noqa: E731
    chosen = where.selectbox(
        t("cities_page.year"),
        options=options,
        format_func=label,
        key=YEAR,
        help=t("cities_page.year_help"),
    )
    return None if chosen == LATEST else int(chosen)  # type: ignore[call-overload]


def flash(kind: str, text: str) -> None:
    """A message the next run shows once (a write is followed by a rerun)."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    """The message of the last write, once; its slot is always drawn, so the elements below
    keep their places (and an open tab stays open) whether or not there is a message."""
    slot = st.empty()
    found = st.session_state.pop(FLASH, None)
    if found is None:
        return
    kind, text = found
    (slot.success if kind == "success" else slot.info)(text)


__all__ = [
    "FLASH",
    "LATEST",
    "SELECTED",
    "WIDGET",
    "YEAR",
    "city_picker",
    "flash",
    "forget",
    "labels",
    "read_link",
    "select",
    "show_flash",
    "year_picker",
]
