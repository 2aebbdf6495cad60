"""The dashboard's refresh: one `readiness refresh` at a time per server process, in a thread.

The thread belongs to the process, not to a session: it goes on when the editor who started it
closes the page, and every editor who opens the data page sees it running (who started it, each
source's progress) and then how it ended. It never calls Streamlit: the refresh's progress and
source callbacks write into the job under a lock, and pages read a frozen copy (`view()`).
When a refresh switched the snapshot, the process looks at the data directory's version at once
(dashboard/committed.py), so every session's next run serves the new snapshot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from readiness.errors import ReadinessError

Status = Literal["idle", "running", "finished", "failed"]
LOG = logging.getLogger("readiness.dashboard")
Runner = Callable[..., Any]  # readiness.refresh.run.refresh, or a test's stand-in


@dataclass(frozen=True)
class SourceState:
    """One source's download as its progress callbacks told it (and its outcome at the end)."""

    done: int = 0
    total: int | None = None
    ok: bool | None = None  # None while it runs
    files: int = 0  # files it wrote
    seconds: float = 0.0
    reason: str = ""  # why it could not be had (one line, from readiness.refresh)


@dataclass(frozen=True)
class JobView:
    """What a page shows of the job: a frozen copy, safe to read while the thread goes on."""

    serial: int = 0  # 0: no refresh started in this process yet
    status: Status = "idle"
    editor: str = ""
    dry_run: bool = False
    sources: tuple[str, ...] = ()  # the sources asked for, in order
    hand_files: tuple[str, ...] = ()  # names of the files in hand given
    progress: dict[str, SourceState] = field(default_factory=dict)
    phase: str = ""  # the refresh's last log line ("build ...", "check ...")
    started: float = 0.0  # time.time()
    finished: float = 0.0
    result: Any = None  # readiness.refresh.run.RefreshResult
    error: str = ""  # a refresh that raised (another already running, a missing snapshot)

    @property
    def seconds(self) -> float:
        end = self.finished or time.time()
        return max(0.0, end - self.started) if self.started else 0.0


def _default_runner(**kwargs: Any) -> Any:
    from readiness.refresh.run import refresh

    return refresh(**kwargs)


class RefreshJob:
    """The process's one refresh (start, progress, result), shared by every session."""

    def __init__(self, runner: Runner | None = None) -> None:
        self.runner = runner or _default_runner
        self._lock = threading.Lock()
        self._view = JobView()
        self._thread: threading.Thread | None = None

    def view(self) -> JobView:
        with self._lock:
            return replace(self._view, progress=dict(self._view.progress))

    def start(
        self,
        editor: str,
        sources: Sequence[str],
        *,
        dry_run: bool = False,
        from_dir: Path | None = None,
        hand_files: Sequence[str] = (),
        data_dir: Path | None = None,
        on_switch: Callable[[], None] | None = None,
        cleanup: Callable[[], None] | None = None,
    ) -> bool:
        """Start a refresh in the background; False (nothing started) while one is running.

        `on_switch()` runs when it switched the snapshot served, `cleanup()` when it ends."""
        with self._lock:
            if self._view.status == "running":
                return False
            self._view = JobView(
                serial=self._view.serial + 1,
                status="running",
                editor=editor,
                dry_run=dry_run,
                sources=tuple(sources),
                hand_files=tuple(hand_files),
                progress={s: SourceState() for s in sources},
                started=time.time(),
            )
            kwargs: dict[str, Any] = {
                "sources": list(sources), "from_dir": from_dir, "dry_run": dry_run,
                "progress": self.progress, "on_source": self.source_ended, "log": self.log,
            }  # fmt: skip
            if data_dir is not None:
                kwargs["data_dir"] = data_dir
            self._thread = threading.Thread(
                target=self._run,
                args=(kwargs, on_switch, cleanup),
                name="readiness-refresh",
                daemon=True,
            )
            self._thread.start()
        LOG.info("refresh started by %s: %s%s", editor, ", ".join(sources) or "files in hand",
                 " (dry run)" if dry_run else "")  # fmt: skip
        return True

    def _run(
        self,
        kwargs: dict[str, Any],
        on_switch: Callable[[], None] | None,
        cleanup: Callable[[], None] | None,
    ) -> None:
        result, error = None, ""
        try:
            result = self.runner(**kwargs)
        except ReadinessError as exc:
            error = " ".join(str(exc).split())
        except Exception as exc:  # the thread must end with a state a page can show
            LOG.exception("refresh failed")
            error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        finally:
            if cleanup is not None:
                cleanup()
        for outcome in getattr(result, "sources", ()):
            self.source_ended(outcome)  # the final word on each source, callbacks or not
        status = getattr(result, "status", "failed")
        if status == "switched" and on_switch is not None:
            on_switch()
        with self._lock:
            self._view = replace(
                self._view,
                status="failed" if error or status == "failed" else "finished",
                result=result,
                error=error,
                finished=time.time(),
            )
        LOG.info("refresh ended: %s", error or status)

    def progress(self, source: str, done: int, total: int | None) -> None:
        """readiness.refresh's progress callback (called from the refresh's thread)."""
        with self._lock:
            before = self._view.progress.get(source, SourceState())
            now = replace(before, done=int(done), total=total)
            self._view = replace(self._view, progress={**self._view.progress, source: now})

    def source_ended(self, outcome: Any) -> None:
        """readiness.refresh's on_source callback: a source finished or failed."""
        with self._lock:
            before = self._view.progress.get(outcome.name, SourceState())
            now = replace(
                before,
                ok=bool(outcome.ok),
                files=len(outcome.files),
                seconds=float(outcome.seconds),
                reason=str(outcome.reason),
            )
            self._view = replace(self._view, progress={**self._view.progress, outcome.name: now})

    def log(self, line: str) -> None:
        """readiness.refresh's log callback: the phase it is in."""
        with self._lock:
            self._view = replace(self._view, phase=str(line)[:200])

    def wait(self, timeout: float) -> bool:
        """Wait for the running refresh to end (tests, shutdown); True when none runs."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.view().status != "running"


JOB = RefreshJob()
