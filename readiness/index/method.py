"""Every choice the index engine makes, in one frozen `Method`; variants via `dataclasses.replace`.

docs/METHOD.md explains each choice, its default and why.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from readiness.errors import ReadinessError

Normalisation = Literal["goalposts", "minmax", "zscore", "rank", "target"]
Aggregation = Literal["arithmetic", "geometric"]
Imputation = Literal["none", "group_mean", "group_median"]
Weighting = Literal["framework", "equal"]

# Registries the dashboard builds its options from: code -> short label.
NORMALISATIONS: dict[str, str] = {
    "goalposts": "Goalposts (fixed bounds, values outside truncated)",
    "minmax": "Min-max over observed values",
    "zscore": "Z-score",
    "rank": "Percentile rank",
    "target": "Distance to target",
}
AGGREGATIONS: dict[str, str] = {
    "arithmetic": "Weighted arithmetic mean (compensatory)",
    "geometric": "Weighted geometric mean (less compensatory)",
}
IMPUTATIONS: dict[str, str] = {
    "none": "None: a missing indicator drops out, its siblings' weights are re-scaled",
    "group_mean": "Group mean",
    "group_median": "Group median",
}
WEIGHTINGS: dict[str, str] = {
    "framework": "As in the framework (catalogue) weights",
    "equal": "Equal weights at every level",
}
# Unit columns our snapshot offers for group imputation; other data may name any unit column.
IMPUTATION_GROUPS: dict[str, str] = {
    "itu_region": "ITU-D region",
    "income_group": "World Bank income group",
}

# Tiers on the 0-100 scale (a share of [lo, hi] for other bounds): label and lowest score.
# Fixed bands, not quintiles, so a tier means the same in every year and for any set of
# economies; names follow the ITU Global Cybersecurity Index 2024 tier vocabulary.
DEFAULT_TIERS: tuple[tuple[str, float], ...] = (
    ("Leading", 80.0),
    ("Advancing", 60.0),
    ("Establishing", 40.0),
    ("Evolving", 20.0),
    ("Building", 0.0),
)
NOT_SCORED = "Not scored"


@dataclass(frozen=True)
class Method:
    """Every choice of the index pipeline; the defaults are our published method."""

    # Year policy: most recent value within `window` years ending at the reference year
    # (None: each indicator's own window from the catalogue, else 1); trends from `first_year`.
    window: int | None = None
    first_year: int = 2015
    # Treatment: caps and logs declared in the catalogue; optional JRC winsorisation.
    transforms: bool = True
    winsorise: bool = False
    winsor_max_points: int = 5
    skew_threshold: float = 2.0
    kurtosis_threshold: float = 3.5
    # Normalisation onto [bounds]; z-score uses zscore_mean and zscore_sd instead.
    normalisation: Normalisation = "goalposts"
    bounds: tuple[float, float] = (0.0, 100.0)
    zscore_mean: float = 0.0
    zscore_sd: float = 1.0
    cap_at_target: bool = True
    # Imputation at the treated stage, within groups of a unit column (None: all units).
    imputation: Imputation = "none"
    imputation_group: str | None = "itu_region"
    # Coverage: minimum share of children's weight with a score; below it, "not scored".
    # A pillar needs 60% (3 of 5 equal indicators; JRC's "about two thirds" of the data), the
    # index 75% of its pillars (4 of 5). docs/METHOD.md says why (Eritrea, issue 20).
    pillar_coverage: float = 0.6
    index_coverage: float = 0.75
    # Weights: the framework's (or equal), then per-code overrides; normalised within a parent.
    weighting: Weighting = "framework"
    weights: tuple[tuple[str, float], ...] = field(default=())
    aggregation: Aggregation = "arithmetic"
    tiers: tuple[tuple[str, float], ...] = DEFAULT_TIERS

    def __post_init__(self) -> None:
        # Accept a mapping or list for weights and lists for pairs (as read from JSON or YAML),
        # and store hashable, ordered tuples so equal methods compare and hash equal.
        if isinstance(self.weights, Mapping):
            object.__setattr__(self, "weights", tuple(sorted(self.weights.items())))
        else:
            object.__setattr__(self, "weights", tuple(tuple(p) for p in self.weights))
        object.__setattr__(self, "bounds", tuple(self.bounds))
        object.__setattr__(self, "tiers", tuple(tuple(t) for t in self.tiers))
        problems = _validate(self)
        if problems:
            raise ReadinessError(
                "method has " + f"{len(problems)} problem(s): " + "; ".join(problems)
            )

    @property
    def weight_overrides(self) -> dict[str, float]:
        return dict(self.weights)

    def to_dict(self) -> dict[str, Any]:
        """A JSON/YAML-ready dict; `Method.from_dict(m.to_dict()) == m` exactly."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "weights":
                value = {k: v for k, v in value}
            elif f.name == "tiers":
                value = [[label, lo] for label, lo in value]
            elif f.name == "bounds":
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Method:
        """Build from a dict (e.g. a method file); unknown keys or bad values raise, listed."""
        if not isinstance(data, Mapping):
            raise ReadinessError("a method must be a mapping of setting names to values")
        names = {f.name for f in fields(cls)}
        problems = [f"unknown setting {k!r}" for k in data if k not in names]
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in names:
                continue
            try:
                kwargs[key] = _coerce(key, value)
            except (TypeError, ValueError) as exc:
                problems.append(f"{key}: {exc}")
        if problems:
            raise ReadinessError(
                f"method has {len(problems)} problem(s): "
                + "; ".join(problems)
                + f" (settings are: {', '.join(sorted(names))})"
            )
        return cls(**kwargs)


class MethodFileError(ReadinessError):
    """A method file that is not readable JSON or YAML (as opposed to one with bad settings)."""


def method_text(method: Method, fmt: str = "yaml") -> str:
    """A method file's text: JSON when `fmt` is "json", otherwise YAML."""
    data = method.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False)


def parse_method_text(text: str | bytes, name: str) -> Method:
    """A Method from a method file's text (JSON if `name` ends in .json, else YAML)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        is_json = name.lower().endswith(".json")
        data = json.loads(text) if is_json else yaml.safe_load(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MethodFileError(f"cannot parse method file {name}: {first}") from None
    return Method.from_dict(data or {})


def load_method(path: str | Path) -> Method:
    """Read a method file (JSON or YAML, chosen by the file's extension)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadinessError(f"method file not found: {path}") from None
    return parse_method_text(text, str(path))


def save_method(method: Method, path: str | Path) -> None:
    """Write a method file: JSON for a .json path, otherwise YAML."""
    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    path.write_text(method_text(method, fmt), encoding="utf-8")


# --- coercion and validation ------------------------------------------------------------------
_INTS = {"first_year", "winsor_max_points"}
_FLOATS = {
    "skew_threshold",
    "kurtosis_threshold",
    "zscore_mean",
    "zscore_sd",
    "pillar_coverage",
    "index_coverage",
}
_BOOLS = {"transforms", "winsorise", "cap_at_target"}


def _coerce(key: str, value: Any) -> Any:
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if key in _INTS:
        return _as_int(value)
    if key == "window":
        return None if value is None else _as_int(value)
    if key in _FLOATS:
        return _as_float(value)
    if key == "bounds":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValueError(f"expected [lo, hi], got {value!r}")
        return (_as_float(value[0]), _as_float(value[1]))
    if key == "weights":
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a mapping of code to weight, got {value!r}")
        return tuple(sorted((str(k), _as_float(v)) for k, v in value.items()))
    if key == "tiers":
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a list of [label, lowest score], got {value!r}")
        out = []
        for item in value:
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise ValueError(f"each tier must be [label, lowest score], got {item!r}")
            out.append((str(item[0]), _as_float(item[1])))
        return tuple(out)
    if key == "imputation_group":
        if value is not None and not isinstance(value, str):
            raise ValueError(f"expected a unit column name or null, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(value)


def _as_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _choice(problems: list[str], name: str, value: object, literal: Any) -> None:
    allowed = get_args(literal)
    if value not in allowed:
        problems.append(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _validate(m: Method) -> list[str]:
    problems: list[str] = []
    _choice(problems, "normalisation", m.normalisation, Normalisation)
    _choice(problems, "aggregation", m.aggregation, Aggregation)
    _choice(problems, "imputation", m.imputation, Imputation)
    _choice(problems, "weighting", m.weighting, Weighting)
    if m.window is not None and (not isinstance(m.window, int) or m.window < 1):
        problems.append(f"window must be a whole number of years >= 1 or null, got {m.window!r}")
    if not isinstance(m.first_year, int) or not 1900 <= m.first_year <= 2100:
        problems.append(f"first_year must be a year, got {m.first_year!r}")
    if not isinstance(m.winsor_max_points, int) or m.winsor_max_points < 1:
        problems.append(f"winsor_max_points must be >= 1, got {m.winsor_max_points!r}")
    for name in ("skew_threshold", "kurtosis_threshold", "zscore_sd"):
        value = getattr(m, name)
        if not _finite(value) or value <= 0:
            problems.append(f"{name} must be a number > 0, got {value!r}")
    if not _finite(m.zscore_mean):
        problems.append(f"zscore_mean must be a finite number, got {m.zscore_mean!r}")
    if len(m.bounds) != 2 or not all(_finite(b) for b in m.bounds) or not m.bounds[0] < m.bounds[1]:
        problems.append(f"bounds must be [lo, hi] with lo < hi, got {list(m.bounds)!r}")
    for name in ("pillar_coverage", "index_coverage"):
        value = getattr(m, name)
        if not _finite(value) or not 0 <= value <= 1:
            problems.append(f"{name} must be a share between 0 and 1, got {value!r}")
    for code, weight in m.weights:
        if not _finite(weight) or weight < 0:
            problems.append(f"weight of {code} must be a number >= 0, got {weight!r}")
    if len({code for code, _ in m.weights}) != len(m.weights):
        problems.append("weights name a code more than once")
    if not m.tiers:
        problems.append("tiers must list at least one [label, lowest score]")
    else:
        lows = [lo for _, lo in m.tiers]
        if any(not _finite(x) for x in lows) or any(a <= b for a, b in itertools.pairwise(lows)):
            problems.append("tier lowest scores must be numbers in strictly decreasing order")
        elif lows[-1] != 0:
            problems.append("the last tier must start at 0 so every score has a tier")
    return problems


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
