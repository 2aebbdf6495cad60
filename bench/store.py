"""Benchmark of the store: 20 processes importing city values at once, on SQLite and PostgreSQL.

Run: `.venv/bin/python bench/store.py`. PostgreSQL is a throwaway server from Debian's binaries
(scripts/pgtemp.py, as the tests start it; `bash scripts/ensure-postgres.sh` installs them),
SQLite a file in a temporary folder. Ten cities (Karmøy and nine Norwegian cities of the master)
get Karmøy's 14 real values (../shared/data/raw/cities): writers 0-9 one city each, writers
10-17 Karmøy again for other years, writers 18-19 the same keys of one city (the second
replaces the first). Each writer opens the store, waits at a barrier, then imports; the time is
from the barrier to the last commit, median of 3 runs on a fresh database. In a second round
each writer imports 201 years (2,814 rows) into a city of its own (19 cities, the last written
twice). Rows are counted after every run.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from readiness.cities.master import load_cities  # noqa: E402
from readiness.paths import default_raw_dir  # noqa: E402
from readiness.store.engine import open_store  # noqa: E402

CONTEXT = multiprocessing.get_context("fork")
WRITERS = 20
RUNS = 3
KARMOY = {"name": "Karmøy", "iso3": "NOR", "latitude": 59.2833, "longitude": 5.2833}


def _pgtemp() -> Any:
    spec = importlib.util.spec_from_file_location("pgtemp", REPO / "scripts" / "pgtemp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def karmoy_values() -> pd.DataFrame:
    raw = pd.read_csv(
        default_raw_dir() / "cities" / "u4ssc_city_values_sample.csv",
        dtype=str, keep_default_na=False, encoding="utf-8",
    )  # fmt: skip
    return pd.DataFrame(
        {
            "kpi_code": raw["kpi_code_mapped"], "data_point": raw["data_point"], "year": 2020,
            "value": raw["value"].astype(float), "unit": raw["unit"],
            "source": raw["source_url"], "data_quality": "", "note": "",
        }
    )  # fmt: skip


def _years(values: pd.DataFrame, years: range) -> pd.DataFrame:
    return pd.concat([values.assign(year=y) for y in years], ignore_index=True)


def _writer(url: str, city_id: int, values: pd.DataFrame, barrier: Any, out: Any) -> None:
    store = open_store(url)
    barrier.wait(timeout=120)
    start = time.perf_counter()
    try:
        rows = store.import_values(city_id, values, editor="bench")
        out.put((rows, time.perf_counter() - start, ""))
    except Exception as error:  # reported by the parent, which then stops
        out.put((0, 0.0, repr(error)))
    store.close()


def _jobs(url: str, big: bool) -> list[tuple[int, range]]:
    """(city id, years) of each writer; the cities are created here."""
    store = open_store(url)
    cities = [store.create_city(**KARMOY, editor="bench").id]
    for place in load_cities().query("iso3 == 'NOR'").head(18 if big else 9).itertuples():
        city = store.create_city(place.name, "NOR", place.latitude, place.longitude, editor="bench")
        cities.append(city.id)
    store.close()
    if big:  # every year 1900-2100, a city each; the last city twice
        return [(city, range(1900, 2101)) for city in [*cities, cities[-1]]]
    jobs = [(city, range(2020, 2021)) for city in cities]
    jobs += [(cities[0], range(year, year + 1)) for year in range(2011, 2019)]
    return jobs + [(cities[1], range(2019, 2020))] * 2


def one_run(url: str, values: pd.DataFrame, big: bool) -> tuple[float, float, int, int]:
    """(seconds barrier to last commit, median seconds per import, rows written, rows stored)."""
    jobs = _jobs(url, big)
    assert len(jobs) == WRITERS
    barrier, out = CONTEXT.Barrier(WRITERS + 1), CONTEXT.Queue()
    procs = [
        CONTEXT.Process(target=_writer, args=(url, city, _years(values, years), barrier, out))
        for city, years in jobs
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)
    start = time.perf_counter()
    results = [out.get(timeout=300) for _ in procs]
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.join(timeout=60)
    errors = [r[2] for r in results if r[2]]
    if errors:
        raise SystemExit(f"{len(errors)} writer(s) failed: {errors[0]}")
    stored = int(open_store(url).list_cities()["value_count"].sum())
    return elapsed, statistics.median(r[1] for r in results), sum(r[0] for r in results), stored


def bench(label: str, new_url: Any, values: pd.DataFrame) -> None:
    for big in (False, True):
        span = 201 if big else 1
        runs = [one_run(new_url(), values, big) for _ in range(RUNS)]
        expected = 14 * span * (WRITERS - 1)  # the two writers of the same keys keep one set
        counts = {r[3] for r in runs}
        verdict = "OK" if counts == {expected} else f"LOST ROWS (expected {expected})"
        print(
            f"{label}: {WRITERS} importers x {14 * span:,} rows: "
            f"{statistics.median(r[0] for r in runs):.2f} s to the last commit "
            f"(median import {statistics.median(r[1] for r in runs):.2f} s); "
            f"rows written {runs[0][2]:,}, stored {sorted(counts)} ({verdict})"
        )


def main() -> None:
    values = karmoy_values()
    pgtemp = _pgtemp()
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", lambda: f"sqlite:///{folder}/{uuid.uuid4().hex}.sqlite3", values)
    with pgtemp.TempPostgres() as server:
        bench("PostgreSQL", lambda: server.create_database(f"b_{uuid.uuid4().hex[:12]}"), values)


if __name__ == "__main__":
    main()
