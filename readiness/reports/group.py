"""The needs report for a group of economies: an ITU-D region, income or development group."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from readiness.data.groups import Group
from readiness.errors import ReadinessError
from readiness.reports import experiences, iot
from readiness.reports.citations import citations
from readiness.reports.context import (
    Context,
    aggregates,
    component_name,
    components,
    economy_name,
    result_for_year,
    short_label,
    value_sources,
)
from readiness.reports.coverage import group_score, is_withheld
from readiness.reports.drafting import (
    N_GAP_SUMMARY,
    Namer,
    body,
    findings_section,
    gap_sentences,
    group_standing,
    improved_sentence,
    join_sentences,
    namer,
    priorities_sentence,
    spread_sentence,
    subset_sentence,
    thin_data_sentence,
    tiers_sentence,
    units,
)
from readiness.reports.model import (
    MISSING,
    USER_SOURCE_PREFIX,
    FigureSpec,
    KeyFigure,
    Report,
    Section,
    Subject,
    Table,
    format_count,
    format_interval,
    format_rank,
    format_score,
    to_float,
)
from readiness.reports.sections import (
    caveats,
    gap_rows,
    group_gap_frame,
    group_gaps_section,
    method_bullets,
    no_scores_note,
    priority_table,
    priority_text,
    score_map,
)


def members_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    """Members' scores, rank, rank interval and tier as text, best first then not scored."""
    res = ctx.result
    fw = ctx.framework
    rows = []
    for iso in members:
        iv = ctx.intervals.loc[iso]
        row = {
            "ISO3": iso,
            "Economy": economy_name(ctx, iso),
            "Index": format_score(res.index.loc[iso]),
        }
        for p in fw.pillars:
            row[fw.name(p)] = format_score(res.scores.loc[iso, p])
        row["Rank"] = format_rank(res.rank.loc[iso])
        row["Rank interval (5-95%)"] = format_interval(iv["rank_p05"], iv["rank_p95"])
        row["Tier"] = str(res.tiers.loc[iso])
        rows.append({**row, "_sort": to_float(res.rank.loc[iso])})
    frame = pd.DataFrame(rows)
    frame["_sort"] = pd.to_numeric(frame["_sort"], errors="coerce")
    frame = frame.sort_values(["_sort", "ISO3"], na_position="last", kind="stable")
    return frame.drop(columns="_sort").reset_index(drop=True)


def spread_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    """Spread of the index and pillars within the group: n, min, quartiles, max (who)."""
    res = ctx.result
    rows = []
    for code in components(ctx):
        v = res.scores[code].reindex(list(members)).dropna()
        if v.empty:
            rows.append({"Component": component_name(ctx, code), "Scored": f"0/{len(members)}"})
            continue
        q = v.quantile([0.25, 0.5, 0.75])
        rows.append(
            {
                "Component": component_name(ctx, code),
                "Scored": format_count(len(v), len(members)),
                "Lowest": f"{format_score(v.min())} ({economy_name(ctx, str(v.idxmin()))})",
                "Q1": format_score(q.iloc[0]),
                "Median": format_score(q.iloc[1]),
                "Q3": format_score(q.iloc[2]),
                "Highest": f"{format_score(v.max())} ({economy_name(ctx, str(v.idxmax()))})",
            }
        )
    cols = ["Component", "Scored", "Lowest", "Q1", "Median", "Q3", "Highest"]
    return pd.DataFrame(rows).reindex(columns=cols).fillna(MISSING)


def group_comparison(ctx: Context, group: Group) -> tuple[pd.DataFrame, pd.DataFrame]:
    others = [group, ctx.groups["WORLD"]]
    if group.code != "HIC" and "HIC" in ctx.groups:
        others.append(ctx.groups["HIC"])  # the usual benchmark for developing-country gaps
    agg = aggregates(ctx, others)
    comps = components(ctx)
    text = pd.DataFrame({"Component": [component_name(ctx, c) for c in comps]})
    numeric = pd.DataFrame({"component": [component_name(ctx, c) for c in comps]})
    for g in others:
        sub = agg[agg["group"] == g.code].set_index("code")
        label = short_label(g)
        text[f"{label}: mean"] = [group_score(sub.loc[c]) for c in comps]
        text[f"{label}: population-weighted"] = [
            group_score(sub.loc[c], "population_weighted") for c in comps
        ]
        text[f"{label}: scored"] = [str(sub.loc[c, "coverage"]) for c in comps]
        numeric[label] = [to_float(sub.loc[c, "mean"]) for c in comps]
    return text, numeric


IMPROVED_YEARS = 5  # "most improved" compares the index with this many years before
N_IMPROVED_SHOWN = 10
SUBSETS = ("LDC", "LLDC", "SIDS")  # development groups shown within an ITU-D region


def group_report(ctx: Context, group: Group, lang: str = "en") -> Report:
    """The needs report for a group: summary, findings, members, spread, comparison, gaps."""
    res = ctx.result
    members = [m for m in group.members if m in res.raw.index]
    if not members:
        raise ReadinessError(f"group {group.code} has no members in the data")
    idx = (
        res.group_aggregates({group.code: members}).set_index("code").loc[ctx.framework.index_code]
    )
    key = _key_figures(ctx, members, idx)
    label = short_label(group)
    table = members_table(ctx, members)
    cases = experiences.group_part(ctx, group, lang)
    sections = [
        Section("map", "Map",
                figures=(score_map(ctx, members, f"{label}: readiness index", "", lang),)),
        _members_section(ctx, members, label, table, lang),
        _spread_section(ctx, members, label, lang),
        *_subsets_sections(ctx, group, members, lang),
        _comparison_section(ctx, group, lang),
        group_gaps_section(ctx, group, lang),
        *iot.group_section(ctx, group, lang),
        *cases.sections,
        _priorities_section(ctx, members, lang),
        Section(
            "data",
            "Data, data gaps and estimates",
            tables=(Table("Members with a value, per indicator", coverage_table(ctx, members)),),
        ),
        Section("method", "Method", bullets=method_bullets(ctx, lang)),
    ]  # fmt: skip
    sections[:0] = _drafted(ctx, group, key, {s.key: s for s in sections}, lang)
    src = value_sources(ctx, members)["source"].dropna().tolist()
    return Report(
        subject=Subject.group(group.code),
        title=f"{group.label}: IoT and smart-city readiness",
        subtitle=f"Needs report, reference year {ctx.year} (WTDC-22 Resolution 85)",
        year=ctx.year,
        key_figures=key,
        sections=tuple(sections),
        citations=citations(ctx, src, cases.studies, lang),
        notes=caveats(pd.Series(dtype=object), lang),
        highlights=_highlights(key, table, namer(ctx, lang), lang),
    )


def _drafted(
    ctx: Context,
    group: Group,
    key: tuple[KeyFigure, ...],
    sections: dict[str, Section],
    lang: str,
) -> list[Section]:
    """The executive summary and the findings, drafted from the report's own tables."""
    name = namer(ctx, lang)
    figures = {k.label: k.value for k in key}
    comparison = sections["comparison"].tables[0].frame
    world = str(comparison.iloc[0][f"{short_label(ctx.groups['WORLD'])}: mean"])
    world = MISSING if is_withheld(world) else world  # its reason is in the comparison table
    standing = group_standing(ctx, short_label(group), figures, world, lang, name)
    spread = spread_sentence(sections["spread"].tables[0].frame, lang, name)
    tiers = tiers_sentence(sections["spread"].tables[1].frame, lang, name)
    improved: list[str] = []
    if len(sections["members"].tables) > 1:
        start = ctx.year - IMPROVED_YEARS
        frame = sections["members"].tables[1].frame
        improved = improved_sentence(frame, start, ctx.year, lang, name)
    gaps: list[str] = []
    if ctx.gaps is not None:
        frame = group_gap_frame(ctx, group)
        rows = sections["gaps"].tables[0].frame
        gaps = [text for _, text in gap_sentences(frame, rows, lang, name, units(ctx))]
    prio = priorities_sentence(sections["priorities"].tables[0].frame, lang, name)
    thin = thin_data_sentence(sections["data"].tables[0].frame, lang, name)
    subsets = _subset_findings(ctx, group, sections, lang, name) if "subsets" in sections else []
    summary = Section(
        "summary",
        "Summary",
        paragraphs=(
            join_sentences(lang, [standing, *spread]),
            *gaps[:N_GAP_SUMMARY],
            *improved,
            *no_scores_note(ctx, lang),
        ),
    )
    bullets = [*tiers, *improved, *gaps, *prio, *subsets, *thin]
    return [summary, findings_section(bullets, lang)]


def _subset_findings(
    ctx: Context, group: Group, sections: dict[str, Section], lang: str, name: Namer
) -> list[str]:
    """Per development group among a region's members: its size and means, its furthest gap."""
    tables = sections["subsets"].tables
    frames = subset_gaps(ctx, group, [m for m in group.members if m in ctx.result.raw.index])
    printed = tables[1].frame
    out = []
    for k, (_, row) in enumerate(tables[0].frame.iterrows()):
        line = subset_sentence(row, lang, name)
        if k < len(frames) and not printed.empty:
            rows = printed[printed["Group"] == row["Group"]].drop(columns="Group")
            gaps = gap_sentences(frames[k], rows.reset_index(drop=True), lang, name, units(ctx))
            line = join_sentences(lang, [line, *[text for _, text in gaps[:N_GAP_SUMMARY]]])
        out.append(line)
    return out


def tier_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    """How many members fall in each tier, most ready tier first; not scored last."""
    tiers = ctx.result.tiers.reindex(list(members)).astype(str)
    order = [label for label, _ in sorted(ctx.method.tiers, key=lambda t: -t[1])]
    counts = tiers.value_counts()
    labels = [t for t in order if t in counts.index]
    labels += [t for t in counts.index if t not in labels]
    return pd.DataFrame({"Tier": labels, "Members": [str(int(counts[t])) for t in labels]})


def improved_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame | None:
    """Members' index now and IMPROVED_YEARS before with the change, largest rise first."""
    start = ctx.year - IMPROVED_YEARS
    before = result_for_year(ctx, start)
    if before is None:
        return None
    now = ctx.result.index.reindex(list(members))
    then = before.index.reindex(list(members))
    change = (now - then).dropna()
    if change.empty:
        return None
    order = change.sort_values(ascending=False, kind="stable").index[:N_IMPROVED_SHOWN]
    return pd.DataFrame(
        {
            "Economy": [economy_name(ctx, m) for m in order],
            f"Index {start}": [format_score(then[m]) for m in order],
            f"Index {ctx.year}": [format_score(now[m]) for m in order],
            "Change": [_signed(change[m]) for m in order],
        }
    )


def _signed(x: float) -> str:
    text = format_score(x)
    return text if text.startswith("-") else f"+{text}"


def subsets_table(ctx: Context, group: Group, members: Sequence[str]) -> pd.DataFrame:
    """The LDC, LLDC and SIDS among a region's members: size, scored, means, lowest, highest."""
    res = ctx.result
    code = ctx.framework.index_code
    rows = []
    for sub in SUBSETS:
        other = ctx.groups.get(sub)
        if other is None:
            continue
        inside = [m for m in members if m in other.members]
        if not inside:
            continue
        agg = res.group_aggregates({sub: inside}).set_index("code").loc[code]
        scores = res.index.reindex(inside).dropna()
        rows.append(
            {
                "Group": short_label(other),
                "Members": str(len(inside)),
                "Scored": format_count(int(agg["n"]), int(agg["N"])),
                "Mean index": group_score(agg),
                "Population-weighted index": group_score(agg, "population_weighted"),
                "Lowest": _who(ctx, scores, "min"),
                "Highest": _who(ctx, scores, "max"),
            }
        )
    return pd.DataFrame(rows)


def _who(ctx: Context, scores: pd.Series, end: str) -> str:
    """The lowest or highest score with its economy, as the spread table prints it."""
    if scores.empty:
        return MISSING
    iso = str(scores.idxmin() if end == "min" else scores.idxmax())
    return f"{format_score(scores[iso])} ({economy_name(ctx, iso)})"


def _subsets_sections(
    ctx: Context, group: Group, members: Sequence[str], lang: str = "en"
) -> tuple[Section, ...]:
    if group.kind != "itu_region":
        return ()
    table = subsets_table(ctx, group, members)
    if table.empty:
        return ()
    return (
        Section(
            "subsets",
            "Development groups among the members",
            paragraphs=(body(lang, "subsets_intro"),),
            tables=(
                Table("Development groups among the members", table),
                Table(
                    "Gaps to the 2030 targets by development group",
                    subset_gap_rows(ctx, group, members),
                ),
            ),
        ),
    )


def subset_gaps(ctx: Context, group: Group, members: Sequence[str]) -> list[pd.DataFrame]:
    """The gap analytics' target rows of each development group among a region's members."""
    if ctx.gaps is None:
        return []
    out = []
    for sub in SUBSETS:
        other = ctx.groups.get(sub)
        inside = tuple(m for m in members if other is not None and m in other.members)
        if other is None or not inside:
            continue
        part = Group(f"{group.code}_{sub}", short_label(other), "custom", inside)
        out.append(group_gap_frame(ctx, part))
    return out


def subset_gap_rows(ctx: Context, group: Group, members: Sequence[str]) -> pd.DataFrame:
    """`subset_gaps` as the report prints them, a Group column first."""
    parts = []
    for frame in subset_gaps(ctx, group, members):
        rows = gap_rows(frame, ctx.year, "weighted", True)
        rows.insert(0, "Group", frame["group_label"].astype(str).to_numpy())
        parts.append(rows)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _key_figures(ctx: Context, members: list[str], idx: pd.Series) -> tuple[KeyFigure, ...]:
    median = ctx.result.index.reindex(members).median()
    return (
        KeyFigure("Members", str(len(members))),
        KeyFigure("Scored", format_count(int(idx["n"]), int(idx["N"])), "members with an index"),
        KeyFigure("Mean index", group_score(idx), "simple mean of members"),
        KeyFigure(
            "Population-weighted index",
            group_score(idx, "population_weighted"),
            "weighted by population",
        ),
        KeyFigure("Median index", format_score(median), "of scored members"),
    )


def _highlights(
    key: tuple[KeyFigure, ...], table: pd.DataFrame, name: Namer, lang: str = "en"
) -> tuple[str, ...]:
    """Short lines for the deck: the key figures, the three most and least ready members."""
    scored = table[table["Index"] != MISSING]
    top = scored.head(3)
    bottom = scored.tail(3).iloc[::-1] if len(scored) > 3 else scored.iloc[0:0]
    return tuple(
        [f"{k.label}: {k.value}" for k in key]
        + [body(lang, "highlight_most_ready", economy=name(r["Economy"]), score=r["Index"],
                rank=r["Rank"]) for _, r in top.iterrows()]
        + [body(lang, "highlight_least_ready", economy=name(r["Economy"]), score=r["Index"],
                rank=r["Rank"]) for _, r in bottom.iterrows()]
    )  # fmt: skip


def _members_section(
    ctx: Context, members: list[str], label: str, table: pd.DataFrame, lang: str = "en"
) -> Section:
    res = ctx.result
    bars = pd.DataFrame(
        {
            "name": [economy_name(ctx, m) for m in members],
            "score": [to_float(res.index.loc[m]) for m in members],
            "tier": [str(res.tiers.loc[m]) for m in members],
        }
    )
    return Section(
        "members",
        "Members",
        tables=(
            Table("Members' scores, ranks and tiers", table),
            *_improved_tables(ctx, members, lang),
        ),
        figures=(
            FigureSpec(
                "members",
                "member_bars",
                f"{label}: readiness index by member",
                body(lang, "caption_members", year=ctx.year),
                bars,
            ),
        ),
    )


def _improved_tables(ctx: Context, members: list[str], lang: str = "en") -> tuple[Table, ...]:
    table = improved_table(ctx, members)
    if table is None:
        return ()
    start = ctx.year - IMPROVED_YEARS
    title = f"Most improved, {start} to {ctx.year}"
    return (Table(title, table, body(lang, "note_improved")),)


def _spread_section(ctx: Context, members: list[str], label: str, lang: str = "en") -> Section:
    fw = ctx.framework
    pillar_long = ctx.result.scores.reindex(members)[list(fw.pillars)]
    pillar_long.columns = [fw.name(p) for p in fw.pillars]
    return Section(
        "spread",
        "Spread within the group",
        tables=(
            Table("Spread of scores among members", spread_table(ctx, members)),
            Table("Members by tier", tier_table(ctx, members)),
        ),
        figures=(
            FigureSpec(
                "spread",
                "spread_box",
                f"{label}: spread of pillar scores",
                body(lang, "caption_spread", year=ctx.year),
                pillar_long.reset_index(drop=True),
            ),
        ),
    )


def _comparison_section(ctx: Context, group: Group, lang: str = "en") -> Section:
    comparison, numeric = group_comparison(ctx, group)
    return Section(
        "comparison",
        "Comparison with the world and high-income economies",
        tables=(Table("Group and world means", comparison),),
        figures=(
            FigureSpec(
                "components",
                "component_bars",
                f"{short_label(group)}, the world and high-income economies",
                body(lang, "caption_components_group", year=ctx.year),
                numeric,
            ),
        ),
    )


def _priorities_section(ctx: Context, members: list[str], lang: str = "en") -> Section:
    prio = priority_table(ctx, members)
    return Section(
        "priorities",
        "Priority areas",
        paragraphs=(body(lang, "priorities_group_intro"),),
        tables=(Table("Priority areas", priority_text(ctx, prio, len(members))),),
    )


def coverage_table(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    res = ctx.result
    fw = ctx.framework
    raw = res.raw.reindex(list(members))
    est = res.estimates.reindex(list(members)) if res.estimates is not None else None
    src = value_sources(ctx, members)
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
