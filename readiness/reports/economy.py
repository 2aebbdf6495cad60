"""The needs report for one economy."""

from __future__ import annotations

import pandas as pd

from readiness.data.groups import Group
from readiness.errors import ReadinessError
from readiness.index.result import tier_labels
from readiness.reports import experiences, iot
from readiness.reports.citations import citations
from readiness.reports.context import (
    Context,
    aggregates,
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
from readiness.reports.coverage import group_score
from readiness.reports.drafting import (
    N_GAP_SUMMARY,
    body,
    comma_list,
    data_sentences,
    economy_standing,
    findings_section,
    gap_sentences,
    join_sentences,
    namer,
    names_list,
    peers_sentence,
    priorities_sentence,
    units,
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
    economy_gap_frame,
    economy_gaps_section,
    gap_rows,
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
    agg = aggregates(ctx, groups)
    comps = components(ctx)
    text = pd.DataFrame({"Component": [component_name(ctx, c) for c in comps]})
    numeric = pd.DataFrame({"component": [component_name(ctx, c) for c in comps]})
    name = economy_name(ctx, iso3)
    text[name] = [format_score(ctx.result.scores.loc[iso3, c]) for c in comps]
    numeric[name] = [to_float(ctx.result.scores.loc[iso3, c]) for c in comps]
    for g in groups:
        sub = agg[agg["group"] == g.code].set_index("code")
        label = short_label(g)
        text[label] = [group_score(sub.loc[c], count=True) for c in comps]  # or why withheld
        numeric[label] = [to_float(sub.loc[c, "mean"]) for c in comps]
    return text, numeric


def peer_text(ctx: Context, iso3: str, lang: str = "en") -> tuple[str, ...]:
    peers = peer_group(ctx, iso3)
    if peers is None:
        return ()
    name = namer(ctx, lang)
    names = comma_list([name(economy_name(ctx, m)) for m in peers.members], lang)
    return (body(lang, "peers", names=names),)


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


def economy_report(ctx: Context, iso3: str, lang: str = "en") -> Report:
    """The needs report for one economy: summary, findings, scores, map, comparison, gaps, data."""
    res = ctx.result
    if iso3 not in res.raw.index:
        raise ReadinessError(f"unknown economy '{iso3}'")
    name = economy_name(ctx, iso3)
    key = _key_figures(ctx, iso3)
    prio = priority_table(ctx, [iso3])
    region = group_of(ctx, "itu_region", iso3)
    cases = experiences.economy_part(ctx, iso3, lang)
    sections = [
        Section("scores", "Index and pillars",
                tables=(Table("Scores, ranks and tiers", score_table(ctx, iso3)),)),
        *_map_sections(ctx, iso3, region, lang),
        _comparison_section(ctx, iso3, lang),
        economy_gaps_section(ctx, iso3, lang),
        *iot.economy_section(ctx, iso3, lang),
        *cases.sections,
        _strengths_section(ctx, iso3, prio, lang),
        _data_section(ctx, iso3, lang),
        Section("method", "Method", bullets=method_bullets(ctx, lang)),
    ]  # fmt: skip
    summary, findings = _drafted(ctx, iso3, {s.key: s for s in sections}, lang)
    sections[:0] = [summary, findings]
    src = value_sources(ctx, [iso3])["source"].dropna().tolist()
    name_of = namer(ctx, lang)
    highlights = tuple(
        [f"{k.label}: {k.value}" for k in key]
        + [body(lang, "highlight_priority", indicator=name_of(r["Indicator"]),
                points=r["Priority (index points)"])
           for _, r in priority_text(ctx, prio, 1).head(3).iterrows()]
    )  # fmt: skip
    return Report(
        subject=Subject.economy(iso3),
        title=f"{name}: IoT and smart-city readiness",
        subtitle=f"Needs report, reference year {ctx.year} (WTDC-22 Resolution 85)",
        year=ctx.year,
        key_figures=key,
        sections=tuple(sections),
        citations=citations(ctx, src, cases.studies, lang),
        notes=caveats(country_row(ctx, iso3), lang),
        highlights=highlights,
    )


def _drafted(
    ctx: Context, iso3: str, sections: dict[str, Section], lang: str
) -> tuple[Section, Section]:
    """The executive summary and the findings, drafted from the report's own tables."""
    name = namer(ctx, lang)
    beside = [short_label(g) for g in (group_of(ctx, k, iso3) for k in ("itu_region", "income"))
              if g is not None]  # fmt: skip
    standing = economy_standing(
        ctx,
        economy_name(ctx, iso3),
        sections["scores"].tables[0].frame,
        sections["comparison"].tables[0].frame,
        beside,
        lang,
        name,
    )
    gaps: list[str] = []
    peers: list[str] = []
    if ctx.gaps is not None:
        frame = economy_gap_frame(ctx, [iso3])
        rows = sections["gaps"].tables[0].frame
        gaps = [text for _, text in gap_sentences(frame, rows, lang, name, units(ctx))]
        focus = _peer_focus(frame)
        progress = sections["comparison"].tables
        if focus is not None and len(progress) > 1:
            peers = peers_sentence(progress[1].frame, focus[1], focus[2], lang, name)
    prio = priorities_sentence(sections["strengths"].tables[1].frame, lang, name)
    data = data_sentences(ctx, sections["data"].tables[0].frame, lang, name)
    summary = Section(
        "summary",
        "Summary",
        paragraphs=(
            _intro(ctx, iso3, lang),
            join_sentences(lang, standing),
            *gaps[:N_GAP_SUMMARY],
            *prio,
            *no_scores_note(ctx, lang),
        ),
    )
    return summary, findings_section([*gaps, *peers, *prio, *data], lang)


def _intro(ctx: Context, iso3: str, lang: str = "en") -> str:
    name = namer(ctx, lang)
    region = group_of(ctx, "itu_region", iso3)
    income = group_of(ctx, "income", iso3)
    status = [name(g.label) for g in groups_of(ctx, iso3) if g.kind == "development"]
    values = {
        "economy": name(economy_name(ctx, iso3)),
        "iso3": iso3,
        "region": name(region.label) if region else MISSING,  # "ITU-D region: Africa"
        "year": ctx.year,
        "income": name(income.label) if income else MISSING,
        "groups": "; ".join(status),
    }
    return body(lang, "intro_groups" if status else "intro", **values)


def _peer_focus(frame: pd.DataFrame) -> tuple[str, str, float] | None:
    """(code, name, direction) of the target indicator furthest from its target, not yet met."""
    open_ = frame[~frame["outlook"].isin(["already met", "no data"]) & frame["to_go"].notna()]
    if open_.empty:
        return None
    row = open_.sort_values("to_go", ascending=False, kind="stable").iloc[0]
    return str(row["code"]), str(row["name_indicator"]), float(row["target_direction"])


def peer_progress(ctx: Context, iso3: str) -> tuple[str, pd.DataFrame] | None:
    """The peers' value and trend on the economy's furthest target indicator, fastest first."""
    peers = peer_group(ctx, iso3)
    if ctx.gaps is None or peers is None:
        return None
    focus = _peer_focus(economy_gap_frame(ctx, [iso3]))
    if focus is None:
        return None
    code, indicator, direction = focus
    frame = economy_gap_frame(ctx, list(peers.members), codes=[code])
    frame = frame.assign(_pace=direction * frame["trend"].astype(float))
    frame = frame.sort_values("_pace", ascending=False, na_position="last", kind="stable")
    rows = gap_rows(frame, ctx.year, "value", False)
    table = pd.DataFrame(
        {
            "Economy": frame["name"].astype(str).to_numpy(),
            "Value": rows["Value"].to_numpy(),
            "Data year": rows["Data year"].to_numpy(),
            "Trend per year": rows["Trend per year"].to_numpy(),
            "Trend years": rows["Trend years"].to_numpy(),
        }
    )
    return indicator, table


def _key_figures(ctx: Context, iso3: str) -> tuple[KeyFigure, ...]:  # localise translates
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


def _map_sections(
    ctx: Context, iso3: str, region: Group | None, lang: str = "en"
) -> tuple[Section, ...]:
    """The economy's ITU-D region with the economy outlined; none without a region."""
    if region is None:
        return ()
    members = [m for m in region.members if m in ctx.result.raw.index]
    title = f"{short_label(region)}: readiness index"
    return (Section("map", "Map", figures=(score_map(ctx, members, title, iso3, lang),)),)


def _comparison_section(ctx: Context, iso3: str, lang: str = "en") -> Section:
    comparison, numeric = comparison_tables(ctx, iso3)
    return Section(
        "comparison",
        "Comparison with region, income group and peers",
        paragraphs=(body(lang, "comparison_means"), *peer_text(ctx, iso3, lang)),
        tables=(Table("Scores beside group means", comparison), *_peer_tables(ctx, iso3)),
        figures=(
            FigureSpec(
                "components",
                "component_bars",
                f"{economy_name(ctx, iso3)} and its groups",
                body(lang, "caption_components_economy", year=ctx.year),
                numeric,
            ),
        ),
    )


def _peer_tables(ctx: Context, iso3: str) -> tuple[Table, ...]:
    found = peer_progress(ctx, iso3)
    if found is None:
        return ()
    indicator, table = found
    return (Table(f"Peers' progress: {indicator}", table, "Fastest towards the target first."),)


def _strengths_section(ctx: Context, iso3: str, prio: pd.DataFrame, lang: str = "en") -> Section:
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
        paragraphs=(body(lang, "strengths_intro"), body(lang, "priorities_intro")),
        tables=(
            Table("Strengths and weaknesses", strengths_table(ctx, iso3)),
            Table("Priority areas", priority_text(ctx, prio, 1)),
        ),
        figures=(
            FigureSpec(
                "indicators",
                "indicator_bars",
                f"{economy_name(ctx, iso3)}: indicator scores",
                body(lang, "caption_indicators", year=ctx.year),
                scores,
            ),
        ),
    )


def _data_section(ctx: Context, iso3: str, lang: str = "en") -> Section:
    data = data_table(ctx, iso3)
    missing = data.loc[data["Value"] == "no data", "Indicator"].tolist()
    estimates = data.loc[data["Flags"].str.contains("estimate"), "Indicator"].tolist()
    user = data.loc[data["Flags"].str.contains("user data"), "Indicator"].tolist()
    old = [
        r["Indicator"] for _, r in data.iterrows() if r["Year"] and int(r["Year"]) < ctx.year - 2
    ]
    name = namer(ctx, lang)

    def listed(items: list[str]) -> str:
        return names_list([name(i) for i in items], lang)

    bullets = [
        body(lang, "data_with_value", n=len(data) - len(missing), total=len(data)),
        body(lang, "data_no_data", names=listed(missing)),
        body(lang, "data_estimates", names=listed(estimates)),
        body(lang, "data_old", year=ctx.year - 2, names=listed(old)),
    ]
    if user:
        bullets.append(body(lang, "data_user", names=listed(user)))
    return Section(
        "data",
        "Data, data gaps and estimates",
        bullets=tuple(bullets),
        tables=(Table("Indicator values used", data),),
    )
