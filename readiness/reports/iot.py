"""The IoT section of the needs reports: what an economy or a group has for IoT deployments.

An economy's section shows its IoT pillar score and rank, and each IoT measure (the pillar's
indicators, then its context indicators) with its value, unit, data year, source and flag, beside
the median of its peers and of its ITU-D region: the rows of the profile's IoT table
(`readiness.figures.iot_views.iot_table`), so the report and the dashboard print the same values.
A group's section shows the group's IoT pillar mean beside the world's and the high-income
economies', and the IoT gaps of `readiness.gaps.iot.iot_gaps` (shares of members with an
exchange point or an LTE-M/NB-IoT network, IPv6 quartiles, facilities and networks per person,
cables) with the count of members whose value is unknown.

The findings are drafted from the section's own tables by the rules of docs/REPORTS.md: every
figure in a sentence is a cell of those tables, as printed. A missing value is never 0: the
notes say "not listed" (unknown) or "not applicable", and the sentences say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import numpy as np
import pandas as pd

from readiness.data.groups import Group
from readiness.data.snapshot import PER_LOOKBACK, denominators
from readiness.i18n import local_numbers
from readiness.reports.context import (
    Context,
    aggregates,
    economy_name,
    group_of,
    peer_group,
    short_label,
)
from readiness.reports.coverage import group_score, is_withheld
from readiness.reports.drafting import Namer, body, drafted_text, namer
from readiness.reports.model import (
    MISSING,
    USER_SOURCE_PREFIX,
    Section,
    Table,
    format_count,
    format_rank,
    format_score,
    format_value,
    is_missing,
    to_float,
)

SECTION_KEY = "iot"
SECTION_TITLE = "IoT networks and data infrastructure"
LPWA = "lpwa_networks"
# The group measures of readiness.gaps.iot shown, in reading order, with their row labels
# (report_layout phrases) and kinds: a share in %, a count of members, or a value.
GROUP_MEASURES: dict[str, tuple[str, str]] = {
    "ixp_share": ("Members with an Internet exchange point (%)", "share"),
    "lpwa_share": ("Members with a commercial LTE-M or NB-IoT network (%, at least)", "share"),
    "lpwa_share_listed": ("Listed members with a commercial LTE-M or NB-IoT network (%)", "share"),
    "ipv6_median": ("Users able to use IPv6, median member (% of users)", "value"),
    "ipv6_p25": ("Users able to use IPv6, lower quartile (% of users)", "value"),
    "ipv6_p75": ("Users able to use IPv6, upper quartile (% of users)", "value"),
    "ipv6_low_sample": ("Members with a low-sample IPv6 value", "count"),
    "facilities_per_million": ("Interconnection and colocation facilities per million people",
                               "value"),
    "asn_per_million": ("Networks (AS numbers) per million people", "value"),
    "cable_share": ("Coastal members with a submarine cable (%)", "share"),
}  # fmt: skip
# Shares whose denominator is every member (an unlisted market counts as not known to have one).
OF_ALL_MEMBERS = frozenset({"lpwa_share"})


def _t(lang: str, key: str, **values: object) -> str:
    return drafted_text(lang, f"iot.{key}", **values)


def has_iot(ctx: Context) -> bool:
    """Whether the framework has the IoT pillar (a user's framework may not)."""
    from readiness.figures.iot_views import IOT_PILLAR

    return IOT_PILLAR in ctx.framework.pillars


# --- what the section reads, once per context --------------------------------------------------
def _iot_values(ctx: Context) -> pd.DataFrame:
    """The snapshot's rows of the IoT indicators and population near the reference year.

    The profile's table selects each indicator's latest value in its window; handing it only
    these rows keeps a 44-member batch from scanning every value of the snapshot per member.
    """
    key = ("iot", "values")
    if key not in ctx.memo:
        from readiness.figures.iot_views import iot_codes

        catalogue = ctx.snapshot.catalogue
        codes = iot_codes(catalogue)
        earliest = ctx.year - max(catalogue.get(c).window for c in codes) - PER_LOOKBACK
        vals = ctx.snapshot.values
        keep = vals["indicator"].isin([*codes, "population"]) & vals["year"].between(
            earliest, ctx.year
        )
        ctx.memo[key] = vals[keep].reset_index(drop=True)
    return ctx.memo[key]


def _values_of(ctx: Context, economies: Sequence[str]) -> pd.DataFrame:
    """`_iot_values` of these economies only (the rows of the rest never change their figures),
    cut from a per-economy index built once per context."""
    key = ("iot", "rows by economy")
    if key not in ctx.memo:
        ctx.memo[key] = _iot_values(ctx).groupby("iso3", observed=True, sort=False).indices
    rows = ctx.memo[key]
    found = [rows[e] for e in dict.fromkeys(economies) if e in rows]
    if not found:
        return _iot_values(ctx).iloc[:0]
    return _iot_values(ctx).iloc[np.sort(np.concatenate(found))]


def _selected_of(ctx: Context, economies: Sequence[str]) -> pd.DataFrame:
    """Of these economies, the one row per IoT measure the profile's table selects (the most
    recent value in the measure's window up to the reference year), picked once per context for
    every economy: the table selects the same rows from them as from all values."""
    from readiness.data.snapshot import latest_values
    from readiness.figures.iot_views import iot_codes

    key = ("iot", "selected")
    if key not in ctx.memo:
        catalogue, values = ctx.snapshot.catalogue, _iot_values(ctx)
        windows = {code: catalogue.get(code).window for code in iot_codes(catalogue)}
        frame = latest_values(values, windows, ctx.year)[list(values.columns)]
        ctx.memo[key] = (frame, frame.groupby("iso3", observed=True, sort=False).indices)
    frame, rows = ctx.memo[key]
    found = [rows[e] for e in dict.fromkeys(economies) if e in rows]
    return frame.iloc[np.sort(np.concatenate(found))] if found else frame.iloc[:0]


def _counts(ctx: Context, iso3: str, rows: pd.DataFrame) -> dict[str, str]:
    """Per measure, the count behind a per-capita value (exchange points, networks,
    facilities): the value times the population the build divided by. Empty where it is not a
    whole number (to 0.01), as for address space stored with too few digits to give the count
    back. One look-up of the denominators per kind of denominator, not one per measure."""
    catalogue = ctx.snapshot.catalogue
    wanted: dict[str, list[tuple[str, float, int]]] = {}
    for code, value, year in zip(rows["code"], rows["value"], rows["year"], strict=True):
        per = catalogue.get(str(code)).per
        if per is not None and not is_missing(value) and not is_missing(year):
            wanted.setdefault(per.by, []).append((str(code), to_float(value), int(to_float(year))))
    out = {}
    for by, items in wanted.items():
        keys = pd.DataFrame({"iso3": [iso3] * len(items), "year": [y for _, _, y in items]})
        populations = denominators(_values_of(ctx, [iso3]), by, keys)
        for (code, value, _), population in zip(items, populations, strict=True):
            if population != population:  # NaN: no population to give the count back
                continue
            count = value * float(population) / catalogue.get(code).per.scale
            whole = round(count)
            out[code] = f"{whole:,}" if abs(count - whole) < 0.01 else ""
    return out


def _source_ids(ctx: Context, iso3: str) -> dict[tuple[str, int], str]:
    """(indicator, year) -> the source id of the economy's value, user data said as such."""
    own = _values_of(ctx, [iso3])
    out = {}
    for code, year, source in zip(own["indicator"], own["year"], own["source"], strict=True):
        text = str(source)
        out[str(code), int(year)] = (
            f"User data: {text}" if text.startswith(USER_SOURCE_PREFIX) else text
        )
    return out


# --- the economy's section ---------------------------------------------------------------------
def _median_cell(value: object, n: object, total: int) -> str:
    """A median with how many of the group have a value: "0.34 (10/10)"; n/a when none has."""
    if is_missing(value) or int(to_float(n)) == 0:
        return MISSING
    return f"{format_value(value)} ({format_count(int(to_float(n)), total)})"


def _score_median_cell(value: object, n: object, total: int) -> str:
    if is_missing(value) or int(to_float(n)) == 0:
        return MISSING
    return f"{format_score(value)} ({format_count(int(to_float(n)), total)})"


@dataclass(frozen=True, eq=False)
class EconomyTables:
    """An economy's IoT tables as text, and the indicator code of each measure row with why it
    has no value where it has none (`MissingKind`)."""

    pillar: pd.DataFrame
    scored: pd.DataFrame
    context: pd.DataFrame
    scored_codes: tuple[str, ...]
    context_codes: tuple[str, ...]
    missing: dict[str, MissingKind]
    # the median column the sentences compare with: the peers', else the region's
    compare: tuple[str, Literal["peers", "region"]] | None


# Why a measure has no value: flagged not applicable (cables of a landlocked economy), not in a
# listing (LTE-M/NB-IoT: unknown), or no value from a measurement (unknown).
MissingKind = Literal["not_applicable", "not_listed", "no_data"]


def _missing_kinds(ctx: Context, iso3: str, rows: pd.DataFrame) -> dict[str, MissingKind]:
    from readiness.figures.iot_views import NOT_LISTED

    flags = ctx.snapshot.flags
    na = set(flags.loc[(flags["iso3"] == iso3) & (flags["flag"] == "not_applicable"), "indicator"])
    out: dict[str, MissingKind] = {}
    for code in rows.loc[rows["value"].isna(), "code"].astype(str):
        out[code] = "not_applicable" if code in na else (
            "not_listed" if code in NOT_LISTED else "no_data")  # fmt: skip
    return out


def economy_tables(ctx: Context, iso3: str, lang: str) -> EconomyTables:
    """The economy's IoT pillar score and rank, its pillar indicators and its context indicators
    (text cells), each beside the median of its peers and of its region."""
    from readiness.figures.iot_views import IOT_PILLAR, iot_table, pillar_standing

    peers, region = peer_group(ctx, iso3), group_of(ctx, "itu_region", iso3)
    beside: dict[Literal["peers", "region"], Group | None] = {"peers": peers, "region": region}
    members = {k: list(g.members) if g is not None else [] for k, g in beside.items()}
    snap = ctx.snapshot
    flags = snap.flags[snap.flags["iso3"] == iso3]  # the table notes this economy's flags only
    nearby = _selected_of(ctx, [iso3, *members["peers"], *members["region"]])
    rows = iot_table(snap.catalogue, nearby, flags, ctx.result, iso3,
                     members["peers"], members["region"], lang)  # fmt: skip
    standing = pillar_standing(ctx.result, iso3, members["peers"], members["region"])
    pillar = {
        "Component": ctx.framework.name(IOT_PILLAR),
        "Score": format_score(standing["score"]),
        "Rank": format_rank(standing["rank"]),
        "of": str(int(standing["of"])),
    }
    for kind, g in beside.items():
        if g is not None:
            pillar[f"{short_label(g)}: median"] = _score_median_cell(
                standing[f"{kind}_median"], standing[f"{kind}_scored"], len(members[kind])
            )
    sources = _source_ids(ctx, iso3)
    counts = _counts(ctx, iso3, rows)
    indicators = []
    for r in rows.to_dict("records"):
        code = str(r["code"])
        year = "" if is_missing(r["year"]) else str(int(r["year"]))
        row = {
            "Indicator": str(r["indicator"]),
            "Value": format_value(r["value"]),
            "Unit": str(r["unit"]),
            "Count": counts.get(code, ""),
            "Year": year,
            "Source": sources.get((code, int(year)), "") if year else "",
            "Note": str(r["note"]),
        }
        for kind, g in beside.items():
            if g is not None:
                row[f"{short_label(g)}: median"] = _median_cell(
                    r[f"{kind}_median"], r[f"{kind}_with_data"], len(members[kind])
                )
        indicators.append(row)
    table = pd.DataFrame(indicators)
    index = (rows["role"] == "index").to_numpy()
    codes = rows["code"].astype(str).to_numpy()
    return EconomyTables(
        pd.DataFrame([pillar]),
        _without_empty_count(table[index]),
        _without_empty_count(table[~index]),
        tuple(codes[index]),
        tuple(codes[~index]),
        _missing_kinds(ctx, iso3, rows),
        next(((f"{short_label(g)}: median", kind) for kind, g in beside.items() if g), None),
    )


def _without_empty_count(table: pd.DataFrame) -> pd.DataFrame:
    """The rows renumbered, and without the Count column where no row has a count."""
    if not (table["Count"] != "").any():
        table = table.drop(columns="Count")
    return table.reset_index(drop=True)


def economy_section(ctx: Context, iso3: str, lang: str) -> tuple[Section, ...]:
    """The IoT section of an economy's report; none when the framework has no IoT pillar."""
    if not has_iot(ctx):
        return ()
    t = economy_tables(ctx, iso3, lang)
    name = namer(ctx, lang)
    economy = economy_name(ctx, iso3)
    tables = [Table("IoT pillar score and rank", t.pillar),
              Table("IoT pillar indicators", t.scored)]  # fmt: skip
    if not t.context.empty:
        tables.append(Table("IoT context indicators (not scored)", t.context))
    section = Section(
        SECTION_KEY,
        SECTION_TITLE,
        paragraphs=(body(lang, "iot_intro", economy=name(economy), year=ctx.year),),
        bullets=tuple(economy_findings(t, economy, ctx.year, lang, name)),
        tables=tuple(tables),
    )
    return (section,)


def _number(cell: object) -> Decimal | None:
    """The first figure of a printed cell ("0.34 (10/10)" -> 0.34); None for n/a."""
    head = str(cell).split(" (")[0].replace(",", "")
    try:
        return Decimal(head)
    except InvalidOperation:
        return None


def _side(own: object, other: object, lang: str) -> str:
    """above / below / level with, on the figures as printed."""
    a, b = _number(own), _number(other)
    if a is None or b is None or a == b:
        return drafted_text(lang, "side.level")
    return drafted_text(lang, "side.above" if a > b else "side.below")


def _pillar_finding(tables: EconomyTables, economy: str, year: int, lang: str, name: Namer) -> str:
    row = tables.pillar.iloc[0]
    values = {"economy": name(economy), "pillar": name(str(row["Component"])), "year": year}
    if row["Score"] == MISSING:
        return _t(lang, "pillar_none", **values)
    values.update(score=row["Score"], rank=row["Rank"], n=row["of"])
    if tables.compare is None or row[tables.compare[0]] == MISSING:
        return _t(lang, "pillar", **values)
    column, kind = tables.compare
    return _t(
        lang,
        f"pillar_{kind}",
        median=str(row[column]).split(" (")[0],
        region=name(column.removesuffix(": median")),
        **values,
    )


def _indicator_finding(
    row: pd.Series, code: str, tables: EconomyTables, economy: str, lang: str, name: Namer
) -> str:
    """One measure's sentence: its value and year beside the median, or why it has none."""
    indicator = name(str(row["Indicator"]))
    note = local_numbers(str(row["Note"]), lang)
    missing = tables.missing.get(code)
    if missing == "not_listed":
        key = "lpwa_unlisted" if code == LPWA else "not_listed"
        return _t(lang, key, economy=name(economy), indicator=indicator)
    if missing == "not_applicable":
        return _t(lang, "missing", indicator=indicator, note=note)
    if missing == "no_data":
        return _t(lang, "no_data", indicator=indicator, economy=name(economy))
    if code == LPWA:
        level = min(max(int(to_float(_number(row["Value"]))), 0), 2)
        text = _t(lang, f"lpwa_level_{level}", economy=name(economy), year=row["Year"])
    else:
        count = str(row.get("Count", "") or "")
        unit = str(row["Unit"])
        key = ("value_count" if count else "value") + ("_bare" if unit in row["Indicator"] else "")
        text = _t(lang, key, indicator=indicator, value=row["Value"], unit=name(unit),
                  year=row["Year"], count=count)  # fmt: skip
        if tables.compare is not None and row[tables.compare[0]] != MISSING:
            column, kind = tables.compare
            clause = _t(
                lang,
                f"beside_{kind}",
                side=_side(row["Value"], row[column], lang),
                median=str(row[column]).split(" (")[0],
                region=name(column.removesuffix(": median")),
            )
            text = _t(lang, "joined", text=text, clause=clause)
    return _t(lang, "noted" if note else "sentence", text=text, note=note)


def economy_findings(
    tables: EconomyTables, economy: str, year: int, lang: str, name: Namer
) -> list[str]:
    """The drafted findings of an economy's IoT section, from its tables."""
    out = [_pillar_finding(tables, economy, year, lang, name)]
    for frame, codes in ((tables.scored, tables.scored_codes),
                         (tables.context, tables.context_codes)):  # fmt: skip
        for (_, row), code in zip(frame.iterrows(), codes, strict=True):
            out.append(_indicator_finding(row, code, tables, economy, lang, name))
    return out


# --- the group's section -----------------------------------------------------------------------
def _signed(x: object, share: bool) -> str:
    if is_missing(x):
        return ""
    v = float(x)  # type: ignore[arg-type]
    text = f"{v:.0f}" if share else format_value(v)
    text = "0" if text in ("-0", "-0.00") else text
    return text if text.startswith("-") or text in ("0", "0.00") else f"+{text}"


def _share_cell(value: object, numerator: int | None = None, denominator: int = 0) -> str:
    if is_missing(value):
        return MISSING
    text = f"{float(value):.0f}%"  # type: ignore[arg-type]
    return text if numerator is None else f"{text} ({format_count(numerator, denominator)})"


def _measure_cell(kind: str, value: object) -> str:
    if kind == "share":
        return _share_cell(value)
    if kind == "count":
        return MISSING if is_missing(value) else str(int(to_float(value)))
    return MISSING if is_missing(value) else format_value(value)


def _benchmarks(ctx: Context, group: Group) -> list[tuple[str, str]]:
    """(column of iot_gaps, label) of the world and the high-income economies, bar the group."""
    pairs = (("WORLD", "world"), ("HIC", "high_income"))
    return [(col, short_label(ctx.groups[code])) for code, col in pairs
            if code in ctx.groups and code != group.code]  # fmt: skip


def group_gap_table(ctx: Context, group: Group) -> pd.DataFrame:
    """The group's IoT measures beside the world and high-income economies, with the gaps, the
    members with a value and how many are unknown (readiness.gaps.iot)."""
    from readiness.gaps.iot import iot_gaps

    gaps = {
        str(r["measure"]): r for r in iot_gaps(ctx.snapshot, ctx.year, [group]).to_dict("records")
    }
    label = short_label(group)
    others = _benchmarks(ctx, group)
    rows = []
    for measure, (title, kind) in GROUP_MEASURES.items():
        if measure not in gaps:
            continue
        r = gaps[measure]
        base = int(r["members"] if measure in OF_ALL_MEMBERS else r["known"])
        if kind == "share" and not is_missing(r["value"]) and base:
            own = _share_cell(r["value"], round(to_float(r["value"]) * base / 100), base)
        else:
            own = _measure_cell(kind, r["value"])
        row = {"Measure": title, label: own}
        for col, other in others:
            row[other] = _measure_cell(kind, r[col])
        for col, other in others:
            gap = "" if kind == "count" else _signed(r[f"gap_{col}"], kind == "share")
            row[f"Gap to {other}"] = gap
        row["With a value"] = format_count(int(r["known"]), int(r["members"]))
        row["Unknown"] = str(int(r["unknown"]))
        row["Data year"] = "" if is_missing(r["data_year"]) else str(int(r["data_year"]))
        row["Source"] = str(r["source"])
        rows.append(row)
    return pd.DataFrame(rows)


def group_pillar_table(ctx: Context, group: Group) -> pd.DataFrame:
    """The IoT pillar's mean score of the group beside the world's and high-income economies'."""
    from readiness.figures.iot_views import IOT_PILLAR

    others = [ctx.groups[c] for c in ("WORLD", "HIC") if c in ctx.groups and c != group.code]
    agg = aggregates(ctx, [group, *others])
    agg = agg[agg["code"] == IOT_PILLAR].set_index("group")
    label = short_label(group)
    row = {
        "Component": ctx.framework.name(IOT_PILLAR),
        f"{label}: mean": group_score(agg.loc[group.code]),
        f"{label}: population-weighted": group_score(agg.loc[group.code], "population_weighted"),
        f"{label}: scored": str(agg.loc[group.code, "coverage"]),
    }
    for g in others:
        row[f"{short_label(g)}: mean"] = group_score(agg.loc[g.code])
    return pd.DataFrame([row])


def group_section(ctx: Context, group: Group, lang: str) -> tuple[Section, ...]:
    """The IoT section of a group's report; none when the framework has no IoT pillar."""
    if not has_iot(ctx):
        return ()
    pillar, gaps = group_pillar_table(ctx, group), group_gap_table(ctx, group)
    name = namer(ctx, lang)
    label = short_label(group)
    others = [("world" if col == "world" else "high", other)
              for col, other in _benchmarks(ctx, group)]  # fmt: skip
    section = Section(
        SECTION_KEY,
        SECTION_TITLE,
        paragraphs=(body(lang, "iot_group_intro", group=name(label), year=ctx.year),),
        bullets=tuple(group_findings(pillar, gaps, label, others, lang, name)),
        tables=(
            Table("IoT pillar: group, world and high-income economies", pillar),
            Table("IoT gaps: group, world and high-income economies", gaps),
        ),
    )
    return (section,)


def _split_share(cell: str) -> tuple[str, str, str]:
    """ "64% (28/44)" -> ("64%", "28", "44")."""
    share, _, rest = cell.partition(" (")
    hits, _, base = rest.removesuffix(")").partition("/")
    return share, hits, base


def _against(row: pd.Series, others: Sequence[tuple[str, str]], lang: str, suffix: str = "") -> str:
    """ ", against W for the world and H for high-income economies" from the row's benchmark
    cells (`others`: (kind, column) of the world and high income, as far as the table has
    them); empty when it has none."""
    cells = {kind: f"{row[col]}{suffix}" for kind, col in others if col in row.index
             and str(row[col]) != MISSING and not is_withheld(row[col])}  # fmt: skip
    if not cells:
        return ""
    return _t(lang, "against_" + "_".join(cells), **cells)


def group_findings(
    pillar: pd.DataFrame,
    gaps: pd.DataFrame,
    label: str,
    others: Sequence[tuple[str, str]],
    lang: str,
    name: Namer,
) -> list[str]:
    """The drafted findings of a group's IoT section, from its two tables; `others` are the
    benchmark columns ("world" or "high", label) of the gaps table."""
    out = []
    p = pillar.iloc[0]
    mean = p[f"{label}: mean"]
    if mean != MISSING and not is_withheld(mean):  # a withheld mean: the table says why
        scored, _, members = str(p[f"{label}: scored"]).partition("/")
        means = p.rename(index=lambda c: str(c).removesuffix(": mean"))
        out.append(_t(lang, "group_pillar", pillar=name(str(p["Component"])), mean=mean,
                      scored=scored, members=members,
                      against=_against(means, others, lang)))  # fmt: skip
    rows = {str(r["Measure"]): r for _, r in gaps.iterrows()}
    return out + _group_measure_findings(rows, label, others, lang)


def _row(rows: dict[str, pd.Series], measure: str) -> pd.Series | None:
    return rows.get(GROUP_MEASURES[measure][0])


def _group_measure_findings(
    rows: dict[str, pd.Series], label: str, others: Sequence[tuple[str, str]], lang: str
) -> list[str]:
    out = []
    ixp = _row(rows, "ixp_share")
    if ixp is not None and ixp[label] != MISSING:
        share, hits, base = _split_share(str(ixp[label]))
        out.append(_t(lang, "group_ixp", hits=hits, known=base, share=share,
                      against=_against(ixp, others, lang)))  # fmt: skip
    lpwa = _row(rows, "lpwa_share")
    if lpwa is not None:
        unknown = str(lpwa["Unknown"])
        if lpwa[label] == MISSING:
            out.append(_t(lang, "group_lpwa_none", unknown=unknown))
        else:
            share, hits, base = _split_share(str(lpwa[label]))
            out.append(_t(lang, "group_lpwa", hits=hits, members=base, share=share,
                          unknown=unknown, against=_against(lpwa, others, lang)))  # fmt: skip
    out += _ipv6_findings(rows, label, others, lang)
    for measure, key in (("facilities_per_million", "group_facilities"),
                         ("asn_per_million", "group_networks")):  # fmt: skip
        row = _row(rows, measure)
        if row is not None and row[label] != MISSING:
            out.append(_t(lang, key, value=row[label], against=_against(row, others, lang)))
    cables = _row(rows, "cable_share")
    if cables is not None:
        if cables[label] == MISSING:
            out.append(_t(lang, "group_cables_none"))
        else:
            share, hits, base = _split_share(str(cables[label]))
            out.append(_t(lang, "group_cables", hits=hits, known=base, share=share,
                          against=_against(cables, others, lang)))  # fmt: skip
    return out


def _ipv6_findings(
    rows: dict[str, pd.Series], label: str, others: Sequence[tuple[str, str]], lang: str
) -> list[str]:
    median, low, high = (_row(rows, m) for m in ("ipv6_median", "ipv6_p25", "ipv6_p75"))
    if median is None or median[label] == MISSING:
        return []
    values = {"median": f"{median[label]}%", "against": _against(median, others, lang, "%")}
    if low is not None and high is not None and MISSING not in (low[label], high[label]):
        values.update(low=f"{low[label]}%", high=f"{high[label]}%")
        text = _t(lang, "group_ipv6_quartiles", **values)
    else:
        text = _t(lang, "group_ipv6", **values)
    small = _row(rows, "ipv6_low_sample")
    if small is not None and small[label] not in (MISSING, "0"):
        text = _t(lang, "joined", text=text, clause=_t(lang, "group_ipv6_small", n=small[label]))
    if str(median["Unknown"]) != "0":
        clause = _t(lang, "group_unknown", n=str(median["Unknown"]))
        text = _t(lang, "joined", text=text, clause=clause)
    return [_t(lang, "sentence", text=text)]
