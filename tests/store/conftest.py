"""The store's tests run twice: on a SQLite file and on a real PostgreSQL server.

The server is Debian's PostgreSQL (`bash scripts/ensure-postgres.sh`) started once per session by
scripts/pgtemp.py on 127.0.0.1, in a temporary directory removed at the end. Each test gets a
new empty database. Under CI (CI=true) a server that cannot start fails the tests; elsewhere
they are skipped only when the PostgreSQL binaries are absent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from readiness.store.cities import Store
from readiness.store.engine import open_store
from tests.store.support import read_karmoy, temp_postgres

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """One throwaway PostgreSQL server for the session."""
    yield from temp_postgres()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database (no tables yet) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'readiness.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def karmoy_values(raw_dir: Path) -> pd.DataFrame:
    return read_karmoy(raw_dir)
