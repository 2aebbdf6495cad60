"""The `indicators` sheet (or metadata file): new indicators declared, and labels mapped."""

from __future__ import annotations

import math
import re
from typing import Any

from readiness.data.catalogue import INDEX_CODE, Goalposts, Indicator, Transform
from readiness.data.harmonise import normalise_name
from readiness.data.snapshot import Snapshot
from readiness.uploads.layout import find_columns
from readiness.uploads.overlay import USER_LICENCE, USER_SOURCE, Provenance
from readiness.uploads.problems import Collector, Problem
from readiness.uploads.tables import DECIMAL_COMMA, Table, number

CODE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

META_HEADERS: dict[str, frozenset[str]] = {
    "code": frozenset({"code", "indicator", "indicator_code", "icode"}),
    "name": frozenset({"name", "indicator_name", "iname", "title"}),
    "unit": frozenset({"unit", "units"}),
    "direction": frozenset({"direction", "polarity"}),
    "pillar": frozenset({"pillar", "parent", "role"}),
    "goalpost_lo": frozenset({"goalpost_lo", "goalpost_lower", "goalposts_lo", "lo", "min"}),
    "goalpost_hi": frozenset({"goalpost_hi", "goalpost_upper", "goalposts_hi", "hi", "max"}),
    "weight": frozenset({"weight"}),
    "window": frozenset({"window", "window_years"}),
    "description": frozenset({"description", "definition"}),
    "maps_to": frozenset({"maps_to", "map_to", "overrides", "catalogue_code"}),
}
META_REQUIRED = ("name", "unit", "direction", "pillar", "goalpost_lo", "goalpost_hi")
_DIRECTIONS = {
    "1": 1, "+1": 1, "1.0": 1, "higher": 1, "higher is better": 1, "positive": 1,
    "-1": -1, "-1.0": -1, "lower": -1, "lower is better": -1, "negative": -1,
}  # fmt: skip
_META_HELP = {
    "name": "give a short name",
    "unit": "give the unit, e.g. `score 0-100` or `% of population`",
    "direction": "1 if higher is better, -1 if lower is better",
    "pillar": "a pillar code (CONN, BBAF, POLICY, ENABLE, IOT) or `context` (shown, not scored)",
    "goalpost_lo": "the worst-end bound in the indicator's unit",
    "goalpost_hi": "the best-end bound in the indicator's unit",
}


class _MetaRow:
    """One row of the indicators sheet: its cells as clean text, and problems at its row."""

    def __init__(self, table: Table, cols: dict[str, int], k: int, out: Collector, sheet: str):
        self.table, self.cols, self.k, self.out, self.sheet = table, cols, k, out, sheet
        self.row = int(table.rows[k])

    def get(self, name: str) -> str:
        # Labels end up in tables, terminals and reports: no control characters.
        text = str(self.table.cells.iloc[self.k, self.cols[name]]) if name in self.cols else ""
        return _CONTROL_CHARS.sub("", text).strip()

    def problem(self, code: str, message: str, column: str | None) -> None:
        label = self.table.header[self.cols[column]] if column in self.cols else column
        self.out.add(Problem(code, message, self.sheet, self.row, label))

    def number(self, name: str, default: str = "") -> float | None:
        text = self.get(name) or default
        if not text:
            return None
        num = number(text.replace(",", ".") if DECIMAL_COMMA.fullmatch(text) else text)
        if num is None or not math.isfinite(num):
            self.problem("meta_not_numeric", f"{name} {text[:30]!r} is not a number", name)
            return None
        return num


def _read_mapping(row: _MetaRow, code: str, target: str, catalogue: Any) -> str | None:
    """The catalogue code a `maps_to` row names, or None with a problem."""
    if target not in catalogue.codes:
        row.problem(
            "meta_bad_mapping",
            f"maps_to {target[:60]!r} is not a catalogue code; use one of "
            f"{', '.join(i.code for i in catalogue.index_indicators()[:6])}, ...",
            "maps_to",
        )
        return None
    if not code or len(code) > 120:
        row.problem("meta_no_code", "give the label used in the data as `code`", "code")
        return None
    return target


def _code_is_new(row: _MetaRow, code: str, catalogue: Any, declared: dict[str, Any]) -> bool:
    """Whether `code` may name a new indicator; a problem says why not."""
    reserved = {INDEX_CODE.casefold(), *(p.casefold() for p in catalogue.pillar_codes)}
    if not CODE_PATTERN.fullmatch(code):
        message = (
            f"code {code[:60]!r} must start with a letter and use only letters, digits and "
            "_ (40 at most)"
        )
        row.problem("meta_bad_code", message, "code")
    elif code in catalogue.codes:
        message = (
            f"{code!r} is a catalogue indicator: remove this row (values under that code "
            "override the catalogue's) or choose a new code"
        )
        row.problem("meta_catalogue_code", message, "code")
    elif code.casefold() in reserved:
        row.problem(
            "meta_reserved_code", f"{code!r} is a pillar or index code; choose another", "code"
        )
    elif code in declared:
        row.problem("meta_duplicate", f"indicator {code!r} is declared twice; keep one row", "code")
    else:
        return True
    return False


def _pillar(row: _MetaRow, pillars: dict[str, str], catalogue: Any) -> tuple[str | None, str]:
    """(pillar code or None, role) from the `pillar` cell."""
    text = row.get("pillar")
    if text.casefold() in ("context", "none"):
        return None, "context"
    if not text:
        return None, "index"
    pillar = pillars.get(text.casefold()) or pillars.get(normalise_name(text))
    if pillar is None:
        row.problem(
            "meta_bad_pillar",
            f"pillar {text[:40]!r} is not one of {', '.join(catalogue.pillar_codes)} or "
            "`context` (shown, not scored)",
            "pillar",
        )
    return pillar, "index"


def _numbers(row: _MetaRow) -> tuple[float | None, ...]:
    """goalpost_lo, goalpost_hi, weight and window, each checked."""
    lo, hi = row.number("goalpost_lo"), row.number("goalpost_hi")
    if lo is not None and hi is not None and not lo < hi:
        message = f"goalposts need goalpost_lo < goalpost_hi, got {lo:g} and {hi:g}"
        row.problem("meta_bad_goalposts", message, "goalpost_lo")
    weight = row.number("weight", "1")
    if weight is not None and weight < 0:
        row.problem("meta_bad_weight", "weight must be a number >= 0", "weight")
    window = row.number("window", "5")
    if window is not None and (window != int(window) or not 1 <= window <= 10):
        row.problem("meta_bad_window", "window must be a whole number of years, 1 to 10", "window")
    return lo, hi, weight, window


def _define(
    row: _MetaRow, code: str, pillars: dict[str, str], catalogue: Any, provenance: Provenance
) -> Indicator | None:
    """The declared Indicator, or None when a field is missing or wrong (problems added)."""
    for name in META_REQUIRED:
        if not row.get(name):
            row.problem(
                "meta_missing", f"indicator {code!r} lacks {name}: {_META_HELP[name]}", name
            )
    name, unit = row.get("name"), row.get("unit")
    if len(name) > 200 or len(unit) > 60:
        row.problem("meta_too_long", "name (200) or unit (60 characters) is too long", "name")
    direction_text = row.get("direction").casefold()
    direction = _DIRECTIONS.get(direction_text)
    if direction_text and direction is None:
        message = (
            f"direction {direction_text[:20]!r}: write 1 (higher is better) or -1 (lower is better)"
        )
        row.problem("meta_bad_direction", message, "direction")
    pillar, role = _pillar(row, pillars, catalogue)
    lo, hi, weight, window = _numbers(row)
    if direction is None or lo is None or hi is None or weight is None or window is None:
        return None
    return Indicator(
        code=code,
        name=name,
        description=row.get("description")[:1000] or f"{name} (user data)",
        unit=unit,
        source=USER_SOURCE,
        series=provenance.filename,
        licence=USER_LICENCE,
        role="index" if role == "index" else "context",
        pillar=pillar,
        direction=direction,
        weight=float(weight),
        transform=Transform(),
        goalposts=Goalposts(lo, hi, f"declared by the user in {provenance.filename}"),
        window=int(window),
    )


def read_metadata(
    table: Table, snapshot: Snapshot, provenance: Provenance, out: Collector, sheet: str
) -> tuple[dict[str, Indicator], dict[str, str], set[str]]:
    """New indicators (code -> Indicator), mappings (label -> catalogue code), failed codes."""
    catalogue = snapshot.catalogue
    cols = find_columns(table.header, META_HEADERS)
    if "code" not in cols:
        message = (
            "the indicators sheet needs a `code` column (and name, unit, direction, pillar, "
            "goalpost_lo, goalpost_hi for each new indicator)"
        )
        out.add(Problem("meta_no_code", message, sheet, table.header_row))
        return {}, {}, set()
    pillars = {p.code.casefold(): p.code for p in catalogue.pillars}
    pillars |= {normalise_name(p.name): p.code for p in catalogue.pillars}
    declared: dict[str, Indicator] = {}
    aliases: dict[str, str] = {}
    failed: set[str] = set()
    for k in range(len(table.cells)):
        row = _MetaRow(table, cols, k, out, sheet)
        code, target = row.get("code"), row.get("maps_to")
        if target:
            if (mapped := _read_mapping(row, code, target, catalogue)) is not None:
                aliases[code] = mapped
            continue
        if not _code_is_new(row, code, catalogue, declared):
            continue
        start = len(out.items) + out.omitted
        indicator = _define(row, code, pillars, catalogue, provenance)
        if indicator is None or len(out.items) + out.omitted > start:
            failed.add(code)
        else:
            declared[code] = indicator
    return declared, aliases, failed


__all__ = ["CODE_PATTERN", "META_HEADERS", "META_REQUIRED", "read_metadata"]
