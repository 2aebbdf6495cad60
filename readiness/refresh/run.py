"""One refresh, start to end: raw set, fetch (or files in hand), build, check, what changed,
switch. Nothing that is served changes unless the new snapshot is built and passes the checks.

The raw set of a refresh is a new folder in the state directory (`<state>/refresh/<stamp>/raw`),
hard links to the current raw set (copies where links cannot be made): the raw folder the served
snapshot was built from (its SNAPSHOT file says which) or, for a snapshot from `build-data`,
../shared/data/raw (READINESS_RAW_DIR). Each fetched or hand file replaces its link, never
writes through it. The checks a new snapshot must pass before it is served:
1. it loads and validates as any snapshot does (readiness.data.snapshot);
2. its latest year is not earlier than the served snapshot's;
3. its index scores at least MIN_SCORED_SHARE (90 %) as many economies, for its latest year and
   the default method, as the served snapshot's does: a source that came back nearly empty
   cannot quietly take economies out of the ranking.
"""

from __future__ import annotations

import contextlib
import filecmp
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from readiness.data.catalogue import load_catalogue
from readiness.data.snapshot import Snapshot
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR, default_raw_dir
from readiness.refresh import handfiles, snapshots
from readiness.refresh.changes import RANK_MOVES, Changes, Tolerance, changes, index_table, scored
from readiness.refresh.changes import write as write_changes
from readiness.refresh.http import Http, Progress
from readiness.store.engine import state_dir

MIN_SCORED_SHARE = 0.9
KEEP_RUNS = 3  # run folders kept in <state>/refresh besides those the two snapshots use
Status = Literal["switched", "dry-run", "unchanged", "failed"]
Log = Callable[[str], None]


@dataclass(frozen=True)
class SourceOutcome:
    """What one source did: the files it wrote, or why it could not be had."""

    name: str
    ok: bool
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reason: str = ""
    seconds: float = 0.0

    def text(self) -> str:
        if not self.ok:
            return f"{self.name}: FAILED: {self.reason}"
        extra = "".join(f"; {note}" for note in self.notes)
        return f"{self.name}: {len(self.files)} file(s) in {self.seconds:.1f} s{extra}"


@dataclass(frozen=True)
class RefreshResult:
    """How a refresh ended; `problems` say why nothing changed when status is 'failed'."""

    status: Status
    data_dir: Path
    run_dir: Path | None
    served: str  # the snapshot served at the end
    built: str = ""  # the snapshot this run built (its id), when it got that far
    sources: tuple[SourceOutcome, ...] = ()
    hand: tuple[str, ...] = ()
    changes: Changes | None = None
    problems: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    reports: tuple[Path, ...] = ()

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [s for s in self.sources if not s.ok]

    @property
    def exit_code(self) -> int:
        """0: done; 1: done, but a source failed (named); 2: failed, nothing changed."""
        if self.status == "failed":
            return 2
        return 1 if self.failed_sources else 0


def source_names() -> list[str]:
    from readiness.refresh.sources import SOURCES

    return list(SOURCES)


def refresh(
    *,
    sources: Sequence[str] | None = None,
    from_dir: Path | None = None,
    raw_base: Path | None = None,
    data_dir: Path = DATA_DIR,
    progress: Progress | None = None,
    dry_run: bool = False,
    log: Log | None = None,
    report: Path | None = None,
    tolerance: Tolerance | None = None,
    rank_moves: int = RANK_MOVES,
    http: Http | None = None,
    on_source: Callable[[SourceOutcome], None] | None = None,
) -> RefreshResult:
    """Fetch `sources` (default: all; none when only `from_dir` is given), place the files in
    hand, build, check and (unless `dry_run`) switch the snapshot served from `data_dir`.
    `progress(source, done, total)` as each source downloads, `on_source(outcome)` when it ends,
    `log(line)` at each phase. Failures of the refresh are in the result (status 'failed')."""
    data_dir = Path(data_dir).resolve()
    chosen = _chosen(sources, from_dir)
    if not (data_dir / "values.csv").is_file():
        raise ReadinessError(f"no snapshot to refresh in {data_dir} (values.csv is missing)")
    with snapshots.switch_lock(data_dir):
        job = _Job(data_dir, log or (lambda _: None), progress, dry_run)
        job.on_source = on_source
        try:
            return job.run(chosen, from_dir, raw_base, report, tolerance, rank_moves, http)
        finally:
            job.cleanup()


def _chosen(sources: Sequence[str] | None, from_dir: Path | None) -> list[str]:
    if sources is None and from_dir is not None:
        return []
    known = source_names()
    if sources is None:
        return known
    unknown = [s for s in sources if s not in known]
    if unknown:
        raise ReadinessError(f"unknown source(s) {unknown}; known: {', '.join(known)}")
    return list(dict.fromkeys(sources))


class _Failed(Exception):
    """Stop the refresh: nothing is switched; the reasons go to the result."""

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class _Job:
    """The state of one refresh while it runs (timings, outcomes, folders to clean up)."""

    def __init__(self, data_dir: Path, log: Log, progress: Progress | None, dry_run: bool):
        self.data_dir, self.log, self.progress, self.dry_run = data_dir, log, progress, dry_run
        self.stamp = snapshots.utc_stamp()
        self.run_dir = _unique(state_dir() / "refresh" / self.stamp)
        self.raw_dir = self.run_dir / "raw"
        self.new_dir = (
            self.run_dir / "data" if dry_run else snapshots.staging_dir(data_dir, self.stamp)
        )
        self.timings: dict[str, float] = {}
        self.outcomes: list[SourceOutcome] = []
        self.hand: list[str] = []
        self.built = ""
        self.switched = False
        self.on_source: Callable[[SourceOutcome], None] | None = None

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.log(f"{name} ...")
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - start, 3)

    def run(
        self,
        chosen: list[str],
        from_dir: Path | None,
        raw_base: Path | None,
        report: Path | None,
        tolerance: Tolerance | None,
        rank_moves: int,
        http: Http | None,
    ) -> RefreshResult:
        start = time.perf_counter()
        try:
            base = _raw_base(raw_base, self.data_dir)
            hand = self._plan_hand(from_dir, base)
            with self.phase("raw set"):
                link_tree(base, self.raw_dir)
            self._fetch(chosen, http)
            if hand is not None:
                with self.phase("files in hand"):
                    handfiles.apply(hand, self.raw_dir)
            old, new = self._build_and_check(from_dir)
            with self.phase("changes"):
                found = changes(old, new, tolerance, rank_moves)
            status = self._finish()
        except _Failed as exc:
            self.timings["total"] = round(time.perf_counter() - start, 3)
            self._save_log("failed", exc.problems)
            return self._result("failed", problems=exc.problems)
        self.timings["total"] = round(time.perf_counter() - start, 3)
        reports = self._reports(found, report)
        self._save_log(status, ())
        prune_runs(self.data_dir)
        return self._result(status, found, reports)

    def _result(
        self,
        status: Status,
        found: Changes | None = None,
        reports: Sequence[Path] = (),
        problems: Sequence[str] = (),
    ) -> RefreshResult:
        return RefreshResult(
            status=status,
            data_dir=self.data_dir,
            run_dir=self.run_dir,
            served=snapshots.describe(self.data_dir),
            built=self.built,
            sources=tuple(self.outcomes),
            hand=tuple(self.hand),
            changes=found,
            problems=tuple(problems),
            timings=dict(self.timings),
            reports=tuple(reports),
        )

    def _plan_hand(self, from_dir: Path | None, base: Path) -> handfiles.HandPlan | None:
        if from_dir is None:
            return None
        with self.phase("check files in hand"):
            hand = handfiles.plan(Path(from_dir), base)
        self.hand = handfiles.describe(hand)
        if not hand.ok:
            raise _Failed(*(f"--from: {p}" for p in hand.problems))
        if not hand.placements:
            raise _Failed(f"--from {from_dir}: every file is identical to the raw set's")
        return hand

    def _fetch(self, chosen: list[str], http: Http | None) -> None:
        if not chosen:
            return
        from readiness.refresh.sources import SOURCES

        catalogue = load_catalogue(self.data_dir / "catalogue.yaml", self.data_dir / "sources.yaml")
        client = http or Http(progress=self.progress)
        with self.phase("fetch"), contextlib.ExitStack() as stack:
            if http is None:
                stack.enter_context(client)
            for name in chosen:
                outcome = _fetch_one(name, SOURCES[name], self.raw_dir, client, catalogue)
                self.timings[f"fetch {name}"] = round(outcome.seconds, 3)
                self.outcomes.append(outcome)
                if self.on_source is not None:
                    self.on_source(outcome)
        if not any(o.ok for o in self.outcomes) and not self.hand:
            raise _Failed(*(o.text() for o in self.outcomes), "no source could be had")

    def _build_and_check(self, from_dir: Path | None) -> tuple[Snapshot, Snapshot]:
        from readiness.data.build.snapshot import build_snapshot

        with self.phase("build"):
            shutil.copytree(self.data_dir, self.new_dir, symlinks=True)
            try:
                build_snapshot(self.raw_dir, self.new_dir, self.run_dir / "static", log=self.log)
            except Exception as exc:  # any fault of a fetched file: nothing is switched
                raise _Failed(f"build failed: {_one_line(exc)}") from None
            used = [o.name for o in self.outcomes if o.ok]
            used += [f"files in hand from {from_dir}"] if from_dir is not None else []
            self.built = snapshots.write_snapshot_id(
                self.new_dir, raw=self.raw_dir, sources=", ".join(used)
            )
        with self.phase("check"):
            old = snapshots.load_current(self.data_dir)
            try:
                new = snapshots.load_current(self.new_dir)
            except ReadinessError as exc:
                raise _Failed(f"the new snapshot fails its checks: {exc}") from None
            check_gates(old, new)
        return old, new

    def _finish(self) -> Status:
        if same_snapshot(self.data_dir, self.new_dir):
            self.log("the new snapshot is the same as the one served: nothing to switch")
            return "unchanged"
        if self.dry_run:
            return "dry-run"
        with self.phase("switch"):
            snapshots.switch(self.new_dir, self.data_dir)
        self.switched = True
        return "switched"

    def _reports(self, found: Changes, report: Path | None) -> list[Path]:
        out = [write_changes(found, self.run_dir / "changes.md")]
        if report is not None:
            out.append(write_changes(found, Path(report)))
        return out

    def _save_log(self, status: str, problems: Sequence[str]) -> None:
        doc = {
            "status": status,
            "data_dir": str(self.data_dir),
            "built": self.built,
            "sources": [vars(o) | {"files": list(o.files)} for o in self.outcomes],
            "hand": self.hand,
            "problems": list(problems),
            "timings": self.timings,
        }
        self.run_dir.mkdir(parents=True, exist_ok=True)
        text = json.dumps(doc, indent=1, default=str)
        (self.run_dir / "refresh.json").write_text(text + "\n", encoding="utf-8")

    def cleanup(self) -> None:
        """A staged snapshot that was not switched in is removed; the run folder stays."""
        if not self.dry_run and not self.switched and self.new_dir.exists():
            shutil.rmtree(self.new_dir, ignore_errors=True)
        shutil.rmtree(self.run_dir / "static", ignore_errors=True)


def _fetch_one(name: str, source: Any, raw_dir: Path, http: Http, catalogue: Any) -> SourceOutcome:
    start = time.perf_counter()
    try:
        result = source.fetch(raw_dir, http, catalogue)
    except ReadinessError as exc:
        reason = getattr(exc, "reason", None) or _one_line(exc)
        return SourceOutcome(name, False, reason=reason, seconds=time.perf_counter() - start)
    except Exception as exc:  # a fault in one source must not stop the others
        reason = f"{type(exc).__name__}: {_one_line(exc)}"
        return SourceOutcome(name, False, reason=reason, seconds=time.perf_counter() - start)
    return SourceOutcome(
        name, True, tuple(result.files), tuple(result.notes), "", time.perf_counter() - start
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _unique(path: Path) -> Path:
    n, out = 1, path
    while out.exists():
        n += 1
        out = path.with_name(f"{path.name}-{n}")
    out.mkdir(parents=True)
    return out


def _raw_base(raw_base: Path | None, data_dir: Path) -> Path:
    """The raw set to start from: the one asked, else the served snapshot's, else the default."""
    if raw_base is not None:
        base = Path(raw_base).resolve()
    else:
        recorded = snapshots.read_info(data_dir).raw
        base = Path(recorded) if recorded and Path(recorded).is_dir() else default_raw_dir()
    if not base.is_dir():
        raise _Failed(f"raw data folder {base} not found; pass raw_base or set READINESS_RAW_DIR")
    return base


def link_tree(source: Path, target: Path) -> int:
    """Mirror `source` into `target` with hard links (copies across file systems); count."""
    count = 0
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            src, dst = Path(folder) / name, target / rel / name
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            count += 1
    return count


def check_gates(old: Snapshot, new: Snapshot, share: float = MIN_SCORED_SHARE) -> None:
    """The checks beyond validation (module docstring); _Failed with every reason."""
    problems = []
    if new.latest_year < old.latest_year:
        problems.append(
            f"the new snapshot's latest year {new.latest_year} is earlier than {old.latest_year}"
        )
    before, after = scored(index_table(old)), scored(index_table(new))
    if after < share * before:
        problems.append(
            f"the index scores {after} economies for {new.latest_year}, fewer than "
            f"{share:.0%} of the {before} it scores now"
        )
    if problems:
        raise _Failed(*problems)


def same_snapshot(a: Path, b: Path) -> bool:
    """True when every file but SNAPSHOT is byte for byte the same in both folders."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    files_a.discard(Path(snapshots.SNAPSHOT_FILE))
    files_b.discard(Path(snapshots.SNAPSHOT_FILE))
    if files_a != files_b:
        return False
    return all(filecmp.cmp(a / n, b / n, shallow=False) for n in files_a)


def prune_runs(data_dir: Path, keep: int = KEEP_RUNS) -> list[Path]:
    """Remove old run folders, keeping the newest `keep` and those the served and previous
    snapshots were built from (a later refresh starts from their raw set)."""
    root = state_dir() / "refresh"
    infos = [snapshots.read_info(d) for d in (data_dir, snapshots.previous_dir(data_dir))]
    used = {Path(info.raw).parent for info in infos if info.raw}
    runs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)
    removed = [p for p in runs[keep:] if p not in used]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
