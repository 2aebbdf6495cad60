"""Many processes writing at once lose no row, and several may open a new database together."""

from __future__ import annotations

import json
import multiprocessing
import time
import traceback
from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import text

from readiness.cities.master import load_cities
from readiness.store.engine import current_revision, head_revision, open_store
from tests.store.support import KARMOY, pause_at_insert, with_year

# fork: the children start at once with everything imported (a spawned child spends a second
# importing pandas); the parent closes its connections before forking.
CONTEXT = multiprocessing.get_context("fork")
WRITERS = 20
TIMEOUT = 90


def _child(index: int, work: Callable[[], Any], barrier: Any, results: Any) -> None:
    try:
        if barrier is not None:
            barrier.wait(timeout=TIMEOUT)
        results.put((index, work(), ""))
    except BaseException:
        results.put((index, None, traceback.format_exc()))


def run_at_once(works: list[Callable[[], Any]]) -> dict[int, Any]:
    """Run each function in its own process, all released together; their results by index."""
    barrier, results = CONTEXT.Barrier(len(works)), CONTEXT.Queue()
    processes = [
        CONTEXT.Process(target=_child, args=(i, work, barrier, results), daemon=True)
        for i, work in enumerate(works)
    ]
    for process in processes:
        process.start()
    found: dict[int, Any] = {}
    errors = []
    for _ in processes:
        index, value, error = results.get(timeout=TIMEOUT)
        found[index] = value
        if error:
            errors.append(f"process {index}:\n{error}")
    for process in processes:
        process.join(timeout=TIMEOUT)
        assert process.exitcode == 0, f"a writer ended with {process.exitcode}"
    assert not errors, "\n".join(errors)
    return found


def _importer(url: str, city_id: int, values: pd.DataFrame, editor: str) -> Callable[[], int]:
    def work() -> int:
        store = open_store(url)
        try:
            return store.import_values(city_id, values, editor=editor)
        finally:
            store.close()

    return work


def test_twenty_writers_at_once_lose_no_row(store, db_url, karmoy_values):
    # Karmøy and nine real Norwegian cities of the master, each given Karmøy's values.
    karmoy = store.create_city(**KARMOY, editor="setup")
    places = load_cities().query("iso3 == 'NOR'").head(9)
    others = [
        store.create_city(
            p.name,
            p.iso3,
            p.latitude,
            p.longitude,
            geonameid=p.geonameid,
            population=p.population,
            editor="setup",
        )
        for p in places.itertuples()
    ]
    cities = [karmoy, *others]
    jobs = [(city.id, 2020) for city in cities]  # writers 0-9: one city each
    jobs += [(karmoy.id, year) for year in range(2011, 2019)]  # 10-17: Karmøy, a year each
    jobs += [(others[0].id, 2019), (others[0].id, 2019)]  # 18-19: the very same keys
    assert len(jobs) == WRITERS
    store.close()  # no connection of the parent's crosses the fork
    works = [
        _importer(db_url, city_id, with_year(karmoy_values, year), f"writer-{i:02d}")
        for i, (city_id, year) in enumerate(jobs)
    ]
    written = run_at_once(works)
    assert sorted(written.values()) == [14] * WRITERS
    counts = store.list_cities().set_index("id")["value_count"]
    assert counts[karmoy.id] == 14 * 9  # 2020 and eight more years
    assert counts[others[0].id] == 14 * 2  # 2020, and 2019 written twice
    assert all(counts[city.id] == 14 for city in others[1:])
    assert counts.sum() == 266
    assert sorted(store.values(karmoy.id)["year"].unique()) == [*range(2011, 2019), 2020]
    log = store.audit(100)
    imports = log[log["action"] == "import_values"]
    assert sorted(imports["editor"]) == [f"writer-{i:02d}" for i in range(WRITERS)]
    details = imports["detail"].map(json.loads)
    assert details.map(lambda d: d["rows"]).sum() == 280
    assert details.map(lambda d: d["replaced"]).sum() == 14  # one of 18-19 replaced the other


def _opener(url: str) -> Callable[[], str | None]:
    def work() -> str | None:
        store = open_store(url)
        with store.engine.connect() as connection:
            revision = current_revision(connection)
        store.close()
        return revision

    return work


def test_processes_opening_a_new_database_together_migrate_it_once(db_url):
    revisions = run_at_once([_opener(db_url) for _ in range(8)])
    assert set(revisions.values()) == {head_revision()}
    store = open_store(db_url)
    with store.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    store.close()
    assert [tuple(v) for v in versions] == [(head_revision(),)]


def test_a_second_writer_to_a_city_waits_for_the_first(store, db_url, karmoy_values):
    karmoy = store.create_city(**KARMOY, editor="setup")
    store.close()
    reached, go, results = CONTEXT.Event(), CONTEXT.Event(), CONTEXT.Queue()

    def first() -> int:
        writer = open_store(db_url)
        pause_at_insert(writer.engine, 1, reached, go)  # inside its transaction, rows deleted
        return writer.import_values(karmoy.id, karmoy_values, editor="first")

    def second() -> int:
        writer = open_store(db_url)
        again = karmoy_values.assign(note="imported again")
        return writer.import_values(karmoy.id, again, editor="second")

    one = CONTEXT.Process(target=_child, args=(1, first, None, results), daemon=True)
    one.start()
    assert reached.wait(timeout=TIMEOUT)
    two = CONTEXT.Process(target=_child, args=(2, second, None, results), daemon=True)
    two.start()
    time.sleep(1.0)
    assert two.is_alive()  # queued behind the first writer, not failed
    go.set()
    done = sorted(results.get(timeout=TIMEOUT) for _ in range(2))
    assert done == [(1, 14, ""), (2, 14, "")]
    for process in (one, two):
        process.join(timeout=TIMEOUT)
    stored = store.values(karmoy.id)
    assert len(stored) == 14 and set(stored["note"]) == {"imported again"}
    details = store.audit(2)["detail"].map(json.loads).tolist()
    assert [d["replaced"] for d in details] == [14, 0]  # the second replaced the first's rows
