"""A process killed in the middle of an import leaves the city as it was, and the store usable."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pandas as pd

from readiness.store.cities import CHUNK
from readiness.store.engine import open_store
from tests.store.support import KARMOY, pause_at_insert, with_year

CONTEXT = multiprocessing.get_context("fork")
TIMEOUT = 60


def _big(values: pd.DataFrame) -> pd.DataFrame:
    """Karmøy's values for every year from 1900 to 2100: 2,814 rows, six INSERTs of 500."""
    return pd.concat([with_year(values, year) for year in range(1900, 2101)], ignore_index=True)


def _import(url: str, city_id: int, values: pd.DataFrame, reached, go) -> None:
    store = open_store(url)
    pause_at_insert(store.engine, 3, reached, go)  # 1,000 rows inserted, 1,814 to come
    store.import_values(city_id, values, editor="killed")


def test_a_killed_import_leaves_none_of_its_values(store, db_url, karmoy_values):
    karmoy = store.create_city(**KARMOY, editor="setup")
    store.import_values(karmoy.id, karmoy_values, editor="setup")
    before = store.values(karmoy.id)
    big = _big(karmoy_values.assign(note="the big import"))
    assert len(big) == 14 * 201 > 3 * CHUNK
    store.close()
    reached, go = CONTEXT.Event(), CONTEXT.Event()
    child = CONTEXT.Process(target=_import, args=(db_url, karmoy.id, big, reached, go))
    child.start()
    assert reached.wait(timeout=TIMEOUT), "the import never began"
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=TIMEOUT)
    assert child.exitcode == -signal.SIGKILL

    after = open_store(db_url)  # opens as usual: no lock left, nothing to repair by hand
    pd.testing.assert_frame_equal(after.values(karmoy.id), before)
    assert "killed" not in set(after.audit()["editor"])
    assert after.list_cities()["value_count"].tolist() == [14]
    # The same import, run to its end, stores every row.
    assert after.import_values(karmoy.id, big, editor="finisher") == len(big)
    stored = after.values(karmoy.id)
    assert len(stored) == len(big) and set(stored["note"]) == {"the big import"}
    after.close()
