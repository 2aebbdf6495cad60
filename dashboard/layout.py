"""Page furniture shared by every page: header and footer with sources and licences."""

from __future__ import annotations

import streamlit as st

from dashboard.state import snapshot

LICENCE_LINE = (
    "Data: ITU (CC BY-NC-SA 3.0 IGO), World Bank WDI (CC BY 4.0), UN DESA E-Government Survey "
    "(attribution), Open Data Watch ODIN (CC BY 4.0), World Bank GTMI (CC BY 4.0). "
    "Boundaries: Natural Earth (public domain); they imply no opinion on the legal status of any "
    "country or territory."
)


def header(title: str, intro: str = "") -> None:
    st.title(title)
    if intro:
        st.caption(intro)


def footer() -> None:
    snap = snapshot()
    st.divider()
    st.caption(LICENCE_LINE)
    with st.expander("Sources and citations"):
        for src in snap.catalogue.sources:
            st.markdown(f"**{src.name}** — {src.producer}; licence: {src.licence}")
            st.code(src.citation, language=None)
