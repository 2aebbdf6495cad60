"""Tables the dashboard pages show, shaped from the snapshot and index results (no Streamlit).

Every number a page displays comes from one of these functions, so a test can compare what the
page shows with what `readiness` computes. Missing stays missing (NaN), never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.catalogue import INDEX_CODE, Catalogue
from readiness.data.groups import Group, group_mean
from readiness.data.snapshot import latest_values
from readiness.index.result import Result

AGGREGATE_KINDS = ("index", "pillar")


# --- what can be shown -----------------------------------------------------------------------
def measures(catalogue: Catalogue) -> pd.DataFrame:
    """Everything a map or chart can show: the index, its pillars, then every indicator."""
    pillar_names = {p.code: p.name for p in catalogue.pillars}
    rows = [
        {
            "code": INDEX_CODE,
            "name": catalogue.index_name,
            "kind": "index",
            "unit": catalogue.score_unit,
            "pillar": "",
            "direction": 1,
        }
    ]
    rows += [
        {
            "code": p.code,
            "name": p.name,
            "kind": "pillar",
            "unit": catalogue.score_unit,
            "pillar": "",
            "direction": 1,
        }
        for p in catalogue.pillars
    ]
    rows += [
        {
            "code": i.code,
            "name": i.name,
            "kind": "indicator" if i.role == "index" else i.role,
            "unit": i.unit,
            "pillar": pillar_names.get(i.pillar or "", ""),
            "direction": i.direction,
        }
        for i in catalogue.indicators
    ]
    return pd.DataFrame(rows)


def is_aggregate(code: str, catalogue: Catalogue) -> bool:
    return code == INDEX_CODE or code in catalogue.pillar_codes


# --- values of one indicator -----------------------------------------------------------------
def select_values(values: pd.DataFrame, code: str, year: int, window: int) -> pd.DataFrame:
    """Each economy's most recent value of `code` in the `window` years ending at `year`."""
    return latest_values(values, {code: window}, year).drop(columns="indicator")


def _rank(values: pd.Series, direction: int) -> pd.Series:
    """1 = best; ties share the better rank; missing stays unranked."""
    return (values * direction).rank(ascending=False, method="min").astype("Int64")


def map_table(
    catalogue: Catalogue,
    values: pd.DataFrame,
    result: Result,
    code: str,
    names: pd.Series,
    computed_label: str = "Computed by this tool from the indicators",
) -> pd.DataFrame:
    """One row per economy of the master: value, rank of N, data year, source, estimate flag.

    For the index and pillars the value is the score and the rank comes from the result; the
    estimate column then tells how many inputs are producer estimates. For an indicator the
    value is its most recent one within its window up to the result's reference year.
    """
    year = int(result.year) if result.year is not None else int(values["year"].max())
    out = pd.DataFrame({"iso3": names.index, "name": names.to_numpy()})
    if is_aggregate(code, catalogue):
        scores = result.scores[code]
        ranks = result.ranks[code]
        out["value"] = scores.reindex(out["iso3"]).to_numpy()
        out["rank"] = ranks.reindex(out["iso3"]).astype("Int64").to_numpy()
        out["year"] = pd.array([year if not np.isnan(v) else pd.NA for v in out["value"]], "Int64")
        out["source"] = np.where(out["value"].notna(), computed_label, "")
        members = _members(result, code)
        n_est = (
            result.estimates[members].sum(axis=1)
            if result.estimates is not None
            else pd.Series(0, index=result.raw.index)
        )
        n_have = result.raw[members].notna().sum(axis=1)
        est = n_est.reindex(out["iso3"]).fillna(0).astype(int).to_numpy()
        have = n_have.reindex(out["iso3"]).fillna(0).astype(int).to_numpy()
        out["estimate"] = [
            f"{e}/{h}" if v == v else "" for e, h, v in zip(est, have, out["value"], strict=True)
        ]
        out["unit"] = catalogue.score_unit
    else:
        ind = catalogue.get(code)
        sel = select_values(values, code, year, ind.window).set_index("iso3")
        out["value"] = sel["value"].reindex(out["iso3"]).to_numpy()
        out["rank"] = _rank(pd.Series(out["value"]), ind.direction).to_numpy()
        out["year"] = sel["year"].reindex(out["iso3"]).astype("Int64").to_numpy()
        src = {s.id: s.name for s in catalogue.sources}
        out["source"] = sel["source"].reindex(out["iso3"]).map(src).fillna("").to_numpy()
        out["estimate"] = sel["estimate"].reindex(out["iso3"]).astype("boolean").to_numpy()
        out["unit"] = ind.unit
    out["of"] = int(out["value"].notna().sum())
    return out[["iso3", "name", "value", "rank", "of", "year", "source", "estimate", "unit"]]


def _cell(frame: pd.DataFrame, row: str, col: str) -> Any:
    return frame.loc[row, col]


def _num(value: Any) -> float:
    """A table cell as a float, NaN when missing."""
    return np.nan if pd.isna(value) else float(value)


def _members(result: Result, code: str) -> list[str]:
    """The indicators below an aggregate."""
    fw = result.framework
    if code == fw.index_code:
        return list(fw.indicators)
    return [c for c in fw.indicators if fw.by_code[c].parent == code]


# --- country profile -------------------------------------------------------------------------
def profile_scores(
    result: Result, iso3: str, intervals: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The index and pillar scores of one economy with rank of N and, for the index, its tier
    and rank interval (5-95% of the Monte Carlo samples)."""
    fw = result.framework
    rows = []
    for code in [fw.index_code, *fw.pillars]:
        score = _num(result.scores.loc[iso3, code])
        rank: Any = _cell(result.ranks, iso3, code)
        row = {
            "code": code,
            "name": fw.by_code[code].name,
            "score": score,
            "rank": None if pd.isna(rank) else int(rank),
            "of": int(result.scores[code].notna().sum()),
            "coverage": _num(result.coverage.loc[iso3, code]),
            "tier": str(result.tiers.loc[iso3]) if code == fw.index_code else "",
            "rank_p05": np.nan,
            "rank_p95": np.nan,
        }
        if intervals is not None and code == fw.index_code and iso3 in intervals.index:
            row["rank_p05"] = _num(intervals.loc[iso3, "rank_p05"])
            row["rank_p95"] = _num(intervals.loc[iso3, "rank_p95"])
        rows.append(row)
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int64")
    return out


def groups_of(iso3: str, groups: Mapping[str, Group]) -> list[Group]:
    """The groups an economy belongs to, world first, then region, income, development."""
    order = {"world": 0, "itu_region": 1, "income": 2, "development": 3}
    hit = [g for g in groups.values() if iso3 in g.members and g.kind in order]
    # SIDS_UN repeats SIDS for members; the 2020 developing flag is discontinued.
    hit = [g for g in hit if g.code not in ("SIDS_UN", "DEVELOPING_2020")]
    return sorted(hit, key=lambda g: (order[g.kind], g.code))


def group_comparison(
    result: Result,
    iso3: str,
    groups: Mapping[str, Group],
    name: str,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The economy's index and pillar scores beside the simple and population-weighted means
    of each group it belongs to, with coverage (members scored of members)."""
    fw = result.framework
    codes = [fw.index_code, *fw.pillars]
    mine = groups_of(iso3, groups)
    agg = result.group_aggregates({g.code: g.members for g in mine}, codes=codes)
    rows: list[dict[str, Any]] = [
        {"group": name, "kind": "economy", "coverage": "", "weighting": ""}
    ]
    rows[0].update({c: _num(result.scores.loc[iso3, c]) for c in codes})
    for g in mine:
        sub = agg[agg["group"] == g.code].set_index("code")
        label = (labels or {}).get(g.code, g.label)
        for weighting, col in (("simple", "mean"), ("population", "population_weighted")):
            row: dict[str, Any] = {
                "group": label,
                "kind": g.kind,
                "coverage": sub.loc[fw.index_code, "coverage"],
                "weighting": weighting,
            }
            row.update({c: _num(sub.loc[c, col]) for c in codes})
            rows.append(row)
    return pd.DataFrame(rows)


def indicator_table(
    result: Result, iso3: str, catalogue: Catalogue, values: pd.DataFrame
) -> pd.DataFrame:
    """Every index indicator of one economy: value, unit, data year, source, estimate flag,
    normalised score, whether it was imputed, and the pillar it feeds."""
    fw = result.framework
    src = {s.id: s.name for s in catalogue.sources}
    year = int(result.year) if result.year is not None else int(values["year"].max())
    mine = values[values["iso3"] == iso3]
    sources = dict(zip(zip(mine["indicator"], mine["year"], strict=True), mine["source"],
                       strict=True))  # fmt: skip
    rows = []
    for code in fw.indicators:
        ind = catalogue.get(code)
        data_year: Any = _cell(result.years, iso3, code) if result.years is not None else pd.NA
        source_id = ind.source
        if not pd.isna(data_year):
            source_id = str(sources.get((code, int(data_year)), source_id))
        rows.append(
            {
                "code": code,
                "indicator": ind.name,
                "pillar": catalogue.pillar(ind.pillar).name if ind.pillar else "",
                "value": _num(result.raw.loc[iso3, code]),
                "unit": ind.unit,
                "year": data_year,
                "source": src.get(source_id, source_id),
                "estimate": bool(_cell(result.estimates, iso3, code))
                if result.estimates is not None
                else False,
                "normalised": _num(result.normalised.loc[iso3, code]),
                "imputed": bool(_cell(result.imputed, iso3, code)),
            }
        )
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    out.attrs["reference_year"] = year
    return out


def strengths_weaknesses(table: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """One economy's rows of Result.strengths_weaknesses (strongest and weakest indicators)."""
    out = table[table["code"] == iso3].drop(columns=["code", "peers"])
    return out.reset_index(drop=True)


def economy_trend(results: Mapping[int, Result], iso3: str) -> pd.DataFrame:
    """The economy's index and pillar scores and ranks for each reference year."""
    rows = []
    for year, res in results.items():
        fw = res.framework
        for code in [fw.index_code, *fw.pillars]:
            rows.append(
                {
                    "reference_year": year,
                    "aggregate": code,
                    "name": fw.by_code[code].name,
                    "score": _num(_cell(res.scores, iso3, code)),
                    "rank": _cell(res.ranks, iso3, code),
                }
            )
    out = pd.DataFrame(rows, columns=["reference_year", "aggregate", "name", "score", "rank"])
    out["rank"] = out["rank"].astype("Int64")
    return out


# --- compare ---------------------------------------------------------------------------------
def compare_at(
    result: Result,
    catalogue: Catalogue,
    values: pd.DataFrame,
    economies: Sequence[str],
    groups: Sequence[Group],
    codes: Sequence[str],
    names: pd.Series,
    group_labels: Mapping[str, str] | None = None,
    normalised: bool = False,
) -> pd.DataFrame:
    """Long table (who, kind, code, measure, value, coverage) for economies and groups.

    A group's value is the simple mean over its members with data (`coverage` says how many);
    for the index and pillars it is the mean of the members' scores. With `normalised`, an
    index indicator shows its normalised score (0-100) rather than its value.
    """
    fw = result.framework
    year = int(result.year) if result.year is not None else int(values["year"].max())
    population = (
        result.units["population"]
        if "population" in result.units.columns
        else pd.Series(dtype=float)
    )
    rows = []
    for code in codes:
        if is_aggregate(code, catalogue):
            series = result.scores[code]
            label = fw.by_code[code].name
        elif normalised and code in result.normalised.columns:
            series = result.normalised[code]
            label = fw.by_code[code].name
        else:
            ind = catalogue.get(code)
            sel = select_values(values, code, year, ind.window).set_index("iso3")["value"]
            series = sel
            label = ind.name
        for iso in economies:
            v = series.get(iso, np.nan)
            rows.append(
                {
                    "who": names.get(iso, iso),
                    "kind": "economy",
                    "code": code,
                    "measure": label,
                    "value": float(v) if not pd.isna(v) else np.nan,
                    "coverage": "",
                }
            )
        for g in groups:
            gm = group_mean(series, g.members, population)
            rows.append(
                {
                    "who": (group_labels or {}).get(g.code, g.label),
                    "kind": "group",
                    "code": code,
                    "measure": label,
                    "value": gm.simple,
                    "coverage": gm.coverage,
                }
            )
    return pd.DataFrame(rows, columns=["who", "kind", "code", "measure", "value", "coverage"])


def compare_over_time(
    results: Mapping[int, Result],
    catalogue: Catalogue,
    values: pd.DataFrame,
    economies: Sequence[str],
    groups: Sequence[Group],
    code: str,
    names: pd.Series,
    group_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """`compare_at` for one measure in each reference year, with a year column."""
    frames = []
    for year, res in results.items():
        f = compare_at(res, catalogue, values, economies, groups, [code], names, group_labels)
        f.insert(0, "reference_year", year)
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --- method what-if --------------------------------------------------------------------------
def rank_change(
    default: Result, current: Result, names: Mapping[str, str] | pd.Series | None = None
) -> pd.DataFrame:
    """Index score and rank under the default and the what-if method; change > 0 = moved up.

    `names` (ISO3 -> name, in the reader's language) name the economies; else the units' own.
    """
    name = current.units["name"] if names is None else pd.Series(names)
    out = pd.DataFrame(
        {
            "code": current.raw.index,
            "name": name.reindex(current.raw.index).to_numpy(),
            "index": current.index.to_numpy(),
            "rank": current.rank.to_numpy(),
            "default_index": default.index.reindex(current.raw.index).to_numpy(),
            "default_rank": default.rank.reindex(current.raw.index).to_numpy(),
        }
    )
    out["rank"] = out["rank"].astype("Int64")
    out["default_rank"] = out["default_rank"].astype("Int64")
    out["change"] = (out["default_rank"] - out["rank"]).astype("Int64")
    return out.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


def framework_tree(result: Result, colours: Sequence[str] = ()) -> pd.DataFrame:
    """The framework as id, parent, label, value (each node's share of the index)."""
    fw = result.framework
    eff = result.effective_weights
    rows: list[dict[str, Any]] = [
        {
            "id": fw.index_code,
            "parent": None,
            "label": fw.by_code[fw.index_code].name,
            "value": float(eff.sum()),
            "colour": "#ffffff",
        }
    ]
    for k, p in enumerate(fw.pillars):
        kids = [c for c in fw.indicators if fw.by_code[c].parent == p]
        rows.append(
            {
                "id": p,
                "parent": fw.index_code,
                "label": fw.by_code[p].name,
                "value": float(eff[kids].sum()),
                "colour": colours[k % len(colours)] if colours else None,
            }
        )
        for c in kids:
            rows.append(
                {
                    "id": c,
                    "parent": p,
                    "label": fw.by_code[c].name,
                    "value": float(eff[c]),
                    "colour": colours[k % len(colours)] if colours else None,
                }
            )
    out = pd.DataFrame(rows)
    out["colour"] = out["colour"].astype(object)
    out.loc[0, "colour"] = "#ffffff"
    return out


def weights_table(result: Result) -> pd.DataFrame:
    """Each indicator's weight within its pillar and its effective share of the index."""
    fw = result.framework
    rows = [
        {
            "code": c,
            "indicator": fw.by_code[c].name,
            "pillar": fw.by_code[str(fw.by_code[c].parent)].name,
            "weight_in_pillar": float(result.weights[c]),
            "share_of_index": float(result.effective_weights[c]),
        }
        for c in fw.indicators
    ]
    return pd.DataFrame(rows)


# --- data and sources ------------------------------------------------------------------------
def coverage_matrix(
    catalogue: Catalogue,
    values: pd.DataFrame,
    year: int,
    names: pd.Series,
    codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Economies (names) x indicators: the year of the value used at `year` (NaN = none)."""
    codes = list(codes) if codes is not None else [i.code for i in catalogue.index_indicators()]
    cols = {}
    for code in codes:
        ind = catalogue.get(code)
        sel = select_values(values, code, year, ind.window).set_index("iso3")["year"]
        cols[code] = sel.reindex(names.index).astype(float)
    out = pd.DataFrame(cols, index=names.index)
    out.index = pd.Index(names.to_numpy(), name="economy")
    return out.sort_index()


def sources_table(catalogue: Catalogue, not_applicable: Iterable[str] = ()) -> pd.DataFrame:
    """Provenance per source: producer, URL, licence, the citation to use, and what an economy
    the source does not list means (`absence`: zero, unknown, or zero_coastal where some
    indicators of it are `not_applicable`; empty for a source of no indicator)."""
    na, rows = set(not_applicable), []
    for s in catalogue.sources:
        codes = [i.code for i in catalogue.indicators if i.source == s.id]
        absence = "zero_coastal" if s.absence == "zero" and na & set(codes) else s.absence
        rows.append(
            {
                "source": s.name,
                "producer": s.producer,
                "url": s.url,
                "licence": s.licence,
                "absence": absence if codes else "",
                "citation": s.citation,
                "indicators": ", ".join(codes),
            }
        )
    return pd.DataFrame(rows)


# --- developing-country gaps (from readiness.gaps.analysis.gap_table) -----------------------------
GAP_VIEW_COLUMNS = [
    "group_label", "code", "name", "unit", "weighted", "simple", "coverage", "target", "gap",
    "to_go", "population_share", "estimated_share", "withheld",
    "band", "world", "gap_to_world", "high_income", "gap_to_high_income", "trend",
    "trend_from", "trend_to", "reach_year", "outlook", "required_pace", "median_data_year",
]  # fmt: skip


def gaps_at(
    table: pd.DataFrame,
    groups: Sequence[str],
    year: int,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The gap rows of the groups for one year (codes in the table's order), for display."""
    rows = table[table["group"].isin(groups) & (table["year"] == year)]
    if codes is not None:
        rows = rows[rows["code"].isin(codes)]
    order = {g: k for k, g in enumerate(groups)}
    rows = rows.assign(_g=rows["group"].map(order)).sort_values(["_g"], kind="stable")
    return rows[GAP_VIEW_COLUMNS].rename(columns={"name": "measure"}).reset_index(drop=True)


def gap_matrix(
    table: pd.DataFrame,
    groups: Sequence[str],
    year: int,
    codes: Sequence[str],
    column: str,
    scale: float = 1.0,
) -> pd.DataFrame:
    """Groups (labels) x measures (names): one gap column of the table, times `scale`."""
    rows = gaps_at(table, groups, year, codes)
    names = list(dict.fromkeys(rows["measure"]))
    out = rows.pivot_table(index="group_label", columns="measure", values=column, sort=False)
    labels = list(dict.fromkeys(rows["group_label"]))
    return out.reindex(index=labels, columns=names) * scale


def gap_over_time(table: pd.DataFrame, groups: Sequence[str], code: str) -> pd.DataFrame:
    """Year, group and value (population-weighted) of one measure, with its target."""
    rows = table[table["group"].isin(groups) & (table["code"] == code)]
    # Start at the first year any of the groups has a value (the index starts later than data).
    first = rows.loc[rows["weighted"].notna(), "year"].min()
    if not pd.isna(first):
        rows = rows[rows["year"] >= first]
    out = rows[["year", "group_label", "weighted", "coverage", "target", "gap"]]
    return out.rename(columns={"year": "reference_year"}).reset_index(drop=True)


def economy_gap_map(
    economy_gaps: pd.DataFrame, names: pd.Series, band_label: str = "Band"
) -> pd.DataFrame:
    """Map rows from gaps.analysis.economy_gaps for one indicator: value = gap to target."""
    rows = economy_gaps.set_index("iso3")
    out = pd.DataFrame({"iso3": names.index, "name": names.to_numpy()})
    out["value"] = rows["gap"].reindex(out["iso3"]).to_numpy()
    out["indicator_value"] = rows["value"].reindex(out["iso3"]).to_numpy()
    out["target"] = rows["target"].reindex(out["iso3"]).to_numpy()
    out["year"] = rows["data_year"].reindex(out["iso3"]).astype("Int64").to_numpy()
    out["estimate"] = rows["estimate"].reindex(out["iso3"]).astype("boolean").to_numpy()
    band = rows["band"].reindex(out["iso3"]).fillna("")
    out["band"] = band.to_numpy()
    out["note"] = [f"{band_label}: {b}" if b else "" for b in band]
    out["rank"] = _rank(pd.Series(out["value"]), -1).to_numpy()
    out["of"] = int(out["value"].notna().sum())
    return out


def with_gaps(indicators: pd.DataFrame, economy_gaps: pd.DataFrame) -> pd.DataFrame:
    """The profile's indicator table with target, gap to target and band (targets only)."""
    g = economy_gaps.set_index("code")[["target", "gap", "band"]]
    out = indicators.join(g, on="code")
    out["band"] = out["band"].fillna("")
    return out


def peer_table(peers: pd.DataFrame) -> pd.DataFrame:
    """The peer finder's table for display: who, how close, the indicator, its pace and years."""
    keep = ["role", "iso3", "name", "distance", "features_shared", "value", "data_year",
            "trend", "trend_from", "trend_to", "progress_rank"]  # fmt: skip
    return peers[[c for c in keep if c in peers.columns]].reset_index(drop=True)


def status_counts(status: pd.DataFrame) -> dict[str, int]:
    """How many indicators are reported, estimated, carried forward or missing."""
    order = ["reported", "estimate", "carried forward", "missing"]
    counts = status["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in order}


def data_gap_table(status: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The indicators without a value reported for the year: name, status and data year."""
    rows = status[status["status"] != "reported"]
    out = pd.DataFrame(
        {
            "code": rows["indicator"].to_numpy(),
            "indicator": [catalogue.get(c).name for c in rows["indicator"]],
            "status": rows["status"].to_numpy(),
            "data_year": rows["data_year"].to_numpy(),
        }
    )
    return out
