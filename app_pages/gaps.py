"""Developing-country gaps: groups against the 2030 targets, the world and high income."""

import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import option_label, t
from dashboard.layout import footer, header
from dashboard.reports import report_download
from readiness.gaps.iot import DEFAULT_IOT_GROUPS, IOT_CHART_TOPICS, IOT_NUMBER_COLUMNS

header(t("gaps.title"), t("gaps.intro"), url_keys=("groups", "indicator", "year", "method"))

snap = state.active_snapshot()
group_names = state.group_labels()
inputs = state.gap_inputs()
state.gap_table()  # a cold server builds it here, behind the spinner
targets = list(inputs.targets.indicators)
measures = state.measures()
codes = [c for c in inputs.codes if c in measures.index]
DEFAULT_GROUPS = ["LDC", "LLDC", "SIDS", "TRANSITION", "LIC", "LMC"]

col_groups, col_year = st.columns([3, 2])
group_options = [g for g in group_names if g not in ("WORLD", "HIC")]
picked = col_groups.multiselect(
    t("gaps.groups"),
    options=group_options,
    format_func=lambda g: group_names[g],
    **state.bind("groups", "gaps", group_options, default=DEFAULT_GROUPS),
)
year = col_year.select_slider(t("gaps.year"), options=state.years(), **state.bind("year", "gaps"))
if not picked:
    st.info(t("gaps.pick"))
    footer()
    st.stop()
shown = [*picked, "WORLD", "HIC"]

st.subheader(t("gaps.targets"))
st.markdown(t("gaps.targets_intro"))
chart = state.view("gap_targets", shown, year)
downloads.figure(
    chart.figure,
    chart.table,
    t("gaps.targets_name", year=year),
    key="gaps_targets",
)

st.subheader(t("gaps.benchmarks"))
level = st.radio(
    t("gaps.level"),
    options=["index", "pillar", "indicator"],
    format_func=option_label("gaps.level_"),
    horizontal=True,
    key="gaps_level",
)
compare_with = st.radio(
    t("gaps.against"),
    options=["gap_to_world", "gap_to_high_income"],
    format_func=option_label("gaps."),
    horizontal=True,
    key="gaps_against",
)
chart = state.view("gap_benchmarks", picked, year, level, compare_with)
downloads.figure(
    chart.figure,
    chart.table,
    t("gaps.benchmarks_name", year=year),
    key="gaps_benchmarks",
)
st.caption(t("gaps.benchmarks_note"))

st.subheader(t("gaps.over_time"))
code = st.selectbox(
    t("gaps.measure"),
    options=codes,
    format_func=state.measure_names().__getitem__,
    **state.bind("indicator", "gaps", codes),
)
chart = state.view("gap_over_time", shown, code)
downloads.figure(
    chart.figure,
    chart.table,
    t("gaps.over_time_name", measure=code),
    key="gaps_time",
)

# Each group value's data year and the population behind it (docs/GAPS.md section 3).
st.subheader(t("coverage.page.title"))
st.markdown(t("coverage.page.intro"))
nowcast = st.checkbox(
    t("coverage.page.nowcast", year=year), key="gaps_nowcast", help=t("coverage.page.nowcast_help")
)
shares = {t(f"coverage.col.{c}"): 0 for c in ("reported", "estimated")}
downloads.table(
    state.view("gap_values", shown, year, nowcast), t("coverage.page.table_name", year=year),
    "gaps_values", digits=shares,
)  # fmt: skip
if nowcast:
    st.caption(t("coverage.page.nowcast_caption", year=year))

st.subheader(t("gaps.pace"))
st.markdown(t("gaps.pace_intro"))
downloads.table(state.view("gap_pace", shown, year), t("gaps.pace_name", year=year), "gaps_pace")

st.subheader(t("gaps.regions"))
chart = state.view("gap_regions", year)
downloads.figure(
    chart.figure,
    chart.table,
    t("gaps.regions_name", year=year),
    key="gaps_regions",
)

st.subheader(t("gaps.map"))
target_code = st.selectbox(
    t("gaps.map_indicator"),
    options=targets,
    format_func=state.measure_names().__getitem__,
    key="gaps_map_indicator",
)
chart = state.view("gap_map", year, target_code)
downloads.figure(
    chart.figure,
    chart.table,
    t("gaps.map_name", measure=target_code, year=year),
    key="gaps_map",
)

st.subheader(t("iot_gaps.title"))
st.markdown(t("iot_gaps.intro"))
iot_groups = (
    list(DEFAULT_IOT_GROUPS) if st.toggle(t("iot_gaps.all_groups"), key="gaps_iot_all") else picked
)
topic = st.radio(
    t("iot_gaps.topic"),
    options=list(IOT_CHART_TOPICS),
    format_func=option_label("iot_gaps.topic_"),
    horizontal=True,
    key="gaps_iot_topic",
)
chart = state.view("iot_gap_chart", iot_groups, year, topic)
downloads.figure(
    chart.figure, chart.table, t("iot_gaps.chart_name", year=year), key="gaps_iot_chart"
)
if chart.note:
    st.caption(chart.note)
iot_digits = {t(f"iot_gaps.col.{c}"): 2 for c in IOT_NUMBER_COLUMNS}
downloads.table(
    state.view("iot_gap_table", iot_groups, year), t("iot_gaps.table_name", year=year),
    "gaps_iot_table", digits=iot_digits,
)  # fmt: skip
st.caption(t("iot_gaps.note"))

st.subheader(t("gaps.report"))
report_group = st.selectbox(
    t("gaps.report_group"), options=picked, format_func=lambda g: group_names[g], key="gaps_report"
)
report_download(
    "group", report_group, year, state.current_method(), snap, token=state.data_token(),
    key="gaps_report_file",
)  # fmt: skip

footer()
