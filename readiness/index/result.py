"""The index result: every step's table for one cross-section, tiers and group aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from readiness.data.groups import enough_coverage
from readiness.index.framework import Framework
from readiness.index.method import NOT_SCORED, Method

# Normalisations whose scores live on [lo, hi], so tiers and geometric means make sense.
BOUNDED = frozenset({"goalposts", "minmax", "rank", "target"})


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
        # indicators that count this year (a pillar not yet in the index has weight 0)
        active = self.effective_weights.to_numpy() > 0
        n_have = self.normalised.loc[:, active].notna().sum(axis=1)
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
        out["indicators"] = [f"{k}/{int(active.sum())}" for k in n_have]
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
    population. Scores are never estimated, so by the coverage rule of
    readiness.data.groups.enough_coverage both means are withheld (NaN, `withheld` True) when
    the scored members hold less than two thirds of the group's population.
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
            share = float(pop[w_ok].sum() / total_pop) if total_pop else np.nan
            withheld = bool(total_pop) and not bool(enough_coverage(share))
            rows.append(
                {
                    "group": group,
                    "code": code,
                    "n": n,
                    "N": len(members),
                    "coverage": f"{n}/{len(members)}",
                    "mean": float(v.mean()) if n and not withheld else np.nan,
                    "population_weighted": np.nan if withheld else pw,
                    "population_share": share,
                    "withheld": withheld,
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
            "withheld",
        ],
    )


def int_frame(values: np.ndarray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    """A nullable-integer frame from floats with NaN (astype("Int64") is ten times slower)."""
    mask = np.isnan(values)
    ints = np.where(mask, 0, values).astype(np.int64)
    out = pd.DataFrame(
        {c: pd.arrays.IntegerArray(ints[:, j], mask[:, j]) for j, c in enumerate(columns)},
        index=index,
    )
    out.columns = columns
    return out


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
