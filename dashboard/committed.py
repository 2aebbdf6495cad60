"""The committed snapshot a running server serves, version by version of its data directory.

`readiness refresh` builds a new snapshot beside the data directory and swaps it in
(readiness.refresh.snapshots); a running dashboard must then serve it without a restart. The
process looks at the directory's version (`snapshot_version`: a small file read, else a stat)
at most every VERSION_CHECK_SECONDS, loads a new version once (other sessions keep the version
in hand while it loads, never waiting for it), and names it by a new token: "base" for the
first version the process loaded, "base@<tag>" for any other, so every cache of
dashboard/state.py and dashboard/overlay_cache.py re-keys, and the previous version's shared
results are dropped.

A script run keeps the version it started with until it ends (pinned on the run's context), so
one page never mixes two snapshots. A directory that cannot be read or loaded right now (the
instant between the two renames of the fallback swap, a broken snapshot) keeps the version in
hand served, with a warning in the server log; the next check tries again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from dashboard.overlay_cache import BASE_TOKEN, forget_base
from readiness.data import snapshot as snapshot_module
from readiness.data.snapshot import Snapshot, load_snapshot
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR
from readiness.refresh.snapshots import load_current, snapshot_version

VERSION_CHECK_SECONDS = 2.0  # how often a process looks whether a refresh switched the snapshot
_PIN = "_readiness_base"  # attribute of a run's context: (that run's marker, its BaseData)
LOG = logging.getLogger("readiness.dashboard")


@dataclass(frozen=True)
class BaseData:
    """One version of the committed snapshot and the token its results are cached under."""

    version: str
    token: str
    snapshot: Snapshot


def _load(data_dir: Path, first: bool) -> Snapshot:
    if first:  # the one load_snapshot() keeps for the process, shared with the core's callers
        return load_snapshot(data_dir)
    snap = load_current(data_dir)  # past load_snapshot's cache: the same path, another snapshot
    snapshot_module.forget_loaded()  # release the old one it keeps; the core reads anew
    return snap


class Committed:
    """The process's committed snapshot: loaded once per version of the data directory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.data: BaseData | None = None
        self.first = ""  # the first version this process loaded: its token is plain "base"
        self.checked = float("-inf")

    def get(self) -> BaseData:
        """The current version (looked at again when VERSION_CHECK_SECONDS have passed)."""
        data = self.data
        if data is not None and time.monotonic() - self.checked < VERSION_CHECK_SECONDS:
            return data
        if not self._lock.acquire(blocking=data is None):
            assert data is not None
            return data  # another thread checks or loads: serve the version in hand meanwhile
        try:
            return self._check()
        finally:
            self._lock.release()

    def _check(self) -> BaseData:
        data = self.data
        try:
            version = snapshot_version(DATA_DIR)
            if data is None or version != data.version:
                data = self._load(version)
        except (OSError, ReadinessError) as exc:
            if data is None:
                raise
            LOG.warning("the snapshot in %s is not served (yet): %s", DATA_DIR, exc)
        self.checked = time.monotonic()
        return data

    def _load(self, version: str) -> BaseData:
        for _ in range(3):  # switched again while loading: load what is there now
            snap = _load(DATA_DIR, first=self.data is None)
            now = snapshot_version(DATA_DIR)
            if now == version:
                break
            version = now
        self.first = self.first or version
        tag = hashlib.sha256(version.encode()).hexdigest()[:12]
        token = BASE_TOKEN if version == self.first else f"{BASE_TOKEN}@{tag}"
        old, self.data = self.data, BaseData(version, token, snap)
        if old is not None:
            forget_base(keep=token)  # the previous version's shared results are never asked again
            LOG.info("serving snapshot version %s (was %s)", version, old.version)
        return self.data

    def recheck(self) -> None:
        """Look at the version at the next request, whenever the last look was."""
        self.checked = float("-inf")


COMMITTED = Committed()


def base_data() -> BaseData:
    """The committed snapshot of this script run: the version a run starts with stays until the
    run ends (outside a run, the process's current version)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    marker = getattr(ctx, "cursors", None)  # new at each run (ctx.reset, or a new context)
    if marker is None:
        return COMMITTED.get()
    pin = getattr(ctx, _PIN, None)
    if pin is not None and pin[0] is marker:
        return pin[1]
    data = COMMITTED.get()
    setattr(ctx, _PIN, (marker, data))
    return data


def recheck_snapshot() -> None:
    """Make the next run look whether the data directory holds another snapshot version."""
    COMMITTED.recheck()
