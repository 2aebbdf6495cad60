"""World map: the index, a pillar or any indicator for a year, with groups highlighted."""

import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import option_label, t
from dashboard.layout import footer, header
from readiness.figures import vega_maps

header(t("map.title"), t("map.intro"), url_keys=("indicator", "year", "group"))

snap = state.active_snapshot()
measures = state.measures()
groups = state.groups()
group_names = state.group_labels()
names = state.name_map()

col_measure, col_year = st.columns([3, 2])
code = col_measure.selectbox(
    t("map.measure"),
    options=list(measures.index),
    format_func=state.measure_names().__getitem__,
    **state.bind("indicator", "map", list(measures.index)),
)
year = col_year.select_slider(t("map.year"), options=state.years(), **state.bind("year", "map"))
col_group, col_mode = st.columns([3, 2])
group_options = ["", *[g for g in groups if g != "WORLD"]]
everyone = t("map.no_group")
group = col_group.selectbox(
    t("map.group"),
    options=group_options,
    format_func=lambda g: group_names[g] if g else everyone,
    **state.bind("group", "map", group_options),
)
mode = col_mode.radio(
    t("map.group_mode"),
    options=["highlight", "filter"],
    format_func=option_label("map.mode_"),
    horizontal=True,
    key="map_group_mode",
    disabled=not group,
)

chart = state.view(
    "world_map", code, year, group, mode if group else "highlight", busy=t("busy.computing")
)
st.caption(chart.note)
if group:
    st.caption(t(f"map.{mode}_note", group=group_names[group]))
event = downloads.figure(
    chart.figure,
    chart.table,
    t("map.download_name", measure=code, year=year),
    key="map_chart",
    on_select="rerun",
    lazy_table=True,  # the map draws first
    spec=chart.spec,  # drawn by the browser's Vega: no Plotly script before the first shape
)

picked = vega_maps.picked(getattr(event, "selection", None))
col_pick, col_go = st.columns([3, 1], vertical_alignment="bottom")
choice = col_pick.selectbox(
    t("map.open_profile"),
    options=state.all_economies(),
    format_func=lambda c: names[c],
    **state.bind("economy", "map", state.all_economies()),
)
if col_go.button(t("map.open_button"), key="map_open", icon=":material/arrow_forward:"):
    picked = choice
if picked:
    state.set_shared("economy", picked)
    st.switch_page("app_pages/profile.py", query_params={"economy": picked, "year": str(year)})

footer()
