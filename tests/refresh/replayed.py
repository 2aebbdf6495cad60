"""A replay whose services hold newer data than the committed raw set: Kenya's Internet use of
2024 revised at ITU and a 2025 tertiary enrolment at the World Bank. A refresh against it must
switch to a snapshot with exactly these changes."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from readiness.refresh.run import link_tree
from tests.refresh.replay import Replay

ITU_FILE = "itu_datahub/individuals_using_internet.csv"
WDI_FILE = "wdi/se.ter.enrr/data.csv"
REVISED_VALUE = "40.5"  # KEN i99H 2024, 34.9762 in the committed export
NEW_VALUE = "11.25"  # KEN SE.TER.ENRR 2025, no value in the committed set


def _rewrite(path: Path, rows: list[list[str]], bom: bool) -> None:
    os.unlink(path)  # a hard link to the committed file: replace it, never write through
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_MINIMAL).writerows(rows)


def newer_raw(committed: Path, target: Path) -> Path:
    """The committed raw set (hard links) with the two changes the replay will serve."""
    link_tree(committed, target)
    with (target / ITU_FILE).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        if row[6] == "KEN" and row[9] == "2024":
            row[8] = REVISED_VALUE
    _rewrite(target / ITU_FILE, rows, bom=True)
    with (target / WDI_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows.append(["Kenya", "KEN", "2025", NEW_VALUE])
    _rewrite(target / WDI_FILE, rows, bom=False)
    return target


@contextmanager
def serving(raw: Path) -> Iterator[Replay]:
    """A replay of `raw` on 127.0.0.1, stopped on exit."""
    server = Replay(raw).start()
    try:
        yield server
    finally:
        server.stop()


def point_at(server: Replay, env: dict[str, str] | None = None) -> dict[str, str]:
    """Every source's address variable pointing at `server` (into `env`, else a new dict)."""
    out = env if env is not None else {}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        out.pop(name, None)
    out.update(server.env())
    out["NO_PROXY"] = "127.0.0.1,localhost"
    return out
