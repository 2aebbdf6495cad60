"""The one module that owns Streamlit caching and session state."""

from __future__ import annotations

import streamlit as st

from readiness.data import Snapshot, load_snapshot


@st.cache_resource(show_spinner=False)
def snapshot() -> Snapshot:
    """The validated snapshot, loaded once per server process (read-only, shared)."""
    return load_snapshot()
