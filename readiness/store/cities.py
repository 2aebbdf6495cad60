"""The repository of cities, their KPI values and targets, and the audit log of every write.

Every write names its `editor` and adds an audit_log row in the same transaction as the change,
so the log and the data never disagree. A write to a city first locks that city's row (`SELECT
... FOR UPDATE` on PostgreSQL; SQLite writers take the database's write lock at BEGIN
IMMEDIATE), so writers to one city queue instead of losing each other's rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from readiness.store.base import Sessions
from readiness.store.base import add_audit as _audit
from readiness.store.base import check_editor as _editor
from readiness.store.base import to_frame as _frame
from readiness.store.cases import CaseLibrary
from readiness.store.errors import StoreError
from readiness.store.frames import CleanValues, clean_target, clean_values, in_u4ssc_order
from readiness.store.polls import Polls
from readiness.store.schema import (
    AuditRow,
    CityRow,
    CityTargetRow,
    CityValueRow,
    name_key,
    utc_now,
)

CHUNK = 500  # rows per INSERT or DELETE statement of an import
CITY_COLUMNS = (
    "id", "name", "iso3", "latitude", "longitude", "geonameid", "population",
    "created_at", "created_by", "value_count",
)  # fmt: skip
VALUE_OUT = (
    "kpi_code", "data_point", "year", "value", "unit", "source", "data_quality", "note",
    "updated_at", "updated_by",
)  # fmt: skip
TARGET_OUT = (
    "kpi_code", "data_point", "target", "direction", "source", "updated_at", "updated_by",
)  # fmt: skip
AUDIT_OUT = ("id", "at", "editor", "action", "entity", "detail")


@dataclass(frozen=True)
class City:
    """A stored city (a copy; changing it changes nothing in the store)."""

    id: int
    name: str
    iso3: str
    latitude: float
    longitude: float
    geonameid: int | None
    population: int | None
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, row: CityRow) -> City:
        return cls(
            id=row.id,
            name=row.name,
            iso3=row.iso3,
            latitude=row.latitude,
            longitude=row.longitude,
            geonameid=row.geonameid,
            population=row.population,
            created_at=row.created_at,
            created_by=row.created_by,
        )

    @property
    def label(self) -> str:
        return f"{self.name} ({self.iso3})"


def _place(name: str, iso3: str, latitude: Any, longitude: Any) -> tuple[str, str, float, float]:
    """The name, ISO3 code and coordinates checked; StoreError naming every problem."""
    clean_name, code = str(name or "").strip(), str(iso3 or "").strip().upper()
    problems = []
    if not clean_name or len(clean_name) > 200:
        problems.append("a city needs a name of 1 to 200 characters")
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        problems.append(f"the country must be an ISO3 code such as NOR, not {iso3!r}")
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        lat = lon = math.nan
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append("latitude must be a number in -90..90 and longitude one in -180..180")
    if problems:
        raise StoreError("; ".join(problems))
    return clean_name, code, lat, lon


class Store:
    """Cities and their KPI values in one database (see engine.open_store).

    `cases` (the library of country experiences) and `polls` (workshop polls) share its
    engine, its transactions and its audit log.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = Sessions(engine)
        self._writer = self._sessions.writer
        self.cases = CaseLibrary(self._sessions)
        self.polls = Polls(self._sessions)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def url(self) -> str:
        """The database's URL with the password masked."""
        return self._engine.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Store({self.url})"

    def close(self) -> None:
        """Close the pooled connections (the store may still be used: it reconnects)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._sessions.write() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions.read() as session:
            yield session

    def _locked_city(self, session: Session, city_id: int) -> CityRow:
        query = select(CityRow).where(CityRow.id == int(city_id)).with_for_update()
        row = session.execute(query).scalar_one_or_none()
        if row is None:
            raise StoreError(f"no stored city has the id {city_id}")
        return row

    # --- cities -------------------------------------------------------------------------------

    def create_city(
        self,
        name: str,
        iso3: str,
        latitude: float,
        longitude: float,
        *,
        geonameid: int | None = None,
        population: int | None = None,
        editor: str,
    ) -> City:
        """A new city; StoreError if one of that name (accents aside) is stored in the country."""
        who = _editor(editor)
        clean_name, code, lat, lon = _place(name, iso3, latitude, longitude)
        row = CityRow(
            name=clean_name, name_key=name_key(clean_name), iso3=code, latitude=lat,
            longitude=lon, geonameid=None if geonameid is None else int(geonameid),
            population=None if population is None else int(population),
            created_at=utc_now(), created_by=who,
        )  # fmt: skip
        place = {"name": clean_name, "iso3": code, "latitude": lat, "longitude": lon}
        try:
            with self._write() as session:
                session.add(row)
                session.flush()
                _audit(session, who, "create_city", f"city:{row.id}", **place,
                       geonameid=row.geonameid)  # fmt: skip
        except IntegrityError:
            raise StoreError(
                f"a city called {clean_name!r} is already stored for {code}; open it, or give "
                "this one a distinguishing name"
            ) from None
        return City.of(row)

    def list_cities(self) -> pd.DataFrame:
        """Every city with its number of stored values (`value_count`), by name."""
        counts = (
            select(CityValueRow.city_id, func.count().label("n"))
            .group_by(CityValueRow.city_id)
            .subquery()
        )
        columns = (getattr(CityRow, c) for c in CITY_COLUMNS[:-1])
        query = select(*columns, func.coalesce(counts.c.n, 0), CityRow.name_key).outerjoin(
            counts, counts.c.city_id == CityRow.id
        )
        with self._read() as session:
            rows = session.execute(query).all()
        frame = _frame(rows, (*CITY_COLUMNS, "name_key"), ("created_at",))
        # Sorted here: the database's text order depends on its collation.
        frame = frame.sort_values(["name_key", "iso3"], kind="mergesort", ignore_index=True)
        for column in ("geonameid", "population"):
            frame[column] = frame[column].astype("Int64")
        return frame.drop(columns="name_key").astype({"id": "int64", "value_count": "int64"})

    def get_city(self, key: int | str, *, iso3: str | None = None) -> City:
        """The city with this id, or this name (case and accents aside), in `iso3` if given."""
        with self._read() as session:
            if isinstance(key, int) and not isinstance(key, bool):
                row = session.get(CityRow, key)
                if row is None:
                    raise StoreError(f"no stored city has the id {key}")
                return City.of(row)
            query = select(CityRow).where(CityRow.name_key == name_key(str(key)))
            if iso3:
                query = query.where(CityRow.iso3 == str(iso3).strip().upper())
            found = session.execute(query.order_by(CityRow.iso3)).scalars().all()
        if not found and str(key).strip().isdigit():
            return self.get_city(int(str(key).strip()))
        if not found:
            where = f" in {iso3.upper()}" if iso3 else ""
            raise StoreError(
                f"no stored city is called {key!r}{where}; the list of cities shows their names"
            )
        if len(found) > 1:
            names = ", ".join(f"{r.name} ({r.iso3}, id {r.id})" for r in found)
            raise StoreError(
                f"{len(found)} stored cities are called {key!r}: {names}; say which country"
            )
        return City.of(found[0])

    def delete_city(self, city_id: int, *, editor: str) -> None:
        """Remove a city with its values and targets."""
        who = _editor(editor)
        with self._write() as session:
            row = self._locked_city(session, city_id)
            counted = {
                table.__tablename__: session.scalar(
                    select(func.count()).select_from(table).where(table.city_id == row.id)
                )
                for table in (CityValueRow, CityTargetRow)
            }
            session.execute(delete(CityValueRow).where(CityValueRow.city_id == row.id))
            session.execute(delete(CityTargetRow).where(CityTargetRow.city_id == row.id))
            session.delete(row)
            _audit(
                session,
                who,
                "delete_city",
                f"city:{row.id}",
                name=row.name,
                iso3=row.iso3,
                values=counted["city_values"],
                targets=counted["city_targets"],
            )

    # --- values -------------------------------------------------------------------------------

    def import_values(
        self, city_id: int, values: pd.DataFrame, *, editor: str, replace: bool = True
    ) -> int:
        """Store a table of values in one transaction (all or nothing); the rows written.

        With `replace`, values already stored for the (kpi_code, data_point, year) keys of the
        table are replaced and every other stored value is kept; without it, a key already
        stored is an error. Targets in the table (target, target_source) are set too.
        """
        who = _editor(editor)
        clean = clean_values(values)
        with self._write() as session:
            city = self._locked_city(session, city_id)
            replaced = self._clear_keys(session, city.id, clean, replace=replace)
            now = utc_now()
            rows = [
                {**row, "city_id": city.id, "updated_at": now, "updated_by": who}
                for row in clean.values
            ]
            for start in range(0, len(rows), CHUNK):
                session.execute(insert(CityValueRow), rows[start : start + CHUNK])
            for target in clean.targets:
                self._put_target(session, city.id, who, now, **target)
            _audit(
                session,
                who,
                "import_values",
                f"city:{city.id}",
                city=City.of(city).label,
                rows=len(rows),
                replaced=replaced,
                targets=len(clean.targets),
                kpis=len({r["kpi_code"] for r in rows}),
            )
        return len(rows)

    def _clear_keys(
        self, session: Session, city_id: int, clean: CleanValues, *, replace: bool
    ) -> int:
        """Delete the stored values whose keys the import brings; how many were deleted."""
        keys = {(r["kpi_code"], r["data_point"], r["year"]) for r in clean.values}
        stored = session.execute(
            select(
                CityValueRow.id, CityValueRow.kpi_code, CityValueRow.data_point, CityValueRow.year
            ).where(CityValueRow.city_id == city_id)
        ).all()
        clashing = [row for row in stored if (row[1], row[2], row[3]) in keys]
        if clashing and not replace:
            shown = ", ".join(f"{r[1]} {r[2]} {r[3]}".replace("  ", " ") for r in clashing[:5])
            raise StoreError(
                f"nothing was stored: {len(clashing)} value(s) are already stored for this city "
                f"({shown}...); import them with replace to overwrite them"
            )
        ids = [row[0] for row in clashing]
        for start in range(0, len(ids), CHUNK):
            session.execute(
                delete(CityValueRow).where(CityValueRow.id.in_(ids[start : start + CHUNK]))
            )
        return len(ids)

    def set_value(
        self,
        city_id: int,
        kpi_code: str,
        year: int,
        value: float,
        *,
        data_point: str = "",
        unit: str = "",
        source: str = "",
        data_quality: str = "",
        note: str = "",
        editor: str,
    ) -> None:
        """Enter or correct one value (checked as an import is)."""
        row = {
            "kpi_code": kpi_code,
            "data_point": data_point,
            "year": year,
            "value": value,
            "unit": unit,
            "source": source,
            "data_quality": data_quality,
            "note": note,
        }
        who = _editor(editor)
        (clean,) = clean_values(pd.DataFrame([row])).values
        with self._write() as session:
            city = self._locked_city(session, city_id)
            old = session.execute(
                select(CityValueRow).where(
                    CityValueRow.city_id == city.id,
                    CityValueRow.kpi_code == clean["kpi_code"],
                    CityValueRow.data_point == clean["data_point"],
                    CityValueRow.year == clean["year"],
                )
            ).scalar_one_or_none()
            before = None if old is None else old.value
            if old is None:
                old = CityValueRow(city_id=city.id)
                session.add(old)
            for column, item in clean.items():
                setattr(old, column, item)
            old.updated_at, old.updated_by = utc_now(), who
            _audit(
                session,
                who,
                "set_value",
                f"city:{city.id}",
                kpi_code=clean["kpi_code"],
                data_point=clean["data_point"],
                year=clean["year"],
                before=before,
                after=clean["value"],
            )

    def delete_value(
        self, city_id: int, kpi_code: str, year: int, *, data_point: str = "", editor: str
    ) -> None:
        """Remove one stored value; StoreError if there is none."""
        who = _editor(editor)
        with self._write() as session:
            city = self._locked_city(session, city_id)
            row = session.execute(
                select(CityValueRow).where(
                    CityValueRow.city_id == city.id,
                    CityValueRow.kpi_code == kpi_code,
                    CityValueRow.data_point == (data_point or ""),
                    CityValueRow.year == int(year),
                )
            ).scalar_one_or_none()
            if row is None:
                raise StoreError(f"{city.name} has no value of {kpi_code} {data_point} for {year}")
            session.delete(row)
            _audit(
                session,
                who,
                "delete_value",
                f"city:{city.id}",
                kpi_code=kpi_code,
                data_point=row.data_point,
                year=row.year,
                before=row.value,
            )

    def values(self, city_id: int) -> pd.DataFrame:
        """The city's values in the U4SSC order of KPIs and data points, then by year."""
        query = select(*(getattr(CityValueRow, c) for c in VALUE_OUT)).where(
            CityValueRow.city_id == int(city_id)
        )
        with self._read() as session:
            if session.get(CityRow, int(city_id)) is None:
                raise StoreError(f"no stored city has the id {city_id}")
            rows = session.execute(query).all()
        frame = _frame(rows, VALUE_OUT, ("updated_at",))
        return in_u4ssc_order(frame.astype({"year": "int64", "value": "float64"}), ("year",))

    # --- targets ------------------------------------------------------------------------------

    def _put_target(
        self,
        session: Session,
        city_id: int,
        editor: str,
        now: datetime,
        *,
        kpi_code: str,
        data_point: str,
        target: float | None,
        direction: str,
        source: str,
    ) -> float | None:
        """Set (or with None remove) one target; the target it replaced."""
        row = session.execute(
            select(CityTargetRow).where(
                CityTargetRow.city_id == city_id,
                CityTargetRow.kpi_code == kpi_code,
                CityTargetRow.data_point == data_point,
            )
        ).scalar_one_or_none()
        before = None if row is None else row.target
        if target is None:
            if row is not None:
                session.delete(row)
            return before
        if row is None:
            row = CityTargetRow(city_id=city_id, kpi_code=kpi_code, data_point=data_point)
            session.add(row)
        row.target, row.direction, row.source = target, direction, source
        row.updated_at, row.updated_by = now, editor
        return before

    def set_target(
        self,
        city_id: int,
        kpi_code: str,
        target: float | None,
        *,
        data_point: str = "",
        source: str,
        direction: str = "",
        editor: str,
    ) -> None:
        """Set a city's target for a KPI; None removes it.

        `source`: the reference it comes from, or "" for the user's own ("user"); `direction`:
        "higher" or "lower" is better, "" to follow the KPI's own direction.
        """
        who = _editor(editor)
        given = clean_target(kpi_code, data_point, target, source, direction)
        with self._write() as session:
            city = self._locked_city(session, city_id)
            before = self._put_target(session, city.id, who, utc_now(), **given)
            _audit(session, who, "set_target", f"city:{city.id}", before=before, **given)

    def targets(self, city_id: int) -> pd.DataFrame:
        """The city's targets with their sources, in the U4SSC order of KPIs and data points."""
        query = select(*(getattr(CityTargetRow, c) for c in TARGET_OUT)).where(
            CityTargetRow.city_id == int(city_id)
        )
        with self._read() as session:
            rows = session.execute(query).all()
        frame = _frame(rows, TARGET_OUT, ("updated_at",))
        return in_u4ssc_order(frame.astype({"target": "float64"}))

    # --- audit --------------------------------------------------------------------------------

    def audit(
        self, limit: int = 200, *, entity: str | None = None, kind: str | None = None
    ) -> pd.DataFrame:
        """The latest writes first: when (UTC), editor, action, entity ("city:<id>"), detail;
        `entity` one entity, `kind` one kind of entity ("city" for "city:<id>")."""
        query = select(*(getattr(AuditRow, c) for c in AUDIT_OUT))
        if entity is not None:
            query = query.where(AuditRow.entity == entity)
        if kind is not None:
            query = query.where(AuditRow.entity.startswith(f"{kind}:", autoescape=True))
        query = query.order_by(AuditRow.id.desc()).limit(int(limit))
        with self._read() as session:
            rows = session.execute(query).all()
        return _frame(rows, AUDIT_OUT, ("at",)).astype({"id": "int64"})
