"""Benchmark of the index engine: one figure a line, each with its target.

Run: `.venv/bin/python bench/engine.py` (from the repository root). Times are the median of
several runs after a warm-up; the snapshot and its years x economies x indicators cube are
loaded once per process (as the dashboard does) and timed on their own line.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from readiness.index.engine import build_index, build_index_years
from readiness.index.framework import load_framework
from readiness.index.inputs import data_for_year, data_from_wide, read_wide, snapshot_inputs
from readiness.index.method import Method
from readiness.index.uncertainty import UncertaintySpec, run_uncertainty

ASEM = Path(__file__).resolve().parents[2] / "shared" / "data" / "reference" / "coinr-asem"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` runs after one warm-up run."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def line(label: str, seconds: float, target: float | None, unit: str = "ms") -> None:
    value = seconds * 1000 if unit == "ms" else seconds
    verdict = ""
    if target is not None:
        verdict = f"  (target < {target:g} {unit}: {'ok' if value < target else 'MISSED'})"
    print(
        f"{label}: {value:.1f} {unit}{verdict}"
        if unit == "ms"
        else f"{label}: {value:.3f} {unit}{verdict}"
    )


def main() -> None:
    start = time.perf_counter()
    snapshot, framework, panel = snapshot_inputs()
    line("snapshot load and cube, once per process", time.perf_counter() - start, None)

    method = Method()
    year = snapshot.latest_year
    line(
        f"our index, one year ({year}, {len(panel.units)} economies x "
        f"{len(framework.indicators)} indicators)",
        timed(
            lambda: build_index(data_for_year(panel, framework, method, year), framework, method),
            30,
        ),
        20,
    )
    line(
        f"our index, all years ({method.first_year}-{year})",
        timed(lambda: build_index_years(panel, framework, method), 10),
        200,
    )
    data = data_for_year(panel, framework, method, year)
    spec = UncertaintySpec(n=1000, seed=1)
    line(
        "our index, Monte Carlo N = 1,000",
        timed(lambda: run_uncertainty(data, framework, method, spec), 5),
        0.5,
        unit="s",
    )

    asem_fw = load_framework(ASEM / "iMeta.csv")
    asem = data_from_wide(read_wide(ASEM / "iData.csv"), asem_fw)
    coinr = Method(
        normalisation="minmax", imputation_group=None, pillar_coverage=0, index_coverage=0
    )
    line(
        "ASEM pipeline (51 units x 49 indicators, 4 levels)",
        timed(lambda: build_index(asem, asem_fw, coinr), 30),
        5,
    )
    print("ASEM all years: n/a (the ASEM reference data is a single cross-section)")
    line(
        "ASEM Monte Carlo N = 1,000",
        timed(lambda: run_uncertainty(asem, asem_fw, coinr, spec), 5),
        0.5,
        unit="s",
    )
    # Memory: one more pass of every workload with allocation tracing on (it slows the code,
    # so it is kept apart from the timings), then the process's peak resident size.
    tracemalloc.start()
    build_index_years(panel, framework, method)
    run_uncertainty(data, framework, method, spec)
    run_uncertainty(asem, asem_fw, coinr, spec)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "ok" if rss_mb < 300 else "MISSED"
    print(f"peak memory (process RSS): {rss_mb:.0f} MB  (target < 300 MB: {verdict})")
    print(f"peak memory (engine allocations, tracemalloc): {traced / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
