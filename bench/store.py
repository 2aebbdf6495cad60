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

The poll section (`bench/store.py polls` runs it alone): 50 processes, one per participant's
session, each opens the store, waits at a barrier and answers one open poll (3 factors, real
economies of the snapshot); then each answers again (replacing its answer). The time is from
the barrier to the last commit, median of 3 runs on a fresh database; the answers stored and
the tally's sums are checked after every run, and the tally's time is measured at 2,000 answers.
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
from readiness.experiences.questionnaire import validate_poll_answer  # noqa: E402
from readiness.experiences.vocabulary import FACTORS, ROLES  # noqa: E402
from readiness.paths import default_raw_dir  # noqa: E402
from readiness.store.engine import open_store  # noqa: E402
from readiness.store.polls import itu_regions  # noqa: E402

CONTEXT = multiprocessing.get_context("fork")
WRITERS = 20
ANSWERERS = 50
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


def _picks(index: int, again: bool) -> tuple[list[str], str, str]:
    """Participant `index`'s factors (3, rank order), economy and role; another set `again`."""
    economies = sorted(itu_regions())
    shift = 7 if again else 0
    factors = [FACTORS[(index + shift + k * 3) % len(FACTORS)] for k in range(3)]
    return factors, economies[(index * 7) % len(economies)], ROLES[index % len(ROLES)]


def _answerer(url: str, code: str, index: int, barrier: Any, out: Any) -> None:
    store = open_store(url)
    answers = [validate_poll_answer(*_picks(index, again)) for again in (False, True)]
    times = []
    try:
        for answer in answers:
            barrier.wait(timeout=120)
            start = time.perf_counter()
            store.polls.answer(code, answer, session_key=f"bench-session-{index}")
            times.append(time.perf_counter() - start)
        out.put((times, ""))
    except Exception as error:  # reported by the parent, which then stops
        out.put(([], repr(error)))
    store.close()


def poll_run(url: str) -> tuple[list[float], list[float], int]:
    """(seconds from the barrier to the last commit, median seconds per answer: each for the
    first and the changed answers; answers stored); the tally checked against the answers."""
    store = open_store(url)
    code = store.polls.open_poll("Bench workshop", editor="bench")["code"]
    store.close()
    barrier, out = CONTEXT.Barrier(ANSWERERS + 1), CONTEXT.Queue()
    procs = [
        CONTEXT.Process(target=_answerer, args=(url, code, i, barrier, out))
        for i in range(ANSWERERS)
    ]
    for proc in procs:
        proc.start()
    # Round 1: the first answers; the second barrier passes once all are committed. Round 2:
    # every participant changes their answer; it ends with the last result.
    barrier.wait(timeout=120)
    first = time.perf_counter()
    barrier.wait(timeout=300)
    second = time.perf_counter()
    results = [out.get(timeout=300) for _ in procs]
    end = time.perf_counter()
    for proc in procs:
        proc.join(timeout=60)
    errors = [r[1] for r in results if r[1]]
    if errors:
        raise SystemExit(f"{len(errors)} answerer(s) failed: {errors[0]}")
    store = open_store(url)
    tally = store.polls.tally(code).set_index("factor")
    expected = pd.Series([f for i in range(ANSWERERS) for f in _picks(i, True)[0]])
    counts = expected.value_counts().reindex(list(FACTORS), fill_value=0)
    stored = int(store.polls.workshop(code)["answers"])
    if tally["answers"].tolist() != counts.tolist() or set(tally["n_participants"]) != {stored}:
        raise SystemExit(f"the tally does not add up: {tally['answers'].tolist()}")
    store.close()
    rounds = [[r[0][k] for r in results] for k in range(2)]
    return [second - first, end - second], [statistics.median(r) for r in rounds], stored


def tally_time(url: str, answers: int = 2000) -> float:
    """Milliseconds of one tally (median of 7) of a poll holding `answers` answers."""
    store = open_store(url)
    code = store.polls.open_poll("Big workshop", editor="bench")["code"]
    for i in range(answers):
        store.polls.answer(code, validate_poll_answer(*_picks(i, False)), session_key=f"s{i}")
    times = []
    for _ in range(7):
        start = time.perf_counter()
        store.polls.tally(code)
        times.append(time.perf_counter() - start)
    store.close()
    return statistics.median(times) * 1000


def bench_polls(label: str, new_url: Any) -> None:
    runs = [poll_run(new_url()) for _ in range(RUNS)]
    stored = sorted({r[2] for r in runs})
    verdict = "OK" if stored == [ANSWERERS] else f"LOST ANSWERS (expected {ANSWERERS})"
    print(
        f"{label}: {ANSWERERS} participants answering one poll at once: "
        f"{statistics.median(r[0][0] for r in runs):.2f} s (first answers), "
        f"{statistics.median(r[0][1] for r in runs):.2f} s (changed) to the last commit; "
        f"median answer {statistics.median(r[1][0] for r in runs) * 1000:.0f} ms (first), "
        f"{statistics.median(r[1][1] for r in runs) * 1000:.0f} ms (changed); answers stored "
        f"{stored} ({verdict}); tally of 2,000 answers {tally_time(new_url()):.1f} ms"
    )


def main() -> None:
    values = karmoy_values()
    pgtemp = _pgtemp()
    polls_only = sys.argv[1:] == ["polls"]
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = lambda: f"sqlite:///{folder}/{uuid.uuid4().hex}.sqlite3"  # noqa: E731
        if not polls_only:
            bench("SQLite", sqlite_url, values)
        bench_polls("SQLite", sqlite_url)
    with pgtemp.TempPostgres() as server:
        pg_url = lambda: server.create_database(f"b_{uuid.uuid4().hex[:12]}")  # noqa: E731
        if not polls_only:
            bench("PostgreSQL", pg_url, values)
        bench_polls("PostgreSQL", pg_url)


if __name__ == "__main__":
    main()
