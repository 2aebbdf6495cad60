"""Needs reports: `build_report(snapshot, subject, year, method) -> Report`, pure and frozen.

Every number comes from the engine's Result (and the gap analytics) and is turned into text once,
by the `format_*` functions below, so the Word, PDF and PowerPoint files and the dashboard show
the same strings. Writers in `readiness.reports.writers` only lay the Report out. docs/REPORTS.md
describes the sections and the priority rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from readiness.data.groups import Group, resolve_group, standard_groups
from readiness.errors import ReadinessError
from readiness.index.engine import build_index
from readiness.index.inputs import data_for_year, snapshot_inputs
from readiness.index.method import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, WEIGHTINGS, Method
from readiness.index.result import BOUNDED, Result, tier_labels
from readiness.index.uncertainty import PUBLISHED_SAMPLES, PUBLISHED_SEED

# Published precision of `python -m readiness scores`; shown numbers are rounded from it, so a
# report, the CLI and the dashboard can never disagree through double rounding.
PUBLISHED_DECIMALS = 4
SCORE_DECIMALS = 1
# The published Monte Carlo, shared with the dashboard: the same rank intervals everywhere.
MC_SAMPLES = PUBLISHED_SAMPLES
MC_SEED = PUBLISHED_SEED
N_STRENGTHS = 3
N_PRIORITIES = 5
MISSING = "n/a"
USER_SOURCE_PREFIX = "USER"
DASH = "\u2013"

SubjectKind = Literal["economy", "group"]


# --- formatting: the one place numbers become text ---------------------------------------------
def _missing(x: object) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _num(x: Any) -> float:
    """A float from a table cell; NaN for missing."""
    return math.nan if _missing(x) else float(x)


def format_score(x: object) -> str:
    """An index or pillar score on its 0-100 scale: one decimal, rounded from the CLI's 4."""
    if _missing(x):
        return MISSING
    v = round(float(x), PUBLISHED_DECIMALS)  # type: ignore[arg-type]
    text = f"{v:.{SCORE_DECIMALS}f}"
    return "0.0" if text == "-0.0" else text


def format_rank(x: object) -> str:
    """A rank (1 = best) or a rank-interval bound (to the nearest whole); not ranked -> n/a."""
    if _missing(x):
        return MISSING
    return f"{float(x):.0f}"  # type: ignore[arg-type]


def format_interval(lo: object, hi: object) -> str:
    """A 5-95% rank interval such as 12-19 (en dash)."""
    if _missing(lo) or _missing(hi):
        return MISSING
    return f"{format_rank(lo)}{DASH}{format_rank(hi)}"


def format_value(x: object, unit: str = "") -> str:
    """A raw indicator value with a precision that suits its size."""
    if _missing(x):
        return "no data"
    v = float(x)  # type: ignore[arg-type]
    digits = 0 if abs(v) >= 1000 else 1 if abs(v) >= 10 else 2
    text = f"{v:,.{digits}f}"
    return text


def format_share(x: object) -> str:
    """A share in [0, 1] as a whole percentage."""
    if _missing(x):
        return MISSING
    return f"{float(x) * 100:.0f}%"  # type: ignore[arg-type]


def format_count(n: int, total: int) -> str:
    return f"{n}/{total}"


# --- the report model ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """What a report is about: one economy (ISO3) or a group (a code from groups.py)."""

    kind: SubjectKind
    code: str

    @classmethod
    def economy(cls, iso3: str) -> Subject:
        return cls("economy", iso3.strip().upper())

    @classmethod
    def group(cls, code: str) -> Subject:
        return cls("group", code.strip())


@dataclass(frozen=True, eq=False)
class Table:
    """A table of already formatted text cells."""

    title: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True, eq=False)
class FigureSpec:
    """A chart to render: a kind known to `figures.report_charts`, its table and options."""

    key: str
    kind: str
    title: str
    caption: str
    data: pd.DataFrame
    options: tuple[tuple[str, Any], ...] = ()

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, eq=False)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[FigureSpec, ...] = ()


@dataclass(frozen=True)
class Citation:
    source: str
    name: str
    producer: str
    licence: str
    citation: str
    url: str = ""
    user: bool = False

    @property
    def title(self) -> str:
        """The name to show: user data always say so."""
        if self.user and not self.name.lower().startswith("user data"):
            return f"User data: {self.name}"
        return self.name


@dataclass(frozen=True, eq=False)
class Report:
    """One needs report: everything a writer lays out, all numbers already text."""

    subject: Subject
    title: str
    subtitle: str
    year: int
    key_figures: tuple[KeyFigure, ...]
    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()  # speaker notes / caveats
    highlights: tuple[str, ...] = field(default=())  # short lines for the deck

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def figures(self) -> list[FigureSpec]:
        return [f for s in self.sections for f in s.figures]

    @property
    def filename_stem(self) -> str:
        safe = "".join(ch if ch.isalnum() else "_" for ch in self.subject.code)
        return f"readiness_{safe}_{self.year}"


# --- context: one scoring run shared by every report of a batch --------------------------------
@dataclass(frozen=True, eq=False)
class Context:
    """The scored cross-section and everything derived from it, built once per year and method."""

    snapshot: Any
    year: int
    method: Method
    result: Result
    intervals: pd.DataFrame  # median_rank, rank_p05, rank_p95 per unit
    groups: dict[str, Group]
    strengths: pd.DataFrame
    gaps: Any = None  # readiness.gaps.cube.GapInputs, None when gap analytics are unavailable
    peers: dict[str, Group | None] = field(default_factory=dict, repr=False)  # memo per ISO3

    @property
    def framework(self):
        return self.result.framework


def scoring_context(
    snapshot: Any, year: int | None = None, method: Method | None = None
) -> Context:
    """Score every economy for `year` with `method`, with the same Monte Carlo as the CLI."""
    from readiness.index.uncertainty import UncertaintySpec, run_uncertainty

    snapshot, framework, panel = snapshot_inputs(snapshot)
    method = method or Method()
    first, latest = int(panel.years[0]), int(snapshot.latest_year)
    year = latest if year is None else int(_num(year))
    if not first <= year <= latest:
        raise ReadinessError(f"no data for {year}; choose a year from {first} to {latest}")
    data = data_for_year(panel, framework, method, year)
    result = build_index(data, framework, method)
    unc = run_uncertainty(data, framework, method, UncertaintySpec(n=MC_SAMPLES, seed=MC_SEED))
    groups = standard_groups(snapshot.countries, year, snapshot.income_history)
    strengths = result.strengths_weaknesses(n=N_STRENGTHS)
    return Context(
        snapshot, year, method, result, unc.ranks, groups, strengths, _gap_inputs(snapshot, method)
    )


def _gap_inputs(snapshot: Any, method: Method) -> Any:
    """The gap analytics' cubes (readiness.gaps.analysis), or None where that module is absent."""
    try:
        from readiness.gaps.cube import gap_inputs
    except ImportError:
        return None
    return gap_inputs(snapshot, method)


def resolve_subject(snapshot: Any, country: str | None = None, group: str | None = None) -> Subject:
    """A Subject from a user's --country or --group text; ReadinessError with hints otherwise."""
    if (country is None) == (group is None):
        raise ReadinessError("give exactly one of a country (ISO3) or a group")
    if country is not None:
        iso = country.strip().upper()
        known = set(snapshot.countries["iso3"])
        if iso not in known:
            by_name = {
                str(n).casefold(): str(c)
                for c, n in zip(
                    snapshot.countries["iso3"], snapshot.countries["name_en"], strict=True
                )
            }
            hit = by_name.get(country.strip().casefold())
            if hit is None:
                raise ReadinessError(
                    f"unknown economy '{country}'; give an ISO3 code such as KEN "
                    "(see `python -m readiness countries`)"
                )
            iso = hit
        return Subject.economy(iso)
    assert group is not None
    return Subject.group(find_group(snapshot, group, None).code)


def find_group(snapshot: Any, name: str, year: int | None) -> Group:
    """A standard group by code (LDC, ITU_AFR, LMC...) or by label (Africa, Low income...)."""
    groups = standard_groups(snapshot.countries, year, snapshot.income_history)
    wanted = name.strip().casefold()
    for g in groups.values():
        labels = {g.label.casefold(), g.label.removeprefix("ITU-D region: ").casefold()}
        if wanted in labels:
            return g
    return resolve_group(name, groups)


# --- building ------------------------------------------------------------------------------------
def build_report(
    snapshot: Any,
    subject: Subject,
    year: int | None = None,
    method: Method | None = None,
    context: Context | None = None,
) -> Report:
    """The report for one economy or group; pass `context` to reuse one scoring run in a batch."""
    ctx = context or scoring_context(snapshot, year, method)
    if subject.kind == "economy":
        return _economy_report(ctx, subject.code)
    if subject.kind == "group":
        group = ctx.groups.get(subject.code) or find_group(ctx.snapshot, subject.code, ctx.year)
        return _group_report(ctx, group)
    raise ReadinessError(f"unknown report subject kind {subject.kind!r}")


def _components(ctx: Context) -> list[str]:
    fw = ctx.framework
    return [fw.index_code, *fw.pillars]


def _component_name(ctx: Context, code: str) -> str:
    fw = ctx.framework
    return "Index" if code == fw.index_code else fw.name(code)


def _n_ranked(ctx: Context) -> int:
    return int(ctx.result.rank.notna().sum())


def _name(ctx: Context, iso3: str) -> str:
    return str(ctx.snapshot.name(iso3))


def _country_row(ctx: Context, iso3: str) -> pd.Series:
    rows = ctx.snapshot.countries
    hit = rows[rows["iso3"] == iso3]
    if hit.empty:
        raise ReadinessError(f"unknown economy '{iso3}'")
    return hit.iloc[0]


def _group_of(ctx: Context, kind: str, iso3: str) -> Group | None:
    for g in ctx.groups.values():
        if g.kind == kind and iso3 in g.members:
            return g
    return None


def _groups_of(ctx: Context, iso3: str) -> list[Group]:
    """The comparison groups of an economy: its ITU-D region, income group, development groups."""
    out = []
    for kind in ("itu_region", "income"):
        g = _group_of(ctx, kind, iso3)
        if g is not None:
            out.append(g)
    for code in ("LDC", "LLDC", "SIDS", "TRANSITION"):
        g = ctx.groups.get(code)
        if g is not None and iso3 in g.members:
            out.append(g)
    peers = peer_group(ctx, iso3)
    if peers is not None:
        out.append(peers)
    out.append(ctx.groups["WORLD"])
    return out


def peer_group(ctx: Context, iso3: str) -> Group | None:
    """The economy's most similar economies (gaps.peers defaults), None where unavailable."""
    if iso3 not in ctx.peers:
        ctx.peers[iso3] = _find_peer_group(ctx, iso3)
    return ctx.peers[iso3]


def _find_peer_group(ctx: Context, iso3: str) -> Group | None:
    if ctx.gaps is None:
        return None
    try:
        from readiness.gaps.peers import find_peers
    except ImportError:
        return None
    table = find_peers(iso3, year=ctx.year, inputs=ctx.gaps).table
    members = tuple(str(c) for c in table.loc[table["role"] == "peer", "iso3"])
    if not members:
        return None
    return Group("PEERS", f"Peers ({len(members)} most similar)", "peers", members)


def _score_table(ctx: Context, iso3: str) -> pd.DataFrame:
    res = ctx.result
    n = _n_ranked(ctx)
    rows = []
    for code in _components(ctx):
        score = res.scores.loc[iso3, code]
        tier = tier_labels(pd.Series([score]), ctx.method).iloc[0]
        rank = res.ranks.loc[iso3, code]
        if code == ctx.framework.index_code:
            iv = ctx.intervals.loc[iso3]
            interval = format_interval(iv["rank_p05"], iv["rank_p95"])
        else:
            interval = ""
        rows.append(
            {
                "Component": _component_name(ctx, code),
                "Score": format_score(score),
                "Rank": format_rank(rank),
                "of": str(int(res.ranks[code].notna().sum()))
                if code != ctx.framework.index_code
                else str(n),
                "Rank interval (5-95%)": interval,
                "Tier": "" if pd.isna(tier) else str(tier),
            }
        )
    return pd.DataFrame(rows)


def _comparison(ctx: Context, iso3: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores of the economy beside its groups' simple means (text table and numeric table)."""
    groups = _groups_of(ctx, iso3)
    agg = ctx.result.group_aggregates({g.code: g.members for g in groups})
    comps = _components(ctx)
    text = pd.DataFrame({"Component": [_component_name(ctx, c) for c in comps]})
    numeric = pd.DataFrame({"component": [_component_name(ctx, c) for c in comps]})
    name = _name(ctx, iso3)
    text[name] = [format_score(ctx.result.scores.loc[iso3, c]) for c in comps]
    numeric[name] = [_num(ctx.result.scores.loc[iso3, c]) for c in comps]
    for g in groups:
        sub = agg[agg["group"] == g.code].set_index("code")
        label = _short_label(g)
        text[label] = [
            f"{format_score(sub.loc[c, 'mean'])} ({sub.loc[c, 'coverage']!s})" for c in comps
        ]
        numeric[label] = [_num(sub.loc[c, "mean"]) for c in comps]
    return text, numeric


def _peer_text(ctx: Context, iso3: str) -> tuple[str, ...]:
    peers = peer_group(ctx, iso3)
    if peers is None:
        return ()
    names = ", ".join(_name(ctx, m) for m in peers.members)
    return (
        "Peers: the economies most similar in GNI per capita, population, urban share and "
        f"ITU-D region (Gower distance, readiness.gaps.peers): {names}.",
    )


def _short_label(g: Group) -> str:
    return g.label.removeprefix("ITU-D region: ") + (" (ITU-D)" if g.kind == "itu_region" else "")


def _value_sources(ctx: Context, iso3s: Sequence[str]) -> pd.DataFrame:
    """The source of each selected value (iso3, indicator) -> source id."""
    res = ctx.result
    years = res.years
    if years is None:
        return pd.DataFrame(columns=["iso3", "indicator", "source"])
    sel = years.reindex(list(iso3s)).stack().dropna().reset_index()
    sel.columns = ["iso3", "indicator", "year"]
    sel["year"] = sel["year"].astype("int64")
    vals = ctx.snapshot.values
    vals = vals[vals["iso3"].isin(list(iso3s))][["iso3", "indicator", "year", "source"]]
    return sel.merge(vals, on=["iso3", "indicator", "year"], how="left")


def _indicator_unit(ctx: Context, code: str) -> str:
    return str(ctx.snapshot.catalogue.get(code).unit)


def _data_table(ctx: Context, iso3: str) -> pd.DataFrame:
    res = ctx.result
    fw = ctx.framework
    src = _value_sources(ctx, [iso3]).set_index("indicator")["source"]
    status = _status(ctx, iso3)
    rows = []
    for pillar in fw.pillars:
        for code in fw.children(pillar):
            raw = res.raw.loc[iso3, code]
            year = res.years.loc[iso3, code] if res.years is not None else pd.NA
            est = bool(res.estimates.loc[iso3, code]) if res.estimates is not None else False
            imputed = bool(res.imputed.loc[iso3, code])
            source = str(src.get(code, "")) if code in src.index else ""
            flags = []
            if source.startswith(USER_SOURCE_PREFIX):
                flags.append("user data")
            if est:
                flags.append("estimate")
            if imputed:
                flags.append("imputed")
            rows.append(
                {
                    "Pillar": fw.name(pillar),
                    "Indicator": fw.name(code),
                    "Value": format_value(raw),
                    "Unit": _indicator_unit(ctx, code),
                    "Year": "" if _missing(year) else str(int(_num(year))),
                    "Score": format_score(res.normalised.loc[iso3, code]),
                    "Source": ("User data: " + source) if source.startswith("USER") else source,
                    "Status": status.get(code, ""),
                    "Flags": ", ".join(flags),
                }
            )
    return pd.DataFrame(rows)


def _status(ctx: Context, iso3: str) -> dict[str, str]:
    """Data status per indicator (reported, estimate, carried forward, missing) where known."""
    if ctx.gaps is None:
        return {}
    from readiness.gaps.datagaps import economy_status

    st = economy_status(ctx.gaps, [ctx.year], [iso3])
    return dict(zip(st["indicator"].astype(str), st["status"].astype(str), strict=True))


def _strengths_table(ctx: Context, iso3: str) -> pd.DataFrame:
    sw = ctx.strengths[ctx.strengths["code"] == iso3]
    rows = []
    for r in sw.itertuples(index=False):
        rows.append(
            {
                "": "Strength" if r.kind == "strength" else "Weakness",
                "Indicator": str(r.indicator_name),
                "Value": format_value(r.value),
                "Unit": _indicator_unit(ctx, str(r.indicator)),
                "Year": "" if _missing(getattr(r, "year", None)) else str(int(_num(r.year))),
                "Rank": f"{int(_num(r.rank))} of {int(_num(r.of))}",
            }
        )
    return pd.DataFrame(rows, columns=["", "Indicator", "Value", "Unit", "Year", "Rank"])


def shortfalls(ctx: Context, iso3s: Sequence[str]) -> tuple[pd.DataFrame, set[str]]:
    """Share of the way still to go, per economy and index indicator, and the target-based codes.

    Where an indicator has a 2030 target, the gap analytics' `to_go` (1 - progress to the
    target); otherwise the normalised score's distance to the best goalpost, (hi - score) /
    (hi - lo). NaN where there is no value or the normalisation has no fixed bounds (z-scores);
    imputed values are left out. Clipped to [0, 1].
    """
    res = ctx.result
    members = list(iso3s)
    if ctx.method.normalisation in BOUNDED:
        lo, hi = ctx.method.bounds
        norm = res.normalised.mask(res.imputed).reindex(members)
        short = (hi - norm) / (hi - lo)
    else:
        short = pd.DataFrame(np.nan, index=members, columns=res.normalised.columns)
    target_codes: set[str] = set()
    if ctx.gaps is not None:
        from readiness.gaps.analysis import economy_gaps

        eg = economy_gaps(ctx.gaps, ctx.year, members)
        eg = eg[eg["code"].isin(short.columns)]
        to_go = eg.pivot(index="iso3", columns="code", values="to_go").reindex(members)
        for code in to_go.columns:
            short[code] = to_go[code].astype(float).mask(res.imputed[code].reindex(members))
            target_codes.add(str(code))
    return short.clip(lower=0.0, upper=1.0), target_codes


def priority_table(ctx: Context, iso3s: Sequence[str], n: int = N_PRIORITIES) -> pd.DataFrame:
    """The documented priority rule: share of the way to go x the indicator's weight in the index.

    For a group the share is the mean over members with a value. `priority` is in index points
    (weight x share x the scale's width): for a target-less indicator, what closing the gap
    would add to an arithmetic, fully covered index.
    """
    res = ctx.result
    short, target_codes = shortfalls(ctx, iso3s)
    mean = short.mean(axis=0)
    have = short.notna().sum(axis=0)
    weight = res.effective_weights.reindex(short.columns)
    lo, hi = ctx.method.bounds
    table = pd.DataFrame(
        {
            "indicator": short.columns,
            "basis": ["2030 target" if c in target_codes else "goalpost" for c in short.columns],
            "shortfall": mean.to_numpy(),
            "weight": weight.to_numpy(),
            "priority": (mean * weight * (hi - lo)).to_numpy(),
            "n": have.to_numpy(),
        }
    )
    table = table[table["priority"].notna() & (table["priority"] > 0)]
    order = {c: k for k, c in enumerate(res.normalised.columns)}
    table["order"] = table["indicator"].map(order)
    table = table.sort_values(["priority", "order"], ascending=[False, True]).head(n)
    return table.drop(columns="order").reset_index(drop=True)


def _priority_text(ctx: Context, table: pd.DataFrame, total: int) -> pd.DataFrame:
    fw = ctx.framework
    rows = []
    for k, r in enumerate(table.itertuples(index=False), start=1):
        rows.append(
            {
                "#": str(k),
                "Indicator": fw.name(str(r.indicator)),
                "Pillar": fw.name(str(fw.by_code[str(r.indicator)].parent)),
                "Way to go": format_share(r.shortfall),
                "Measured to": str(r.basis),
                "Weight in index": format_share(r.weight),
                "Priority (index points)": format_score(r.priority),
                "Members with data": format_count(int(_num(r.n)), total) if total > 1 else "",
            }
        )
    frame = pd.DataFrame(rows)
    if total <= 1 and not frame.empty:
        frame = frame.drop(columns="Members with data")
    return frame


def _method_bullets(ctx: Context) -> tuple[str, ...]:
    m = ctx.method
    fw = ctx.framework
    window = (
        f"{m.window} years"
        if m.window is not None
        else "each indicator's own window from the catalogue"
    )
    tiers = ", ".join(f"{label} from {format_score(low)}" for label, low in m.tiers)
    return (
        f"Reference year {ctx.year}: each indicator's most recent value within {window}.",
        f"{len(fw.indicators)} indicators in {len(fw.pillars)} pillars; "
        f"normalisation: {NORMALISATIONS[m.normalisation]} onto "
        f"[{format_score(m.bounds[0])}, {format_score(m.bounds[1])}].",
        f"Aggregation: {AGGREGATIONS[m.aggregation]}; weights: {WEIGHTINGS[m.weighting]}.",
        f"Imputation: {IMPUTATIONS[m.imputation]}.",
        f"Coverage rule: a pillar needs {format_share(m.pillar_coverage)} of its indicator weight "
        f"and the index {format_share(m.index_coverage)} of its pillar weight, else 'not scored'.",
        f"Tiers (fixed bands): {tiers}.",
        f"Rank intervals: 5th-95th percentile of ranks over {MC_SAMPLES:,} Monte Carlo samples "
        f"(seed {MC_SEED}) varying weights (+/-25%), normalisation, aggregation and imputation.",
        "Priority areas: share of the way still to go (to the 2030 target where there is one, "
        "else to the best goalpost) x the indicator's weight in the index, in index points; "
        "see docs/REPORTS.md.",
        "Numbers equal `python -m readiness scores` for the same year and method, shown to "
        "one decimal.",
    )


def _citations(ctx: Context, sources: Iterable[str]) -> tuple[Citation, ...]:
    cat = ctx.snapshot.catalogue
    out: list[Citation] = []
    seen: set[str] = set()
    for sid in sorted({str(s) for s in sources if isinstance(s, str) and s}):
        if sid in seen:
            continue
        seen.add(sid)
        user = sid.startswith(USER_SOURCE_PREFIX)
        try:
            src = cat.source(sid)
            out.append(
                Citation(sid, src.name, src.producer, src.licence, src.citation, src.url, user)
            )
        except ReadinessError:
            out.append(
                Citation(
                    sid,
                    "User data" if user else sid,
                    "supplied by the user of this tool" if user else "unknown",
                    "as supplied by the user" if user else "unknown",
                    f"User-supplied data ({sid}); not from a public source." if user else sid,
                    "",
                    user,
                )
            )
    if ctx.gaps is not None:
        for t in ctx.gaps.targets.targets:
            if t.source in seen:
                continue
            seen.add(t.source)
            out.append(
                Citation(
                    t.source,
                    f"Targets ({t.source})",
                    "see the citation",
                    "policy targets, cited; no data reused",
                    t.citation,
                    t.url,
                )
            )
    out.append(
        Citation(
            "BOUNDARIES",
            "World boundaries (Plotly topojson from Natural Earth)",
            "Natural Earth",
            "Public domain",
            "Made with Natural Earth. Boundaries and names shown imply no opinion on the legal "
            "status of any country or territory.",
            "https://www.naturalearthdata.com/",
        )
    )
    return tuple(out)


def _score_map(ctx: Context, members: Sequence[str], title: str, highlight: str = "") -> FigureSpec:
    res = ctx.result
    code = ctx.framework.index_code
    data = pd.DataFrame(
        {
            "iso3": list(members),
            "name": [_name(ctx, m) for m in members],
            "score": [_num(res.scores.loc[m, code]) for m in members],
        }
    )
    return FigureSpec(
        "map",
        "map",
        title,
        f"Readiness index {ctx.year}. Source: this tool, from the data cited below.",
        data,
        (("highlight", highlight),),
    )


# --- economy report ----------------------------------------------------------------------------
def _economy_report(ctx: Context, iso3: str) -> Report:
    res = ctx.result
    if iso3 not in res.raw.index:
        raise ReadinessError(f"unknown economy '{iso3}'")
    row = _country_row(ctx, iso3)
    name = _name(ctx, iso3)
    code = ctx.framework.index_code
    index = res.scores.loc[iso3, code]
    n = _n_ranked(ctx)
    iv = ctx.intervals.loc[iso3]
    tier = str(res.tiers.loc[iso3])
    region = _group_of(ctx, "itu_region", iso3)
    income = _group_of(ctx, "income", iso3)
    status = [g.label for g in _groups_of(ctx, iso3) if g.kind == "development"]

    key = (
        KeyFigure("Readiness index", format_score(index), f"0-100, {ctx.year}"),
        KeyFigure("Rank", f"{format_rank(res.rank.loc[iso3])} of {n}", "1 = most ready"),
        KeyFigure(
            "Rank interval (5-95%)",
            format_interval(iv["rank_p05"], iv["rank_p95"]),
            f"{MC_SAMPLES:,} Monte Carlo samples",
        ),
        KeyFigure("Tier", tier),
        KeyFigure("Data coverage", format_share(res.data_coverage.loc[iso3]), "of index weight"),
    )
    scores = _score_table(ctx, iso3)
    comparison, numeric = _comparison(ctx, iso3)
    region_name = region.label.removeprefix("ITU-D region: ") if region else MISSING
    intro = (
        f"{name} ({iso3}); ITU-D region: {region_name}; "
        f"income group ({ctx.year}): {income.label if income else MISSING}"
        + (f"; {', '.join(status)}" if status else "")
        + "."
    )
    sections: list[Section] = [
        Section(
            "summary",
            "Summary",
            paragraphs=(
                intro,
                f"Readiness index {format_score(index)} ({tier}), rank "
                f"{format_rank(res.rank.loc[iso3])} of {n} economies scored for {ctx.year}; "
                f"rank interval {format_interval(iv['rank_p05'], iv['rank_p95'])}.",
                *_no_scores_note(ctx),
            ),
        ),
        Section(
            "scores",
            "Index and pillars",
            tables=(Table("Scores, ranks and tiers", scores),),
        ),
        Section(
            "comparison",
            "Comparison with region, income group and peers",
            paragraphs=(
                "Group figures are simple means of the members' scores; in brackets, how many "
                "members are scored.",
                *_peer_text(ctx, iso3),
            ),
            tables=(Table("Scores beside group means", comparison),),
            figures=(
                FigureSpec(
                    "components",
                    "component_bars",
                    f"{name} and its groups",
                    f"Index and pillar scores, {ctx.year}; group simple means.",
                    numeric,
                ),
            ),
        ),
    ]
    sections.append(_gaps_section_economy(ctx, iso3))
    sw = _strengths_table(ctx, iso3)
    prio = priority_table(ctx, [iso3])
    sections.append(
        Section(
            "strengths",
            "Strengths, weaknesses and priority areas",
            paragraphs=(
                "Strengths and weaknesses: the indicators where the economy ranks best and worst "
                "among all economies with data (own data only, imputed values left out).",
                "Priority areas: the largest gaps weighted by importance: the share of the way "
                "still to go (to the 2030 target where there is one, else to the best "
                "goalpost) times the indicator's weight in the index, in index points.",
            ),
            tables=(
                Table("Strengths and weaknesses", sw),
                Table("Priority areas", _priority_text(ctx, prio, 1)),
            ),
            figures=(
                FigureSpec(
                    "indicators",
                    "indicator_bars",
                    f"{name}: indicator scores",
                    f"Normalised scores (0-100) of the index indicators, {ctx.year}.",
                    pd.DataFrame(
                        {
                            "indicator": [ctx.framework.name(c) for c in ctx.framework.indicators],
                            "pillar": [
                                ctx.framework.name(str(ctx.framework.by_code[c].parent))
                                for c in ctx.framework.indicators
                            ],
                            "score": res.normalised.loc[iso3].to_numpy(dtype=float),
                        }
                    ),
                ),
            ),
        )
    )
    data = _data_table(ctx, iso3)
    missing = data.loc[data["Value"] == "no data", "Indicator"].tolist()
    estimates = data.loc[data["Flags"].str.contains("estimate"), "Indicator"].tolist()
    user = data.loc[data["Flags"].str.contains("user data"), "Indicator"].tolist()
    old = [
        r["Indicator"] for _, r in data.iterrows() if r["Year"] and int(r["Year"]) < ctx.year - 2
    ]
    bullets = [
        f"Indicators with a value: {len(data) - len(missing)} of {len(data)}.",
        "No data: " + (", ".join(missing) if missing else "none") + ".",
        "Producer estimates: " + (", ".join(estimates) if estimates else "none") + ".",
        f"Values older than {ctx.year - 2}: " + (", ".join(old) if old else "none") + ".",
    ]
    if user:
        bullets.append("User data (not from a public source): " + ", ".join(user) + ".")
    sections.append(
        Section(
            "data",
            "Data, data gaps and estimates",
            bullets=tuple(bullets),
            tables=(Table("Indicator values used", data),),
        )
    )
    if region is not None:
        sections.insert(
            2,
            Section(
                "map",
                "Map",
                figures=(
                    _score_map(
                        ctx,
                        [m for m in region.members if m in res.raw.index],
                        f"{_short_label(region)}: readiness index",
                        iso3,
                    ),
                ),
            ),
        )
    sections.append(Section("method", "Method", bullets=_method_bullets(ctx)))
    src = _value_sources(ctx, [iso3])["source"].dropna().tolist()
    highlights = tuple(
        [f"{k.label}: {k.value}" for k in key]
        + [f"Priority: {r['Indicator']} ({r['Priority (index points)']} points)"
           for _, r in _priority_text(ctx, prio, 1).head(3).iterrows()]
    )  # fmt: skip
    return Report(
        subject=Subject.economy(iso3),
        title=f"{name}: IoT and smart-city readiness",
        subtitle=f"Needs report, reference year {ctx.year} (WTDC-22 Resolution 85)",
        year=ctx.year,
        key_figures=key,
        sections=tuple(sections),
        citations=_citations(ctx, src),
        notes=_caveats(row),
        highlights=highlights,
    )


def _no_scores_note(ctx: Context) -> tuple[str, ...]:
    """Say so when no economy has the data coverage for an index in the reference year."""
    if _n_ranked(ctx):
        return ()
    return (
        f"No economy has enough recent data for an index in {ctx.year} (coverage rule); the "
        "gaps and data below still apply. Choose a later reference year for scores and ranks.",
    )


def _caveats(row: pd.Series) -> tuple[str, ...]:
    return (
        "Boundaries and names shown imply no opinion on the legal status of any country or "
        "territory.",
    )


def _gap_rows(
    frame: pd.DataFrame, year: int, value: str, group: bool, user: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Gap rows (economy_gaps or gap_table) as text: value, target, gap, band, trend, outlook.

    Values of the codes in `user` come from user data and say so.
    """
    rows = []
    for r in frame.to_dict("records"):
        reach = r.get("reach_year")
        years_to = "" if _missing(reach) else str(max(0, int(reach) - year))  # type: ignore[arg-type]
        row = {
            "Indicator": str(r["name_indicator" if "name_indicator" in r else "name"]),
            "Value": format_value(r[value]) + (" (user data)" if r["code"] in user else ""),
            "Target": ("<= " if r.get("target_direction", 1) == -1 else "")
            + format_value(r["target"]),
            "Gap": format_value(r["gap"]),
            "Progress band": str(r["band"]) or MISSING,
            "Trend per year": "" if _missing(r["trend"]) else f"{float(r['trend']):+.2f}",
            "Reach year": "" if _missing(reach) else str(int(reach)),  # type: ignore[arg-type]
            "Years to target": years_to,
            "Outlook": str(r["outlook"] or ""),
        }
        if group:
            row["Members with data"] = str(r["coverage"])
        rows.append(row)
    return pd.DataFrame(rows)


def _gap_figure(frame: pd.DataFrame, title: str, year: int, name_col: str) -> FigureSpec:
    data = pd.DataFrame(
        {
            "indicator": frame[name_col].astype(str).to_numpy(),
            "progress": (1.0 - frame["to_go"].astype(float)).clip(lower=0).to_numpy() * 100,
            "band": frame["band"].astype(str).replace("", "No data").to_numpy(),
        }
    )
    return FigureSpec(
        "gaps",
        "gap_bars",
        title,
        f"Progress towards each 2030 target, {year}; colours are ITU's progress bands. "
        "Targets: ITU and UN Tech Envoy (2022); SDG 7.1.",
        data,
    )


_GAP_INTRO = (
    "Gaps to the 2030 targets for universal and meaningful connectivity (and SDG 7.1): the "
    "value, the target, the gap, ITU's progress band, the trend over the last five years and, "
    "at that pace, the year the target is reached."
)


def _unavailable_gaps() -> Section:
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=("Gap analytics (readiness.gaps.analysis) are not available in this build.",),
    )


def _gaps_section_economy(ctx: Context, iso3: str) -> Section:
    if ctx.gaps is None:
        return _unavailable_gaps()
    from readiness.gaps.analysis import economy_gaps

    frame = economy_gaps(ctx.gaps, ctx.year, [iso3])
    name = _name(ctx, iso3)
    src = _value_sources(ctx, [iso3])
    user = frozenset(
        src.loc[src["source"].fillna("").str.startswith(USER_SOURCE_PREFIX), "indicator"]
    )
    rows = _gap_rows(frame, ctx.year, "value", False, user)
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=(_GAP_INTRO,),
        tables=(Table("Gaps to the 2030 targets", rows),),
        figures=(_gap_figure(frame, f"{name}: progress to the 2030 targets", ctx.year,
                             "name_indicator"),),
    )  # fmt: skip


def _gaps_section_group(ctx: Context, group: Group) -> Section:
    if ctx.gaps is None:
        return _unavailable_gaps()
    from readiness.gaps.analysis import gap_table

    frame = gap_table(ctx.gaps, [group], [ctx.year])
    frame = frame[(frame["level"] == "indicator") & frame["target"].notna()]
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=(
            _GAP_INTRO,
            "Group values are population-weighted means of the members with data.",
        ),
        tables=(Table("Gaps to the 2030 targets", _gap_rows(frame, ctx.year, "weighted", True)),),
        figures=(_gap_figure(frame, f"{_short_label(group)}: progress to the 2030 targets",
                             ctx.year, "name"),),
    )  # fmt: skip


# --- group report --------------------------------------------------------------------------------
def members_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    """Members' scores, rank, rank interval and tier as text, best first then not scored."""
    res = ctx.result
    fw = ctx.framework
    rows = []
    for iso in members:
        iv = ctx.intervals.loc[iso]
        row = {"ISO3": iso, "Economy": _name(ctx, iso), "Index": format_score(res.index.loc[iso])}
        for p in fw.pillars:
            row[fw.name(p)] = format_score(res.scores.loc[iso, p])
        row["Rank"] = format_rank(res.rank.loc[iso])
        row["Rank interval (5-95%)"] = format_interval(iv["rank_p05"], iv["rank_p95"])
        row["Tier"] = str(res.tiers.loc[iso])
        rows.append({**row, "_sort": _num(res.rank.loc[iso])})
    frame = pd.DataFrame(rows)
    frame["_sort"] = pd.to_numeric(frame["_sort"], errors="coerce")
    frame = frame.sort_values(["_sort", "ISO3"], na_position="last", kind="stable")
    return frame.drop(columns="_sort").reset_index(drop=True)


def spread_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    """Spread of the index and pillars within the group: n, min, quartiles, max (who)."""
    res = ctx.result
    rows = []
    for code in _components(ctx):
        v = res.scores[code].reindex(list(members)).dropna()
        if v.empty:
            rows.append({"Component": _component_name(ctx, code), "Scored": f"0/{len(members)}"})
            continue
        q = v.quantile([0.25, 0.5, 0.75])
        rows.append(
            {
                "Component": _component_name(ctx, code),
                "Scored": format_count(len(v), len(members)),
                "Lowest": f"{format_score(v.min())} ({_name(ctx, str(v.idxmin()))})",
                "Q1": format_score(q.iloc[0]),
                "Median": format_score(q.iloc[1]),
                "Q3": format_score(q.iloc[2]),
                "Highest": f"{format_score(v.max())} ({_name(ctx, str(v.idxmax()))})",
            }
        )
    cols = ["Component", "Scored", "Lowest", "Q1", "Median", "Q3", "Highest"]
    return pd.DataFrame(rows).reindex(columns=cols).fillna(MISSING)


def _group_comparison(ctx: Context, group: Group) -> tuple[pd.DataFrame, pd.DataFrame]:
    others = [group, ctx.groups["WORLD"]]
    if group.code != "HIC" and "HIC" in ctx.groups:
        others.append(ctx.groups["HIC"])  # the usual benchmark for developing-country gaps
    agg = ctx.result.group_aggregates({g.code: g.members for g in others})
    comps = _components(ctx)
    text = pd.DataFrame({"Component": [_component_name(ctx, c) for c in comps]})
    numeric = pd.DataFrame({"component": [_component_name(ctx, c) for c in comps]})
    for g in others:
        sub = agg[agg["group"] == g.code].set_index("code")
        label = _short_label(g)
        text[f"{label}: mean"] = [format_score(sub.loc[c, "mean"]) for c in comps]
        text[f"{label}: population-weighted"] = [
            format_score(sub.loc[c, "population_weighted"]) for c in comps
        ]
        text[f"{label}: scored"] = [str(sub.loc[c, "coverage"]) for c in comps]
        numeric[label] = [_num(sub.loc[c, "mean"]) for c in comps]
    return text, numeric


def _group_report(ctx: Context, group: Group) -> Report:
    res = ctx.result
    members = [m for m in group.members if m in res.raw.index]
    if not members:
        raise ReadinessError(f"group {group.code} has no members in the data")
    code = ctx.framework.index_code
    agg = res.group_aggregates({group.code: members}).set_index("code")
    idx = agg.loc[code]
    table = members_table(ctx, members)
    scored = table[table["Index"] != MISSING]
    label = _short_label(group)
    key = (
        KeyFigure("Members", str(len(members))),
        KeyFigure("Scored", format_count(int(idx["n"]), int(idx["N"])), "members with an index"),
        KeyFigure("Mean index", format_score(idx["mean"]), "simple mean of members"),
        KeyFigure(
            "Population-weighted index",
            format_score(idx["population_weighted"]),
            "weighted by population",
        ),
        KeyFigure(
            "Median index", format_score(res.index.reindex(members).median()), "of scored members"
        ),
    )
    comparison, numeric = _group_comparison(ctx, group)
    spread = spread_table(ctx, members)
    prio = priority_table(ctx, members)
    bars = pd.DataFrame(
        {
            "name": [_name(ctx, m) for m in members],
            "score": [_num(res.index.loc[m]) for m in members],
            "tier": [str(res.tiers.loc[m]) for m in members],
        }
    )
    pillar_long = res.scores.reindex(members)[list(ctx.framework.pillars)]
    pillar_long.columns = [ctx.framework.name(p) for p in ctx.framework.pillars]
    top = scored.head(3)
    bottom = scored.tail(3).iloc[::-1] if len(scored) > 3 else scored.iloc[0:0]
    highlights = tuple(
        [f"{k.label}: {k.value}" for k in key]
        + [f"Most ready: {r['Economy']} ({r['Index']}, rank {r['Rank']})"
           for _, r in top.iterrows()]
        + [f"Least ready: {r['Economy']} ({r['Index']}, rank {r['Rank']})"
           for _, r in bottom.iterrows()]
    )  # fmt: skip
    cover = _coverage_table(ctx, members)
    sections = [
        Section(
            "summary",
            "Summary",
            paragraphs=(
                f"{group.label}: {len(members)} economies, {int(idx['n'])} scored for "
                f"{ctx.year}. Mean readiness index {format_score(idx['mean'])} "
                f"(population-weighted {format_score(idx['population_weighted'])}).",
                *_no_scores_note(ctx),
            ),
        ),
        Section(
            "map",
            "Map",
            figures=(_score_map(ctx, members, f"{label}: readiness index"),),
        ),
        Section(
            "members",
            "Members",
            tables=(Table("Members' scores, ranks and tiers", table),),
            figures=(
                FigureSpec(
                    "members",
                    "member_bars",
                    f"{label}: readiness index by member",
                    f"Readiness index {ctx.year}; members not scored are left out.",
                    bars,
                ),
            ),
        ),
        Section(
            "spread",
            "Spread within the group",
            tables=(Table("Spread of scores among members", spread),),
            figures=(
                FigureSpec(
                    "spread",
                    "spread_box",
                    f"{label}: spread of pillar scores",
                    f"Pillar scores of the members, {ctx.year}.",
                    pillar_long.reset_index(drop=True),
                ),
            ),
        ),
        Section(
            "comparison",
            "Comparison with the world and high-income economies",
            tables=(Table("Group and world means", comparison),),
            figures=(
                FigureSpec(
                    "components",
                    "component_bars",
                    f"{label}, the world and high-income economies",
                    f"Simple means of index and pillar scores, {ctx.year}.",
                    numeric,
                ),
            ),
        ),
        _gaps_section_group(ctx, group),
        Section(
            "priorities",
            "Priority areas",
            paragraphs=(
                "The largest gaps weighted by importance: the members' mean share of the way "
                "still to go (to the 2030 target where there is one, else to the best goalpost) "
                "times the indicator's weight in the index, in index points.",
            ),
            tables=(Table("Priority areas", _priority_text(ctx, prio, len(members))),),
        ),
        Section(
            "data",
            "Data, data gaps and estimates",
            tables=(Table("Members with a value, per indicator", cover),),
        ),
        Section("method", "Method", bullets=_method_bullets(ctx)),
    ]
    src = _value_sources(ctx, members)["source"].dropna().tolist()
    return Report(
        subject=Subject.group(group.code),
        title=f"{group.label}: IoT and smart-city readiness",
        subtitle=f"Needs report, reference year {ctx.year} (WTDC-22 Resolution 85)",
        year=ctx.year,
        key_figures=key,
        sections=tuple(sections),
        citations=_citations(ctx, src),
        notes=_caveats(pd.Series(dtype=object)),
        highlights=highlights,
    )


def _coverage_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    res = ctx.result
    fw = ctx.framework
    raw = res.raw.reindex(list(members))
    est = res.estimates.reindex(list(members)) if res.estimates is not None else None
    src = _value_sources(ctx, members)
    user = src[src["source"].fillna("").str.startswith(USER_SOURCE_PREFIX)]
    user_n = user.groupby("indicator").size()
    status = None
    if ctx.gaps is not None:
        from readiness.gaps.datagaps import group_datagaps

        members_group = Group("MEMBERS", "members", "custom", tuple(members))
        status = group_datagaps(ctx.gaps, [members_group], [ctx.year]).set_index("indicator")
    rows = []
    for c in fw.indicators:
        n = int(raw[c].notna().sum())
        row = {
            "Indicator": fw.name(c),
            "With data": format_count(n, len(members)),
            "Estimates": str(int(est[c].fillna(False).astype(bool).sum()))
            if est is not None
            else "",
            "Median year": ""
            if res.years is None or n == 0
            else str(int(res.years.reindex(list(members))[c].dropna().median())),
        }
        if status is not None and c in status.index:
            st = status.loc[c]
            row["Reported"] = str(int(st["reported"]))
            row["Carried forward"] = str(int(st["carried_forward"]))
            row["Missing"] = str(int(st["missing"]))
            row["Missing members"] = str(st["missing_members"]).replace(",", ", ")
        if len(user_n):
            row["User data"] = str(int(user_n.get(c, 0)))
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "Citation",
    "Context",
    "FigureSpec",
    "KeyFigure",
    "Report",
    "Section",
    "Subject",
    "Table",
    "build_report",
    "format_interval",
    "format_rank",
    "format_score",
    "format_share",
    "format_value",
    "members_table",
    "priority_table",
    "resolve_subject",
    "scoring_context",
    "shortfalls",
    "spread_table",
]
