"""Developing-country gaps: groups against the 2030 targets, the world and high income."""

import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import labelled, t
from dashboard.layout import footer, header
from dashboard.reports import report_download
from readiness.figures import charts, maps, palette, views
from readiness.gaps.analysis import economy_gaps

header(t("gaps.title"), t("gaps.intro"), url_keys=("groups", "indicator", "year", "method"))

snap = state.active_snapshot()
names = state.names()
group_names = state.group_labels()
inputs = state.gap_inputs()
table = state.gap_table()
targets = list(inputs.targets.indicators)
measures = views.measures(state.catalogue()).set_index("code")
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
matrix = views.gap_matrix(table, shown, year, targets, "to_go", scale=100)
downloads.figure(
    charts.heatmap(
        matrix, unit=t("gaps.to_go_unit"), colorscale=palette.GAP_SCALE, zrange=(0, 100)
    ),
    labelled(views.gaps_at(table, shown, year, targets)),
    t("gaps.targets_name", year=year),
    key="gaps_targets",
)

st.subheader(t("gaps.benchmarks"))
level = st.radio(
    t("gaps.level"),
    options=["index", "pillar", "indicator"],
    format_func=lambda lv: t(f"gaps.level_{lv}"),
    horizontal=True,
    key="gaps_level",
)
level_codes = [c for c, lv in zip(inputs.codes, inputs.levels, strict=True) if lv == level]
compare_with = st.radio(
    t("gaps.against"),
    options=["gap_to_world", "gap_to_high_income"],
    format_func=lambda c: t(f"gaps.{c}"),
    horizontal=True,
    key="gaps_against",
)
bench = views.gap_matrix(table, picked, year, level_codes, compare_with)
downloads.figure(
    charts.heatmap(
        bench, unit=t("gaps.gap_unit"), colorscale=palette.DIVERGING, reverse=True, zmid=0, digits=1
    ),
    labelled(views.gaps_at(table, picked, year, level_codes)),
    t("gaps.benchmarks_name", year=year),
    key="gaps_benchmarks",
)
st.caption(t("gaps.benchmarks_note"))

st.subheader(t("gaps.over_time"))
code = st.selectbox(
    t("gaps.measure"),
    options=codes,
    format_func=lambda c: measures.at[c, "name"],
    **state.bind("indicator", "gaps", codes),
)
trend = views.gap_over_time(table, shown, code)
downloads.figure(
    charts.lines(
        trend,
        x="reference_year",
        y="weighted",
        series="group_label",
        title=measures.at[code, "name"],
        unit=str(measures.at[code, "unit"]),
    ),
    labelled(trend),
    t("gaps.over_time_name", measure=code),
    key="gaps_time",
)

st.subheader(t("gaps.pace"))
st.markdown(t("gaps.pace_intro"))
pace = views.gaps_at(table, shown, year, targets)[
    ["group_label", "measure", "weighted", "target", "trend", "reach_year", "outlook",
     "required_pace", "coverage"]
]  # fmt: skip
downloads.table(labelled(pace), t("gaps.pace_name", year=year), "gaps_pace")

st.subheader(t("gaps.regions"))
regions = [g for g in group_names if g.startswith("ITU_")]
aggregates = [c for c, lv in zip(inputs.codes, inputs.levels, strict=True) if lv != "indicator"]
region_codes = [*aggregates, *targets]
region_matrix = views.gap_matrix(table, regions, year, region_codes, "weighted")
downloads.figure(
    charts.heatmap(region_matrix, unit=t("gaps.value_unit"), digits=0),
    labelled(views.gaps_at(table, regions, year, region_codes)),
    t("gaps.regions_name", year=year),
    key="gaps_regions",
)

st.subheader(t("gaps.map"))
target_code = st.selectbox(
    t("gaps.map_indicator"),
    options=targets,
    format_func=lambda c: measures.at[c, "name"],
    key="gaps_map_indicator",
)
map_rows = views.economy_gap_map(
    economy_gaps(inputs, year, codes=[target_code]), names, t("gaps.band")
)
downloads.figure(
    maps.choropleth(
        map_rows,
        title=t("gaps.map_title", measure=measures.at[target_code, "name"], year=year),
        unit=str(measures.at[target_code, "unit"]),
        points=state.small_state_points(),
        colorscale=palette.GAP_SCALE,
        labels={**{k: t(f"map.hover.{k}") for k in maps.MAP_LABELS}, "value": t("gaps.gap")},
    ),
    labelled(map_rows.drop(columns=["note"])),
    t("gaps.map_name", measure=target_code, year=year),
    key="gaps_map",
)

st.subheader(t("gaps.report"))
report_group = st.selectbox(
    t("gaps.report_group"), options=picked, format_func=lambda g: group_names[g], key="gaps_report"
)
report_download(
    "group", report_group, year, state.current_method(), snap, token=state.data_token(),
    key="gaps_report_file",
)  # fmt: skip

footer()
