"""Reference targets for U4SSC KPIs (data/u4ssc/targets.yaml): only documented public targets,
each with its reference text and URL; a KPI not listed has none (its header states the rule)."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import yaml

from readiness.cities.kpis import kpi_points
from readiness.errors import SnapshotError
from readiness.paths import DATA_DIR

TARGETS_FILE = DATA_DIR / "u4ssc" / "targets.yaml"
TARGET_COLUMNS = ("code", "data_point", "target", "direction", "reference", "url", "note")
DIRECTIONS = ("higher", "lower")


def _entry(raw: dict, references: dict, n: int, problems: list[str]) -> dict[str, object]:
    ref = references.get(raw.get("reference"))
    if ref is None:
        problems.append(f"target {n}: reference {raw.get('reference')!r} is not in references")
        ref = {"citation": "", "url": ""}
    return {
        "code": str(raw.get("kpi", "")),
        "data_point": str(raw.get("data_point") or ""),
        "target": raw.get("target"),
        "direction": raw.get("direction"),
        "reference": " ".join(str(ref.get("citation", "")).split()),
        "url": str(ref.get("url", "")),
        "note": " ".join(str(raw.get("note", "")).split()),
    }


def _check(frame: pd.DataFrame, problems: list[str]) -> None:
    points = kpi_points()
    keys = zip(points["code"], points["data_point"], strict=True)
    known_by = dict(zip(keys, points["direction"], strict=True))
    for row in frame.to_dict("records"):
        code, point, direction = str(row["code"]), str(row["data_point"]), row["direction"]
        where, target = f"{code} {point}".strip(), row["target"]
        if (code, point) not in known_by:
            problems.append(f"{where}: not a KPI and data point of data/u4ssc/kpis.csv")
            continue
        known = known_by[(code, point)]
        if direction not in DIRECTIONS or known not in ("unknown", direction):
            problems.append(f"{where}: direction {direction!r} (the KPI list says {known})")
        if not isinstance(target, int | float) or not target > 0:
            problems.append(f"{where}: target {target!r} must be a number above 0")
        if not (row["reference"] and str(row["url"]).startswith("https://") and row["note"]):
            problems.append(f"{where}: needs its reference, an https URL and a note")
    if frame.duplicated(["code", "data_point"]).any():
        problems.append("a KPI and data point is listed twice")


@functools.cache
def _targets(path: Path) -> pd.DataFrame:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries, references = list(doc["targets"]), dict(doc["references"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise SnapshotError([f"u4ssc/targets.yaml cannot be read: {exc}"]) from exc
    problems: list[str] = []
    rows = [_entry(raw, references, n, problems) for n, raw in enumerate(entries, 1)]
    frame = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    _check(frame, problems)
    if problems:
        raise SnapshotError([f"u4ssc/targets.yaml: {p}" for p in problems])
    frame["target"] = frame["target"].astype(float)
    return frame


def load_targets() -> pd.DataFrame:
    """The reference targets: TARGET_COLUMNS (code, data_point, target, direction, reference
    (citation text), url, note), in the file's order."""
    return _targets(TARGETS_FILE).copy()


__all__ = ["DIRECTIONS", "TARGETS_FILE", "TARGET_COLUMNS", "load_targets"]
