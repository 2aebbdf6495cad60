"""Compare: economies and groups side by side on any indicator or pillar, and over time."""

import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import labelled, option_label, t
from dashboard.layout import footer, header
from readiness.figures import charts, views

header(
    t("compare.title"),
    t("compare.intro"),
    url_keys=("peers", "groups", "indicator", "year", "method"),
)

snap = state.active_snapshot()
names = state.names()
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
    format_func=lambda c: measures.at[c, "name"],
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

chosen_groups = [groups[g] for g in picked_groups]
result = state.result(year)
fw = result.framework
name = measures.at[code, "name"]
unit = str(measures.at[code, "unit"])
if view == "bars":
    table = views.compare_at(
        result, state.catalogue(), snap.values, picked, chosen_groups, [code], names, group_names
    )
    fig = charts.bars(
        table,
        category="who",
        value="value",
        title=f"{name}, {year}",
        unit=unit,
        accent=table.loc[table["kind"] == "group", "who"].tolist(),
    )
    title = t("compare.download_bars", measure=code, year=year)
elif view in ("radar", "heatmap"):
    every_pillar = t("compare.axes_pillars")
    axes = st.radio(
        t("compare.axes"),
        options=["", *fw.pillars],
        format_func=lambda p: fw.by_code[p].name if p else every_pillar,
        horizontal=True,
        key="compare_axes",
    )
    if axes:
        axis_codes = [c for c in fw.indicators if fw.by_code[c].parent == axes]
    else:
        axis_codes = [*([fw.index_code] if view == "heatmap" else []), *fw.pillars]
    table = views.compare_at(
        result, state.catalogue(), snap.values, picked, chosen_groups, axis_codes, names,
        group_names, normalised=True,
    )  # fmt: skip
    subject = fw.by_code[axes].name if axes else t("compare.axes_pillars")
    if view == "radar":
        fig = charts.radar(
            table,
            axis="measure",
            value="value",
            series="who",
            title=t("compare.radar_title", subject=subject, year=year),
        )
    else:
        matrix = table.pivot_table(index="who", columns="measure", values="value", sort=False)
        fig = charts.heatmap(matrix, unit=t("compare.score"), zrange=(0, 100), digits=1)
    title = t(f"compare.download_{view}", subject=axes or "pillars", year=year)
else:
    table = views.compare_over_time(
        state.results_by_year(), state.catalogue(), snap.values, picked, chosen_groups, code, names,
        group_names,
    )  # fmt: skip
    fig = charts.lines(table, x="reference_year", y="value", series="who", title=name, unit=unit)
    title = t("compare.download_time", measure=code)

downloads.figure(fig, labelled(table), title, key=f"compare_{view}")
if chosen_groups:
    st.caption(t("compare.group_note"))

footer()
