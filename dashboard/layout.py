"""Page furniture shared by every page: header and footer with sources and licences."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard import urlstate
from dashboard.i18n import available_languages, language, option_label, t
from dashboard.state import active_snapshot
from readiness.i18n import direction
from readiness.uploads.safe import markdown_text

# Right to left: the page's direction is set on <html> (so navigation, text, tables and controls
# flip with it); charts stay left to right inside, so axes, legends and hover labels keep their
# places, while their Arabic labels still run right to left.
RTL_CSS = """<style>
.stPlotlyChart, .js-plotly-plot, #js-plotly-tester, .vega-embed, #vg-tooltip-element,
[data-testid="stDataFrame"] canvas {
  direction: ltr;
}
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"] { text-align: start; }
</style>"""


def page_direction() -> None:
    """Set lang and dir on the page's <html> for the session's language (every run, so a switch
    back to a left-to-right language undoes it)."""
    lang = language()
    script = (  # in a function of its own: a second run must not redeclare a global
        "<script>(() => { const h = window.document.documentElement;"
        f"h.setAttribute('lang', '{lang}'); h.setAttribute('dir', '{direction(lang)}'); }})();"
        "</script>"
    )
    st.html(script + (RTL_CSS if direction(lang) == "rtl" else ""), unsafe_allow_javascript=True)


PICKER = "lang_picker"


def _picked() -> None:
    st.session_state["lang"] = st.session_state[PICKER]


def language_picker() -> None:
    """The language selector; the language itself is kept under "lang", which no widget owns,
    so it survives a change of page (Streamlit drops a page's widget state when it leaves)."""
    st.session_state[PICKER] = language()
    st.sidebar.selectbox(
        t("layout.language"), options=list(available_languages()), key=PICKER,
        format_func=option_label("layout.language_"), on_change=_picked,
    )  # fmt: skip


def header(title: str, intro: str = "", url_keys: Iterable[str] = ()) -> None:
    """Title, one line on sources and licences, the page's intro; syncs the URL."""
    urlstate.restore()
    language_picker()
    with st.sidebar:
        page_direction()
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
    # Drawn only once opened (a rerun): every page's first load is a message lighter.
    citations = st.expander(t("layout.citations"), key="footer_citations", on_change="rerun")
    if citations.open:
        # One element for all sources (two per source were a third of a page's messages), and
        # no code block: that would load the highlighter (1.5 MB of script) on every page.
        citations.markdown(
            "\n\n".join(
                f"**{src.name}** — {src.producer}; {t('layout.licence')}: {src.licence}  \n"
                f"{markdown_text(src.citation)}"
                for src in snap.catalogue.sources
            )
        )
