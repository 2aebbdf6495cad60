"""What a form shows after a write: the store's refusal in the page's words, or a message for
the next run (a write is followed by a rerun, so every section shows the new data)."""

from __future__ import annotations

import streamlit as st

from dashboard.cities import controls
from dashboard.i18n import t
from readiness.errors import ReadinessError
from readiness.uploads.safe import markdown_text


def refused(exc: ReadinessError) -> None:
    """A write the store refused: the page's own words, then the store's reason as text."""
    st.error(t("cities_page.write_failed"))
    st.caption(markdown_text(str(exc).splitlines()[0]))


def done(text: str, city_id: int | None = None) -> None:
    if city_id is not None:
        controls.select(city_id)
    controls.flash("success", text)
    st.rerun()


__all__ = ["done", "refused"]
