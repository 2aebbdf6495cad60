"""Data and sources: the catalogue, coverage per indicator, provenance and licences."""

import streamlit as st

from dashboard.layout import footer, header
from dashboard.state import snapshot

snap = snapshot()
header(
    "Data and sources",
    f"{snap.values['iso3'].nunique()} economies, {len(snap.catalogue.indicators)} indicators, "
    f"values {int(snap.values['year'].min())}-{snap.latest_year}. Missing values are shown as "
    "missing, never as zero; ITU estimates are flagged.",
)

st.subheader("Coverage per indicator")
st.dataframe(snap.coverage, hide_index=True, width="stretch")

st.subheader("Indicator catalogue")
st.dataframe(snap.catalogue.table(), hide_index=True, width="stretch")

footer()
