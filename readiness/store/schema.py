"""The store's tables as SQLAlchemy 2 declarative classes; migrations/ builds the same schema.

Times are UTC (`UTCDateTime` hands back aware datetimes on SQLite and PostgreSQL alike). Text
fields a user may leave empty hold "" rather than NULL, so a KPI without a data point has the
data point "" and the unique keys compare as intended; a missing number is never stored as 0:
a value row exists only when the value is known.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from readiness.cities.master import fold

# Constraint names the same on every database, so later migrations can name what they change.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def name_key(name: str) -> str:
    """A city name folded for lookup, as the city master's search folds it ("Karmøy": "karmoy").

    Stored in cities.name_key: a change to readiness.cities.master.fold needs a migration that
    recomputes the keys.
    """
    return fold(name)


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back as an aware UTC datetime on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps the UTC wall time without its zone
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CityRow(Base):
    """A city: from the GeoNames master (geonameid set) or entered by hand."""

    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("name_key", "iso3"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    iso3: Mapped[str] = mapped_column(String(3))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    geonameid: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class CityValueRow(Base):
    """One KPI value of a city for one data point and year, with where it came from."""

    __tablename__ = "city_values"
    __table_args__ = (UniqueConstraint("city_id", "kpi_code", "data_point", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    kpi_code: Mapped[str] = mapped_column(String(40))
    data_point: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    data_quality: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class CityTargetRow(Base):
    """A city's target for one KPI and data point: the user's own, or a documented reference."""

    __tablename__ = "city_targets"
    __table_args__ = (UniqueConstraint("city_id", "kpi_code", "data_point"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    kpi_code: Mapped[str] = mapped_column(String(40))
    data_point: Mapped[str] = mapped_column(String(80))
    target: Mapped[float] = mapped_column(Float)
    # "higher" or "lower" is better; "" follows the KPI's own direction (readiness.cities.kpis).
    direction: Mapped[str] = mapped_column(String(10), server_default="")
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class AuditRow(Base):
    """One write: who (editor), when (UTC), what (action on entity) and its details as JSON."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    editor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(80), index=True)
    detail: Mapped[str] = mapped_column(Text)


# --- experiences (revision 0004): case studies, their coding, workshop polls ------------------


class StoreMetaRow(Base):
    """A small key/value fact about the store itself, such as the digest of the synced library."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseStudyRow(Base):
    """A country experience: from the committed library, submitted by a participant, or imported.

    `session_key` is the sha256 of the submitting browser session's token ("" for the library
    and imports); `submitted_at` and `published_at` are None when they never happened.
    """

    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), unique=True)
    economies: Mapped[str] = mapped_column(Text)
    city_or_region: Mapped[str] = mapped_column(Text)
    sectors: Mapped[str] = mapped_column(String(200))
    technology: Mapped[str] = mapped_column(Text)
    year: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(20))
    stage_detail: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    outcomes: Mapped[str] = mapped_column(Text)
    enabling: Mapped[str] = mapped_column(Text)
    limiting: Mapped[str] = mapped_column(Text)
    source_title: Mapped[str] = mapped_column(Text)
    source_publisher: Mapped[str] = mapped_column(Text)
    source_year: Mapped[str] = mapped_column(String(20))
    source_url: Mapped[str] = mapped_column(Text)
    source_type: Mapped[str] = mapped_column(String(80))
    origin: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    workshop: Mapped[str] = mapped_column(String(6))
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(200))


class CaseFactorRow(Base):
    """One phrase of a study coded to one factor, and the rule that coded it."""

    __tablename__ = "case_factors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(
        ForeignKey("case_studies.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(String(10))
    phrase: Mapped[str] = mapped_column(Text)
    factor: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(Text)


class WorkshopRow(Base):
    """A live poll of a workshop, found by its short code."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(String(10))
    max_choices: Mapped[int] = mapped_column(Integer)
    is_open: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollAnswerRow(Base):
    """One session's answer to a poll (answering again replaces it; `changes` counts answers).

    `iso3` and `role` are "" when the participant did not say.
    """

    __tablename__ = "poll_answers"
    __table_args__ = (UniqueConstraint("workshop_id", "session_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    session_key: Mapped[str] = mapped_column(String(64))
    iso3: Mapped[str] = mapped_column(String(3))
    role: Mapped[str] = mapped_column(String(40))
    changes: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PollChoiceRow(Base):
    """One factor an answer chose, with its rank (1 = first choice)."""

    __tablename__ = "poll_choices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("poll_answers.id", ondelete="CASCADE"), index=True
    )
    factor: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(Integer)
