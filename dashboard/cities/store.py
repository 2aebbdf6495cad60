"""The store behind the Cities page: one Store per process and database URL, and the reads every
session shares.

Everything here is what any visitor may read (cities, their values, targets and scores, the
national context), so it is shared across sessions; nothing of one session (its editor, its
choices, an upload) is kept. Reads are keyed by the store's latest write (the id of the newest
audit_log row): a write through this page, another replica or the CLI shows on the next run,
and a run asks the database one small question when nothing changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from dashboard import state
from dashboard.overlay_cache import SharedValues, token_cache
from readiness.cities.national import NationalContext, national_context
from readiness.cities.scoring import CityScore, score_city
from readiness.errors import ReadinessError
from readiness.store.cities import City, Store
from readiness.store.engine import database_url, open_store
from readiness.store.errors import connection_error
from readiness.store.schema import AuditRow

T = TypeVar("T")
_OPENED: dict[str, Store] = {}  # the stores opened by this process, closed by `clear()`
_LOCK = threading.Lock()
_READS = SharedValues(256)  # (url, version, what, *args) -> a read-only frame or object


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str) -> Store:
    opened = open_store(url)  # migrates the schema to the newest on first open
    with _LOCK:
        _OPENED[url] = opened
    return opened


def store() -> Store:
    """The store of `database_url()` (READINESS_DB_URL, else the local SQLite file); StoreError
    when it cannot be opened."""
    return _open(database_url())


def clear() -> None:
    """Close and forget every store and read of this process (tests switch databases)."""
    _open.clear()
    _READS.clear()
    _national.clear()  # type: ignore[attr-defined]
    with _LOCK:
        opened = list(_OPENED.values())
        _OPENED.clear()
    for item in opened:
        item.close()


@dataclass(frozen=True)
class CityData:
    """One city as stored: the city, its values and its targets (shared: never change them)."""

    city: City
    values: pd.DataFrame
    targets: pd.DataFrame


@dataclass(frozen=True)
class Reader:
    """The store as of one write (`version`): the reads of a page run, shared by every session
    that reads the same version. Frames it returns are shared: never change them."""

    store: Store
    version: int

    def shared(self, what: str, *args: Hashable, build: Callable[[], T]) -> T:
        """`build()`, made once for every session reading this version with these arguments
        (a view of the stored data: never change it)."""
        return _READS.get_or_build((self.store.url, self.version, what, *args), build)

    def cities(self) -> pd.DataFrame:
        """Every stored city with its number of values, by name."""
        return self.shared("cities", build=self.store.list_cities)

    def city(self, city_id: int) -> CityData:
        """The city, its values and targets; StoreError if it is not stored (any longer)."""

        def build() -> CityData:
            return CityData(
                self.store.get_city(int(city_id)),
                self.store.values(int(city_id)),
                self.store.targets(int(city_id)),
            )

        return self.shared("city", int(city_id), build=build)

    def score(self, city_id: int, year: int | None = None) -> CityScore:
        """The city's U4SSC scores: its latest values (at or before `year`), its own targets
        and the documented reference targets."""

        def build() -> CityScore:
            data = self.city(city_id)
            return score_city(data.values, data.targets, year=year)

        return self.shared("score", int(city_id), year, build=build)

    def audit(self, limit: int = 200) -> pd.DataFrame:
        """The latest writes to cities first (only editors are shown it)."""
        return self.shared("audit", int(limit), build=lambda: self.store.audit(limit, kind="city"))


def reader() -> Reader:
    """The store as of its latest write; StoreError when the database cannot be reached."""
    opened = store()
    try:
        with opened.engine.connect() as connection:
            latest = connection.execute(select(func.max(AuditRow.id))).scalar()
    except OperationalError as error:
        raise connection_error(error, opened.engine.url) from None
    return Reader(opened, int(latest or 0))


@token_cache(64)
def _national(
    token: str, iso3: str, year: int, key: str, _snap: object, _res: object
) -> NationalContext:
    return national_context(iso3, year, snapshot=_snap, result=_res)


def national(iso3: str) -> NationalContext | None:
    """The country behind a city (the session's data, method and reference year), or None when
    the country is not an economy of the index's data."""
    if iso3 not in set(state.all_economies()):
        return None
    year, method = state.current_year(), state.current_method()
    try:
        found = _national(
            state.data_token(),
            iso3,
            int(year),
            state.method_key(method),
            state.active_snapshot(),
            state.result(year, method),
        )
    except ReadinessError:
        return None
    return found


__all__ = ["CityData", "Reader", "clear", "national", "reader", "store"]
