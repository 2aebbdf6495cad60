"""Serve a new snapshot by swapping data directories atomically; keep the previous; roll back.

The tool reads one data directory (readiness.paths.DATA_DIR, `READINESS_DATA_DIR` where set). A
refresh builds the next snapshot in a sibling folder, checks it, then exchanges the two names in
one step (Linux `renameat2(RENAME_EXCHANGE)`), so a reader opening `<data dir>/values.csv` finds
the old file or the new one, never none. The snapshot it replaced stays at `<data dir>.previous`;
`rollback()` exchanges them back. Elsewhere (no renameat2, or a file system without it) two
renames do the same with a moment in which the data directory is missing.

Each refreshed snapshot carries a `SNAPSHOT` file: its id (UTC stamp + the start of the SHA-256
of values.csv), when it was made and from which raw folder. `snapshot_version()` is what a
running dashboard compares to notice a switch: that id, else the inode and mtime of values.csv.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import errno
import fcntl
import functools
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from readiness.data import snapshot as snapshot_module
from readiness.data.snapshot import Snapshot
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR

SNAPSHOT_FILE = "SNAPSHOT"
PREVIOUS_SUFFIX = ".previous"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class SnapshotInfo:
    """What a SNAPSHOT file says (all empty for a snapshot written by `build-data`)."""

    id: str = ""
    created: str = ""
    raw: str = ""
    sources: str = ""


@dataclass(frozen=True)
class Rollback:
    """After a rollback: the snapshot now served and the one set aside in its place."""

    served: str
    set_aside: str
    data_dir: Path

    def text(self) -> str:
        return (
            f"now serving {self.served} from {self.data_dir}; "
            f"{self.set_aside} kept at {previous_dir(self.data_dir)} "
            "(run --rollback again to return to it)"
        )


def previous_dir(data_dir: Path = DATA_DIR) -> Path:
    """Where the snapshot served before the last switch is kept."""
    return data_dir.with_name(data_dir.name + PREVIOUS_SUFFIX)


def staging_dir(data_dir: Path, stamp: str) -> Path:
    """A sibling folder (same file system, so the exchange is one rename) for a new snapshot."""
    return data_dir.with_name(f".{data_dir.name}.new-{stamp}")


def utc_stamp(now: datetime | None = None) -> str:
    """A sortable UTC stamp for ids and folder names, e.g. 20261207T101502Z."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_snapshot_id(snapshot_dir: Path, *, raw: Path | None = None, sources: str = "") -> str:
    """Write SNAPSHOT into a freshly built snapshot folder; returns its id."""
    now = datetime.now(UTC)
    ident = f"{utc_stamp(now)}-{file_sha256(snapshot_dir / 'values.csv')[:10]}"
    lines = [ident, f"created: {now.isoformat(timespec='seconds')}"]
    if raw is not None:
        lines.append(f"raw: {raw}")
    if sources:
        lines.append(f"sources: {sources}")
    (snapshot_dir / SNAPSHOT_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ident


def read_info(snapshot_dir: Path) -> SnapshotInfo:
    """The SNAPSHOT file of a folder, or an empty SnapshotInfo when it has none."""
    try:
        text = (snapshot_dir / SNAPSHOT_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return SnapshotInfo()
    first, *rest = text.splitlines() or [""]
    fields = dict(line.split(": ", 1) for line in rest if ": " in line)
    return SnapshotInfo(
        id=first.strip(),
        created=fields.get("created", ""),
        raw=fields.get("raw", ""),
        sources=fields.get("sources", ""),
    )


def snapshot_version(data_dir: Path = DATA_DIR) -> str:
    """A cheap token that changes when another snapshot is served: the SNAPSHOT id, else
    `values.csv` inode, size and mtime (a snapshot written by `build-data`), else "missing"."""
    info = read_info(data_dir)
    if info.id:
        return info.id
    try:
        st = os.stat(data_dir / "values.csv")
    except OSError:
        return "missing"
    return f"build-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"


def describe(snapshot_dir: Path) -> str:
    """A snapshot for people: its id, or 'built by build-data on <date>'."""
    info = read_info(snapshot_dir)
    if info.id:
        return info.id
    try:
        mtime = os.stat(snapshot_dir / "values.csv").st_mtime
    except OSError:
        return "(none)"
    day = datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"build-data snapshot of {day}"


def load_current(data_dir: Path = DATA_DIR, attempts: int = 3) -> Snapshot:
    """The validated snapshot as the files are now, all read from one snapshot even while a
    switch happens; unlike load_snapshot (one cached Snapshot per path), never an older one."""
    path = Path(data_dir).resolve()
    error: ReadinessError | None = None
    for _ in range(attempts):
        try:
            return dataclasses.replace(_load_pinned(path), data_dir=path)
        except _Moved as exc:
            error = ReadinessError(f"the snapshot in {path} changed while it was read ({exc})")
    raise error or ReadinessError(f"cannot read the snapshot in {path}")


def _still_served(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


class _Moved(Exception):
    """The folder being read was switched out and deleted, or swapped, during the read."""


def _load_pinned(path: Path) -> Snapshot:
    """Read through a descriptor of the folder (Linux: /proc/self/fd/N), so every file comes
    from the folder opened first; elsewhere, compare the version before and after."""
    # load_snapshot caches one Snapshot per path, and a switch keeps the path: read past it.
    loader = snapshot_module.read_snapshot
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        raise _Moved("the folder was missing for a moment") from None
    try:
        pinned = Path(f"/proc/self/fd/{fd}")
        if not (pinned / "values.csv").exists():
            before = snapshot_version(path)
            snap: Snapshot = loader(path)
            if snapshot_version(path) != before:
                raise _Moved("another snapshot was switched in")
            return snap
        try:
            return loader(pinned)
        except ReadinessError:
            if not _still_served(fd, path):  # switched out (and being deleted) while read
                raise _Moved("the folder read was switched out") from None
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def switch_lock(data_dir: Path = DATA_DIR) -> Iterator[None]:
    """One refresh or rollback at a time: an exclusive lock on the folder that holds the data
    directory (no lock file is left behind; the lock ends with the process)."""
    parent = Path(data_dir).resolve().parent
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReadinessError(
                f"another refresh or rollback of {data_dir} is running; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """glibc's renameat2 (Linux 3.15+, glibc 2.28+), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing directories in one step; False where this system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"cannot exchange {a} and {b}: {os.strerror(err)}")


def _swap(a: Path, b: Path) -> None:
    """Exchange a and b: atomically where possible, else by three renames."""
    if exchange(a, b):
        return
    aside = a.with_name(a.name + ".swap")
    os.rename(a, aside)
    os.rename(b, a)
    os.rename(aside, b)


def switch(new_dir: Path, data_dir: Path = DATA_DIR) -> str:
    """Serve `new_dir` (a checked snapshot beside `data_dir`) as `data_dir`; the snapshot it
    replaces moves to `<data dir>.previous` (the one there before is deleted). Returns the
    version now served. The caller holds switch_lock(data_dir)."""
    new_dir, data_dir = Path(new_dir), Path(data_dir)
    if new_dir.parent.resolve() != data_dir.parent.resolve():
        raise ReadinessError(f"{new_dir} must lie beside {data_dir} to be swapped in")
    if not (new_dir / "values.csv").is_file():
        raise ReadinessError(f"{new_dir} holds no snapshot (values.csv)")
    previous = previous_dir(data_dir)
    if not data_dir.exists():
        os.rename(new_dir, data_dir)
        return snapshot_version(data_dir)
    _swap(new_dir, data_dir)  # data_dir: the new snapshot; new_dir: the one it replaced
    if previous.exists():
        _swap(new_dir, previous)  # previous: the one just replaced; new_dir: the older one
        shutil.rmtree(new_dir)
    else:
        os.rename(new_dir, previous)
    return snapshot_version(data_dir)


def rollback(data_dir: Path = DATA_DIR) -> Rollback:
    """Serve `<data dir>.previous` again; the snapshot it replaces takes its place there."""
    data_dir = Path(data_dir)
    previous = previous_dir(data_dir)
    with switch_lock(data_dir):
        if not (previous / "values.csv").is_file():
            raise ReadinessError(
                f"no previous snapshot at {previous}: nothing to roll back to "
                "(a refresh keeps the snapshot it replaces there)"
            )
        _swap(previous, data_dir)
    return Rollback(describe(data_dir), describe(previous), data_dir)
