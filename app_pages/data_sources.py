"""Data and sources: the catalogue, coverage per economy and indicator, provenance, licences."""

import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import option_label, t
from dashboard.layout import footer, header
from dashboard.refresh_panel import refresh_panel

header(t("data.title"), url_keys=("year", "group"))

snap = state.active_snapshot()
groups = state.groups()
group_names = state.group_labels()
st.markdown(
    t(
        "data.intro",
        economies=snap.values["iso3"].nunique(),
        indicators=len(state.catalogue().indicators),
        first=int(snap.values["year"].min()),
        last=snap.latest_year,
    )
)

tables = state.view("data_tables")  # shared by every session that shows them
st.subheader(t("data.catalogue"))
downloads.table(tables.catalogue, t("data.catalogue_name"), "data_catalogue")

st.subheader(t("data.coverage_map"))
col_year, col_group, col_scope = st.columns([2, 3, 2])
year = col_year.select_slider(t("data.year"), options=state.years(), **state.bind("year", "data"))
group_options = list(groups)
group = col_group.selectbox(
    t("data.group"),
    options=group_options,
    format_func=lambda g: group_names[g],
    **state.bind("group", "data", group_options),
)
scope = col_scope.radio(
    t("data.scope"),
    options=["index", "all"],
    format_func=option_label("data.scope_"),
    key="data_scope",
    horizontal=True,
)
chart = state.view("coverage_map", year, group, scope)
st.caption(t("data.coverage_note", year=year))
downloads.figure(
    chart.figure,
    chart.table,
    t("data.coverage_name", group=group, year=year),
    key="data_coverage_map",
    column_config={c: st.column_config.NumberColumn(format="%d") for c in chart.table.columns[1:]},
)

st.subheader(t("data.coverage"))
downloads.table(tables.coverage, t("data.coverage_table_name"), "data_coverage")

st.subheader(t("data.sources"))
downloads.table(tables.sources, t("data.sources_name"), "data_sources")
st.markdown(f"**{t('data.citations')}**")
# One block, ready to paste as a report's references (two elements a source were 22 messages).
st.code(tables.citations, language=None, wrap_lines=True)

st.subheader(t("data.flags"))
st.caption(t("data.flags_note"))
downloads.table(tables.flags, t("data.flags_name"), "data_flags")

if state.catalogue().excluded:
    st.subheader(t("data.excluded"))
    downloads.table(tables.excluded, t("data.excluded_name"), "data_excluded")

refresh_panel()  # editors: fetch current data and switch the snapshot; others: one line
footer()
