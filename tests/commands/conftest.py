"""Fixtures of the CLI's tests: one throwaway PostgreSQL server on 127.0.0.1 for the session (the
store's tests start theirs the same way, tests/store/support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.store.support import temp_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """Started on first use; each test module makes its own database on it."""
    yield from temp_postgres()
