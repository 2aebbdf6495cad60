"""Streamlit glue: caching, session state and page furniture (pages -> dashboard -> readiness)."""
