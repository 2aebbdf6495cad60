"""Data foundation figures: snapshot size, load time in a fresh process, coverage per pillar.

Prints one figure per line; run with `.venv/bin/python bench/data.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from readiness.data.snapshot import load_snapshot  # noqa: E402

LOAD = "import time; t=time.perf_counter(); from readiness.data.snapshot import load_snapshot; "
LOAD += "load_snapshot(); print(time.perf_counter()-t)"


def fresh_process_load_seconds(runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD], cwd=REPO, capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return times


def main() -> None:
    data_bytes = sum(p.stat().st_size for p in (REPO / "data").rglob("*") if p.is_file())
    static_bytes = sum(p.stat().st_size for p in (REPO / "static").rglob("*") if p.is_file())
    print(f"snapshot size data/: {data_bytes / 1e6:.2f} MB")
    print(f"static map files static/: {static_bytes / 1e6:.2f} MB")
    times = fresh_process_load_seconds()
    median = statistics.median(times)
    print(f"load in a fresh process (imports included), median of 5: {median:.3f} s")
    print(f"load in a fresh process, max of 5: {max(times):.3f} s")

    snap = load_snapshot()
    year = snap.latest_year
    v = snap.values
    print(f"reference year: {year}")
    for pillar in snap.catalogue.pillars:
        inds = [i for i in snap.catalogue.index_indicators() if i.pillar == pillar.code]
        have = None
        for ind in inds:
            in_window = (v["year"] > year - ind.window) & (v["year"] <= year)
            rows = v[(v["indicator"] == ind.code) & in_window]
            econ = set(rows["iso3"].unique())
            have = econ if have is None else have & econ
        label = f"{pillar.code} pillar ({len(inds)} indicators)"
        print(f"economies with a complete {label}: {len(have or ())}")
    for row in snap.coverage.itertuples():
        print(
            f"coverage {row.indicator}: {row.economies_in_window} economies, "
            f"median year {row.median_year:.0f}"
        )


if __name__ == "__main__":
    main()
