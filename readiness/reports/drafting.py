"""Drafted text: executive summaries and findings written from a report's own tables.

No sentence is hand-written for a country: each comes from a template in the translation
catalogue (`report_text.*` in readiness/locales) filled with cells of the report's tables,
exactly as the tables print them, so every figure in the text is a figure in a table. The
rules (which sentences, in which order) are in docs/REPORTS.md, "Drafted text".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from readiness.i18n import DEFAULT_LANGUAGE, local_figure, normal_language, translate
from readiness.reports.context import Context
from readiness.reports.coverage import (
    ESTIMATED_SHARE_SAID,
    is_withheld,
    is_withheld_row,
    share_in,
    share_text,
    withheld_rule,
    withheld_share,
)
from readiness.reports.model import MISSING, Section, format_value, is_missing, to_float

N_GAP_SUMMARY = 1  # target indicators the executive summary describes
N_PEERS = 3  # fastest comparable economies named
N_IMPROVED = 3  # most improved members named
N_THIN = 3  # indicators with the fewest members with data named

Namer = Callable[[str], str]


def namer(ctx: Context, lang: str) -> Namer:
    """English name -> the language's (economies, groups, indicators, tiers); itself in English."""
    if normal_language(lang) == DEFAULT_LANGUAGE:
        return lambda text: text
    try:
        from readiness.reports.localise import phrasebook_of
    except ImportError:  # the translation layer is optional for drafting
        return lambda text: text
    book = phrasebook_of(ctx, normal_language(lang))
    return lambda text: book.get(text, text)


def units(ctx: Context) -> dict[str, str]:
    """Each indicator's unit, from the catalogue."""
    return {c: str(ctx.snapshot.catalogue.get(c).unit) for c in ctx.framework.indicators}


def _t(lang: str, key: str, **values: object) -> str:
    """A template filled with values; a value that is a figure is written as the language does
    ("54.4" -> "54,4" in French), never the template's own text ("SDG 7.1" stays)."""
    return translate(
        lang, f"report_text.{key}", **{k: local_figure(v, lang) for k, v in values.items()}
    )


def drafted_text(lang: str, key: str, **values: object) -> str:
    """A drafted sentence or clause (`report_text.<key>`), its figures as the language writes
    them."""
    return _t(lang, key, **values)


def coverage_text(lang: str, key: str, **values: object) -> str:
    """A report's sentence on a group figure's coverage (`coverage.report.*`) in the language,
    its figures as the language writes them."""
    return translate(
        lang, f"coverage.report.{key}", **{k: local_figure(v, lang) for k, v in values.items()}
    )


def body(lang: str, key: str, **values: object) -> str:
    """A report's running sentence, caption or note (`report_text.body.*`) in the language."""
    return _t(lang, f"body.{key}", **values)


def names_list(items: Sequence[str], lang: str) -> str:
    """Names as a list in running text ("none" when there are none)."""
    return _names(items, lang) if items else _t(lang, "body.none")


def join_sentences(lang: str, sentences: Sequence[str]) -> str:
    """Sentences as one paragraph: spaced, except in Chinese, which puts none after a stop."""
    return ("" if normal_language(lang) == "zh" else " ").join(sentences)


def _names(items: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """Names joined by the language's separator ("; " in English: names may hold commas)."""
    return _t(lang, "body.list_separator").join(items)


def comma_list(items: Sequence[str], lang: str) -> str:
    """Short names (economies, tiers) joined by the language's comma."""
    return _t(lang, "body.comma").join(items)


# --- gaps: one sentence per target indicator ----------------------------------------------------
def gap_sentence(
    row: pd.Series, direction: float, outlook: str, lang: str, name: Namer, unit: str = ""
) -> str:
    """One target indicator's gap, pace and the pace needed, from its gap-table row (text).

    A share (unit "% of ...") shows its value and target with a % sign; a price's unit is in
    its name already.
    """
    sign = _percent_sign(unit, str(row["Indicator"]))
    values = {
        "indicator": name(str(row["Indicator"])),
        "value": f"{row['Value']}{sign}",
        "data_year": row["Data year"] or MISSING,
        "target": f"{str(row['Target']).removeprefix('<= ')}{sign}",
        "gap": row["Gap"],
    }
    if outlook == "already met":
        return _t(lang, "gap.met", **values)
    lead = _t(lang, "gap.over" if direction < 0 else "gap.short", **values)
    pace_values = {"years": row["Trend years"], "trend": row["Trend per year"]}
    if outlook in ("on track", "too slow") and row["Reach year"]:
        pace = _t(lang, "gap.reach", reach_year=row["Reach year"], **pace_values)
    elif outlook == "after 2100":
        pace = _t(lang, "gap.after_2100", **pace_values)
    elif outlook == "not at the current pace" and row["Trend per year"]:
        pace = _t(lang, "gap.away", **pace_values)
    else:
        pace = _t(lang, "gap.no_trend")
    if not row["Pace needed per year"]:
        return _t(lang, "gap.sentence_late", gap=lead, pace=pace)
    needed = _t(lang, "gap.needed", needed=row["Pace needed per year"])
    return _t(lang, "gap.sentence", gap=lead, pace=pace, needed=needed)


def _percent_sign(unit: str, indicator: str) -> str:
    """A share (unit "% of ...") shows a % sign after its figures, unless its name has one."""
    return "%" if unit.startswith("%") and "%" not in indicator else ""


def gap_sentences(
    frame: pd.DataFrame,
    rows: pd.DataFrame,
    lang: str,
    name: Namer,
    units: Mapping[str, str] | None = None,
) -> list[tuple[float, str]]:
    """(way to go, sentence) per target indicator, furthest from its target first.

    `frame` is the gap analytics' table (economy_gaps or gap_table rows) and `rows` the same
    rows as the report prints them (sections.gap_rows), in the same order. A group's withheld
    value gets a sentence saying why (last); where estimates stand for more than
    ESTIMATED_SHARE_SAID of its population, its sentence says how much.
    """
    out = []
    for k, (_, raw) in enumerate(frame.reset_index(drop=True).iterrows()):
        if pd.isna(raw["target"]):
            continue
        if is_withheld_row(raw):
            out.append((float("nan"), withheld_sentence(raw, rows.iloc[k], lang, name)))
            continue
        if str(raw["outlook"]) == "no data":
            continue
        direction = to_float(raw.get("target_direction", 1))
        unit = (units or {}).get(str(raw["code"]), "")
        text = gap_sentence(rows.iloc[k], direction, str(raw["outlook"]), lang, name, unit)
        estimated = to_float(raw.get("estimated_share"))
        if estimated > ESTIMATED_SHARE_SAID:
            said = coverage_text(lang, "estimated", share=share_text(estimated))
            text = join_sentences(lang, [text, said])
        out.append((to_float(raw["to_go"]), text))
    out.sort(key=lambda pair: -pair[0] if pair[0] == pair[0] else 0.0)
    return out


def withheld_sentence(raw: pd.Series, row: pd.Series, lang: str, name: Namer) -> str:
    """Why a group value is withheld: the share of the population its members' values (and
    estimates) cover, below the coverage rule (readiness.data.groups.enough_coverage)."""
    reported, estimated = raw["population_share"], raw.get("estimated_share")
    return coverage_text(
        lang,
        f"withheld_{withheld_rule(reported)}",
        indicator=name(str(row["Indicator"])),
        share=withheld_share(reported, estimated),
    )


def nowcast_note(
    frame: pd.DataFrame, year: int, lang: str, name: Namer, units: Mapping[str, str]
) -> str:
    """One line under a group's gap table: the nowcast to `year` of each value whose data year
    is earlier, as an estimate (readiness.gaps.estimates); empty when there is none."""
    items = []
    for r in frame.to_dict("records"):
        if is_missing(r.get("nowcast")) or not to_float(r.get("median_data_year")) < year:
            continue
        sign = _percent_sign(units.get(str(r["code"]), ""), str(r["name"]))
        value = f"{format_value(r['nowcast'])}{sign}"
        items.append(
            coverage_text(lang, "nowcast_item", indicator=name(str(r["name"])), value=value)
        )
    if not items:
        return ""
    return coverage_text(lang, "nowcast_note", year=year, values=_names(items, lang))


# --- economies ----------------------------------------------------------------------------------
def economy_standing(
    ctx: Context,
    economy: str,
    scores: pd.DataFrame,
    comparison: pd.DataFrame,
    beside: Sequence[str],
    lang: str,
    name: Namer,
) -> list[str]:
    """Where the economy stands: index, rank, interval, tier; beside its region and income group.

    `scores` and `comparison` are the report's "Scores, ranks and tiers" and "Scores beside
    group means" tables; `beside` names the comparison's columns of its region and income group.
    """
    index = scores.iloc[0]
    if index["Score"] == MISSING:
        return [_t(lang, "economy.not_scored", economy=name(economy), year=ctx.year)]
    out = [
        _t(
            lang,
            "economy.standing",
            economy=name(economy),
            score=index["Score"],
            year=ctx.year,
            rank=index["Rank"],
            n=index["of"],
            interval=index["Rank interval (5-95%)"],
            tier=name(str(index["Tier"])),
        )
    ]
    groups = [g for g in beside if g in comparison.columns]
    if any(is_withheld(comparison.iloc[0][g]) for g in groups):
        return out  # a withheld mean has no side; the comparison table says why
    if len(groups) == 2:
        own = to_float(comparison.iloc[0, 1])
        cells = [str(comparison.iloc[0][g]) for g in groups]
        means = [c.split(" (")[0] for c in cells]
        sides = [_side(own, to_float(m) if m != MISSING else float("nan"), lang) for m in means]
        out.append(
            _t(
                lang,
                "economy.beside",
                side_region=sides[0],
                region=name(groups[0]),
                region_score=means[0],
                side_income=sides[1],
                income=name(groups[1]),
                income_score=means[1],
            )
        )
    return out


def _side(own: float, other: float, lang: str) -> str:
    """above / below / level with, on the scores as printed (one decimal)."""
    a, b = round(own, 1), round(other, 1)
    if a != a or b != b or a == b:
        return _t(lang, "side.level")
    return _t(lang, "side.above" if a > b else "side.below")


def priorities_sentence(priorities: pd.DataFrame, lang: str, name: Namer) -> list[str]:
    """The priority areas by name, largest first (the report's "Priority areas" table)."""
    if priorities.empty:
        return []
    items = [name(str(v)) for v in priorities["Indicator"]]
    return [_t(lang, "economy.priorities", names=_names(items, lang))]


def peers_sentence(
    peers: pd.DataFrame, indicator: str, direction: float, lang: str, name: Namer
) -> list[str]:
    """The comparable economies that moved fastest towards the target, from the peers' table.

    `peers` is the report's peer-progress table, fastest first; `direction` the target's (+1
    a floor, -1 a ceiling), so a peer moves towards it when its trend has that sign.
    """
    sign = peers["Trend per year"].astype(str).str[:1].map({"+": 1.0, "-": -1.0})
    moving = peers[(sign * direction > 0) & (peers["Trend per year"] != "+0.00")].head(N_PEERS)
    if moving.empty:
        return []
    items = [
        _t(
            lang,
            "economy.peer_item",
            economy=name(str(r["Economy"])),
            trend=r["Trend per year"],
            years=r["Trend years"],
        )
        for _, r in moving.iterrows()
    ]
    return [_t(lang, "economy.peers", indicator=name(indicator), names=_names(items, lang))]


def data_sentences(ctx: Context, data: pd.DataFrame, lang: str, name: Namer) -> list[str]:
    """Data needs of one economy from its "Indicator values used" table."""
    missing = data.loc[data["Value"] == "no data", "Indicator"].astype(str).tolist()
    estimates = data.loc[data["Flags"].str.contains("estimate"), "Indicator"].astype(str).tolist()
    old = [
        str(r["Indicator"])
        for _, r in data.iterrows()
        if r["Year"] and int(r["Year"]) < ctx.year - 2
    ]
    out = [
        _t(
            lang,
            "economy.data",
            with_data=len(data) - len(missing),
            total=len(data),
            year=ctx.year,
        )
    ]
    if missing:
        out.append(_t(lang, "economy.data_missing", names=_names([name(m) for m in missing], lang)))
    if estimates:
        out.append(
            _t(lang, "economy.data_estimates", names=_names([name(e) for e in estimates], lang))
        )
    if old:
        out.append(
            _t(
                lang,
                "economy.data_old",
                year=ctx.year - 2,
                names=_names([name(o) for o in old], lang),
            )
        )
    return out


# --- groups -------------------------------------------------------------------------------------
def group_standing(
    ctx: Context,
    label: str,
    key: dict[str, str],
    world: str,
    lang: str,
    name: Namer,
) -> str:
    """A group's size, members scored and mean index beside the world's (its key figures);
    why there is no mean where it is withheld."""
    if is_withheld(key["Mean index"]):
        return coverage_text(
            lang,
            "standing_withheld",
            group=name(label),
            members=key["Members"],
            scored=key["Scored"].split("/")[0],
            year=ctx.year,
            share=share_in(key["Mean index"]),
        )
    return _t(
        lang,
        "group.standing",
        group=name(label),
        members=key["Members"],
        scored=key["Scored"].split("/")[0],
        year=ctx.year,
        mean=key["Mean index"],
        weighted=key["Population-weighted index"],
        world=world,
    )


def spread_sentence(spread: pd.DataFrame, lang: str, name: Namer) -> list[str]:
    """The index's lowest, highest and median member (the report's spread table)."""
    row = spread.iloc[0]
    if row["Lowest"] == MISSING:
        return []
    low, lowest = str(row["Lowest"]).split(" (", 1)
    high, highest = str(row["Highest"]).split(" (", 1)
    return [
        _t(
            lang,
            "group.spread",
            low=low,
            lowest=name(lowest.removesuffix(")")),
            high=high,
            highest=name(highest.removesuffix(")")),
            median=row["Median"],
        )
    ]


def tiers_sentence(tiers: pd.DataFrame, lang: str, name: Namer) -> list[str]:
    """How many members fall in each tier (the report's "Members by tier" table)."""
    if tiers.empty:
        return []
    counts = [
        _t(lang, "group.tier_count", n=r["Members"], tier=name(str(r["Tier"])))
        for _, r in tiers.iterrows()
    ]
    return [_t(lang, "group.tiers", counts=_names(counts, lang))]


def improved_sentence(
    improved: pd.DataFrame, start: int, end: int, lang: str, name: Namer
) -> list[str]:
    """The members whose index rose most (the report's "Most improved" table)."""
    rising = improved[improved["Change"].str.startswith("+")].head(N_IMPROVED)
    if rising.empty:
        return []
    items = [
        _t(
            lang,
            "group.improved_item",
            economy=name(str(r["Economy"])),
            change=r["Change"],
            before=r[f"Index {start}"],
            after=r[f"Index {end}"],
        )
        for _, r in rising.iterrows()
    ]
    return [_t(lang, "group.improved", start=start, end=end, names=_names(items, lang))]


def thin_data_sentence(cover: pd.DataFrame, lang: str, name: Namer) -> list[str]:
    """The indicators with the fewest members with data (the report's coverage table)."""
    with_data = cover["With data"].str.split("/").str[0].astype(int)
    total = cover["With data"].str.split("/").str[1].astype(int)
    thin = cover[with_data < total].assign(_n=with_data).sort_values("_n", kind="stable")
    if thin.empty:
        return []
    items = [
        _t(lang, "group.data_item", indicator=name(str(r["Indicator"])), count=r["With data"])
        for _, r in thin.head(N_THIN).iterrows()
    ]
    return [_t(lang, "group.data", names=_names(items, lang))]


def subset_sentence(row: pd.Series, lang: str, name: Namer) -> str:
    """One development group among a region's members (a row of the subsets table)."""
    if is_withheld(row["Mean index"]):
        return coverage_text(
            lang,
            "subset_withheld",
            subset=name(str(row["Group"])),
            members=row["Members"],
            scored=str(row["Scored"]).split("/")[0],
            share=share_in(row["Mean index"]),
        )
    return _t(
        lang,
        "group.subset",
        subset=name(str(row["Group"])),
        members=row["Members"],
        scored=str(row["Scored"]).split("/")[0],
        mean=row["Mean index"],
        weighted=row["Population-weighted index"],
    )


def findings_section(bullets: Sequence[str], lang: str) -> Section:
    """The findings as a section of their own, one bullet a finding."""
    return Section("findings", _t(lang, "title_findings"), bullets=tuple(bullets))
