"""The figures and tables pages show that depend only on shared inputs, built once per key.

Each builder takes a `Shared` (the data token, method, language and snapshot; see
dashboard/state.py) and the view's own choices (year, measure, group, ...) and returns frozen
figures and tables. dashboard/state.py caches them under all of that, so fifty sessions that
open the same view share one build, read-only: a page shows them and never changes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import written
from readiness.errors import ReadinessError
from readiness.figures import charts, group_views, iot_views, maps, palette, vega_maps, views
from readiness.gaps.analysis import economy_gaps
from readiness.gaps.datagaps import economy_status
from readiness.i18n import flag_text, vega_number_locale
from readiness.index.uncertainty import PUBLISHED_SAMPLES

if TYPE_CHECKING:
    from dashboard.state import Shared

# The world map at screen size: Plotly's 110m shapes (a fifth of the 50m file, drawn in a
# fraction of the time). Economies too small for a 110m shape keep their small-state marker;
# report maps use them too (readiness.figures.report_charts.REPORT_RESOLUTION).
SCREEN_RESOLUTION = 110


@dataclass(frozen=True)
class Chart:
    """A figure and the table behind it (columns already labelled), as the page shows them."""

    figure: go.Figure
    table: pd.DataFrame
    note: str = ""
    spec: dict | None = None  # the same chart as a Vega-Lite spec, where the page draws that


def _map_labels(shared: Shared) -> dict[str, str]:
    return {k: shared.t(f"map.hover.{k}") for k in maps.MAP_LABELS}


def _measures(shared: Shared) -> pd.DataFrame:
    return views.measures(shared.catalogue()).set_index("code")


def world_map(shared: Shared, code: str, year: int, group: str, mode: str) -> Chart:
    """The map page's choropleth of `code` for `year`, `group` highlighted or filtered."""
    snap, measures = shared.snap, _measures(shared)
    table = views.map_table(
        shared.catalogue(), snap.values, shared.result(year), code, shared.names(),
        shared.t("map.computed_source"),
    )  # fmt: skip
    not_applicable = 0
    if code in snap.catalogue.codes:  # an indicator: its flags beside its values
        table, not_applicable = iot_views.map_notes(table, snap.flags, code, shared.lang)
        if not table["note"].any():
            table = table.drop(columns=["note"])
    unit = str(measures.loc[code, "unit"])
    drawing = {
        "title": shared.t("map.chart_title", measure=measures.loc[code, "name"], year=year),
        "unit": unit,
        "points": shared.points(),
        "members": shared.groups(year)[group].members if group else None,
        "mode": mode,
        "reverse": int(measures.loc[code, "direction"]) < 0,
        "labels": _map_labels(shared),
        **maps.map_scale(snap.catalogue, code),
    }
    # The page draws the Vega-Lite map; Plotly's figure is the image a user downloads.
    fig = maps.choropleth(table, resolution=SCREEN_RESOLUTION, **drawing)
    spec = vega_maps.choropleth(table, number_locale=vega_number_locale(shared.lang), **drawing)
    have = int(table["value"].notna().sum())
    note = shared.t("map.coverage", n=have, total=len(table), unit=unit)
    if not_applicable:
        note += " · " + shared.t("iot_profile.map_not_applicable", n=not_applicable)
    shown = table.rename(columns={"note": shared.t("iot_profile.col.note")})
    return Chart(fig, shared.labelled(shown), note, spec)


def _group_names(shared: Shared, year: int | None = None) -> dict[str, str]:
    return {code: shared.t(f"group.{code}") for code in shared.groups(year)}


def gap_targets(shared: Shared, groups: Sequence[str], year: int) -> Chart:
    """Groups' distance to the 2030 targets (heat map), with the world and high income."""
    table, targets = shared.gap_table(), list(shared.gap_inputs().targets.indicators)
    matrix = views.gap_matrix(table, groups, year, targets, "to_go", scale=100)
    fig = charts.heatmap(
        matrix, unit=shared.t("gaps.to_go_unit"), colorscale=palette.GAP_SCALE, zrange=(0, 100)
    )
    return Chart(fig, _gap_rows(shared, views.gaps_at(table, groups, year, targets)))


def _gap_rows(shared: Shared, rows: pd.DataFrame) -> pd.DataFrame:
    """Gap rows as a page shows them: labelled, with the population covered and why a value is
    withheld (readiness.figures.group_views)."""
    return shared.labelled(group_views.with_coverage(rows, shared.lang))


def gap_values(shared: Shared, groups: Sequence[str], year: int, nowcast: bool) -> pd.DataFrame:
    """Each group's value of each 2030 target indicator with its data year, the population it
    covers and why a value is withheld; with `nowcast`, the nowcast to `year` (an estimate)."""
    targets = list(shared.gap_inputs().targets.indicators)
    table = group_views.group_values(
        shared.gap_table(), groups, year, targets, shared.lang, nowcast
    )
    return shared.labelled(table)


def gap_benchmarks(
    shared: Shared, groups: Sequence[str], year: int, level: str, against: str
) -> Chart:
    """Groups against the world or high income at one level (index, pillar or indicator)."""
    table, inputs = shared.gap_table(), shared.gap_inputs()
    codes = [c for c, lv in zip(inputs.codes, inputs.levels, strict=True) if lv == level]
    matrix = views.gap_matrix(table, groups, year, codes, against)
    fig = charts.heatmap(
        matrix, unit=shared.t("gaps.gap_unit"), colorscale=palette.DIVERGING, reverse=True,
        zmid=0, digits=1,
    )  # fmt: skip
    return Chart(fig, _gap_rows(shared, views.gaps_at(table, groups, year, codes)))


def gap_over_time(shared: Shared, groups: Sequence[str], code: str) -> Chart:
    """One measure's group values over the reference years."""
    measures = _measures(shared)
    trend = views.gap_over_time(shared.gap_table(), groups, code)
    fig = charts.lines(
        trend, x="reference_year", y="weighted", series="group_label",
        title=measures.loc[code, "name"], unit=str(measures.loc[code, "unit"]),
    )  # fmt: skip
    return Chart(fig, shared.labelled(trend))


def gap_pace(shared: Shared, groups: Sequence[str], year: int) -> pd.DataFrame:
    """Each group's pace towards each 2030 target (labelled table)."""
    targets = list(shared.gap_inputs().targets.indicators)
    pace = views.gaps_at(shared.gap_table(), groups, year, targets)[
        ["group_label", "measure", "weighted", "target", "trend", "trend_from", "trend_to",
         "reach_year", "outlook", "required_pace", "coverage"]
    ]  # fmt: skip
    return shared.labelled(pace)


def gap_regions(shared: Shared, year: int) -> Chart:
    """ITU-D regions on the index, pillars and targeted indicators (heat map)."""
    table, inputs = shared.gap_table(), shared.gap_inputs()
    regions = [g for g in _group_names(shared, year) if g.startswith("ITU_")]
    aggregates = [c for c, lv in zip(inputs.codes, inputs.levels, strict=True) if lv != "indicator"]
    codes = [*aggregates, *inputs.targets.indicators]
    matrix = views.gap_matrix(table, regions, year, codes, "weighted")
    fig = charts.heatmap(matrix, unit=shared.t("gaps.value_unit"), digits=0)
    return Chart(fig, _gap_rows(shared, views.gaps_at(table, regions, year, codes)))


def gap_map(shared: Shared, year: int, code: str) -> Chart:
    """Every economy's gap to the 2030 target of `code` on the world map."""
    measures = _measures(shared)
    rows = views.economy_gap_map(
        economy_gaps(shared.gap_inputs(), year, codes=[code]), shared.names(),
        shared.t("gaps.band"),
    )  # fmt: skip
    fig = maps.choropleth(
        rows,
        title=shared.t("gaps.map_title", measure=measures.loc[code, "name"], year=year),
        unit=str(measures.loc[code, "unit"]),
        points=shared.points(),
        colorscale=palette.GAP_SCALE,
        labels={**_map_labels(shared), "value": shared.t("gaps.gap")},
        resolution=SCREEN_RESOLUTION,
    )
    return Chart(fig, shared.labelled(rows.drop(columns=["note"])))


def coverage_map(shared: Shared, year: int, group: str, scope: str) -> Chart:
    """The data year of every indicator for every member of `group` (heat map)."""
    catalogue, names = shared.catalogue(), shared.names()
    codes = (
        [i.code for i in catalogue.index_indicators()]
        if scope == "index"
        else list(catalogue.codes)
    )
    members = names[names.index.isin(shared.groups(year)[group].members)]
    matrix = views.coverage_matrix(catalogue, shared.snap.values, year, members, codes)
    fig = charts.heatmap(matrix, unit=shared.t("data.data_year"), digits=0, thousands=False)
    return Chart(fig, matrix.reset_index())


def profile_groups(shared: Shared, iso3: str, year: int) -> Chart:
    """An economy's index and pillar scores beside those of its groups (bars)."""
    result, name = shared.result(year), shared.names()[iso3]
    group_names = _group_names(shared, year)
    comparison = views.group_comparison(result, iso3, shared.groups(year), name, group_names)
    simple = comparison[comparison["weighting"].isin(["", "simple"])]
    fw = result.framework
    long = simple.melt(
        id_vars=["group"], value_vars=[fw.index_code, *fw.pillars], var_name="code",
        value_name="score",
    )  # fmt: skip
    long["measure"] = long["code"].map(lambda c: fw.by_code[c].name)
    fig = charts.bars(
        long, category="measure", value="score", series="group", unit=shared.t("profile.score")
    )
    shown = comparison.assign(
        kind=shared.translated(comparison["kind"], "profile.kind"),
        weighting=shared.translated(comparison["weighting"], "profile.weighting"),
    )
    return Chart(fig, shared.labelled(shown))


def profile_trend(shared: Shared, iso3: str) -> Chart:
    """An economy's index and pillar scores over the reference years (lines)."""
    trend = views.economy_trend(shared.results_by_year(), iso3)
    fig = charts.lines(
        trend, x="reference_year", y="score", series="name", unit=shared.t("profile.score")
    )
    return Chart(fig, shared.labelled(trend))


@dataclass(frozen=True)
class RankSummary:
    """How the session's method moves the ranks: counts, and the top ten as shown and as
    downloaded."""

    scored: int
    moved: int
    largest: int
    top: pd.DataFrame  # labelled, numbers as numbers (downloads)
    top_written: pd.DataFrame  # labelled, numbers as the language writes them (st.table)


def method_summary(shared: Shared, year: int) -> RankSummary:
    changes = views.rank_change(shared.default_result(year), shared.result(year), shared.names())
    moved = changes[changes["change"].fillna(0) != 0]
    top = shared.labelled(changes.head(10)[["rank", "name", "index", "default_rank", "change"]])
    return RankSummary(
        int(changes["rank"].notna().sum()),
        len(moved),
        int(moved["change"].abs().max()) if len(moved) else 0,
        top,
        written(top, lang=shared.lang),
    )


def method_ranks(shared: Shared, year: int) -> Chart:
    """Every economy's rank under the session's method against the published default."""
    changes = views.rank_change(shared.default_result(year), shared.result(year), shared.names())
    fig = charts.rank_shift(
        changes,
        labels={"default": shared.t("method.default_rank"), "new": shared.t("method.new_rank")},
    )
    return Chart(fig, shared.labelled(changes))


def method_tree(shared: Shared, year: int) -> Chart:
    """The framework as a sunburst of effective weights, with the weights table."""
    result = shared.result(year)
    fig = charts.sunburst(views.framework_tree(result, palette.CATEGORICAL))
    return Chart(fig, shared.labelled(views.weights_table(result)))


def method_sensitivity(shared: Shared, year: int, n: int) -> Chart:
    """Each uncertain choice's share of the variance of ranks (Monte Carlo, `n` samples)."""
    unc = shared.uncertainty(year, n)
    sens = unc.sensitivity.assign(
        first_order=unc.sensitivity["first_order"] * 100,
        factor=unc.sensitivity["factor"].map(lambda f: shared.t(f"method.factor_{f}")),
    )
    fig = charts.bars(
        sens, category="factor", value="first_order", unit=shared.t("method.share_variance")
    )
    return Chart(fig, shared.labelled(sens))


def method_intervals(shared: Shared, year: int, n: int, iso3: str) -> Chart:
    """Every economy's rank interval (Monte Carlo, `n` samples), `iso3` highlighted."""
    intervals = shared.uncertainty(year, n).ranks.reset_index()
    fig = charts.rank_intervals(
        intervals,
        highlight=[shared.names()[iso3]],
        labels={"nominal": shared.t("method.rank"), "interval": shared.t("method.interval")},
    )
    return Chart(fig, shared.labelled(intervals))


def profile_scores(shared: Shared, iso3: str, year: int) -> pd.DataFrame:
    """An economy's index and pillar scores, ranks, coverage, tier and rank interval."""
    intervals = shared.uncertainty(year, PUBLISHED_SAMPLES).ranks
    return views.profile_scores(shared.result(year), iso3, intervals)


@dataclass(frozen=True)
class Metric:
    """One figure of a metrics row, written in the view's language, as `st.metric` takes it."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    width: str = "stretch"


@dataclass(frozen=True)
class Headline:
    """An economy's headline (index score, rank, rank interval, tier) and pillar figures.

    `not_scored` is the warning shown instead of the headline when the index has no score.
    """

    not_scored: str
    index: tuple[Metric, ...]
    pillars: tuple[Metric, ...]


def profile_headline(shared: Shared, iso3: str, year: int) -> Headline:
    """The profile's two rows of figures, formatted once for every session that shows them."""
    from readiness.i18n import format_number, format_percent, translate_term

    def number(value: float) -> str:
        return format_number(value, shared.lang, 1)

    scores = profile_scores(shared, iso3, year)
    rows = scores.to_dict("records")
    top, pillars = rows[0], rows[1:]
    index: tuple[Metric, ...] = ()
    not_scored = ""
    if pd.isna(top["score"]):
        not_scored = shared.t(
            "profile.not_scored", coverage=format_percent(top["coverage"], shared.lang, 0)
        )
    else:
        ranked = {"rank": top["rank"], "of": top["of"]}
        # The rank stays short enough for a quarter of the page in every language (the sentence
        # "第 120 位（共 194 个）" was cut at 1400 px); the full wording is its help. The tier's
        # name is the longest value ("Формирующийся"): it stretches, the numbers take their
        # width, and the row wraps where the page is too narrow.
        index = (
            Metric(shared.t("profile.index_score"), number(top["score"]), width="content"),
            Metric(
                shared.t("profile.rank"), shared.t("profile.rank_short", **ranked),
                help=shared.t("profile.rank_help", **ranked), width="content",
            ),
            Metric(
                shared.t("profile.rank_interval"),
                shared.t("profile.interval", lo=f"{top['rank_p05']:.0f}",
                         hi=f"{top['rank_p95']:.0f}"),
                help=shared.t("profile.rank_interval_help"), width="content",
            ),
            Metric(shared.t("profile.tier"), translate_term(shared.lang, "tier", top["tier"])),
        )  # fmt: skip

    def pillar(row: dict) -> Metric:
        if pd.isna(row["score"]):
            return Metric(row["name"], "—", shared.t("profile.not_scored_short"))
        rank = shared.t("profile.rank_of", rank=row["rank"], of=row["of"])
        return Metric(row["name"], number(row["score"]), rank)

    figures = tuple(pillar(row) for row in pillars)
    return Headline(not_scored, index, figures)


def profile_indicators(shared: Shared, iso3: str, year: int) -> pd.DataFrame:
    """An economy's indicators: value, year, source, score and gap to target (labelled)."""
    result = shared.result(year)
    indicators = views.with_gaps(
        views.indicator_table(result, iso3, shared.catalogue(), shared.snap.values),
        economy_gaps(shared.gap_inputs(), year, [iso3], codes=list(result.framework.indicators)),
    )
    return shared.labelled(indicators)


@dataclass(frozen=True)
class DataGaps:
    """An economy's data gaps for a year: counts by status, and the table of what is missing."""

    counts: dict[str, int]
    complete: bool
    table: pd.DataFrame


def profile_data_gaps(shared: Shared, iso3: str, year: int) -> DataGaps:
    """How many of an economy's indicators are reported, estimated or missing, and which."""
    status = economy_status(shared.gap_inputs(), [year], [iso3])
    counts = views.status_counts(status)
    table = views.data_gap_table(status, shared.catalogue())
    table = table.assign(status=shared.translated(table["status"], "profile.status"))
    return DataGaps(counts, counts["reported"] == len(status), shared.labelled(table))


def profile_scores_table(shared: Shared, iso3: str, year: int) -> pd.DataFrame:
    """The scores' table as it is downloaded (labelled)."""
    return shared.labelled(profile_scores(shared, iso3, year))


@dataclass(frozen=True)
class Strengths:
    """An economy's strongest and weakest indicators: each list's lines, and the table."""

    lines: dict[str, list[str]]  # "strength" / "weakness" -> its list's lines, as written
    table: pd.DataFrame  # labelled, for the downloads


def profile_strengths(shared: Shared, iso3: str, year: int) -> Strengths:
    """An economy's three strongest and weakest indicators among all, named in the language."""
    sw = views.strengths_weaknesses(shared.strengths(year), iso3)
    names = shared.catalogue().names()
    sw = sw.assign(
        indicator_name=[
            names.get(c, n) for c, n in zip(sw["indicator"], sw["indicator_name"], strict=True)
        ]
    )
    lines = {
        kind: [
            shared.t("profile.sw_line", indicator=row.indicator_name, rank=row.rank, of=row.of,
                     score=f"{row.score:.0f}")
            for row in sw[sw["kind"] == kind].itertuples()
        ]
        for kind in ("strength", "weakness")
    }  # fmt: skip
    return Strengths(lines, shared.labelled(sw))


@dataclass(frozen=True)
class Peers:
    """An economy's most similar economies (the peer finder) as the profile shows them."""

    table: pd.DataFrame  # labelled, roles in the language
    codes: list[str]  # the economy and its five nearest peers, for the comparison page


def profile_peers(shared: Shared, iso3: str, year: int) -> Peers | None:
    """None where too few comparison features are known (e.g. for the Channel Islands)."""
    try:
        found = shared.peers(iso3, year)
    except ReadinessError:
        return None
    table = views.peer_table(found.table)
    table["role"] = shared.translated(table["role"], "profile.role")
    codes = [iso3, *found.table.loc[found.table["role"] == "peer", "iso3"].head(5)]
    return Peers(shared.labelled(table), codes)


@dataclass(frozen=True)
class DataTables:
    """The data page's tables, labelled in the language: catalogue, coverage, sources, and
    the series considered and left out."""

    catalogue: pd.DataFrame
    coverage: pd.DataFrame
    sources: pd.DataFrame
    excluded: pd.DataFrame
    citations: str  # one paragraph a source, ready to paste as a report's references
    flags: pd.DataFrame  # values shown with a caution, and measures that do not apply


def data_tables(shared: Shared) -> DataTables:
    catalogue = shared.catalogue()
    table = catalogue.table().rename(columns={"name": "indicator_name"})
    table["role"] = shared.translated(table["role"], "data.role")
    licence = shared.t("layout.licence")
    licence = licence[:1].upper() + licence[1:]  # it begins a sentence here
    citations = "\n\n".join(
        src.citation if src.licence in src.citation
        else f"{src.citation} {licence}: {src.licence}."
        for src in catalogue.sources
    )  # fmt: skip
    flags = shared.snap.flags
    not_applicable = flags.loc[flags["flag"] == "not_applicable", "indicator"].unique()
    sources = views.sources_table(catalogue, not_applicable)
    sources["absence"] = [shared.t(f"data.absence.{a}") if a else "" for a in sources["absence"]]
    return DataTables(
        shared.labelled(table),
        shared.labelled(shared.snap.coverage),
        shared.labelled(sources),
        shared.labelled(pd.DataFrame(list(catalogue.excluded))),
        citations,
        shared.labelled(_flag_table(shared, flags)),
    )


def _flag_table(shared: Shared, flags: pd.DataFrame) -> pd.DataFrame:
    """Each flag as the economy, indicator, year and the flag's text in the language."""
    names, measures = shared.names(), _measures(shared)["name"]
    return pd.DataFrame(
        {
            "name": flags["iso3"].map(lambda c: names.get(c, c)).to_numpy(),
            "indicator": flags["indicator"].map(lambda c: measures.get(c, c)).to_numpy(),
            "year": flags["year"].to_numpy(),
            "flag": [
                flag_text(shared.lang, f, d)
                for f, d in zip(flags["flag"], flags["detail"], strict=True)
            ],
        }
    )


def comparison(
    shared: Shared,
    view: str,
    picked: tuple[str, ...],
    group_codes: tuple[str, ...],
    code: str,
    year: int,
    axes: str = "",
) -> Chart:
    """The compare page's chart of economies and groups: bars of `code` in `year`, a radar or
    heat map of the pillars (or of `axes`' indicators), or `code` over the years ("time")."""
    result, catalogue, values = shared.result(year), shared.catalogue(), shared.snap.values
    names, group_names = shared.names(), _group_names(shared, year)
    chosen = [shared.groups(year)[g] for g in group_codes]
    measures = _measures(shared)
    name, unit = measures.loc[code, "name"], str(measures.loc[code, "unit"])
    picked_list = list(picked)
    if view == "time":
        table = views.compare_over_time(
            shared.results_by_year(), catalogue, values, picked_list, chosen, code, names,
            group_names,
        )  # fmt: skip
        fig = charts.lines(
            table, x="reference_year", y="value", series="who", title=name, unit=unit
        )
        return Chart(fig, shared.labelled(table))
    if view == "bars":
        table = views.compare_at(
            result, catalogue, values, picked_list, chosen, [code], names, group_names
        )
        fig = charts.bars(
            table, category="who", value="value", title=f"{name}, {year}", unit=unit,
            accent=table.loc[table["kind"] == "group", "who"].tolist(),
        )  # fmt: skip
        return Chart(fig, shared.labelled(table))
    fw = result.framework
    if axes:
        axis_codes = [c for c in fw.indicators if fw.by_code[c].parent == axes]
    else:
        axis_codes = [*([fw.index_code] if view == "heatmap" else []), *fw.pillars]
    table = views.compare_at(
        result, catalogue, values, picked_list, chosen, axis_codes, names, group_names,
        normalised=True,
    )  # fmt: skip
    if view == "radar":
        subject = fw.by_code[axes].name if axes else shared.t("compare.axes_pillars")
        fig = charts.radar(
            table, axis="measure", value="value", series="who",
            title=shared.t("compare.radar_title", subject=subject, year=year),
        )  # fmt: skip
    else:
        matrix = table.pivot_table(index="who", columns="measure", values="value", sort=False)
        fig = charts.heatmap(matrix, unit=shared.t("compare.score"), zrange=(0, 100), digits=1)
    return Chart(fig, shared.labelled(table))
