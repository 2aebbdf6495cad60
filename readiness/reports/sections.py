"""Sections shared by economy and group reports: gaps, priority areas, method, map."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from readiness.data.groups import Group
from readiness.i18n import DEFAULT_LANGUAGE, has, translate
from readiness.index.method import AGGREGATIONS, IMPUTATIONS, NORMALISATIONS, WEIGHTINGS
from readiness.index.result import BOUNDED
from readiness.reports.context import (
    Context,
    economy_name,
    n_ranked,
    short_label,
    value_sources,
)
from readiness.reports.coverage import (
    POPULATION_COVERED,
    covered_text,
    is_withheld_row,
    withheld_text,
)
from readiness.reports.drafting import body, comma_list, coverage_text, namer, nowcast_note
from readiness.reports.drafting import units as units_of
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
        norm = res.normalised.reindex(members).mask(res.imputed.reindex(members).fillna(False))
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


def _choice(lang: str, family: str, code: str, english: dict[str, str]) -> str:
    """A method choice's label: the registry's in English, the catalogue's `method.*` else."""
    key = f"method.{family}_{code}"
    if lang == DEFAULT_LANGUAGE or not has(key):
        return english[code]
    return translate(lang, key)


def method_bullets(ctx: Context, lang: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    m = ctx.method
    fw = ctx.framework
    name = namer(ctx, lang)
    window = (
        body(lang, "method_window_years", n=m.window)
        if m.window is not None
        else body(lang, "method_window_own")
    )
    tiers = comma_list(
        [
            body(lang, "method_tier", tier=name(label), low=format_score(low))
            for label, low in m.tiers
        ],
        lang,
    )
    values = {
        "year": ctx.year,
        "window": window,
        "indicators": len(fw.indicators),
        "pillars": len(fw.pillars),
        "normalisation": _choice(lang, "normalisation", m.normalisation, NORMALISATIONS),
        "low": format_score(m.bounds[0]),
        "high": format_score(m.bounds[1]),
        "aggregation": _choice(lang, "aggregation", m.aggregation, AGGREGATIONS),
        "weights": _choice(lang, "weighting", m.weighting, WEIGHTINGS),
        "imputation": _choice(lang, "imputation", m.imputation, IMPUTATIONS),
        "pillar_share": format_share(m.pillar_coverage),
        "index_share": format_share(m.index_coverage),
        "tiers": tiers,
        "samples": f"{MC_SAMPLES:,}",
        "seed": MC_SEED,
    }
    keys = ("year", "framework", "aggregation", "imputation", "coverage", "tiers", "intervals",
            "priorities", "numbers")  # fmt: skip
    return tuple(body(lang, f"method_{k}", **values) for k in keys)


def score_map(
    ctx: Context,
    members: Sequence[str],
    title: str,
    highlight: str = "",
    lang: str = DEFAULT_LANGUAGE,
) -> FigureSpec:
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
        body(lang, "caption_map", year=ctx.year),
        data,
        (("highlight", highlight),),
    )


def no_scores_note(ctx: Context, lang: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """Say so when no economy has the data coverage for an index in the reference year."""
    if n_ranked(ctx):
        return ()
    return (body(lang, "no_scores", year=ctx.year),)


def caveats(row: pd.Series, lang: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    return (body(lang, "caveat_boundaries"),)


def gap_rows(
    frame: pd.DataFrame,
    year: int,
    value: str,
    group: bool,
    user: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Gap rows (economy_gaps or gap_table) as text: value, target, gap, band, trend, outlook.

    Values of the codes in `user` come from user data and say so. A group's rows add the
    members with data and the population covered; a withheld value says why instead of a
    number (readiness.reports.coverage).
    """
    rows = []
    for r in frame.to_dict("records"):
        reach = r.get("reach_year")
        years_to = "" if is_missing(reach) else str(max(0, int(reach) - year))  # type: ignore[arg-type]
        shown = format_value(r[value]) + (" (user data)" if r["code"] in user else "")
        if group and is_withheld_row(r):
            shown = withheld_text(r["population_share"], r.get("estimated_share"))
        row = {
            "Indicator": str(r["name_indicator" if "name_indicator" in r else "name"]),
            "Value": shown,
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
            row[POPULATION_COVERED] = covered_text(
                r.get("population_share"), r.get("estimated_share")
            )
        rows.append(row)
    return pd.DataFrame(rows)


def trend_years(row: dict) -> str:
    """The years a trend rests on, such as 2019-2024 (en dash); empty without a trend."""
    lo, hi = row.get("trend_from"), row.get("trend_to")
    if is_missing(row.get("trend")) or is_missing(lo) or is_missing(hi):
        return ""
    return f"{int(to_float(lo))}{DASH}{int(to_float(hi))}"


def gap_figure(
    frame: pd.DataFrame, title: str, year: int, name_col: str, lang: str = DEFAULT_LANGUAGE
) -> FigureSpec:
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
        body(lang, "caption_gaps", year=year),
        data,
    )


def _unavailable_gaps(lang: str) -> Section:
    return Section("gaps", "Gaps to the 2030 targets", paragraphs=(body(lang, "gaps_missing"),))


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


def economy_gaps_section(ctx: Context, iso3: str, lang: str = DEFAULT_LANGUAGE) -> Section:
    if ctx.gaps is None:
        return _unavailable_gaps(lang)
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
        paragraphs=(body(lang, "gaps_intro"),),
        tables=(Table("Gaps to the 2030 targets", rows),),
        figures=(gap_figure(frame, f"{name}: progress to the 2030 targets", ctx.year,
                             "name_indicator", lang),),
    )  # fmt: skip


def group_gap_frame(ctx: Context, group: Group) -> pd.DataFrame:
    """The gap analytics' rows of a group's target indicators for the reference year."""
    from readiness.gaps.analysis import gap_table

    frame = gap_table(ctx.gaps, [group], [ctx.year])
    return frame[(frame["level"] == "indicator") & frame["target"].notna()]


def group_gaps_section(ctx: Context, group: Group, lang: str = DEFAULT_LANGUAGE) -> Section:
    if ctx.gaps is None:
        return _unavailable_gaps(lang)
    frame = group_gap_frame(ctx, group)
    rows = gap_rows(frame, ctx.year, "weighted", True)
    # The nowcast goes under the table: as a column it would not fit an A4 page (docs/REPORTS.md).
    note = nowcast_note(frame, ctx.year, lang, namer(ctx, lang), units_of(ctx))
    return Section(
        "gaps",
        "Gaps to the 2030 targets",
        paragraphs=(body(lang, "gaps_intro"), coverage_text(lang, "intro")),
        tables=(Table("Gaps to the 2030 targets", rows, note),),
        figures=(gap_figure(frame, f"{short_label(group)}: progress to the 2030 targets",
                             ctx.year, "name", lang),),
    )  # fmt: skip
