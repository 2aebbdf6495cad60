"""Readiness core: snapshot, catalogue, index engine, gaps and reports; no Streamlit here."""
