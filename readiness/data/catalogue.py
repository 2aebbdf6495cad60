"""The indicator catalogue: every indicator's definition, source, pillar and scoring choices."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast

import pandas as pd
import yaml

from readiness.errors import ReadinessError
from readiness.i18n import DEFAULT_LANGUAGE, messages, normal_language
from readiness.paths import DATA_DIR

# The C loader is ten times faster; fall back to the pure-Python one where libyaml is absent.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATALOGUE_FILE = DATA_DIR / "catalogue.yaml"
SOURCES_FILE = DATA_DIR / "sources.yaml"

Role = Literal["index", "context", "benchmark"]
ROLES: tuple[Role, ...] = ("index", "context", "benchmark")
INDEX_CODE = "INDEX"

_INDICATOR_KEYS = {
    "code", "name", "description", "unit", "source", "series", "role", "pillar",
    "direction", "weight", "transform", "goalposts", "window",
}  # fmt: skip
# Optional: `per` scales a count by another indicator (per capita), computed by the build.
_OPTIONAL_KEYS = {"per"}
# What the absence of an economy from a source means (sources.yaml `absence`).
Absence = Literal["unknown", "zero"]


@dataclass(frozen=True)
class Transform:
    """Treatment applied before normalisation: an upper cap, a floor, then an optional natural log.

    The floor (in the original unit) raises lower values to it before the log, so that a real
    zero (no exchange point at all) scores as the worst end instead of being unloggable.
    """

    cap: float | None = None
    log: bool = False
    floor: float | None = None


@dataclass(frozen=True)
class Goalposts:
    """Fixed normalisation bounds in the indicator's original unit, with the reason for them."""

    lo: float
    hi: float
    reason: str


@dataclass(frozen=True)
class Per:
    """A count scaled by another indicator of the same economy and year: value / by * scale."""

    by: str
    scale: float


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    description: str
    unit: str
    source: str
    series: str
    licence: str
    role: Role
    pillar: str | None
    direction: int
    weight: float
    transform: Transform
    goalposts: Goalposts
    window: int
    per: Per | None = None


@dataclass(frozen=True)
class Pillar:
    code: str
    name: str
    description: str
    weight: float
    since: int | None = None  # first reference year the pillar counts in the index


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    producer: str
    url: str
    licence: str
    citation: str
    raw: str
    via: str
    # "zero": the source lists every economy, so an economy it does not list has a real 0;
    # "unknown": absence says nothing (a measurement or a partial listing).
    absence: Absence = "unknown"
    absence_note: str = ""


def unit_key(unit: str) -> str:
    """The catalogue key of a unit's name in other languages: term.unit.pct_of_population."""
    text = unit.replace("%", "pct").replace("$", "dollar").replace("²", "2")
    return "term.unit." + re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


@dataclass(frozen=True)
class Catalogue:
    """The declared framework: pillars, indicators and the sources they come from."""

    index_name: str
    pillars: tuple[Pillar, ...]
    indicators: tuple[Indicator, ...]
    sources: tuple[Source, ...]
    excluded: tuple[dict[str, str], ...] = ()
    score_unit: str = "score 0-100"  # the unit of the index and pillar scores

    def translated(self, lang: str) -> Catalogue:
        """The catalogue with the names and definitions of the index, pillars and indicators in
        `lang` (readiness/locales `term.*`); codes without a translation keep their own."""
        if normal_language(lang) == DEFAULT_LANGUAGE:
            return self
        text = messages(normal_language(lang))

        def named(kind: str, item: Any) -> Any:
            key = f"term.{kind}.{item.code}"
            return replace(
                item,
                name=text.get(f"{key}.name", item.name),
                description=text.get(f"{key}.description", item.description),
            )

        def unit(ind: Indicator) -> Indicator:
            return replace(ind, unit=text.get(unit_key(ind.unit), ind.unit))

        return replace(
            self,
            index_name=text.get("term.index.name", self.index_name),
            score_unit=text.get(unit_key(self.score_unit), self.score_unit),
            pillars=tuple(named("pillar", p) for p in self.pillars),
            indicators=tuple(unit(named("indicator", i)) for i in self.indicators),
        )

    def get(self, code: str) -> Indicator:
        """The indicator with this code; ReadinessError naming the known codes otherwise."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        known = ", ".join(i.code for i in self.indicators)
        raise ReadinessError(f"unknown indicator '{code}'; known codes: {known}")

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        raise ReadinessError(f"unknown source '{source_id}'")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def index_indicators(self) -> tuple[Indicator, ...]:
        """The indicators that feed the readiness index, in catalogue order."""
        return tuple(i for i in self.indicators if i.role == "index")

    def pillar(self, code: str) -> Pillar:
        for p in self.pillars:
            if p.code == code:
                return p
        raise ReadinessError(f"unknown pillar '{code}'; known: {', '.join(self.pillar_codes)}")

    @property
    def pillar_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.pillars)

    def names(self) -> dict[str, str]:
        """Code -> name of the index, every pillar and every indicator (in the catalogue's
        language, for a `translated` one)."""
        out = {INDEX_CODE: self.index_name}
        out.update({p.code: p.name for p in self.pillars})
        out.update({i.code: i.name for i in self.indicators})
        return out

    def framework_table(self) -> pd.DataFrame:
        """The COINr-style framework: iCode, iName, Parent, Level, Weight, Direction."""
        rows = [
            (i.code, i.name, i.pillar, 1, i.weight, i.direction) for i in self.index_indicators()
        ]
        rows += [(p.code, p.name, INDEX_CODE, 2, p.weight, 1) for p in self.pillars]
        rows.append((INDEX_CODE, self.index_name, None, 3, 1.0, 1))
        return pd.DataFrame(
            rows, columns=["iCode", "iName", "Parent", "Level", "Weight", "Direction"]
        )

    def table(self) -> pd.DataFrame:
        """One row per indicator with every field flattened, for display and download."""
        pillar_names = {p.code: p.name for p in self.pillars}
        return pd.DataFrame(
            [
                {
                    "code": i.code,
                    "name": i.name,
                    "role": i.role,
                    "pillar": pillar_names.get(i.pillar or "", ""),
                    "unit": i.unit,
                    "direction": i.direction,
                    "weight": i.weight,
                    "cap": i.transform.cap,
                    "floor": i.transform.floor,
                    "log": i.transform.log,
                    "per": "" if i.per is None else f"{i.per.by} / {i.per.scale:g}",
                    "goalpost_lo": i.goalposts.lo,
                    "goalpost_hi": i.goalposts.hi,
                    "goalposts_reason": i.goalposts.reason,
                    "window_years": i.window,
                    "source": i.source,
                    "series": i.series,
                    "licence": i.licence,
                    "description": i.description,
                }
                for i in self.indicators
            ]
        )


@functools.cache
def load_catalogue(path: Path = CATALOGUE_FILE, sources_path: Path = SOURCES_FILE) -> Catalogue:
    """Read and validate the catalogue; every problem is reported at once."""
    sources = _load_sources(sources_path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise ReadinessError(f"cannot read the catalogue {path}: {exc}") from exc
    problems: list[str] = []
    source_ids = {s.id: s for s in sources}
    pillars = tuple(
        Pillar(
            code=str(p["code"]),
            name=str(p["name"]),
            description=str(p.get("description", "")),
            weight=float(p["weight"]),
            since=None if p.get("since") is None else int(p["since"]),
        )
        for p in doc.get("pillars", [])
    )
    pillar_codes = {p.code for p in pillars}
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for n, raw in enumerate(doc.get("indicators", []), start=1):
        where = f"catalogue indicator #{n} ({raw.get('code', '?')})"
        missing = _INDICATOR_KEYS - set(raw)
        extra = set(raw) - _INDICATOR_KEYS - _OPTIONAL_KEYS
        if missing:
            problems.append(f"{where}: add the missing key(s) {sorted(missing)}")
            continue
        if extra:
            problems.append(f"{where}: remove the unknown key(s) {sorted(extra)}")
        ind = _indicator(raw, source_ids, where, problems)
        if ind is None:
            continue
        if ind.code in seen:
            problems.append(f"{where}: the code '{ind.code}' is used twice; make codes unique")
        seen.add(ind.code)
        if ind.role == "index" and ind.pillar not in pillar_codes:
            problems.append(f"{where}: pillar '{ind.pillar}' is not one of {sorted(pillar_codes)}")
        indicators.append(ind)
    codes = {i.code for i in indicators}
    for ind in indicators:
        if ind.per is not None and ind.per.by not in codes:
            problems.append(f"{ind.code}: per.by '{ind.per.by}' is not an indicator's code")
    for p in pillars:
        if not any(i.pillar == p.code and i.role == "index" for i in indicators):
            problems.append(f"pillar {p.code}: give it at least one index indicator")
    if problems:
        raise ReadinessError(
            f"the catalogue {path.name} has {len(problems)} problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return Catalogue(
        index_name=str(doc.get("index", {}).get("name", "Readiness index")),
        pillars=pillars,
        indicators=tuple(indicators),
        sources=sources,
        excluded=tuple(doc.get("excluded", [])),
    )


def _indicator(
    raw: dict[str, Any], sources: dict[str, Source], where: str, problems: list[str]
) -> Indicator | None:
    start = len(problems)
    role = raw["role"]
    if role not in ROLES:
        problems.append(f"{where}: role must be one of {ROLES}, not {role!r}")
    if raw["source"] not in sources:
        problems.append(f"{where}: source '{raw['source']}' is not declared in sources.yaml")
    if raw["direction"] not in (1, -1):
        problems.append(f"{where}: direction must be 1 or -1, not {raw['direction']!r}")
    weight = raw["weight"]
    if not isinstance(weight, int | float) or weight < 0:
        problems.append(f"{where}: weight must be a number >= 0, not {weight!r}")
    gp = raw["goalposts"] or {}
    if not {"lo", "hi", "reason"} <= set(gp) or not gp.get("reason"):
        problems.append(f"{where}: goalposts need lo, hi and a reason")
    elif not float(gp["lo"]) < float(gp["hi"]):
        problems.append(f"{where}: goalposts need lo < hi, got {gp['lo']} and {gp['hi']}")
    tr = raw["transform"] or {}
    if tr.get("log") and "goalposts" in raw and gp and float(gp.get("lo", 0)) <= 0:
        problems.append(f"{where}: a log transform needs goalposts above 0")
    if tr.get("floor") is not None and not (tr.get("log") and float(tr["floor"]) > 0):
        problems.append(f"{where}: a floor is for a log transform and must be above 0")
    per = raw.get("per")
    if per is not None and not (
        isinstance(per, dict) and set(per) == {"by", "scale"} and float(per["scale"]) > 0
    ):
        problems.append(f"{where}: per needs `by` (an indicator code) and a `scale` above 0")
    window = raw["window"]
    if not isinstance(window, int) or not 1 <= window <= 10:
        problems.append(f"{where}: window must be a whole number of years from 1 to 10")
    if len(problems) > start:
        return None
    return Indicator(
        code=str(raw["code"]),
        name=str(raw["name"]),
        description=str(raw["description"]),
        unit=str(raw["unit"]),
        source=str(raw["source"]),
        series=str(raw["series"]),
        licence=sources[raw["source"]].licence,
        role=cast(Role, role),
        pillar=None if raw["pillar"] is None else str(raw["pillar"]),
        direction=int(raw["direction"]),
        weight=float(weight),
        transform=Transform(
            cap=None if tr.get("cap") is None else float(tr["cap"]),
            log=bool(tr.get("log")),
            floor=None if tr.get("floor") is None else float(tr["floor"]),
        ),
        goalposts=Goalposts(float(gp["lo"]), float(gp["hi"]), str(gp["reason"])),
        window=window,
        per=None if per is None else Per(str(per["by"]), float(per["scale"])),
    )


def _load_sources(path: Path) -> tuple[Source, ...]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        sources = tuple(
            Source(**{k: str(v) for k, v in s.items()})  # type: ignore[arg-type]
            for s in doc["sources"]
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ReadinessError(f"cannot read the sources file {path}: {exc}") from exc
    bad = [s.id for s in sources if s.absence not in ("unknown", "zero")]
    if bad:
        raise ReadinessError(f"sources {bad}: absence must be 'unknown' or 'zero'")
    return sources
