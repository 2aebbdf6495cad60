"""Exports of the studies shown (the filters' published studies): CSV, Excel and JSON, each
study with its citation (readiness.experiences.exports), made when a user clicks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.downloads import XLSX
from dashboard.i18n import language, t

FORMATS = (("csv", "text/csv", "csv"), ("xlsx", XLSX, "xlsx"), ("json", "application/json", "json"))


def offer(studies: pd.DataFrame, factors: pd.DataFrame) -> None:
    """Three download buttons; the file is built on the click, in the page's language."""
    from readiness.experiences.exports import export_studies

    lang = language()
    row = st.container(horizontal=True, gap="small")
    for fmt, mime, ext in FORMATS:
        row.download_button(
            t(f"experiences_page.download_{fmt}"),
            data=lambda fmt=fmt: export_studies(studies, factors, fmt, lang),  # type: ignore[misc]
            file_name=f"case-studies-{lang}.{ext}",
            mime=mime,
            key=f"exp_dl_{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )


__all__ = ["FORMATS", "offer"]
