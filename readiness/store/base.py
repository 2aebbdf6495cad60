"""What every repository of the store shares: its sessions, the editor check and the audit log.

`Sessions.write()` is one transaction that writes: on SQLite it takes the database's write lock
at BEGIN IMMEDIATE (engine.py), so writers queue (the writers of one process on a lock first,
which is 3 times quicker for 50 answers at once than SQLite's busy handler); `Sessions.read()`
only reads. Both turn a lost
connection into a StoreError naming the database. `add_audit` adds the audit_log row of a write
in the same transaction as the write, so the log and the data never disagree.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from readiness.store.errors import StoreError, connection_error
from readiness.store.schema import AuditRow, utc_now

WRITE_OPTION = "readiness_store_write"  # execution option: this transaction writes
MAX_EDITOR = 200
MAX_SESSION_KEY = 200


class Sessions:
    """Read and write transactions on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writer = engine.execution_options(**{WRITE_OPTION: True})
        # SQLite takes one writer at a time: this process's writers queue on a lock instead of
        # polling the database's busy handler, which sleeps up to 100 ms between tries.
        self._queue = threading.RLock() if engine.dialect.name == "sqlite" else nullcontext()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with (
                self._queue,
                Session(self.writer, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session
        except OperationalError as error:
            raise connection_error(error, self.engine.url) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with Session(self.engine) as session:
                yield session
        except OperationalError as error:
            raise connection_error(error, self.engine.url) from None


def check_editor(editor: str) -> str:
    """The editor's name stripped; StoreError if it is empty or too long."""
    name = str(editor or "").strip()
    if not name:
        raise StoreError("every change to the store needs the name of the editor making it")
    if len(name) > MAX_EDITOR:
        raise StoreError(f"an editor name has at most {MAX_EDITOR} characters")
    return name


def add_audit(session: Session, editor: str, action: str, entity: str, **detail: Any) -> None:
    """The audit_log row of a write, added in the write's own transaction."""
    session.add(
        AuditRow(
            at=utc_now(),
            editor=editor,
            action=action,
            entity=entity,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        )
    )


def to_frame(rows: Sequence[Any], columns: tuple[str, ...], times: tuple[str, ...]) -> pd.DataFrame:
    """Query rows as a frame, the `times` columns as UTC timestamps."""
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
    for column in times:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def session_hash(session_key: str) -> str:
    """The sha256 (hex) of an anonymous session's token: the store never keeps the token."""
    token = str(session_key or "")
    if not token.strip() or len(token) > MAX_SESSION_KEY:
        raise StoreError(
            "an anonymous answer or submission needs its browser session's key (1 to "
            f"{MAX_SESSION_KEY} characters); reload the page and try again"
        )
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def as_iso(value: datetime | None) -> str:
    """A stored time as UTC ISO 8601 ("2026-12-07T03:30:00+00:00"), or "" when there is none."""
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")
