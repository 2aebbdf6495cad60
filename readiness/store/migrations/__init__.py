"""Alembic migrations of the store's schema; engine.open_store applies them (no alembic.ini)."""
