"""Which database the store uses, how to connect to it, and bringing its schema to the newest.

`database_url()` is `READINESS_DB_URL` when set, else a SQLite file `readiness.sqlite3` in the
state directory: `READINESS_STATE_DIR`, else `var/` in a checkout (gitignored), else
`$XDG_STATE_HOME/readiness` (`~/.local/state/readiness`) for an installed package; the folder
is created on first use. PostgreSQL URLs (`postgresql://`, `postgres://` or
`postgresql+psycopg://`) connect through psycopg 3.

`open_store(url)` upgrades the schema to the newest Alembic revision before it returns. Several
processes may open one database at once: on PostgreSQL the upgrade runs under a transaction-level
advisory lock, on SQLite inside one `BEGIN IMMEDIATE` transaction, so exactly one process
migrates and the others then find the schema current. The case-study library is then synced
the same way (CaseLibrary.sync_library: one transaction under a lock, skipped when the digest
of the committed library is the one the store holds). A URL is shown only with its password
masked (`mask_url`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, pool, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from readiness.paths import REPO_ROOT
from readiness.store.base import WRITE_OPTION
from readiness.store.cities import Store
from readiness.store.errors import DB_ENV_VAR, StoreError, connection_error
from readiness.store.schema import Base

STATE_ENV_VAR = "READINESS_STATE_DIR"
DB_FILE = "readiness.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another one before giving up
CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key held while one process migrates a PostgreSQL database.
MIGRATION_LOCK_KEY = 7_166_437_022
_POSTGRES_NAMES = {"postgresql", "postgres", "postgresql+psycopg"}


def state_dir() -> Path:
    """The folder of local state (the default SQLite file), created on demand."""
    override = os.environ.get(STATE_ENV_VAR)
    if override:
        folder = Path(override).expanduser().resolve()
    elif (REPO_ROOT / "pyproject.toml").is_file():
        folder = REPO_ROOT / "var"
    else:
        xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        folder = Path(xdg).expanduser() / "readiness"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database_url() -> str:
    """`READINESS_DB_URL`, else the SQLite file in the state directory."""
    return os.environ.get(DB_ENV_VAR) or f"sqlite:///{state_dir() / DB_FILE}"


def mask_url(url: str | URL) -> str:
    """The URL with its password replaced by ***, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it, PostgreSQL ones on psycopg 3; StoreError if unusable."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise StoreError(
            f"{DB_ENV_VAR} or --db is not a database URL ({mask_url(url)}); use e.g. "
            "sqlite:///path/to/readiness.sqlite3 or postgresql://user:password@host:5432/readiness"
        ) from None
    if parsed.drivername in _POSTGRES_NAMES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in {"sqlite", "sqlite+pysqlite"}:
        return parsed
    raise StoreError(
        f"the store runs on SQLite or PostgreSQL, not {parsed.drivername!r} "
        f"({mask_url(parsed)}); use a sqlite:/// or postgresql:// URL"
    )


def create_store_engine(url: URL) -> Engine:
    """An engine with the store's connection settings (see the module's docstring)."""
    if url.get_backend_name() == "postgresql":
        args = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(url, pool_pre_ping=True, connect_args=args)
    memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:  # one shared connection, or each would see its own empty database
        options = {"poolclass": pool.StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, **options)
    _sqlite_settings(engine, wal=not memory)
    return engine


def _sqlite_settings(engine: Engine, *, wal: bool) -> None:
    """WAL, a busy timeout and foreign keys; BEGIN IMMEDIATE for writes (see `Store`)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A writer takes the write lock at BEGIN, so it waits its turn (busy_timeout) instead
        # of failing when a read transaction would have to be upgraded to a write one.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store's migrations (for Alembic commands by hand too)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = parse_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The database's schema revision (None when it has none yet)."""
    return MigrationContext.configure(connection).get_current_revision()


def _check_not_newer(current: str | None, where: str) -> None:
    if current is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError:
        raise StoreError(
            f"the database {where} has schema revision {current!r}, newer than this version of "
            f"the tool knows (newest {head_revision()!r}); upgrade the tool, or point "
            f"{DB_ENV_VAR} at another database"
        ) from None


def _check_no_foreign_tables(connection: Connection, where: str) -> None:
    """A database without a schema revision must not hold tables of the store's names."""
    clash = sorted(set(inspect(connection).get_table_names()) & set(Base.metadata.tables))
    if clash:
        raise StoreError(
            f"the database {where} already holds table(s) {', '.join(clash)} that this tool did "
            f"not make; point {DB_ENV_VAR} or --db at a new, empty database"
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`, one process at a time; a no-op when already there."""
    where = mask_url(engine.url)
    target = head_revision() if revision == "head" else revision
    with engine.connect() as connection:
        current = current_revision(connection)
    _check_not_newer(current, where)
    if current == target:
        return
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        current = current_revision(connection)  # another process may have migrated meanwhile
        _check_not_newer(current, where)
        if current is None:
            _check_no_foreign_tables(connection, where)
        if current != target:
            command.upgrade(alembic_config(connection=connection), revision)


def open_store(url: str | None = None) -> Store:
    """The store at `url` (default `database_url()`), its schema upgraded to the newest and
    the committed case-study library synced (a no-op unless the library changed)."""
    parsed = parse_url(url or database_url())
    engine = create_store_engine(parsed)
    try:
        upgrade(engine)
        store = Store(engine)
        store.cases.sync_library()
    except DBAPIError as error:
        engine.dispose()
        raise connection_error(error, parsed) from None
    except BaseException:
        engine.dispose()
        raise
    return store
