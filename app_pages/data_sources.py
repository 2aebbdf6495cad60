"""Data and sources: the catalogue, coverage per economy and indicator, provenance, licences."""

import pandas as pd
import streamlit as st

from dashboard import downloads, state
from dashboard.i18n import labelled, option_label, t, translated
from dashboard.layout import footer, header
from readiness.figures import views

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

st.subheader(t("data.catalogue"))
catalogue_table = state.catalogue().table().rename(columns={"name": "indicator_name"})
catalogue_table["role"] = translated(catalogue_table["role"], "data.role")
downloads.table(labelled(catalogue_table), t("data.catalogue_name"), "data_catalogue")

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
downloads.table(labelled(snap.coverage), t("data.coverage_table_name"), "data_coverage")

st.subheader(t("data.sources"))
sources = views.sources_table(state.catalogue())
downloads.table(labelled(sources), t("data.sources_name"), "data_sources")
st.markdown(f"**{t('data.citations')}**")
# One block, ready to paste as a report's references (two elements a source were 22 messages).
st.code(
    "\n\n".join(
        src.citation if src.licence in src.citation
        else f"{src.citation} {t('layout.licence')}: {src.licence}."
        for src in state.catalogue().sources
    ),
    language=None,
    wrap_lines=True,
)  # fmt: skip

if state.catalogue().excluded:
    st.subheader(t("data.excluded"))
    downloads.table(
        labelled(pd.DataFrame(list(state.catalogue().excluded))),
        t("data.excluded_name"),
        "data_excluded",
    )

footer()
