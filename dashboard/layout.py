"""Page furniture shared by every page: header and footer with sources and licences."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard import urlstate
from dashboard.i18n import available_languages, t
from dashboard.state import active_snapshot


def header(title: str, intro: str = "", url_keys: Iterable[str] = ()) -> None:
    """Title, one line on sources and licences, the page's intro; syncs the URL."""
    urlstate.restore()
    languages = available_languages()
    if len(languages) > 1:  # English only until the other UN languages' catalogues land
        st.sidebar.selectbox(
            t("layout.language"), options=list(languages), key="lang",
            format_func=lambda code: t(f"layout.language_{code}"),
        )  # fmt: skip
    st.title(title)
    st.caption(t("layout.sources_line"))
    if intro:
        st.markdown(intro)
    problem = st.session_state.pop(urlstate.ERROR, None)
    if problem:
        st.warning(t("layout.bad_link", problem=problem))
    urlstate.publish(url_keys)


def footer() -> None:
    snap = active_snapshot()
    st.divider()
    st.caption(t("layout.licence_line"))
    with st.expander(t("layout.citations")):
        for src in snap.catalogue.sources:
            st.markdown(f"**{src.name}** — {src.producer}; {t('layout.licence')}: {src.licence}")
            st.code(src.citation, language=None)
