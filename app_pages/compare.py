"""Compare: economies and groups side by side on any indicator or pillar, and over time."""

import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import option_label, t
from dashboard.layout import footer, header

header(
    t("compare.title"),
    t("compare.intro"),
    url_keys=("peers", "groups", "indicator", "year", "method"),
)

groups = state.groups()
group_names = state.group_labels()
measures = state.measures()
economies = state.all_economies()

if "peers" not in st.session_state:
    state.set_shared("peers", [state.current_economy()])
col_who, col_groups = st.columns([3, 2])
picked = col_who.multiselect(
    t("compare.economies"),
    options=economies,
    format_func=state.name_map().__getitem__,
    max_selections=12,
    **state.bind("peers", "compare"),
)
picked_groups = col_groups.multiselect(
    t("compare.groups"),
    options=list(groups),
    format_func=lambda g: group_names[g],
    **state.bind("groups", "compare", list(groups), default=["WORLD"]),
)
col_view, col_measure, col_year = st.columns([2, 3, 2])
view = col_view.radio(
    t("compare.view"),
    options=["bars", "radar", "heatmap", "time"],
    format_func=option_label("compare.view_"),
    key="compare_view",
)
code = col_measure.selectbox(
    t("compare.measure"),
    options=list(measures.index),
    format_func=state.measure_names().__getitem__,
    disabled=view in ("radar", "heatmap"),
    help=t("compare.measure_help"),
    **state.bind("indicator", "compare", list(measures.index)),
)
year = col_year.select_slider(
    t("compare.year"),
    options=state.years(),
    disabled=view == "time",
    **state.bind("year", "compare"),
)

if not picked and not picked_groups:
    st.info(t("compare.pick"))
    footer()
    st.stop()

fw = state.result(year).framework
axes = ""
if view in ("radar", "heatmap"):
    every_pillar = t("compare.axes_pillars")
    axes = st.radio(
        t("compare.axes"),
        options=["", *fw.pillars],
        format_func=lambda p: fw.by_code[p].name if p else every_pillar,
        horizontal=True,
        key="compare_axes",
    )
# Shared by every session that compares the same economies and groups the same way.
chart = state.view("comparison", view, tuple(picked), tuple(picked_groups), code, year, axes)
if view == "bars":
    title = t("compare.download_bars", measure=code, year=year)
elif view == "time":
    title = t("compare.download_time", measure=code)
else:
    title = t(f"compare.download_{view}", subject=axes or "pillars", year=year)
downloads.figure(chart.figure, chart.table, title, key=f"compare_{view}")
if picked_groups:
    st.caption(t("compare.group_note"))

footer()
