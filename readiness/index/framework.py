"""The index framework: indicators and aggregates in a hierarchy of any depth (COINr's iMeta)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError

# COINr's iMeta columns; the optional ones carry per-indicator method inputs.
REQUIRED_COLUMNS = ("iCode", "Parent", "Level", "Weight")
OPTIONAL_COLUMNS = (
    "iName",
    "Direction",
    "Type",
    "goalpost_lower",
    "goalpost_upper",
    "Target",
    "Log",
    "Cap",
    "Floor",
    "Window",
    "Since",
)
# COINr lets iMeta hold rows that are not part of the tree (denominators, groups, other data).
_NON_TREE_TYPES = frozenset({"Denominator", "Group", "Other"})


@dataclass(frozen=True)
class Node:
    """One indicator (level 1) or aggregate (level >= 2) of the framework."""

    code: str
    name: str
    parent: str | None
    level: int
    weight: float
    direction: int = 1
    # Goalposts and target are in the indicator's original unit; the engine applies the same
    # cap and log to them as to the values.
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    log: bool = False
    cap: float | None = None
    window: int | None = None
    # With a log: values below the floor are raised to it first (a real 0 scores as the floor).
    floor: float | None = None
    # The first reference year the node (and all below it) counts in its parent: a pillar added
    # when its sources began has weight 0 in earlier years (the older index is unchanged).
    since: int | None = None


@dataclass(frozen=True)
class LevelPlan:
    """How one level is aggregated: children (the level below) to parents, with raw weights."""

    level: int
    children: tuple[str, ...]
    parents: tuple[str, ...]
    # parent_of[i] is the column of child i's parent in `parents`.
    parent_of: np.ndarray = field(repr=False)

    def weight_matrix(self, weights: np.ndarray) -> np.ndarray:
        """A children x parents matrix holding each child's weight in its parent's column."""
        matrix = np.zeros((len(self.children), len(self.parents)))
        matrix[np.arange(len(self.children)), self.parent_of] = weights
        return matrix


@dataclass(frozen=True, eq=False)
class Framework:
    """A validated tree of nodes, from `from_table`, `from_catalogue` or `load_framework`."""

    nodes: tuple[Node, ...]

    def __post_init__(self) -> None:
        problems = _validate(self.nodes)
        if problems:
            raise ReadinessError(_summary("framework", problems))

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Framework:
        """Build from a COINr-style iMeta table (iCode, Parent, Level, Weight, Direction, ...)."""
        return cls(tuple(_nodes_from_table(table)))

    @classmethod
    def from_catalogue(cls, catalogue: Any) -> Framework:
        """Build our index framework from the catalogue: index indicators -> pillars -> index."""
        table = catalogue.framework_table()
        index_codes = {ind.code for ind in catalogue.index_indicators()}
        table = table[(table["Level"] != 1) | table["iCode"].isin(index_codes)]
        nodes = []
        for node in _nodes_from_table(table):
            if node.level == 1:
                ind = catalogue.get(node.code)
                gp = getattr(ind, "goalposts", None)
                transform = getattr(ind, "transform", None)
                node = Node(
                    code=node.code,
                    name=node.name,
                    parent=node.parent,
                    level=1,
                    weight=node.weight,
                    direction=int(ind.direction),
                    goalposts=None if gp is None else (float(gp.lo), float(gp.hi)),
                    target=None,
                    log=bool(getattr(transform, "log", False)),
                    cap=None
                    if transform is None or transform.cap is None
                    else float(transform.cap),
                    window=None if getattr(ind, "window", None) is None else int(ind.window),
                    floor=None
                    if transform is None or getattr(transform, "floor", None) is None
                    else float(transform.floor),
                )
            elif node.level == 2:
                pillar = next((p for p in catalogue.pillars if p.code == node.code), None)
                node = replace(node, since=getattr(pillar, "since", None))
            nodes.append(node)
        return cls(tuple(nodes))

    def renamed(self, names: Mapping[str, str]) -> Framework:
        """The same tree with the nodes named from `names` where it has them (a translation)."""
        return Framework(tuple(replace(n, name=names.get(n.code, n.name)) for n in self.nodes))

    # --- structure ----------------------------------------------------------------------------
    @cached_property
    def by_code(self) -> dict[str, Node]:
        return {node.code: node for node in self.nodes}

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        """Indicator codes (level 1) in table order."""
        return tuple(n.code for n in self.nodes if n.level == 1)

    @cached_property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes, level by level from the bottom, in table order within a level."""
        return tuple(n.code for lev in range(2, self.top_level + 1) for n in self.level_nodes(lev))

    @cached_property
    def indicator_index(self) -> pd.Index:
        """Indicator codes as a column index (built once: string indexes are costly to make)."""
        return pd.Index(self.indicators, name="indicator")

    @cached_property
    def aggregate_index(self) -> pd.Index:
        return pd.Index(self.aggregates, name="aggregate")

    @cached_property
    def top_level(self) -> int:
        return max(n.level for n in self.nodes)

    @cached_property
    def index_code(self) -> str:
        """The single top-level aggregate."""
        return self.level_nodes(self.top_level)[0].code

    @cached_property
    def pillars(self) -> tuple[str, ...]:
        """The aggregates directly above the indicators (level 2)."""
        return tuple(n.code for n in self.level_nodes(2))

    def level_nodes(self, level: int) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.level == level)

    @cached_property
    def child_map(self) -> dict[str, tuple[str, ...]]:
        """Each node's children in table order (leaves map to an empty tuple)."""
        out: dict[str, list[str]] = {n.code: [] for n in self.nodes}
        for n in self.nodes:
            if n.parent is not None:
                out[n.parent].append(n.code)
        return {k: tuple(v) for k, v in out.items()}

    def children(self, code: str) -> tuple[str, ...]:
        return self.child_map[code]

    def name(self, code: str) -> str:
        return self.by_code[code].name

    @cached_property
    def plans(self) -> tuple[LevelPlan, ...]:
        """One aggregation plan per level above the indicators, from the bottom up."""
        plans = []
        for lev in range(2, self.top_level + 1):
            children = tuple(n.code for n in self.level_nodes(lev - 1))
            parents = tuple(n.code for n in self.level_nodes(lev))
            col = {code: j for j, code in enumerate(parents)}
            parent_of = np.array([col[self.by_code[c].parent or ""] for c in children], dtype=int)
            plans.append(LevelPlan(lev, children, parents, parent_of))
        return tuple(plans)

    @cached_property
    def directions(self) -> np.ndarray:
        return np.array([self.by_code[c].direction for c in self.indicators], dtype=float)

    def weights(self, overrides: Mapping[str, float] | None = None, equal: bool = False) -> dict:
        """Every node's raw weight: the framework's (or 1 if `equal`), then `overrides`."""
        out = {n.code: (1.0 if equal else n.weight) for n in self.nodes}
        unknown = sorted(set(overrides or {}) - set(out))
        if unknown:
            raise ReadinessError(
                f"weights given for codes not in the framework: {', '.join(unknown)}; "
                "use indicator or aggregate codes from the framework table"
            )
        out.update({k: float(v) for k, v in (overrides or {}).items()})
        problems = []
        for plan in self.plans:
            for parent in plan.parents:
                kids = self.child_map[parent]
                if sum(out[k] for k in kids) <= 0:
                    problems.append(f"all children of {parent} have weight 0")
        if problems:
            raise ReadinessError(_summary("weights", problems))
        return out

    def inactive(self, year: int | None) -> frozenset[str]:
        """Codes that do not count in `year`: nodes whose `since` is later, and all below them."""
        if year is None:
            return frozenset()
        out: set[str] = set()
        todo = [n.code for n in self.nodes if n.since is not None and n.since > year]
        while todo:
            code = todo.pop()
            out.add(code)
            todo += list(self.child_map.get(code, ()))
        return frozenset(out)

    def to_table(self) -> pd.DataFrame:
        """The framework as a COINr-style iMeta table (round-trips through `from_table`)."""
        rows = []
        for n in self.nodes:
            rows.append(
                {
                    "iCode": n.code,
                    "iName": n.name,
                    "Level": n.level,
                    "Parent": n.parent or "",
                    "Weight": n.weight,
                    "Direction": n.direction,
                    "Type": "Indicator" if n.level == 1 else "Aggregate",
                    "goalpost_lower": n.goalposts[0] if n.goalposts else np.nan,
                    "goalpost_upper": n.goalposts[1] if n.goalposts else np.nan,
                    "Target": np.nan if n.target is None else n.target,
                    "Log": n.log,
                    "Cap": np.nan if n.cap is None else n.cap,
                    "Floor": np.nan if n.floor is None else n.floor,
                    "Since": pd.NA if n.since is None else n.since,
                    "Window": pd.NA if n.window is None else n.window,
                }
            )
        return pd.DataFrame(rows)


def load_framework(path: str | Path) -> Framework:
    """Read a COINr-style framework CSV (iMeta) and validate it."""
    path = Path(path)
    try:
        table = pd.read_csv(
            path, dtype={"iCode": str, "Parent": str}, keep_default_na=False, na_values=[""]
        )
    except FileNotFoundError:
        raise ReadinessError(f"framework file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ReadinessError(f"cannot read framework file {path}: {exc}") from None
    return Framework.from_table(table)


# --- parsing and validation -------------------------------------------------------------------
def _summary(what: str, problems: Sequence[str]) -> str:
    # One line, so the CLI prints every problem without a traceback.
    shown = list(problems[:12])
    more = f"; and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return f"{what} has {len(problems)} problem(s): " + "; ".join(shown) + more


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    out = str(value).strip()
    return out or None


def _number(value: object) -> float | None:
    """A float, None when empty, or NaN when it is not a number."""
    if _text(value) is None:
        return None
    try:
        return float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        return math.nan


def _flag(value: object) -> bool | None:
    text = _text(value)
    if text is None:
        return False
    low = text.lower()
    if low in {"true", "1", "1.0", "yes"}:
        return True
    if low in {"false", "0", "0.0", "no"}:
        return False
    return None


def _nodes_from_table(table: pd.DataFrame) -> list[Node]:
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise ReadinessError(
            f"framework table lacks column(s) {', '.join(missing)}; a COINr-style table needs "
            f"{', '.join(REQUIRED_COLUMNS)} (and Direction for indicators)"
        )
    problems: list[str] = []
    nodes: list[Node] = []
    records = table.to_dict("records")
    for i, row in enumerate(records, start=2):  # line 1 of a CSV is the header
        kind = _text(row.get("Type"))
        if kind in _NON_TREE_TYPES:
            continue
        code = _text(row.get("iCode"))
        where = f"row {i}" if code is None else f"{code}"
        if code is None:
            problems.append(f"row {i} has no iCode")
            continue
        level = _number(row.get("Level"))
        if level is None or math.isnan(level) or level != int(level) or level < 1:
            problems.append(f"{where}: Level must be a whole number >= 1, got {row.get('Level')!r}")
            continue
        weight = _number(row.get("Weight"))
        if weight is None or math.isnan(weight) or math.isinf(weight):
            problems.append(f"{where}: Weight must be a number, got {row.get('Weight')!r}")
            continue
        if weight < 0:
            problems.append(f"{where}: Weight must be >= 0, got {weight:g}")
        direction = _number(row.get("Direction"))
        if direction is None:
            direction = 1.0
        if direction not in (1.0, -1.0):
            problems.append(f"{where}: Direction must be 1 or -1, got {row.get('Direction')!r}")
            direction = 1.0
        lo, hi = _number(row.get("goalpost_lower")), _number(row.get("goalpost_upper"))
        goalposts = None
        if lo is not None or hi is not None:
            if lo is None or hi is None or math.isnan(lo) or math.isnan(hi) or not lo < hi:
                problems.append(
                    f"{where}: goalposts need goalpost_lower < goalpost_upper, got {lo!r}, {hi!r}"
                )
            else:
                goalposts = (lo, hi)
        target = _number(row.get("Target"))
        if target is not None and math.isnan(target):
            problems.append(f"{where}: Target must be a number, got {row.get('Target')!r}")
            target = None
        cap, floor, log = _treatment(row, where, problems)
        window = _number(row.get("Window"))
        if window is not None and (math.isnan(window) or window != int(window) or window < 1):
            problems.append(
                f"{where}: Window must be a whole number >= 1, got {row.get('Window')!r}"
            )
            window = None
        nodes.append(
            Node(
                code=code,
                name=_text(row.get("iName")) or code,
                parent=_text(row.get("Parent")),
                level=int(level),
                weight=float(weight),
                direction=int(direction),
                goalposts=goalposts,
                target=target,
                log=log,
                cap=cap,
                window=None if window is None else int(window),
                floor=floor,
                since=_since(row, where, problems),
            )
        )
    if problems:
        raise ReadinessError(_summary("framework", problems))
    return nodes


def _since(row: Mapping[Any, Any], where: str, problems: list[str]) -> int | None:
    """The Since year of a framework row (None when empty)."""
    since = _number(row.get("Since"))
    if since is None:
        return None
    if math.isnan(since) or since != int(since):
        problems.append(f"{where}: Since must be a year, got {row.get('Since')!r}")
        return None
    return int(since)


def _treatment(
    row: Mapping[Any, Any], where: str, problems: list[str]
) -> tuple[float | None, float | None, bool]:
    """The Cap, Floor and Log of one framework row (invalid ones reported and dropped)."""
    cap = _number(row.get("Cap"))
    if cap is not None and math.isnan(cap):
        problems.append(f"{where}: Cap must be a number, got {row.get('Cap')!r}")
        cap = None
    floor = _number(row.get("Floor"))
    if floor is not None and (math.isnan(floor) or floor <= 0):
        problems.append(f"{where}: Floor must be a number above 0, got {row.get('Floor')!r}")
        floor = None
    log = _flag(row.get("Log"))
    if log is None:
        problems.append(f"{where}: Log must be true or false, got {row.get('Log')!r}")
        log = False
    return cap, floor, bool(log)


def _validate(nodes: Sequence[Node]) -> list[str]:
    problems: list[str] = []
    if not nodes:
        return ["it has no rows; give at least one indicator and one aggregate"]
    codes = [n.code for n in nodes]
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.append(f"iCode {code} appears more than once")
        seen.add(code)
    by_code = {n.code: n for n in nodes}
    for n in nodes:
        if n.weight < 0 or not math.isfinite(n.weight):
            problems.append(f"{n.code}: Weight must be a finite number >= 0, got {n.weight:g}")
        if n.parent is not None and n.parent not in by_code:
            problems.append(f"{n.code}: parent {n.parent} does not exist")
    # Cycles: follow each chain of parents; a chain longer than the table must loop.
    reported: set[frozenset[str]] = set()
    for n in nodes:
        chain = [n.code]
        current = n
        while current.parent is not None and current.parent in by_code:
            if current.parent in chain:
                loop = [*chain[chain.index(current.parent) :], current.parent]
                key = frozenset(loop)
                if key not in reported:
                    reported.add(key)
                    problems.append("cycle in parents: " + " -> ".join(loop))
                break
            chain.append(current.parent)
            current = by_code[current.parent]
    if problems:
        return problems
    has_children = {n.parent for n in nodes if n.parent is not None}
    for n in nodes:
        if n.parent is not None and by_code[n.parent].level != n.level + 1:
            problems.append(
                f"{n.code} (level {n.level}) has parent {n.parent} at level "
                f"{by_code[n.parent].level}; a parent must be exactly one level up"
            )
        if n.level == 1 and n.code in has_children:
            problems.append(f"{n.code} is at level 1 (an indicator) but has children")
        if n.level > 1 and n.code not in has_children:
            problems.append(f"aggregate {n.code} (level {n.level}) has no children")
    top = max(n.level for n in nodes)
    roots = [n.code for n in nodes if n.parent is None]
    if top < 2:
        problems.append("no aggregates: add at least one level-2 row that indicators point to")
    for code in roots:
        if by_code[code].level != top:
            problems.append(
                f"{code} (level {by_code[code].level}) has no parent; only the top-level "
                f"index (level {top}) may lack one"
            )
    if sum(1 for n in nodes if n.level == top) > 1:
        tops = ", ".join(n.code for n in nodes if n.level == top)
        problems.append(
            f"more than one top-level aggregate ({tops}); add a single index above them"
        )
    return problems
