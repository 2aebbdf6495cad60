"""A scenario is a method plus overlays, saved as ONE JSON file and read back exactly.

No pickle and no code: the file holds the method's settings, each overlay's rows (as columns),
its indicator definitions and provenance. On import every overlay is validated again like an
upload, so a hand-edited or hostile scenario file is refused with the same messages.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.snapshot import Snapshot
from readiness.errors import ReadinessError
from readiness.index.method import Method
from readiness.uploads.overlay import Overlay, Provenance, apply_overlays

FORMAT = "readiness-scenario"
VERSION = 1
MAX_SCENARIO_BYTES = 60 * 1024 * 1024
_META_FIELDS = (
    "code", "name", "unit", "direction", "pillar", "goalpost_lo", "goalpost_hi", "weight",
    "window", "description",
)  # fmt: skip


class ScenarioError(ReadinessError):
    """A scenario file that cannot be imported; the message lists every problem."""


@dataclass(frozen=True, eq=False)
class Scenario:
    """The method and the overlays (applied in order) of one user's what-if."""

    method: Method = field(default_factory=Method)
    overlays: tuple[Overlay, ...] = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.method == other.method and self.overlays == other.overlays

    def __hash__(self) -> int:
        return hash((self.method, tuple(o.token for o in self.overlays)))

    def snapshot(self, snapshot: Snapshot) -> Snapshot:
        """The snapshot with this scenario's overlays applied (a new object)."""
        return apply_overlays(snapshot, self.overlays)


def export_scenario(scenario: Scenario) -> bytes:
    """The scenario as UTF-8 JSON; floats are written so they read back bit for bit."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": scenario.method.to_dict(),
        "overlays": [_overlay_doc(o) for o in scenario.overlays],
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=1).encode("utf-8")


def _overlay_doc(overlay: Overlay) -> dict[str, Any]:
    rows = overlay.rows
    return {
        "provenance": {
            "filename": overlay.provenance.filename,
            "sha256": overlay.provenance.sha256,
            "uploaded_at": overlay.provenance.uploaded_at,
        },
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "direction": i.direction,
                "pillar": i.pillar if i.role == "index" else "context",
                "goalpost_lo": i.goalposts.lo,
                "goalpost_hi": i.goalposts.hi,
                "weight": i.weight,
                "window": i.window,
                "description": i.description,
            }
            for i in overlay.indicators
        ],
        "rows": {
            "iso3": rows["iso3"].tolist(),
            "indicator": rows["indicator"].tolist(),
            "year": [int(y) for y in rows["year"]],
            "value": [float(v) for v in rows["value"]],
        },
    }


def import_scenario(data: bytes, snapshot: Snapshot) -> Scenario:
    """Read a scenario file; every overlay is validated again; ScenarioError lists problems."""
    from readiness.uploads.tables import ParsedUpload
    from readiness.uploads.upload import validate_upload

    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"the scenario file is {len(data) / 1e6:.1f} MB; the limit is "
            f"{MAX_SCENARIO_BYTES / 1e6:.0f} MB"
        )
    try:
        doc = json.loads(bytes(data).decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ScenarioError(f"not a scenario file (JSON expected): {first}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ScenarioError(f"not a scenario file: expected a JSON object with format {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise ScenarioError(f"scenario version {doc.get('version')!r} is not supported")
    problems: list[str] = []
    try:
        method = Method.from_dict(doc.get("method") or {})
    except ReadinessError as exc:
        problems.append(str(exc))
        method = Method()
    raw_overlays = doc.get("overlays", [])
    if not isinstance(raw_overlays, list):
        raise ScenarioError("`overlays` must be a list")
    overlays: list[Overlay] = []
    for n, item in enumerate(raw_overlays, start=1):
        where = f"overlay {n}"
        try:
            prov, meta, rows = _overlay_parts(item, where)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        parsed = ParsedUpload(
            filename=prov.filename,
            sha256=prov.sha256,
            size=0,
            kind="csv",
            data=_text_table("data", ("economy", "year", "indicator", "value"), rows),
        )
        meta_parsed = None
        if meta:
            meta_rows = [[_text(m.get(f)) for f in _META_FIELDS] for m in meta]
            meta_parsed = replace(parsed, data=_text_table("indicators", _META_FIELDS, meta_rows))
        result = validate_upload(parsed, snapshot, meta_parsed, uploaded_at=prov.uploaded_at)
        if not result.ok or result.overlay is None:
            problems += [f"{where} ({prov.filename}): {p.line()}" for p in result.errors]
            continue
        overlays.append(result.overlay)
    if problems:
        raise ScenarioError(
            f"the scenario has {len(problems)} problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems[:200])
        )
    return Scenario(method=method, overlays=tuple(overlays))


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in a scenario file")


def _overlay_parts(
    item: Any, where: str
) -> tuple[Provenance, list[dict[str, Any]], list[list[str]]]:
    if not isinstance(item, dict):
        raise ScenarioError(f"{where}: must be an object with provenance, indicators and rows")
    prov = item.get("provenance")
    if not isinstance(prov, dict) or not all(
        isinstance(prov.get(k), str) for k in ("filename", "sha256", "uploaded_at")
    ):
        raise ScenarioError(f"{where}: provenance needs filename, sha256 and uploaded_at (text)")
    if not re.fullmatch(r"[0-9a-f]{64}", prov["sha256"]) or len(prov["filename"]) > 120:
        raise ScenarioError(f"{where}: provenance has a bad sha256 or an over-long file name")
    meta = item.get("indicators", [])
    if not isinstance(meta, list) or not all(isinstance(m, dict) for m in meta):
        raise ScenarioError(f"{where}: indicators must be a list of objects")
    rows = item.get("rows")
    columns = ("iso3", "year", "indicator", "value")
    if not isinstance(rows, dict) or not all(isinstance(rows.get(c), list) for c in columns):
        raise ScenarioError(f"{where}: rows need the lists iso3, indicator, year and value")
    lengths = {len(rows[c]) for c in columns}
    if len(lengths) != 1:
        raise ScenarioError(f"{where}: the row lists iso3, indicator, year, value differ in length")
    from readiness.uploads import limits

    if lengths.pop() > limits.MAX_ROWS:
        raise ScenarioError(f"{where}: more than {limits.MAX_ROWS:,} rows")
    table = [[_text(v) for v in rows[c]] for c in columns]
    return (
        Provenance(prov["filename"], prov["sha256"], prov["uploaded_at"]),
        meta,
        [list(r) for r in zip(*table, strict=True)],
    )


def _text(value: Any) -> str:
    """A JSON scalar as the text an upload cell would hold (floats exactly, via repr)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "nan"
    if isinstance(value, int | str):
        return str(value)
    return json.dumps(value)[:100]


def _text_table(name: str, header: Sequence[str], rows: list[list[str]]) -> Any:
    from readiness.uploads.tables import Table

    cells = pd.DataFrame(rows, columns=range(len(header)), dtype=object)
    if cells.empty:
        cells = pd.DataFrame(columns=range(len(header)), dtype=object)
    return Table(name, tuple(header), cells, np.arange(2, len(rows) + 2), header_row=1)


__all__ = ["FORMAT", "Scenario", "ScenarioError", "export_scenario", "import_scenario"]
