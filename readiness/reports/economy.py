"""The needs report for one economy."""

from __future__ import annotations

import pandas as pd

from readiness.data.groups import Group
from readiness.errors import ReadinessError
from readiness.index.result import tier_labels
from readiness.reports.citations import citations
from readiness.reports.context import (
    Context,
    component_name,
    components,
    country_row,
    economy_name,
    group_of,
    groups_of,
    indicator_unit,
    n_ranked,
    peer_group,
    short_label,
    value_sources,
)
from readiness.reports.model import (
    MC_SAMPLES,
    MISSING,
    USER_SOURCE_PREFIX,
    FigureSpec,
    KeyFigure,
    Report,
    Section,
    Subject,
    Table,
    format_interval,
    format_rank,
    format_score,
    format_share,
    format_value,
    is_missing,
    to_float,
)
from readiness.reports.sections import (
    caveats,
    economy_gaps_section,
    method_bullets,
    no_scores_note,
    priority_table,
    priority_text,
    score_map,
)


def score_table(ctx: Context, iso3: str) -> pd.DataFrame:
    res = ctx.result
    n = n_ranked(ctx)
    rows = []
    for code in components(ctx):
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
                "Component": component_name(ctx, code),
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


def comparison_tables(ctx: Context, iso3: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores of the economy beside its groups' simple means (text table and numeric table)."""
    groups = groups_of(ctx, iso3)
    agg = ctx.result.group_aggregates({g.code: g.members for g in groups})
    comps = components(ctx)
    text = pd.DataFrame({"Component": [component_name(ctx, c) for c in comps]})
    numeric = pd.DataFrame({"component": [component_name(ctx, c) for c in comps]})
    name = economy_name(ctx, iso3)
    text[name] = [format_score(ctx.result.scores.loc[iso3, c]) for c in comps]
    numeric[name] = [to_float(ctx.result.scores.loc[iso3, c]) for c in comps]
    for g in groups:
        sub = agg[agg["group"] == g.code].set_index("code")
        label = short_label(g)
        text[label] = [
            f"{format_score(sub.loc[c, 'mean'])} ({sub.loc[c, 'coverage']!s})" for c in comps
        ]
        numeric[label] = [to_float(sub.loc[c, "mean"]) for c in comps]
    return text, numeric


def peer_text(ctx: Context, iso3: str) -> tuple[str, ...]:
    peers = peer_group(ctx, iso3)
    if peers is None:
        return ()
    names = ", ".join(economy_name(ctx, m) for m in peers.members)
    return (
        "Peers: the economies most similar in GNI per capita, population, urban share and "
        f"ITU-D region (Gower distance, readiness.gaps.peers): {names}.",
    )


def data_table(ctx: Context, iso3: str) -> pd.DataFrame:
    res = ctx.result
    fw = ctx.framework
    src = value_sources(ctx, [iso3]).set_index("indicator")["source"]
    status = indicator_status(ctx, iso3)
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
                    "Unit": indicator_unit(ctx, code),
                    "Year": "" if is_missing(year) else str(int(to_float(year))),
                    "Score": format_score(res.normalised.loc[iso3, code]),
                    "Source": ("User data: " + source) if source.startswith("USER") else source,
                    "Status": status.get(code, ""),
                    "Flags": ", ".join(flags),
                }
            )
    return pd.DataFrame(rows)


def indicator_status(ctx: Context, iso3: str) -> dict[str, str]:
    """Data status per indicator (reported, estimate, carried forward, missing) where known."""
    if ctx.gaps is None:
        return {}
    from readiness.gaps.datagaps import economy_status

    st = economy_status(ctx.gaps, [ctx.year], [iso3])
    return dict(zip(st["indicator"].astype(str), st["status"].astype(str), strict=True))


def strengths_table(ctx: Context, iso3: str) -> pd.DataFrame:
    sw = ctx.strengths[ctx.strengths["code"] == iso3]
    rows = []
    for r in sw.itertuples(index=False):
        rows.append(
            {
                "": "Strength" if r.kind == "strength" else "Weakness",
                "Indicator": str(r.indicator_name),
                "Value": format_value(r.value),
                "Unit": indicator_unit(ctx, str(r.indicator)),
                "Year": "" if is_missing(getattr(r, "year", None)) else str(int(to_float(r.year))),
                "Rank": f"{int(to_float(r.rank))} of {int(to_float(r.of))}",
            }
        )
    return pd.DataFrame(rows, columns=["", "Indicator", "Value", "Unit", "Year", "Rank"])


def economy_report(ctx: Context, iso3: str) -> Report:
    """The needs report for one economy: summary, scores, map, comparison, gaps, data, method."""
    res = ctx.result
    if iso3 not in res.raw.index:
        raise ReadinessError(f"unknown economy '{iso3}'")
    name = economy_name(ctx, iso3)
    key = _key_figures(ctx, iso3)
    prio = priority_table(ctx, [iso3])
    region = group_of(ctx, "itu_region", iso3)
    sections = [
        _summary_section(ctx, iso3),
        Section("scores", "Index and pillars",
                tables=(Table("Scores, ranks and tiers", score_table(ctx, iso3)),)),
        *_map_sections(ctx, iso3, region),
        _comparison_section(ctx, iso3),
        economy_gaps_section(ctx, iso3),
        _strengths_section(ctx, iso3, prio),
        _data_section(ctx, iso3),
        Section("method", "Method", bullets=method_bullets(ctx)),
    ]  # fmt: skip
    src = value_sources(ctx, [iso3])["source"].dropna().tolist()
    highlights = tuple(
        [f"{k.label}: {k.value}" for k in key]
        + [f"Priority: {r['Indicator']} ({r['Priority (index points)']} points)"
           for _, r in priority_text(ctx, prio, 1).head(3).iterrows()]
    )  # fmt: skip
    return Report(
        subject=Subject.economy(iso3),
        title=f"{name}: IoT and smart-city readiness",
        subtitle=f"Needs report, reference year {ctx.year} (WTDC-22 Resolution 85)",
        year=ctx.year,
        key_figures=key,
        sections=tuple(sections),
        citations=citations(ctx, src),
        notes=caveats(country_row(ctx, iso3)),
        highlights=highlights,
    )


def _key_figures(ctx: Context, iso3: str) -> tuple[KeyFigure, ...]:
    res = ctx.result
    iv = ctx.intervals.loc[iso3]
    index = res.scores.loc[iso3, ctx.framework.index_code]
    return (
        KeyFigure("Readiness index", format_score(index), f"0-100, {ctx.year}"),
        KeyFigure(
            "Rank", f"{format_rank(res.rank.loc[iso3])} of {n_ranked(ctx)}", "1 = most ready"
        ),
        KeyFigure(
            "Rank interval (5-95%)",
            format_interval(iv["rank_p05"], iv["rank_p95"]),
            f"{MC_SAMPLES:,} Monte Carlo samples",
        ),
        KeyFigure("Tier", str(res.tiers.loc[iso3])),
        KeyFigure("Data coverage", format_share(res.data_coverage.loc[iso3]), "of index weight"),
    )


def _summary_section(ctx: Context, iso3: str) -> Section:
    res = ctx.result
    iv = ctx.intervals.loc[iso3]
    index = res.scores.loc[iso3, ctx.framework.index_code]
    region = group_of(ctx, "itu_region", iso3)
    income = group_of(ctx, "income", iso3)
    status = [g.label for g in groups_of(ctx, iso3) if g.kind == "development"]
    region_name = region.label.removeprefix("ITU-D region: ") if region else MISSING
    intro = (
        f"{economy_name(ctx, iso3)} ({iso3}); ITU-D region: {region_name}; "
        f"income group ({ctx.year}): {income.label if income else MISSING}"
        + (f"; {', '.join(status)}" if status else "")
        + "."
    )
    return Section(
        "summary",
        "Summary",
        paragraphs=(
            intro,
            f"Readiness index {format_score(index)} ({res.tiers.loc[iso3]!s}), rank "
            f"{format_rank(res.rank.loc[iso3])} of {n_ranked(ctx)} economies scored for "
            f"{ctx.year}; rank interval {format_interval(iv['rank_p05'], iv['rank_p95'])}.",
            *no_scores_note(ctx),
        ),
    )


def _map_sections(ctx: Context, iso3: str, region: Group | None) -> tuple[Section, ...]:
    """The economy's ITU-D region with the economy outlined; none without a region."""
    if region is None:
        return ()
    members = [m for m in region.members if m in ctx.result.raw.index]
    title = f"{short_label(region)}: readiness index"
    return (Section("map", "Map", figures=(score_map(ctx, members, title, iso3),)),)


def _comparison_section(ctx: Context, iso3: str) -> Section:
    comparison, numeric = comparison_tables(ctx, iso3)
    return Section(
        "comparison",
        "Comparison with region, income group and peers",
        paragraphs=(
            "Group figures are simple means of the members' scores; in brackets, how many "
            "members are scored.",
            *peer_text(ctx, iso3),
        ),
        tables=(Table("Scores beside group means", comparison),),
        figures=(
            FigureSpec(
                "components",
                "component_bars",
                f"{economy_name(ctx, iso3)} and its groups",
                f"Index and pillar scores, {ctx.year}; group simple means.",
                numeric,
            ),
        ),
    )


def _strengths_section(ctx: Context, iso3: str, prio: pd.DataFrame) -> Section:
    fw = ctx.framework
    scores = pd.DataFrame(
        {
            "indicator": [fw.name(c) for c in fw.indicators],
            "pillar": [fw.name(str(fw.by_code[c].parent)) for c in fw.indicators],
            "score": ctx.result.normalised.loc[iso3].to_numpy(dtype=float),
        }
    )
    return Section(
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
            Table("Strengths and weaknesses", strengths_table(ctx, iso3)),
            Table("Priority areas", priority_text(ctx, prio, 1)),
        ),
        figures=(
            FigureSpec(
                "indicators",
                "indicator_bars",
                f"{economy_name(ctx, iso3)}: indicator scores",
                f"Normalised scores (0-100) of the index indicators, {ctx.year}.",
                scores,
            ),
        ),
    )


def _data_section(ctx: Context, iso3: str) -> Section:
    data = data_table(ctx, iso3)
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
    return Section(
        "data",
        "Data, data gaps and estimates",
        bullets=tuple(bullets),
        tables=(Table("Indicator values used", data),),
    )
