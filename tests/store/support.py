"""What the store's tests share: the Karmøy values, the city entered by hand, the server helper."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event

from readiness.paths import REPO_ROOT

SAMPLE = "cities/u4ssc_city_values_sample.csv"
# Karmøy is not in the GeoNames master (no place of 15,000 people): the island's coordinates,
# 59°17'N 5°17'E, entered by hand as a user would.
# The sample's rows as the store lists them, in the framework's order: drainage monitoring
# (EC: ICT: D: 1A, the sample's last row) is an ICT KPI and comes before water (EC: I: WS: ...).
U4SSC_ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 13, 8, 9, 10, 11, 12]
KARMOY = {"name": "Karmøy", "iso3": "NOR", "latitude": 59.2833, "longitude": 5.2833}


def _load_pgtemp() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pgtemp", REPO_ROOT / "scripts" / "pgtemp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pgtemp = _load_pgtemp()


def temp_postgres() -> Iterator[Any]:
    """A throwaway PostgreSQL server on 127.0.0.1 for a fixture to yield (`yield from`), stopped
    when the fixture ends. Under CI (CI=true) a server that cannot start fails the tests;
    elsewhere they are skipped only when the PostgreSQL binaries are absent."""
    bin_dir = pgtemp.find_bin_dir()
    if bin_dir is None:
        reason = (
            f"PostgreSQL binaries not found under {pgtemp.PG_ROOT}/*/bin; "
            "install them with `bash scripts/ensure-postgres.sh`"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = pgtemp.TempPostgres(bin_dir)
    try:
        server.start()
    except pgtemp.PostgresStartError as error:
        pytest.fail(f"the test PostgreSQL server did not start: {error}")
    try:
        yield server
    finally:
        server.stop()


def read_karmoy(raw_dir: Path) -> pd.DataFrame:
    """Karmøy's 14 values from ITU's 2020 U4SSC verification report, in the store's columns.

    The report (2020-09) gives no year per value: the report's year stands for it.
    """
    raw = pd.read_csv(raw_dir / SAMPLE, dtype=str, keep_default_na=False, encoding="utf-8")
    return pd.DataFrame(
        {
            "kpi_code": raw["kpi_code_mapped"],
            "data_point": raw["data_point"],
            "year": raw["report_date"].str[:4].astype(int),
            "value": raw["value"].astype(float),
            "unit": raw["unit"],
            "source": raw["report"] + ", " + raw["source_url"],
            "data_quality": "",
            "note": raw["kpi_name_as_reported"],
        }
    )


def with_year(values: pd.DataFrame, year: int) -> pd.DataFrame:
    return values.assign(year=year)


def pause_at_insert(engine: Any, nth: int, reached: Any, go: Any) -> None:
    """Make the engine stop before its `nth` INSERT INTO city_values: set `reached`, wait `go`.

    A deterministic way to hold an import in the middle of its transaction, rows already
    inserted and more to come, for a test to kill the process or to race another writer.
    """
    seen = [0]

    def before(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO CITY_VALUES"):
            seen[0] += 1
            if seen[0] == nth:
                reached.set()
                go.wait(timeout=120)

    event.listen(engine, "before_cursor_execute", before)
