"""Readiness core: data snapshot, indicator catalogue, index engine, gaps and reports (no Streamlit)."""
