"""engine.py: where the database is, how URLs are read, and the errors a user sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from readiness.errors import ReadinessError
from readiness.paths import REPO_ROOT
from readiness.store import engine
from readiness.store.engine import (
    StoreError,
    create_store_engine,
    current_revision,
    database_url,
    head_revision,
    mask_url,
    open_store,
    parse_url,
    state_dir,
)
from tests.store.support import pgtemp


def test_the_default_database_is_a_sqlite_file_in_the_state_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("READINESS_DB_URL", raising=False)
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state" / "here"))
    assert database_url() == f"sqlite:///{tmp_path / 'state' / 'here' / 'readiness.sqlite3'}"
    assert (tmp_path / "state" / "here").is_dir()  # created on demand


def test_a_checkout_keeps_its_state_in_var(monkeypatch):
    monkeypatch.delenv("READINESS_STATE_DIR", raising=False)
    assert state_dir() == REPO_ROOT / "var"
    assert "/var/" in (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_readiness_db_url_names_another_database(monkeypatch, tmp_path):
    monkeypatch.setenv("READINESS_DB_URL", "postgresql://editor:pw@db.example:5433/readiness")
    assert database_url() == "postgresql://editor:pw@db.example:5433/readiness"
    store = open_store(f"sqlite:///{tmp_path / 'given.sqlite3'}")  # an explicit URL wins
    assert store.url.endswith("given.sqlite3")
    store.close()


@pytest.mark.parametrize(
    "url", ["postgresql://u:p@h/db", "postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"]
)
def test_postgresql_urls_connect_through_psycopg_3(url):
    assert parse_url(url).drivername == "postgresql+psycopg"


def test_urls_are_shown_with_the_password_masked():
    masked = mask_url("postgresql+psycopg://editor:s3cret@db:5432/readiness")
    assert "s3cret" not in masked and "editor:***@db:5432/readiness" in masked


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a database url", "not a database URL"),
        ("mysql://editor:s3cret@db/readiness", "SQLite or PostgreSQL, not 'mysql'"),
        ("postgresql+psycopg2://editor:s3cret@db/readiness", "not 'postgresql+psycopg2'"),
    ],
)
def test_a_bad_url_is_a_user_error(url, says):
    with pytest.raises(StoreError, match=re.escape(says)) as raised:
        open_store(url)
    assert isinstance(raised.value, ReadinessError)
    assert "s3cret" not in str(raised.value)


def test_an_unreachable_server_is_named_without_its_password():
    port = pgtemp.free_port()  # nothing listens there
    with pytest.raises(StoreError) as raised:
        open_store(f"postgresql://editor:s3cret-pw@127.0.0.1:{port}/readiness")
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "s3cret-pw" not in message
    assert "Check that the server is running" in message


def test_a_wrong_password_is_refused_without_echoing_it(postgres_server):
    url = postgres_server.url().replace(postgres_server.password, "not-the-password")
    with pytest.raises(StoreError, match="password authentication failed") as raised:
        open_store(url)
    assert "not-the-password" not in str(raised.value)
    assert postgres_server.password not in str(raised.value)


def test_a_sqlite_file_that_cannot_be_opened_is_a_user_error(tmp_path):
    with pytest.raises(StoreError, match="cannot use the SQLite database"):
        open_store(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.sqlite3'}")
    not_a_db = tmp_path / "notes.sqlite3"
    not_a_db.write_text("these are notes, not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="file is not a database"):
        open_store(f"sqlite:///{not_a_db}")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with store.engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    store.close()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": engine.BUSY_TIMEOUT_MS,
    }


def test_opening_creates_the_schema_at_head_once(db_url):
    store = open_store(db_url)
    again = open_store(db_url)  # a second open finds it current and changes nothing
    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision() == "0004"
        rows = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
    assert rows == 1
    # The library was synced once, by the first open: the second found it current.
    assert store.list_cities().empty and store.audit()["action"].tolist() == ["sync_library"]
    if store.engine.dialect.name == "postgresql":
        password = str(store.engine.url.password)
        assert password not in store.url and password not in repr(store)
    store.close()
    again.close()


def test_a_database_newer_than_the_code_is_refused(db_url):
    open_store(db_url).close()
    bare = create_store_engine(parse_url(db_url))
    with bare.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d0099'"))
    bare.dispose()
    with pytest.raises(StoreError, match="'f00d0099', newer than this version of the tool"):
        open_store(db_url)


def test_a_database_holding_tables_of_another_tool_is_refused(db_url):
    bare = create_store_engine(parse_url(db_url))
    with bare.begin() as connection:
        connection.execute(text("CREATE TABLE cities (id INTEGER PRIMARY KEY, label TEXT)"))
    bare.dispose()
    with pytest.raises(
        StoreError, match="already holds table\\(s\\) cities that this tool did not"
    ):
        open_store(db_url)


def test_the_state_dir_holds_the_default_store(monkeypatch, tmp_path):
    monkeypatch.delenv("READINESS_DB_URL", raising=False)
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path))
    store = open_store()
    store.create_city("Karmøy", "NOR", 59.2833, 5.2833, editor="tester")
    store.close()
    assert Path(tmp_path / "readiness.sqlite3").stat().st_size > 0
