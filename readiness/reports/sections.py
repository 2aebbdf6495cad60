"""Sections shared by economy and group reports: gaps, priority areas, method, map."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from readiness.data.groups import Group
from readiness.index.method import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, WEIGHTINGS
from readiness.index.result import BOUNDED
from readiness.reports.context import (
    Context,
    economy_name,
    n_ranked,
    short_label,
    value_sources,
)
from readiness.reports.model import (
    DASH,
    MC_SAMPLES,
    MC_SEED,
    MISSING,
    N_PRIORITIES,
    USER_SOURCE_PREFIX,
    FigureSpec,
    Section,
    Table,
    format_count,
    format_pace,
    format_score,
    format_share,
    format_value,
    format_year,
    is_missing,
    to_float,
)


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


def priority_text(ctx: Context, table: pd.DataFrame, total: int) -> pd.DataFrame:
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
                "Members with data": format_count(int(to_float(r.n)), total) if total > 1 else "",
            }
        )
    frame = pd.DataFrame(rows)
    if total <= 1 and not frame.empty:
        frame = frame.drop(columns="Members with data")
    return frame


def method_bullets(ctx: Context) -> tuple[str, ...]:
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


def score_map(ctx: Context, members: Sequence[str], title: str, highlight: str = "") -> FigureSpec:
    res = ctx.result
    code = ctx.framework.index_code
    data = pd.DataFrame(
        {
            "iso3": list(members),
            "name": [economy_name(ctx, m) for m in members],
            "score": [to_float(res.scores.loc[m, code]) for m in members],
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


def no_scores_note(ctx: Context) -> tuple[str, ...]:
    """Say so when no economy has the data coverage for an index in the reference year."""
    if n_ranked(ctx):
        return ()
    return (
        f"No economy has enough recent data for an index in {ctx.year} (coverage rule); the "
        "gaps and data below still apply. Choose a later reference year for scores and ranks.",
    )


def caveats(row: pd.Series) -> tuple[str, ...]:
    return (
        "Boundaries and names shown imply no opinion on the legal status of any country or "
        "territory.",
    )


def gap_rows(
    frame: pd.DataFrame, year: int, value: str, group: bool, user: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Gap rows (economy_gaps or gap_table) as text: value, target, gap, band, trend, outlook.

    Values of the codes in `user` come from user data and say so.
    """
    rows = []
    for r in frame.to_dict("records"):
        reach = r.get("reach_year")
        years_to = "" if is_missing(reach) else str(max(0, int(reach) - year))  # type: ignore[arg-type]
        row = {
            "Indicator": str(r["name_indicator" if "name_indicator" in r else "name"]),
            "Value": format_value(r[value]) + (" (user data)" if r["code"] in user else ""),
            "Data year": format_year(r.get("data_year", r.get("median_data_year"))),
            "Target": ("<= " if r.get("target_direction", 1) == -1 else "")
            + format_value(r["target"]),
            "Gap": format_value(r["gap"]),
            "Progress band": str(r["band"]) or MISSING,
            "Trend per year": format_pace(r["trend"]),
            "Trend years": trend_years(r),
            "Reach year": "" if is_missing(reach) else str(int(reach)),  # type: ignore[arg-type]
            "Years to target": years_to,
            "Outlook": str(r["outlook"] or ""),
            "Pace needed per year": format_pace(r.get("required_pace")),
        }
        if group:
            row["Members with data"] = str(r["coverage"])
        rows.append(row)
    return pd.DataFrame(rows)


def trend_years(row: dict) -> str:
    """The years a trend rests on, such as 2019-2024 (en dash); empty without a trend."""
    lo, hi = row.get("trend_from"), row.get("trend_to")
    if is_missing(row.get("trend")) or is_missing(lo) or is_missing(hi):
        return ""
    return f"{int(to_float(lo))}{DASH}{int(to_float(hi))}"


def gap_figure(frame: pd.DataFrame, title: str, year: int, name_col: str) -> FigureSpec:
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
    "value and its year, the target, the gap, ITU's progress band, the trend per year and the "
    "years it rests on (the last five years, or for sparse data the most recent observations "
    "at least three years apart within ten years), at that pace the year the target is reached, "
    "and the pace needed to reach it by 2030."
)


def _unavailable_gaps() -> Section:
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=("Gap analytics (readiness.gaps.analysis) are not available in this build.",),
    )


def economy_gap_frame(ctx: Context, iso3s: Sequence[str], codes: Sequence[str] | None = None):
    """The gap analytics' rows of economies (targets only by default), with each target's
    direction (+1 a floor, -1 a ceiling) so ceilings print as such."""
    from readiness.gaps.analysis import economy_gaps

    frame = economy_gaps(ctx.gaps, ctx.year, list(iso3s), codes=codes)
    targets = ctx.gaps.targets
    frame["target_direction"] = [
        t.direction if (t := targets.get(str(c))) is not None else 0 for c in frame["code"]
    ]
    return frame


def economy_gaps_section(ctx: Context, iso3: str) -> Section:
    if ctx.gaps is None:
        return _unavailable_gaps()
    frame = economy_gap_frame(ctx, [iso3])
    name = economy_name(ctx, iso3)
    src = value_sources(ctx, [iso3])
    user = frozenset(
        src.loc[src["source"].fillna("").str.startswith(USER_SOURCE_PREFIX), "indicator"]
    )
    rows = gap_rows(frame, ctx.year, "value", False, user)
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=(_GAP_INTRO,),
        tables=(Table("Gaps to the 2030 targets", rows),),
        figures=(gap_figure(frame, f"{name}: progress to the 2030 targets", ctx.year,
                             "name_indicator"),),
    )  # fmt: skip


def group_gap_frame(ctx: Context, group: Group) -> pd.DataFrame:
    """The gap analytics' rows of a group's target indicators for the reference year."""
    from readiness.gaps.analysis import gap_table

    frame = gap_table(ctx.gaps, [group], [ctx.year])
    return frame[(frame["level"] == "indicator") & frame["target"].notna()]


def group_gaps_section(ctx: Context, group: Group) -> Section:
    if ctx.gaps is None:
        return _unavailable_gaps()
    frame = group_gap_frame(ctx, group)
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=(
            _GAP_INTRO,
            "Group values are population-weighted means of the members with data.",
        ),
        tables=(Table("Gaps to the 2030 targets", gap_rows(frame, ctx.year, "weighted", True)),),
        figures=(gap_figure(frame, f"{short_label(group)}: progress to the 2030 targets",
                             ctx.year, "name"),),
    )  # fmt: skip
