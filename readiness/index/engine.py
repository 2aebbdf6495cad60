"""The index engine: `build_index(data, framework, method) -> Result`, with a table per step.

Steps, as in COINr: select (most recent value in a window) -> treat (caps, logs, optional
winsorisation) -> impute (optional, flagged) -> normalise -> aggregate level by level with the
coverage rule -> rank -> tiers. One cross-section is a units x indicators float matrix with NaN
for missing; every step is a vectorised numpy operation on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from readiness.errors import ReadinessError
from readiness.index.aggregate import aggregate_level, rank_scores
from readiness.index.framework import Framework
from readiness.index.impute import impute_groups
from readiness.index.method import NOT_SCORED, Method
from readiness.index.normalise import min_rank, normalise
from readiness.index.selection import Panel, panel_from_long
from readiness.index.treat import cap_and_log, kurtosis, skewness, winsorise

# Normalisations whose scores live on [lo, hi], so tiers and geometric means make sense.
BOUNDED = frozenset({"goalposts", "minmax", "rank", "target"})


# --- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class IndexData:
    """One cross-section: raw values (units x indicators, NaN missing) and facts about units."""

    raw: pd.DataFrame
    units: pd.DataFrame  # same index as raw; a `name` column, optional groups and population
    years: pd.DataFrame | None = None  # the year of each selected value
    estimates: pd.DataFrame | None = None  # True where the value is a producer's estimate
    year: int | None = None  # the reference year, when there is one


def read_wide(path: str | Path) -> pd.DataFrame:
    """Read a COINr-style data CSV (uCode, optional uName, one column per indicator) as text."""
    path = Path(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ReadinessError(f"data file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ReadinessError(f"cannot read data file {path}: {exc}") from None


_MISSING_TEXT = frozenset({"", "NA", "N/A", "NaN", "nan", "na", "n/a", ".."})


def data_from_wide(
    table: pd.DataFrame, framework: Framework, unit_column: str = "uCode"
) -> IndexData:
    """Validate a wide table (one row per unit, one column per indicator) into IndexData.

    Empty cells (or NA, NaN, ..) are missing values; any other non-numeric cell is an error.
    Columns that are not indicators (uName, group columns, population) become unit facts.
    """
    problems: list[str] = []
    if unit_column not in table.columns:
        raise ReadinessError(
            f"data lacks the unit column {unit_column!r}; name the units' codes there"
        )
    codes = table[unit_column].astype(str).str.strip()
    if codes.eq("").any():
        problems.append(f"{int(codes.eq('').sum())} row(s) have no {unit_column}")
    dupes = sorted(set(codes[codes.duplicated()]))
    if dupes:
        problems.append(f"{unit_column} repeated: {', '.join(dupes[:10])}")
    absent = [c for c in framework.indicators if c not in table.columns]
    if absent:
        problems.append(f"no column for indicator(s) {', '.join(absent)}")
    raw = pd.DataFrame(index=pd.Index(codes, name="code"))
    for code in framework.indicators:
        if code not in table.columns:
            continue
        col = table[code]
        if pd.api.types.is_numeric_dtype(col):
            raw[code] = col.to_numpy(dtype=float)
            continue
        text = col.astype(str).str.strip()
        blank = text.isin(_MISSING_TEXT) | col.isna().to_numpy()
        num = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = num.isna() & ~blank
        if bad.any():
            where = ", ".join(f"{codes.iloc[k]}={text.iloc[k]!r}" for k in np.flatnonzero(bad)[:3])
            problems.append(f"non-numeric value(s) in {code}: {where}")
        raw[code] = num.to_numpy(dtype=float)
    if problems:
        raise ReadinessError("data has " + f"{len(problems)} problem(s): " + "; ".join(problems))
    finite = np.isfinite(raw.to_numpy()) | raw.isna().to_numpy()
    if not finite.all():
        raise ReadinessError("data has infinite values; leave missing values empty instead")
    extra = [c for c in table.columns if c not in framework.by_code and c != unit_column]
    units = table[extra].copy()
    units.index = raw.index
    if "uName" in units.columns:
        units = units.rename(columns={"uName": "name"})
    if "name" not in units.columns:
        units["name"] = raw.index.to_numpy()
    if "population" in units.columns:
        units["population"] = pd.to_numeric(units["population"], errors="coerce")
    return IndexData(raw=raw, units=units)


def units_from_countries(countries: pd.DataFrame) -> pd.DataFrame:
    """Unit facts from the snapshot's country master, indexed by ISO3, with a `name` column."""
    units = countries.set_index("iso3", drop=False)
    units.index.name = "code"
    if "name_en" in units.columns and "name" not in units.columns:
        units = units.rename(columns={"name_en": "name"})
    return units


def panel_from_snapshot(snapshot: Any, framework: Framework) -> Panel:
    """The years x economies x indicators cube of the snapshot's values for this framework."""
    units = units_from_countries(snapshot.countries)
    return panel_from_long(snapshot.values, units, framework.indicators, snapshot.latest_year)


def windows(framework: Framework, method: Method) -> np.ndarray:
    """Each indicator's most-recent-value window: the method's, else the framework's, else 1."""
    if method.window is not None:
        return np.full(len(framework.indicators), method.window, dtype=float)
    return np.array([framework.by_code[c].window or 1 for c in framework.indicators], dtype=float)


def data_for_year(panel: Panel, framework: Framework, method: Method, year: int) -> IndexData:
    """The cross-section for reference year `year` under the method's year policy."""
    vals, yrs, est = panel.select(year, windows(framework, method))
    cols = pd.Index(panel.indicators, name="indicator")
    idx = panel.units.index
    return IndexData(
        raw=pd.DataFrame(vals, index=idx, columns=cols),
        units=panel.units,
        years=pd.DataFrame(yrs, index=idx, columns=cols).astype("Int64"),
        estimates=pd.DataFrame(est, index=idx, columns=cols),
        year=int(year),
    )


# --- per-indicator specifications --------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Specs:
    """Per-indicator arrays the steps need, with goalposts and targets treated like the values."""

    directions: np.ndarray
    caps: np.ndarray
    logs: np.ndarray
    gp_lo: np.ndarray
    gp_hi: np.ndarray
    target: np.ndarray


def indicator_specs(framework: Framework, method: Method) -> tuple[Specs, list[str]]:
    """Resolve per-indicator specs for a method; also return problems the method cannot run with."""
    nodes = [framework.by_code[c] for c in framework.indicators]
    directions = framework.directions
    caps = np.array([n.cap if (n.cap is not None and method.transforms) else np.nan for n in nodes])
    logs = np.array([bool(n.log and method.transforms) for n in nodes])
    lo = np.array([n.goalposts[0] if n.goalposts else np.nan for n in nodes])
    hi = np.array([n.goalposts[1] if n.goalposts else np.nan for n in nodes])
    target = np.array([np.nan if n.target is None else n.target for n in nodes])
    # Without an explicit target, the best goalpost is the target.
    best = np.where(directions > 0, hi, lo)
    target = np.where(np.isnan(target), best, target)
    problems: list[str] = []
    if method.normalisation == "goalposts":
        lacking = [n.code for n in nodes if n.goalposts is None]
        if lacking:
            problems.append(
                f"goalposts normalisation needs goalposts for {_list(lacking)} "
                "(add goalpost_lower and goalpost_upper to the framework, or use minmax)"
            )
        bad_log = [
            n.code for n in nodes if n.goalposts and logs[nodes.index(n)] and n.goalposts[0] <= 0
        ]
        if bad_log:
            problems.append(
                f"log-transformed indicator(s) {_list(bad_log)} need a lower goalpost > 0"
            )
    if method.normalisation == "target":
        lacking = [c for c, t in zip(framework.indicators, target, strict=True) if np.isnan(t)]
        if lacking:
            problems.append(
                f"distance-to-target needs a Target (or goalposts) for {_list(lacking)}"
            )
    # Goalposts and targets are in the original unit: apply the same cap and log.
    t_lo, t_hi, t_target = (cap_and_log(a[None, :].copy(), caps, logs)[0] for a in (lo, hi, target))
    return Specs(directions, caps, logs, t_lo, t_hi, t_target), problems


def _list(codes: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


# --- the steps ---------------------------------------------------------------------------------
def treat(
    raw: np.ndarray, specs: Specs, method: Method, codes: Sequence[str]
) -> tuple[np.ndarray, pd.DataFrame, list[str]]:
    """Caps and logs, then optional winsorisation; also a per-indicator log and notes."""
    notes: list[str] = []
    capped = (raw > specs.caps).sum(axis=0)
    treated = cap_and_log(raw, specs.caps, specs.logs)
    lost = (np.isnan(treated) & ~np.isnan(raw)).sum(axis=0)
    for code, k in zip(codes, lost, strict=True):
        if k:
            notes.append(f"{code}: {k} value(s) <= 0 cannot be logged and count as missing")
    points = np.zeros(len(codes), dtype=int)
    passed = np.ones(len(codes), dtype=bool)
    skew = np.full(len(codes), np.nan)
    kurt = np.full(len(codes), np.nan)
    if method.winsorise:
        for j in range(treated.shape[1]):
            w = winsorise(
                treated[:, j],
                method.winsor_max_points,
                method.skew_threshold,
                method.kurtosis_threshold,
            )
            treated[:, j] = w.scores
            points[j], passed[j] = w.points, w.passed
            skew[j], kurt[j] = skewness(w.scores), kurtosis(w.scores)
            if not w.passed:
                notes.append(
                    f"{codes[j]}: still skewed after winsorising {w.points} point(s) "
                    f"(skewness {skew[j]:.2f}, kurtosis {kurt[j]:.2f})"
                )
    table = pd.DataFrame(
        {
            "cap": specs.caps,
            "log": specs.logs,
            "capped": capped,
            "not_loggable": lost,
            "winsorised": points,
            "skewness": skew,
            "kurtosis": kurt,
            "passes_jrc_rule": passed,
        },
        index=pd.Index(codes, name="indicator"),
    )
    return treated, table, notes


def group_labels(units: pd.DataFrame, method: Method) -> np.ndarray | None:
    """The imputation group of each unit (None: one group of all units)."""
    if method.imputation_group is None:
        return None
    col = units[method.imputation_group]
    return col.where(col.notna(), None).to_numpy(dtype=object)


def impute(
    treated: np.ndarray, groups: np.ndarray | None, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values by `kind` (none, group_mean, group_median); return values and flags."""
    if kind == "none":
        return treated, np.zeros(treated.shape, dtype=bool)
    return impute_groups(treated, groups, kind.removeprefix("group_"))


def level_matrices(framework: Framework, weights: Mapping[str, float]) -> list[np.ndarray]:
    """One children x parents weight matrix per level, bottom up."""
    return [
        plan.weight_matrix(np.array([weights[c] for c in plan.children], dtype=float))
        for plan in framework.plans
    ]


def thresholds(framework: Framework, method: Method) -> list[float]:
    """Coverage threshold per level: pillar_coverage for level 2, index_coverage above it."""
    return [
        method.pillar_coverage if plan.level == 2 else method.index_coverage
        for plan in framework.plans
    ]


def aggregate_all(
    normalised: np.ndarray, matrices: Sequence[np.ndarray], how: str, limits: Sequence[float]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Scores and coverage per level, each level the mean of the level below (COINr's rule)."""
    scores, coverage = [], []
    x = normalised
    for w, limit in zip(matrices, limits, strict=True):
        x, share = aggregate_level(x, w, how, limit)
        scores.append(x)
        coverage.append(share)
    return scores, coverage


def check_geometric(normalised: np.ndarray, codes: Sequence[str], units: Sequence[str]) -> None:
    """Raise if a geometric mean would see a score <= 0 (log is undefined there)."""
    bad = normalised <= 0  # NaN compares False
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ReadinessError(
            f"the geometric mean needs scores > 0 but {int(bad.sum())} normalised value(s) are "
            f"<= 0 (e.g. {codes[j]} of {units[i]} = {normalised[i, j]:g}); use positive "
            "bounds, e.g. --bounds 1,100 (bounds: [1, 100] in a method file)"
        )


# --- result ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Result:
    """Every step's table for one cross-section, plus tiers, strengths and group aggregates."""

    framework: Framework
    method: Method
    year: int | None
    units: pd.DataFrame
    raw: pd.DataFrame  # selected raw values
    years: pd.DataFrame | None  # year of each selected value
    estimates: pd.DataFrame | None  # True where the selected value is a producer's estimate
    treated: pd.DataFrame  # after caps, logs and winsorisation; before imputation
    imputed_values: pd.DataFrame  # treated values with imputed ones filled in
    imputed: pd.DataFrame  # True where a value was imputed
    normalised: pd.DataFrame
    scores: pd.DataFrame  # every aggregate, bottom level first; NaN = not scored
    coverage: pd.DataFrame  # share of each aggregate's child weight that has a score
    ranks: pd.DataFrame  # Int64, 1 = best, ties share the better rank, not scored = <NA>
    weights: pd.Series = field(repr=False)  # every node's weight, normalised within its parent
    effective_weights: pd.Series = field(repr=False)  # each indicator's share of the index
    treatment: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def index(self) -> pd.Series:
        return self.scores[self.framework.index_code]

    @property
    def pillars(self) -> pd.DataFrame:
        return self.scores[list(self.framework.pillars)]

    @property
    def rank(self) -> pd.Series:
        return self.ranks[self.framework.index_code]

    @cached_property
    def data_coverage(self) -> pd.Series:
        """Share of the index's (effective) indicator weight with a value, imputed or observed."""
        have = self.normalised.notna().to_numpy(dtype=float)
        return pd.Series(have @ self.effective_weights.to_numpy(), index=self.raw.index)

    @cached_property
    def tiers(self) -> pd.Series:
        """Tier label per unit from the method's fixed bands; "Not scored" without an index."""
        return tier_labels(self.index, self.method)

    def summary(self) -> pd.DataFrame:
        """One row per unit: code, name, index, pillars, rank, tier, coverage, indicators n/N."""
        code = self.framework.index_code
        n_have = self.normalised.notna().sum(axis=1)
        out = pd.DataFrame(
            {
                "code": self.raw.index,
                "name": self.units["name"].reindex(self.raw.index).to_numpy(),
                "index": self.index.to_numpy(),
            }
        )
        for p in self.framework.pillars:
            if p != code:
                out[p] = self.scores[p].to_numpy()
        out["rank"] = self.ranks[code].to_numpy()
        out["tier"] = self.tiers.to_numpy()
        out["coverage"] = self.data_coverage.to_numpy()
        out["indicators"] = [f"{k}/{self.normalised.shape[1]}" for k in n_have]
        out["rank"] = out["rank"].astype("Int64")
        return out

    def strengths_weaknesses(
        self, n: int = 3, peers: str | pd.Series | None = None
    ) -> pd.DataFrame:
        """Each unit's `n` best and `n` worst indicators by rank among its peers (observed values).

        `peers` is a unit column (e.g. "income_group") or a Series of labels; None compares with
        all units. Imputed values are left out: a strength must rest on the unit's own data.
        """
        norm = self.normalised.mask(self.imputed)
        if peers is None:
            labels = pd.Series("all", index=norm.index)
        elif isinstance(peers, str):
            labels = self.units[peers].reindex(norm.index)
        else:
            labels = peers.reindex(norm.index)
        long = _long(norm, "score").dropna(subset=["score"])
        long["peers"] = labels.reindex(long["code"]).to_numpy()
        long = long[long["peers"].notna()]
        grouped = long.groupby(["peers", "indicator"])["score"]
        long["rank"] = grouped.rank(method="min", ascending=False).astype(int)
        long["of"] = grouped.transform("size")
        long = long[long["of"] >= 2]
        long["relative"] = (long["of"] - long["rank"]) / (long["of"] - 1)
        long = long.sort_values(["code", "relative", "score"], ascending=[True, False, False])
        long["position"] = long.groupby("code").cumcount()
        size = long.groupby("code")["indicator"].transform("size")
        strong = long[long["position"] < n].assign(kind="strength")
        # Weaknesses come from the bottom, never re-using an indicator listed as a strength.
        weak = long[(long["position"] >= size - n) & (long["position"] >= n)].assign(
            kind="weakness"
        )
        weak = weak.iloc[::-1]
        out = pd.concat([strong, weak], ignore_index=True)
        out["order"] = out.groupby(["code", "kind"]).cumcount() + 1
        out["indicator_name"] = out["indicator"].map(self.framework.name)
        rows = self.raw.index.get_indexer(pd.Index(out["code"]))
        cols = self.raw.columns.get_indexer(pd.Index(out["indicator"]))
        out["value"] = self.raw.to_numpy()[rows, cols]
        if self.years is not None:
            out["year"] = pd.array(self.years.to_numpy()[rows, cols], dtype="Int64")
        keep = ["code", "kind", "order", "indicator", "indicator_name", "value"]
        keep += ["year"] if self.years is not None else []
        keep += ["score", "rank", "of", "peers"]
        return out[keep].sort_values(["code", "kind", "order"]).reset_index(drop=True)

    def group_aggregates(
        self,
        groups: Mapping[str, Iterable[str]],
        population: pd.Series | None = None,
        codes: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Simple and population-weighted means of scores for each group, with n/N coverage."""
        if population is None and "population" in self.units.columns:
            population = self.units["population"]
        codes = (
            list(codes)
            if codes is not None
            else [self.framework.index_code, *self.framework.pillars]
        )
        codes = list(dict.fromkeys(codes))
        return group_aggregates(self.scores[codes], groups, population)


def tier_labels(scores: pd.Series, method: Method) -> pd.Series:
    """Map scores to the method's tier labels (fixed bands on the 0-100 scale of [lo, hi])."""
    if method.normalisation not in BOUNDED:
        # z-scores have no fixed scale for bands to sit on.
        return pd.Series(pd.NA, index=scores.index, dtype="string")
    lo, hi = method.bounds
    share = (scores.to_numpy(dtype=float) - lo) / (hi - lo) * 100
    labels = np.full(len(share), NOT_SCORED, dtype=object)
    todo = ~np.isnan(share)
    for label, low in method.tiers:
        hit = todo & (share >= low - 1e-9)
        labels[hit] = label
        todo &= ~hit
    return pd.Series(labels, index=scores.index, dtype="string")


def group_aggregates(
    scores: pd.DataFrame,
    groups: Mapping[str, Iterable[str]],
    population: pd.Series | None = None,
) -> pd.DataFrame:
    """Per group and score column: n scored of N members, simple mean, population-weighted mean.

    Members absent from `scores` count in N as unscored. The weighted mean uses the scored
    members with a known population; `population_share` is their share of the group's known
    population.
    """
    rows = []
    for group, members in groups.items():
        members = list(dict.fromkeys(members))
        sub = scores.reindex(members)
        pop = (
            population.reindex(members).astype(float)
            if population is not None
            else pd.Series(np.nan, index=members)
        )
        for code in scores.columns:
            v = sub[code]
            have = v.notna()
            n = int(have.sum())
            w_ok = have & pop.notna() & (pop > 0)
            pw = float((v[w_ok] * pop[w_ok]).sum() / pop[w_ok].sum()) if w_ok.any() else np.nan
            total_pop = float(pop[pop > 0].sum())
            rows.append(
                {
                    "group": group,
                    "code": code,
                    "n": n,
                    "N": len(members),
                    "coverage": f"{n}/{len(members)}",
                    "mean": float(v.mean()) if n else np.nan,
                    "population_weighted": pw,
                    "population_share": float(pop[w_ok].sum() / total_pop) if total_pop else np.nan,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "group",
            "code",
            "n",
            "N",
            "coverage",
            "mean",
            "population_weighted",
            "population_share",
        ],
    )


# --- the pipeline ------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Prepared:
    """Treated values and everything later steps need; the Monte Carlo reuses it."""

    data: IndexData
    framework: Framework
    method: Method
    specs: Specs
    raw: np.ndarray
    treated: np.ndarray
    treatment: pd.DataFrame
    groups: np.ndarray | None
    weights: dict[str, float]
    notes: tuple[str, ...]


def prepare(data: IndexData, framework: Framework, method: Method) -> Prepared:
    """Validate inputs against the method, then select columns and treat the values."""
    problems: list[str] = []
    specs, spec_problems = indicator_specs(framework, method)
    problems += spec_problems
    missing_cols = [c for c in framework.indicators if c not in data.raw.columns]
    if missing_cols:
        problems.append(f"data lacks indicator(s) {_list(missing_cols)}")
    group = method.imputation_group
    if method.imputation != "none" and group is not None and group not in data.units.columns:
        problems.append(
            f"imputation group column {group!r} is not among the unit columns "
            f"({_list(list(map(str, data.units.columns)))}); set imputation_group to one of "
            "them or to null for all units"
        )
    weights: dict[str, float] = {}
    try:
        weights = framework.weights(method.weight_overrides, equal=method.weighting == "equal")
    except ReadinessError as exc:
        problems.append(str(exc))
    if problems:
        raise ReadinessError("cannot build the index: " + "; ".join(problems))
    if list(data.raw.columns) == list(framework.indicators):
        raw = data.raw.to_numpy(dtype=float, copy=True)
    else:
        cols = data.raw.columns.get_indexer(framework.indicator_index)
        raw = np.take(data.raw.to_numpy(dtype=float), cols, axis=1)
    treated, table, notes = treat(raw.copy(), specs, method, framework.indicators)
    groups = (
        group_labels(data.units.reindex(data.raw.index), method)
        if method.imputation != "none"
        else None
    )
    return Prepared(
        data, framework, method, specs, raw, treated, table, groups, weights, tuple(notes)
    )


def normalise_prepared(prep: Prepared, values: np.ndarray, kind: str | None = None) -> np.ndarray:
    """Normalise imputed values with the prepared specs (kind defaults to the method's)."""
    s = prep.specs
    return normalise(values, prep.method, s.directions, s.gp_lo, s.gp_hi, s.target, kind)


def build_index(data: IndexData, framework: Framework, method: Method | None = None) -> Result:
    """Run the whole pipeline on one cross-section; raise ReadinessError on unusable input."""
    method = method or Method()
    prep = prepare(data, framework, method)
    notes = list(prep.notes)
    values, flags = impute(prep.treated, prep.groups, method.imputation)
    norm = normalise_prepared(prep, values)
    codes = framework.indicators
    units = data.raw.index
    constant = np.flatnonzero(np.isnan(norm).all(axis=0) & ~np.isnan(values).all(axis=0))
    for j in constant:
        notes.append(f"{codes[j]}: no spread to normalise ({method.normalisation}); left missing")
    if method.aggregation == "geometric":
        check_geometric(norm, codes, list(map(str, units)))
    matrices = level_matrices(framework, prep.weights)
    level_scores, level_cov = aggregate_all(
        norm, matrices, method.aggregation, thresholds(framework, method)
    )
    scores = np.concatenate(level_scores, axis=1)
    cover = np.concatenate(level_cov, axis=1)
    ranks = rank_scores(scores, axis=0)

    ind_cols, agg_cols = framework.indicator_index, framework.aggregate_index
    norm_weights = _normalised_weights(framework, prep.weights)
    effective = _effective_weights(framework, matrices)
    return Result(
        framework=framework,
        method=method,
        year=data.year,
        units=data.units,
        raw=pd.DataFrame(prep.raw, index=units, columns=ind_cols),
        years=data.years,
        estimates=data.estimates,
        treated=pd.DataFrame(prep.treated, index=units, columns=ind_cols),
        imputed_values=pd.DataFrame(values, index=units, columns=ind_cols),
        imputed=pd.DataFrame(flags, index=units, columns=ind_cols),
        normalised=pd.DataFrame(norm, index=units, columns=ind_cols),
        scores=pd.DataFrame(scores, index=units, columns=agg_cols),
        coverage=pd.DataFrame(cover, index=units, columns=agg_cols),
        ranks=_int_frame(ranks, units, agg_cols),
        weights=norm_weights,
        effective_weights=pd.Series(effective, index=ind_cols),
        treatment=prep.treatment,
        notes=tuple(notes),
    )


def _int_frame(values: np.ndarray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    """A nullable-integer frame from floats with NaN (astype("Int64") is ten times slower)."""
    mask = np.isnan(values)
    ints = np.where(mask, 0, values).astype(np.int64)
    out = pd.DataFrame(
        {c: pd.arrays.IntegerArray(ints[:, j], mask[:, j]) for j, c in enumerate(columns)},
        index=index,
    )
    out.columns = columns
    return out


def _normalised_weights(framework: Framework, weights: Mapping[str, float]) -> pd.Series:
    out = {}
    for node in framework.nodes:
        if node.parent is None:
            out[node.code] = 1.0
            continue
        siblings = framework.child_map[node.parent]
        total = sum(weights[s] for s in siblings)
        out[node.code] = weights[node.code] / total
    return pd.Series(out, name="weight")


def _effective_weights(framework: Framework, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Each indicator's share of the index when every value is present (product down the tree)."""
    path = np.eye(len(framework.indicators))
    for w in matrices:
        col_tot = w.sum(axis=0)
        path = path @ (w / np.where(col_tot > 0, col_tot, 1.0))
    return np.asarray(path[:, 0], dtype=float)


def build_index_years(
    panel: Panel,
    framework: Framework,
    method: Method | None = None,
    years: Iterable[int] | None = None,
) -> dict[int, Result]:
    """One Result per reference year (default: the method's first_year to the panel's latest)."""
    method = method or Method()
    if years is None:
        last = int(panel.years[-1]) if len(panel.years) else method.first_year
        years = range(method.first_year, last + 1)
    return {
        y: build_index(data_for_year(panel, framework, method, y), framework, method) for y in years
    }


def trend_table(results: Mapping[int, Result], codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Long table of year, unit, aggregate, score and rank across reference years."""
    frames = []
    for year, res in results.items():
        cols = (
            list(codes) if codes is not None else [res.framework.index_code, *res.framework.pillars]
        )
        cols = list(dict.fromkeys(cols))
        f = _long(res.scores[cols], "score", "aggregate")
        f["rank"] = _long(res.ranks[cols], "rank", "aggregate")["rank"].array
        f.insert(0, "year", year)
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _long(frame: pd.DataFrame, value: str, column: str = "indicator") -> pd.DataFrame:
    """Units x codes -> rows of (code, column, value), unit by unit in column order."""
    wide = frame.rename_axis(index="code", columns=column).reset_index()
    out = wide.melt(id_vars="code", var_name=column, value_name=value)
    # melt runs column by column; order rows unit by unit for reading.
    return out.sort_values(["code"], kind="stable").reset_index(drop=True)


# --- our snapshot ------------------------------------------------------------------------------
_SNAPSHOT_CACHE: dict[int, tuple[Any, Framework, Panel]] = {}


def snapshot_inputs(snapshot: Any | None = None) -> tuple[Any, Framework, Panel]:
    """(snapshot, framework, panel) for our catalogue and data, built once per snapshot object."""
    if snapshot is None:
        from readiness.data.snapshot import load_snapshot

        snapshot = load_snapshot()
    key = id(snapshot)
    hit = _SNAPSHOT_CACHE.get(key)
    if hit is None or hit[0] is not snapshot:
        framework = Framework.from_catalogue(snapshot.catalogue)
        hit = (snapshot, framework, panel_from_snapshot(snapshot, framework))
        _SNAPSHOT_CACHE.clear()  # one snapshot per process; keeping the object pins its id
        _SNAPSHOT_CACHE[key] = hit
    return hit


def score_snapshot(
    year: int | None = None, method: Method | None = None, snapshot: Any | None = None
) -> Result:
    """Our index for one reference year (default: the snapshot's latest year)."""
    snapshot, framework, panel = snapshot_inputs(snapshot)
    method = method or Method()
    year = snapshot.latest_year if year is None else year
    return build_index(data_for_year(panel, framework, method, year), framework, method)


__all__ = [
    "IndexData",
    "Result",
    "build_index",
    "build_index_years",
    "data_for_year",
    "data_from_wide",
    "group_aggregates",
    "min_rank",
    "read_wide",
    "score_snapshot",
    "snapshot_inputs",
    "trend_table",
]
