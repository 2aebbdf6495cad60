"""How a new user adds a city, and the import template, which anyone may download (CSV and
Excel, its headers, KPI names and units in the page's language)."""

from __future__ import annotations

import functools

import streamlit as st

from dashboard.downloads import XLSX
from dashboard.i18n import language, t
from readiness.cities.template import template_bytes


@functools.cache
def _template(fmt: str, lang: str) -> bytes:
    return template_bytes("csv" if fmt == "csv" else "xlsx", lang)


def template_downloads(key: str = "cities_template") -> None:
    """The template as CSV and as an Excel workbook, built when a user clicks."""
    lang = language()
    row = st.container(horizontal=True, gap="small")
    for fmt, mime in (("csv", "text/csv"), ("xlsx", XLSX)):
        row.download_button(
            t(f"cities_page.template_{fmt}"),
            data=functools.partial(_template, fmt, lang),
            file_name=f"u4ssc-kpi-template-{lang}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )
    st.caption(t("cities_page.template_note"))


def how_to_add() -> None:
    """The steps to add a city, through the page or the command line."""
    st.markdown(t("cities_page.how_to"))


def empty_store() -> None:
    """What a new user sees while the store holds no city."""
    st.info(t("cities_page.empty"))
    how_to_add()
    template_downloads()


__all__ = ["empty_store", "how_to_add", "template_downloads"]
