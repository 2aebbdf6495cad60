"""Gap analytics figures: every group x code x year at once, data gaps, peers.

Prints one figure per line; run with `.venv/bin/python bench/gaps.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from readiness.data.snapshot import load_snapshot  # noqa: E402
from readiness.gaps.analysis import gap_table  # noqa: E402
from readiness.gaps.cube import _build_inputs, gap_inputs, membership  # noqa: E402
from readiness.gaps.datagaps import group_datagaps  # noqa: E402
from readiness.gaps.peers import find_peers  # noqa: E402
from readiness.index.inputs import snapshot_inputs  # noqa: E402
from readiness.index.method import Method  # noqa: E402


def best_of(fn: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    snapshot = load_snapshot()
    snap, framework, panel = snapshot_inputs(snapshot)
    inputs = gap_inputs(snapshot)
    groups, _ = membership(inputs)
    n_cells = len(groups) * len(inputs.years) * len(inputs.codes)
    print(f"groups: {len(groups)}")
    print(f"reference years: {len(inputs.years)} ({inputs.years[0]}-{inputs.years[-1]})")
    print(f"codes (indicators, pillars, index): {len(inputs.codes)}")
    print(f"group x year x code rows: {n_cells}")
    lo, med = best_of(lambda: _build_inputs(snap, framework, panel, Method()), runs=3)
    print(f"cube build incl. engine for every year, s (best, median): {lo:.3f} {med:.3f}")
    gap_table(inputs)  # builds the cached group membership once
    lo, med = best_of(lambda: gap_table(inputs))
    print(f"gap table, every group x year x code with trends, s (best, median): {lo:.3f} {med:.3f}")
    lo, med = best_of(lambda: gap_table(_build_inputs(snap, framework, panel, Method())), runs=3)
    print(f"from scratch (cubes, engine, groups, table), s (best, median): {lo:.3f} {med:.3f}")
    lo, med = best_of(lambda: gap_table(inputs, ["LDC"], [int(inputs.years[-1])]))
    print(f"gap table, one group and year, s (best, median): {lo:.3f} {med:.3f}")
    lo, med = best_of(lambda: group_datagaps(inputs, years=[2023]))
    print(f"data gaps, every group x indicator for one year, s (best, median): {lo:.3f} {med:.3f}")
    lo, med = best_of(lambda: find_peers("KEN", inputs=inputs))
    print(f"peer finder, one economy, s (best, median): {lo:.3f} {med:.3f}")


if __name__ == "__main__":
    main()
