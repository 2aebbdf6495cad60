"""Several stored cities side by side: dimension and sub-dimension scores with their counts, and
a grouped bar chart of the dimension scores (readiness.figures.charts' template)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import downloads, frozen
from dashboard.cities import views
from dashboard.cities.controls import labels
from dashboard.cities.store import Reader
from dashboard.i18n import language, t

PICKED = "cities_compare"
MAX_CITIES = 8


def _picker(cities: pd.DataFrame, current: int) -> list[int]:
    ids = [int(i) for i in cities["id"]]
    kept = [i for i in st.session_state.get(PICKED) or [] if i in ids]
    if PICKED not in st.session_state:  # the city shown and the next one, to start with
        kept = [current, *[i for i in ids if i != current][:1]]
    st.session_state[PICKED] = kept
    names = labels(cities)
    picked = st.multiselect(
        t("cities_page.compare_pick"),
        options=ids,
        format_func=names.__getitem__,
        key=PICKED,
        max_selections=MAX_CITIES,
    )
    return [int(i) for i in picked]


def show(reader: Reader, current: int) -> None:
    """The comparison section (from two stored cities on)."""
    cities = reader.cities()
    st.subheader(t("cities_page.compare_title"))
    if len(cities) < 2:
        st.caption(t("cities_page.compare_need_two"))
        return
    picked = _picker(cities, current)
    if not picked:
        st.caption(t("cities_page.compare_pick_some"))
        return
    lang = language()
    names = labels(cities)

    def build() -> tuple[go.Figure, pd.DataFrame, pd.DataFrame]:
        scored = [(names[i], reader.score(i)) for i in picked]
        dims, subs = views.compare_tables(scored, lang)
        built = (views.compare_figure(dims, lang), dims, subs)
        for item in built:
            frozen.share(item)
        return built

    fig, dims, subs = reader.shared("compare", tuple(picked), lang, build=build)
    if dims[views.col(lang, "score")].isna().all():
        st.info(t("cities_page.compare_no_scores"))
    downloads.figure(fig, dims, t("cities_page.compare_name"), key="cities_compare_chart")
    st.caption(t("cities_page.compare_note"))
    st.markdown(f"**{t('cities_page.compare_sub')}**")
    downloads.table(subs, t("cities_page.compare_sub_name"), "cities_compare_sub", digits=None)


__all__ = ["MAX_CITIES", "PICKED", "show"]
