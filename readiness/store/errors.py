"""The store's user error, and turning a driver's failure into one that never shows a password."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from readiness.errors import ReadinessError

DB_ENV_VAR = "READINESS_DB_URL"


class StoreError(ReadinessError):
    """The store cannot do what was asked: bad URL, unreachable database, invalid data."""


def _reason(error: DBAPIError, url: URL) -> str:
    lines = [line.strip() for line in str(error.orig).strip().splitlines() if line.strip()]
    reason = " ".join(lines[:2]) or type(error.orig).__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return reason


def connection_error(error: DBAPIError, url: URL) -> StoreError:
    """A user error naming the server (host:port) or file and why, never the password."""
    reason = _reason(error, url)
    if url.get_backend_name() == "postgresql":
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
        return StoreError(
            f"cannot use the PostgreSQL database {url.database!r} at {where}: {reason}. "
            f"Check that the server is running and that {DB_ENV_VAR} or --db is right"
        )
    return StoreError(f"cannot use the SQLite database {url.database}: {reason}")
