"""Fixtures of the tests of pages on a store of their own (cities, experiences, poll, sign-in):
the store, an editor account and the files a page offers for download.

Their helpers (sign-in, row counts, widget listing) are in store_support.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.auth import session as auth_session
from dashboard.cities import store as cities_store
from dashboard.experiences import reader as experiences_reader
from readiness.store.accounts import ENV_ACCOUNTS, ENV_EDITOR_EMAILS, Throttle, hash_password
from readiness.store.errors import DB_ENV_VAR
from tests.app.store_support import PASSWORD


def _forget_reads() -> None:
    cities_store.clear()
    experiences_reader.clear()


@pytest.fixture
def db(tmp_path, monkeypatch) -> Iterator[str]:
    """An empty store of this test only (READINESS_DB_URL, a SQLite file); no editor accounts;
    the pages' cached stores and reads forgotten before and after."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.setenv(DB_ENV_VAR, url)
    monkeypatch.delenv(ENV_ACCOUNTS, raising=False)
    monkeypatch.delenv(ENV_EDITOR_EMAILS, raising=False)
    _forget_reads()
    yield url
    _forget_reads()


@pytest.fixture(scope="session")
def ana_hash() -> str:
    return hash_password(PASSWORD)  # a real argon2id hash, made here


@pytest.fixture
def editors(monkeypatch, ana_hash) -> Iterator[None]:
    """One local editor account (ana) and a fresh sign-in throttle."""
    monkeypatch.setenv(ENV_ACCOUNTS, f"ana:{ana_hash}")
    monkeypatch.setattr(auth_session, "THROTTLE", Throttle())
    yield


@pytest.fixture
def deferred(monkeypatch) -> dict[str, Callable[[], Any]]:
    """The files the page offers for download, by file name (their data made on a click)."""
    offered: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        offered[str(file_name)] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return offered
