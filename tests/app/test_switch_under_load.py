"""The snapshot switches under 25 open sessions of a real server, and none of them errs.

A real `streamlit run app.py` on 127.0.0.1 (bench/load.py's server and HTTP helpers) serves a
tmp copy of data/ (READINESS_DATA_DIR). N_SESSIONS browser-like websocket sessions open Kenya's
profile and rerun it again and again; meanwhile the test switches the data directory as
`readiness refresh` does (readiness.refresh.snapshots.switch: a checked sibling snapshot, in
which Kenya's Internet use differs, exchanged in by renameat2). Every run of every session must
finish without an exception; every session must then show Kenya's new index score, and never the
old one again once it has shown the new one. Printed: sessions, errors, the time from the switch
until every session showed the new score, and rerun latency before, during and after it.
Bounded: a timeout per run and a limit for the whole test.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.app.test_isolation_under_load import LOAD, _load_module, _Session
from tests.app.test_snapshot_switch import copy_data, ken_score, staged_with, switch_to

N_SESSIONS = 25
SETTLE_RUNS = 3  # reruns every session has made on the old snapshot before the switch
AFTER_NEW = 3  # reruns each session makes after it first showed the new score
MAX_RUNS = 200  # a session that never shows the new score fails, bounded
RUN_TIME_LIMIT = 900.0  # seconds for the whole concurrent part
SCORE = "Index score"

pytestmark = pytest.mark.skipif(not LOAD.exists(), reason="bench/load.py is not there")


@dataclass
class Seen:
    """What one session saw: (start, end, score) of each rerun, and any error."""

    runs: list[tuple[float, float, str | None]] = field(default_factory=list)
    first_new: float | None = None
    error: str = ""


async def _session(load: Any, base: str, old: str, new: str, ready: asyncio.Barrier,
                   settled: asyncio.Semaphore) -> Seen:  # fmt: skip
    seen, session = Seen(), _Session(load, base)
    try:
        page = await session.open("profile", "economy=KEN")
        assert page.metrics.get(SCORE) == old, page.metrics
        await ready.wait()  # every session is open before anyone reruns
        after = 0
        while after < AFTER_NEW:
            t0 = time.monotonic()
            page = await session.run([])  # _Session asserts that the run raised nothing
            score = page.metrics.get(SCORE)
            seen.runs.append((t0, time.monotonic(), score))
            if score == new:
                seen.first_new = seen.first_new or time.monotonic()
                after += 1
            elif seen.first_new is not None or score != old:
                raise AssertionError(f"after the new score, {score!r} (old {old}, new {new})")
            if len(seen.runs) == SETTLE_RUNS:
                settled.release()
            if len(seen.runs) > MAX_RUNS:
                raise AssertionError(f"still the old score after {MAX_RUNS} reruns")
    except Exception as exc:
        seen.error = f"{type(exc).__name__}: {exc}"[:400]
    finally:
        if len(seen.runs) < SETTLE_RUNS:
            settled.release()  # failed early: the switch need not wait for it
        await session.close()
    return seen


def _stats(values: list[float]) -> str:
    if not values:
        return "none"
    q = statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    p50, top = statistics.median(values), max(values)
    return f"n={len(values)} p50 {p50:.2f} s, p95 {q:.2f} s, max {top:.2f} s"


def test_switching_under_25_sessions(tmp_path, monkeypatch):
    load = _load_module()
    data_dir = copy_data(tmp_path)
    stage = staged_with(data_dir, 88.0)
    old, new = ken_score(data_dir), ken_score(stage)
    assert old != new
    monkeypatch.setenv("READINESS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state"))
    server = load.StartedServer(tmp_path)
    switch_at: list[float] = []
    try:
        server.wait_healthy()

        async def everyone() -> list[Seen]:
            ready, settled = asyncio.Barrier(N_SESSIONS + 1), asyncio.Semaphore(0)
            tasks = [asyncio.create_task(_session(load, server.url, old, new, ready, settled))
                     for _ in range(N_SESSIONS)]  # fmt: skip
            await ready.wait()
            for _ in range(N_SESSIONS):  # every session reruns the old snapshot a while ...
                await settled.acquire()
            await asyncio.to_thread(switch_to, stage, data_dir)  # ... and goes on rerunning
            switch_at.append(time.monotonic())
            return list(await asyncio.gather(*tasks))

        # A thread of its own: an earlier test (Playwright's sync API) may own this thread's loop.
        with ThreadPoolExecutor(1) as pool:
            outcomes = pool.submit(
                asyncio.run, asyncio.wait_for(everyone(), RUN_TIME_LIMIT)
            ).result()
        rss = load.tree_rss_bytes([server.proc.pid])
    finally:
        server.stop()
    errors = [f"session {k}: {s.error}" for k, s in enumerate(outcomes) if s.error]
    assert not errors, errors
    assert all(s.first_new is not None for s in outcomes)
    t_switch = switch_at[0]
    t_all = max(s.first_new for s in outcomes if s.first_new is not None)
    runs = [r for s in outcomes for r in s.runs]
    before = [end - start for start, end, _ in runs if end <= t_switch]
    during = [end - start for start, end, _ in runs if end > t_switch and start <= t_all]
    after = [end - start for start, end, _ in runs if start > t_all]
    print(
        f"\n{N_SESSIONS} sessions, {len(runs)} reruns of the profile, 0 errors; every session "
        f"showed the new score {t_all - t_switch:.1f} s after the switch "
        f"(first {min(s.first_new for s in outcomes if s.first_new) - t_switch:.1f} s); "
        f"rerun latency before: {_stats(before)}; during: {_stats(during)}; "
        f"after: {_stats(after)}; server RSS {rss / 2**20:.0f} MiB"
    )
