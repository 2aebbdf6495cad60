"""Targets as data: the 2030 connectivity targets, further benchmarks and ITU's progress bands.

Progress towards a target is a share in [0, 1] (docs/GAPS.md):
- a floor (direction +1, "at least T"): (value - baseline) / (T - baseline), clipped to [0, 1];
- a ceiling (direction -1, "at most T", e.g. a price): T / value, capped at 1, so a price twice
  the target is 50% of the way and the share still to go is the share the price must fall.
The gap is how far the value is from the target in the indicator's unit, 0 once met.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from readiness.data.catalogue import Catalogue, load_catalogue
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR

TARGETS_FILE = DATA_DIR / "targets.yaml"
_TARGET_KEYS = {
    "indicator", "area", "value", "direction", "baseline", "year", "source", "proxy", "note",
}  # fmt: skip
_BENCHMARK_KEYS = {"id", "indicator", "value", "direction", "year", "source", "note"}


@dataclass(frozen=True)
class Target:
    """One target on one catalogue indicator, with where it comes from."""

    indicator: str
    area: str
    value: float
    direction: int  # +1: reach at least `value`; -1: get to at most `value`
    baseline: float | None  # zero-progress value of a floor target; None for ceilings
    year: int
    source: str
    citation: str
    url: str
    proxy: bool
    note: str


@dataclass(frozen=True)
class Benchmark:
    """A further adopted goal (e.g. Broadband Commission 2025), for some groups or all."""

    id: str
    indicator: str
    value: float
    direction: int
    year: int
    applies_to: tuple[str, ...] | None  # group codes; None: every group
    source: str
    citation: str
    note: str

    def applies(self, group: str) -> bool:
        return self.applies_to is None or group.upper() in self.applies_to


@dataclass(frozen=True)
class Targets:
    """Every target and benchmark, and the progress bands (label, lowest progress in %)."""

    targets: tuple[Target, ...]
    benchmarks: tuple[Benchmark, ...]
    bands: tuple[tuple[str, float], ...]
    no_data: str

    def get(self, indicator: str) -> Target | None:
        """The target on this indicator, or None when it has none."""
        for t in self.targets:
            if t.indicator == indicator:
                return t
        return None

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(t.indicator for t in self.targets)

    def arrays(self, codes: list[str] | tuple[str, ...]) -> tuple[np.ndarray, ...]:
        """(value, direction, baseline) per code, NaN / 0 where a code has no target."""
        value = np.full(len(codes), np.nan)
        direction = np.zeros(len(codes))
        baseline = np.full(len(codes), np.nan)
        for k, code in enumerate(codes):
            t = self.get(code)
            if t is not None:
                value[k], direction[k] = t.value, t.direction
                baseline[k] = np.nan if t.baseline is None else t.baseline
        return value, direction, baseline

    def band(self, progress: np.ndarray) -> np.ndarray:
        """Band label per progress share (0-1); the no-data label where progress is NaN."""
        pct = np.asarray(progress, dtype=float) * 100
        labels = np.full(pct.shape, self.no_data, dtype=object)
        todo = ~np.isnan(pct)
        for label, lowest in self.bands:
            hit = todo & (pct >= lowest - 1e-9)
            labels[hit] = label
            todo &= ~hit
        return labels

    def table(self) -> pd.DataFrame:
        """One row per target and benchmark, for display and download."""
        rows = [
            {
                "kind": "target",
                "id": f"{t.indicator}_{t.year}",
                "indicator": t.indicator,
                "area": t.area,
                "value": t.value,
                "direction": t.direction,
                "year": t.year,
                "applies_to": "all",
                "proxy": t.proxy,
                "source": t.source,
                "citation": t.citation,
                "note": t.note,
            }
            for t in self.targets
        ]
        rows += [
            {
                "kind": "benchmark",
                "id": b.id,
                "indicator": b.indicator,
                "area": "",
                "value": b.value,
                "direction": b.direction,
                "year": b.year,
                "applies_to": "all" if b.applies_to is None else ",".join(b.applies_to),
                "proxy": False,
                "source": b.source,
                "citation": b.citation,
                "note": b.note,
            }
            for b in self.benchmarks
        ]
        return pd.DataFrame(rows)


def progress(
    value: np.ndarray, target: np.ndarray, direction: np.ndarray, baseline: np.ndarray
) -> np.ndarray:
    """Share of the way from the baseline to the target (0-1); NaN without value or target."""
    value = np.asarray(value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        floor = (value - baseline) / (target - baseline)
        ceiling = np.where(value > 0, target / value, 1.0)
    out = np.where(direction > 0, floor, np.where(direction < 0, ceiling, np.nan))
    return np.where(np.isnan(value), np.nan, np.clip(out, 0.0, 1.0))


def gap(value: np.ndarray, target: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Distance still to go in the indicator's unit (0 once met); NaN without value or target."""
    value = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        d = np.where(direction != 0, direction * (target - value), np.nan)
    return np.where(np.isnan(d), np.nan, np.maximum(d, 0.0))


def met(value: np.ndarray, target: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """True where the value meets its target (at or beyond it)."""
    value = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        return (direction != 0) & ~np.isnan(value) & (direction * (value - target) >= 0)


def load_targets(path: Path = TARGETS_FILE, catalogue: Catalogue | None = None) -> Targets:
    """Read and validate the targets file against the catalogue; every problem at once."""
    if catalogue is None:
        return _load_cached(Path(path).resolve())
    return _load(Path(path).resolve(), catalogue)


@functools.cache
def _load_cached(path: Path) -> Targets:
    return _load(path, load_catalogue())


def _load(path: Path, catalogue: Catalogue) -> Targets:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ReadinessError(f"cannot read the targets file {path}: {exc}") from exc
    problems: list[str] = []
    sources = doc.get("sources") or {}
    bands = _bands(doc.get("bands") or [], problems)
    targets: list[Target] = []
    for n, raw in enumerate(doc.get("targets") or [], start=1):
        where = f"target #{n} ({raw.get('indicator', '?')})"
        if not _keys(raw, _TARGET_KEYS, {"citation", "url"}, where, problems):
            continue
        _check_common(raw, where, catalogue, sources, problems)
        baseline = raw["baseline"]
        if raw["direction"] == 1 and not isinstance(baseline, int | float):
            problems.append(f"{where}: a floor target needs a numeric baseline (0 for a share)")
        if raw["direction"] == 1 and isinstance(baseline, int | float) and baseline >= raw["value"]:
            problems.append(f"{where}: baseline must lie below the target value")
        if any(t.indicator == raw["indicator"] for t in targets):
            problems.append(f"{where}: a second target on {raw['indicator']}; keep one")
        src = sources.get(raw["source"], {})
        targets.append(
            Target(
                indicator=str(raw["indicator"]),
                area=str(raw["area"]),
                value=float(raw["value"]),
                direction=int(raw["direction"]),
                baseline=None if baseline is None else float(baseline),
                year=int(raw["year"]),
                source=str(raw["source"]),
                citation=str(src.get("citation", "")).strip(),
                url=str(src.get("url", "")),
                proxy=bool(raw["proxy"]),
                note=str(raw["note"]).strip(),
            )
        )
    benchmarks: list[Benchmark] = []
    for n, raw in enumerate(doc.get("benchmarks") or [], start=1):
        where = f"benchmark #{n} ({raw.get('id', '?')})"
        if not _keys(raw, _BENCHMARK_KEYS, {"applies_to"}, where, problems):
            continue
        _check_common(raw, where, catalogue, sources, problems)
        applies = raw.get("applies_to")
        benchmarks.append(
            Benchmark(
                id=str(raw["id"]),
                indicator=str(raw["indicator"]),
                value=float(raw["value"]),
                direction=int(raw["direction"]),
                year=int(raw["year"]),
                applies_to=None if applies is None else tuple(str(a).upper() for a in applies),
                source=str(raw["source"]),
                citation=str(sources.get(raw["source"], {}).get("citation", "")).strip(),
                note=str(raw["note"]).strip(),
            )
        )
    if problems:
        raise ReadinessError(
            f"the targets file {path.name} has {len(problems)} problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return Targets(tuple(targets), tuple(benchmarks), bands, str(doc.get("no_data", "No data")))


def _keys(
    raw: dict[str, Any], required: set[str], optional: set[str], where: str, problems: list[str]
) -> bool:
    missing = required - set(raw)
    extra = set(raw) - required - optional - {"applies_to"}
    if missing:
        problems.append(f"{where}: add the missing key(s) {sorted(missing)}")
    if extra:
        problems.append(f"{where}: remove the unknown key(s) {sorted(extra)}")
    return not missing


def _check_common(
    raw: dict[str, Any],
    where: str,
    catalogue: Catalogue,
    sources: dict[str, Any],
    problems: list[str],
) -> None:
    code = raw["indicator"]
    if code not in catalogue.codes:
        problems.append(f"{where}: indicator '{code}' is not in the catalogue")
    elif raw["direction"] != catalogue.get(code).direction:
        problems.append(f"{where}: direction {raw['direction']} differs from the catalogue's")
    if raw["direction"] not in (1, -1):
        problems.append(f"{where}: direction must be 1 or -1")
    if not isinstance(raw["value"], int | float) or isinstance(raw["value"], bool):
        problems.append(f"{where}: value must be a number")
    elif raw["direction"] == -1 and raw["value"] <= 0:
        problems.append(f"{where}: a ceiling target must be above 0")
    if raw["source"] not in sources:
        problems.append(f"{where}: source '{raw['source']}' is not listed under sources")
    if not isinstance(raw["year"], int) or not 2000 <= raw["year"] <= 2100:
        problems.append(f"{where}: year must be a year")
    if not str(raw.get("note") or "").strip():
        problems.append(f"{where}: give a note")


def _bands(raw: list[dict[str, Any]], problems: list[str]) -> tuple[tuple[str, float], ...]:
    try:
        bands = tuple((str(b["label"]), float(b["lowest"])) for b in raw)
    except (KeyError, TypeError, ValueError):
        problems.append("bands: each band needs a label and a lowest value")
        return ()
    lows = [lo for _, lo in bands]
    if not bands or any(a <= b for a, b in itertools.pairwise(lows)) or lows[-1] != 0:
        problems.append("bands: list them from the highest, lowest values decreasing, down to 0")
    return bands
