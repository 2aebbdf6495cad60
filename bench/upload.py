"""Benchmark of user uploads: validating and merging a 10 MB file (target: under 2 s).

Run: `.venv/bin/python bench/upload.py`. Files are generated in memory: a 10 MB tidy CSV and a
10 MB wide CSV of made-up values for every economy, years 2000-2025 and new indicators declared
in a metadata file, plus catalogue overrides. Figures are the median of 3 runs after a warm-up.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from readiness.data.snapshot import load_snapshot  # noqa: E402
from readiness.uploads.overlay import apply_overlays  # noqa: E402
from readiness.uploads.reading import read_upload  # noqa: E402
from readiness.uploads.upload import validate_upload  # noqa: E402

TARGET_BYTES = 10_000_000
YEARS = range(2000, 2026)


def _meta(codes: list[str]) -> bytes:
    lines = ["code,name,unit,direction,pillar,goalpost_lo,goalpost_hi"]
    lines += [f"{c},Bench indicator {c},score 0-100,1,context,0,100" for c in codes]
    return ("\n".join(lines) + "\n").encode()


def tidy_file(economies: list[str]) -> tuple[bytes, bytes]:
    rng = np.random.default_rng(1)
    buffer = io.StringIO()
    buffer.write("economy,year,indicator,value\n")
    codes: list[str] = []
    k = 0
    while buffer.tell() < TARGET_BYTES:
        code = "internet_use" if k == 0 else f"bench_{k:03d}"
        if k:
            codes.append(code)
        values = rng.uniform(0, 100, size=(len(economies), len(YEARS)))
        for i, iso3 in enumerate(economies):
            for j, year in enumerate(YEARS):
                buffer.write(f"{iso3},{year},{code},{values[i, j]:.6f}\n")
        k += 1
    return buffer.getvalue().encode(), _meta(codes)


def wide_file(economies: list[str]) -> tuple[bytes, bytes]:
    rng = np.random.default_rng(2)
    row_bytes = len(economies) * len(YEARS)
    n_cols = max(1, TARGET_BYTES // (row_bytes * 11))
    codes = [f"wide_{j:03d}" for j in range(n_cols)]
    values = rng.uniform(0, 100, size=(len(economies) * len(YEARS), n_cols))
    lines = [",".join(["economy", "year", "internet_use", *codes])]
    n = 0
    for iso3 in economies:
        for year in YEARS:
            cells = ",".join(f"{v:.6f}" for v in values[n])
            lines.append(f"{iso3},{year},{values[n, 0]:.4f},{cells}")
            n += 1
    return ("\n".join(lines) + "\n").encode(), _meta(codes)


def timed(data: bytes, meta: bytes, name: str, snapshot) -> tuple[float, float, int]:
    """(seconds to read and validate, seconds to merge, values)."""
    t0 = time.perf_counter()
    parsed = read_upload(data, name)
    meta_parsed = read_upload(meta, "meta.csv")
    result = validate_upload(parsed, snapshot, meta_parsed)
    t1 = time.perf_counter()
    assert result.ok, [p.line() for p in result.problems[:5]]
    apply_overlays(snapshot, [result.overlay])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(result.overlay.rows)


def main() -> None:
    snapshot = load_snapshot()
    economies = sorted(snapshot.countries["iso3"])
    for label, (data, meta) in (
        ("tidy CSV", tidy_file(economies)),
        ("wide CSV", wide_file(economies)),
    ):
        timed(data, meta, "bench.csv", snapshot)  # warm-up
        runs = [timed(data, meta, "bench.csv", snapshot) for _ in range(3)]
        validate = statistics.median(r[0] for r in runs)
        merge = statistics.median(r[1] for r in runs)
        total = validate + merge
        verdict = "OK" if total < 2.0 else "OVER TARGET"
        print(
            f"{label}: {len(data) / 1e6:.1f} MB, {runs[0][2]:,} values: validate {validate:.2f} s "
            f"+ merge {merge:.2f} s = {total:.2f} s (target < 2 s: {verdict})"
        )


if __name__ == "__main__":
    main()
