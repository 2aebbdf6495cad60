"""The experiences section of the needs reports: published case studies and their factors.

An economy's section lists the published studies of the economy itself, then those of its peers,
then those elsewhere in its ITU-D region (the most recent REGION_LISTED of them), each with its
place, technology and source, its sector, stage and year, the factors its source reports as
enabling and limiting (coded into the vocabulary of readiness.experiences) and a note where the
source is a company's own or a blog, or the study a plan. Beside them: the factors counted for
the region, enabling beside limiting (`readiness.experiences.counts.factor_counts`), as a table
and a chart. A group's section lists the studies of its members and counts the factors for them.

The studies are the store's published ones, handed in as plain DataFrames through the report's
context (`scoring_context(..., studies=, factors=)`); without them, the committed library. Text
of a study is its source's or its submitter's: it is printed as data (the writers pass every cell
through readiness.uploads.safe), never as markup. The findings are drafted from the section's own
tables (docs/REPORTS.md): every figure in a sentence is a cell or title of those tables.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from readiness.data.groups import Group
from readiness.experiences.counts import factor_counts, split_related, top_factors
from readiness.experiences.studies import list_field
from readiness.experiences.vocabulary import FACTORS, factor_label, sector_label, stage_label
from readiness.i18n import local_figure, translate
from readiness.reports.context import Context, economy_name, group_of, peer_group, short_label
from readiness.reports.drafting import comma_list, namer
from readiness.reports.model import Citation, FigureSpec, Section, Table, format_share
from readiness.uploads.safe import pdf_text

SECTION_KEY = "experiences"
FIGURE_KIND = "factor_counts"  # drawn by readiness.experiences.charts.factor_chart
FIGURE_KEY = "factors"
REGION_LISTED = 5  # studies elsewhere in an economy's region listed in its report, newest first
N_TOP = 3  # factors named per side in the findings
DECK_STUDIES = 3  # studies the workshop deck shows beside the chart
STUDY_SOURCE = "STUDY:"  # citation ids of the studies' sources
_COMPANY = re.compile(r"company|corporate|newsroom", re.IGNORECASE)
_BLOG = re.compile(r"blog", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class Part:
    """The section (none when the report has no place for it) and the studies it lists."""

    sections: tuple[Section, ...]
    studies: pd.DataFrame


def _t(lang: str, key: str, **values: object) -> str:
    """`report_experiences.<key>` in `lang`, its figures written as the language writes them."""
    return translate(
        lang, f"report_experiences.{key}", **{k: local_figure(v, lang) for k, v in values.items()}
    )


# --- what every report of a batch shares ----------------------------------------------------
def published(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published studies (STUDY_COLUMNS) and their coding (CODING_COLUMNS), once per context:
    the context's own, else the committed library coded by its documented rule."""
    key = ("experiences", "published")
    if key not in ctx.memo:
        from readiness.experiences.coding import code_studies
        from readiness.experiences.studies import load_library

        studies = ctx.studies if ctx.studies is not None else load_library()
        if "status" in studies.columns:
            studies = studies[studies["status"].astype(str) == "published"]
        studies = studies.reset_index(drop=True)
        factors = ctx.study_factors if ctx.studies is not None else None
        if factors is None:
            factors = code_studies(studies)
        factors = factors[factors["case_id"].isin(set(studies["case_id"].astype(str)))]
        ctx.memo[key] = (studies, factors.reset_index(drop=True))
    return ctx.memo[key]


def _coded(ctx: Context) -> dict[tuple[str, str], tuple[str, ...]]:
    """(case_id, side) -> the factor codes coded for it, in vocabulary order."""
    key = ("experiences", "coded")
    if key not in ctx.memo:
        _, factors = published(ctx)
        found: dict[tuple[str, str], set[str]] = {}
        for cid, side, factor in zip(
            factors["case_id"], factors["side"], factors["factor"], strict=True
        ):
            found.setdefault((str(cid), str(side)), set()).add(str(factor))
        ctx.memo[key] = {k: tuple(f for f in FACTORS if f in v) for k, v in found.items()}
    return ctx.memo[key]


def members_studies(ctx: Context, members: Sequence[str]) -> pd.DataFrame:
    """The published studies naming any of `members` (a study of several economies once)."""
    studies, _ = published(ctx)
    wanted = set(members)
    return studies[_economy_sets(ctx).map(lambda e: bool(wanted & e))]


def group_counts(ctx: Context, group: Group) -> pd.DataFrame:
    """factor_counts of the studies of the group's members (one key), once per context."""
    key = ("experiences", "counts", group.code, group.members)
    if key not in ctx.memo:
        _, factors = published(ctx)
        ctx.memo[key] = factor_counts(members_studies(ctx, group.members), factors)
    return ctx.memo[key]


# --- tables -----------------------------------------------------------------------------------
def _latest_year(year: object, source_year: object) -> int:
    """The latest year a study names (of the deployment, else of its source); 0 when none."""
    found = re.findall(r"(?:19|20)\d\d", f"{year} {source_year}")
    return max(map(int, found)) if found else 0


def newest_first(studies: pd.DataFrame) -> pd.DataFrame:
    """Studies by their latest year (of the deployment, else of the source), newest first,
    then by case id."""
    years = zip(studies["year"], studies["source_year"], studies["case_id"], strict=True)
    keys = [(-_latest_year(y, s), str(c)) for y, s, c in years]
    return studies.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def flags(row: Mapping[Any, Any]) -> list[str]:
    """The flags of a study: company, blog, plan, submitted (codes of report_experiences.flag)."""
    kind, publisher = str(row.get("source_type", "")), str(row.get("source_publisher", ""))
    out = []
    if _COMPANY.search(kind) or "newsroom" in publisher.lower():
        out.append("company")
    if _BLOG.search(kind) or _BLOG.search(publisher):
        out.append("blog")
    if str(row.get("stage", "")) == "plan":
        out.append("plan")
    if str(row.get("origin", "")) == "submitted":
        out.append("submitted")
    return out


def _text(value: object) -> str:
    """A study's text as plain data: controls removed, runs of white space as one space."""
    return " ".join(pdf_text("" if value is None else value).split())


def study_source(row: Mapping[Any, Any]) -> str:
    """Place and technology, then the source: title (publisher, year), as the source has them."""
    place, tech = _text(row["city_or_region"]), _text(row["technology"])
    study = f"{place}: {tech}" if place and tech else place or tech
    title, publisher, year = (_text(row[c]) for c in
                              ("source_title", "source_publisher", "source_year"))  # fmt: skip
    by = ", ".join(p for p in (publisher, year) if p)
    source = f"{title} ({by})" if by else title
    return ". ".join(p for p in (study, source) if p)


def _labels(codes: Sequence[str], label, lang: str) -> list[str]:
    out = []
    for code in codes:
        try:
            out.append(label(code, lang))
        except Exception:  # a code outside the vocabulary (a hand-edited store): as it is
            out.append(_text(code))
    return out


def study_table(ctx: Context, studies: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per study: economies, study and source, sector-stage-year, factors, note."""
    name, coded = namer(ctx, lang), _coded(ctx)
    col = {k: _t(lang, f"column.{k}") for k in (
        "economy", "study", "sector", "enabling_factors", "limiting_factors", "note")}  # fmt: skip
    none = _t(lang, "none_reported")
    rows = []
    for r in studies.to_dict("records"):
        cid = str(r["case_id"])
        sectors = comma_list(_labels(list_field(r["sectors"]), sector_label, lang), lang)
        stage = _labels([str(r["stage"])], stage_label, lang)[0] if r["stage"] else ""
        when = ", ".join(p for p in (stage, _text(r["year"])) if p)
        factor_names = {
            side: comma_list([factor_label(f, lang) for f in coded.get((cid, side), ())], lang)
            or none
            for side in ("enabling", "limiting")
        }
        rows.append({
            col["economy"]: comma_list([name(economy_name(ctx, i))
                                        for i in list_field(r["economies"])], lang),
            col["study"]: study_source(r),
            col["sector"]: "; ".join(p for p in (sectors, when) if p),
            col["enabling_factors"]: factor_names["enabling"],
            col["limiting_factors"]: factor_names["limiting"],
            col["note"]: comma_list([_t(lang, f"flag.{f}") for f in flags(r)], lang),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(col.values()))


def counts_table(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every vocabulary factor: studies citing it as enabling and as limiting, with their share
    ("15 (58%)"); 0 stays 0."""
    cells = {}
    for side in ("enabling", "limiting"):
        rows = counts[counts["side"] == side].set_index("factor").reindex(list(FACTORS))
        cells[side] = [f"{int(n)} ({format_share(s)})" for n, s in
                       zip(rows["studies"], rows["share"], strict=True)]  # fmt: skip
    return pd.DataFrame({
        _t(lang, "column.factor"): [factor_label(f, lang) for f in FACTORS],
        _t(lang, "column.enabling"): cells["enabling"],
        _t(lang, "column.limiting"): cells["limiting"],
    })  # fmt: skip


def n_studies(counts: pd.DataFrame) -> int:
    return int(counts["n_studies"].max()) if len(counts) else 0


# --- findings ---------------------------------------------------------------------------------
def _cell_parts(cell: str) -> tuple[str, str]:
    """ "15 (58%)" -> ("15", "58%")."""
    n, _, share = cell.partition(" (")
    return n, share.removesuffix(")")


def counts_findings(counts: pd.DataFrame, table: pd.DataFrame, label: str, lang: str) -> list[str]:
    """The most reported factors per side, and the factor both enabling and limiting most often,
    from the counts table's cells as printed."""
    n = n_studies(counts)
    if n == 0:
        return []
    factor_col, enabling_col, limiting_col = table.columns
    by_code = dict(zip(FACTORS, table.to_dict("records"), strict=True))
    out = []
    for side, col in (("enabling", enabling_col), ("limiting", limiting_col)):
        top = top_factors(counts, "all", side, N_TOP)
        if top.empty:
            out.append(_t(lang, f"finding.no_{side}", n=n, group=label))
            continue
        items = []
        for code in top["factor"]:
            studies, share = _cell_parts(str(by_code[code][col]))
            items.append(_t(lang, "finding.item", factor=by_code[code][factor_col],
                            studies=studies, share=share))  # fmt: skip
        out.append(_t(lang, f"finding.{side}", n=n, group=label, factors=comma_list(items, lang)))
    both = counts.pivot_table(index="factor", columns="side", values="studies", aggfunc="sum")
    both = both[(both["enabling"] > 0) & (both["limiting"] > 0)]
    if len(both):
        lowest = both.min(axis=1)
        order = sorted(both.index, key=lambda f: (-lowest[f], FACTORS.index(str(f))))
        row = by_code[str(order[0])]
        out.append(_t(lang, "finding.both", factor=row[factor_col],
                      enabling=_cell_parts(str(row[enabling_col]))[0],
                      limiting=_cell_parts(str(row[limiting_col]))[0]))  # fmt: skip
    return out


def _overview(rows: Sequence[tuple[str, int, int]], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(label, str(published_n), str(listed)) for label, published_n, listed in rows],
        columns=[_t(lang, f"column.{k}") for k in ("studies_of", "published", "listed")],
    )


def _counts_parts(
    ctx: Context, group: Group, label: str, lang: str
) -> tuple[tuple[Table, ...], tuple[FigureSpec, ...], list[str]]:
    """The counts table, its chart and its findings (none when the group has no study), made
    once per context, group and language: a batch's members share their region's."""
    key = ("experiences", "parts", group.code, group.members, label, lang)
    if key not in ctx.memo:
        ctx.memo[key] = _make_counts_parts(group_counts(ctx, group), label, lang)
    tables, figures, findings = ctx.memo[key]
    return tables, figures, list(findings)


def _make_counts_parts(
    counts: pd.DataFrame, label: str, lang: str
) -> tuple[tuple[Table, ...], tuple[FigureSpec, ...], tuple[str, ...]]:
    n = n_studies(counts)
    if n == 0:
        return (), (), ()
    table = counts_table(counts, lang)
    title = _t(lang, "table.counts", n=n, group=label)
    figure = FigureSpec(
        FIGURE_KEY,
        FIGURE_KIND,
        _t(lang, "chart.title", n=n, group=label),
        _t(lang, "chart.caption", group=label),
        counts[["factor", "side", "studies", "n_studies"]].reset_index(drop=True),
    )
    findings = tuple(counts_findings(counts, table, label, lang))
    return (Table(title, table, _t(lang, "note.counts")),), (figure,), findings


def _paragraphs(intro: str, listed: pd.DataFrame, none: str, lang: str) -> tuple[str, ...]:
    if listed.empty:
        return (intro, none)
    flagged = any(set(flags(r)) & {"company", "blog", "plan"} for r in listed.to_dict("records"))
    return (intro, _t(lang, "claims")) if flagged else (intro,)


# --- the sections -----------------------------------------------------------------------------
def economy_part(ctx: Context, iso3: str, lang: str) -> Part:
    """The experiences section of an economy's report and the studies it lists (cited)."""
    name = namer(ctx, lang)
    economy = name(economy_name(ctx, iso3))
    region, peers = group_of(ctx, "itu_region", iso3), peer_group(ctx, iso3)
    region_label = name(short_label(region)) if region is not None else ""
    related = _related(ctx, iso3, peers, region)
    own, of_peers = newest_first(related["own"]), newest_first(related["peers"])
    rest = newest_first(related["region"])
    shown = rest.head(REGION_LISTED)
    overview = _overview([
        (_t(lang, "row.own", economy=economy), len(own), len(own)),
        (_t(lang, "row.peers"), len(of_peers), len(of_peers)),
        (_t(lang, "row.region", region=region_label or "-"), len(rest), len(shown)),
    ], lang)  # fmt: skip
    bullets = [_t(lang, "finding.economy_count", own=len(own), peers=len(of_peers),
                  rest=len(rest), economy=economy, region=region_label or "-")]  # fmt: skip
    tables: list[Table] = [Table(_t(lang, "table.overview"), overview)]
    figures: tuple[FigureSpec, ...] = ()
    if region is not None:
        more, figures, found = _counts_parts(ctx, region, region_label, lang)
        tables += more
        bullets += found
    note = _t(lang, "note.listed", listed=len(shown), total=len(rest)) if len(rest) > len(
        shown) else ""  # fmt: skip
    for key, rows, extra in (("own", own, ""), ("peers", of_peers, ""), ("region", shown, note)):
        if len(rows):
            title = _t(lang, f"table.{key}", economy=economy, region=region_label)
            tables.append(Table(title, study_table(ctx, rows, lang), extra))
    listed = pd.concat([own, of_peers, shown], ignore_index=True)
    intro = _t(lang, "intro_economy", economy=economy, region=region_label or "-")
    none = _t(lang, "none_economy", economy=economy)
    if region is not None and not figures and len(listed):
        none = _t(lang, "none_region", region=region_label)
        paragraphs: tuple[str, ...] = (*_paragraphs(intro, listed, "", lang), none)
    else:
        paragraphs = _paragraphs(intro, listed, none, lang)
    section = Section(SECTION_KEY, _t(lang, "title"), paragraphs=paragraphs,
                      bullets=tuple(bullets), tables=tuple(tables), figures=figures)  # fmt: skip
    return Part((section,), listed)


def _related(
    ctx: Context, iso3: str, peers: Group | None, region: Group | None
) -> dict[str, pd.DataFrame]:
    """The economy's own studies, its peers' and its region's, none repeated
    (readiness.experiences.counts.split_related), with the context's peers and region rather
    than resolving the region once more per member."""
    studies, _ = published(ctx)
    return split_related(
        studies,
        iso3,
        peers=peers.members if peers is not None else (),
        region_members=region.members if region is not None else (),
        economies=_economy_sets(ctx),
    )


def _economy_sets(ctx: Context) -> pd.Series:
    """Each published study's economies as a set, once per context."""
    key = ("experiences", "economy sets")
    if key not in ctx.memo:
        studies, _ = published(ctx)
        ctx.memo[key] = studies["economies"].map(lambda f: frozenset(list_field(f)))
    return ctx.memo[key]


def group_part(ctx: Context, group: Group, lang: str) -> Part:
    """The experiences section of a group's report and the studies it lists (cited)."""
    name = namer(ctx, lang)
    label = name(short_label(group))
    listed = newest_first(members_studies(ctx, group.members)).reset_index(drop=True)
    row = _t(lang, "row.group", group=label)
    tables: list[Table] = [
        Table(_t(lang, "table.overview"), _overview([(row, len(listed), len(listed))], lang))
    ]
    bullets = [_t(lang, "finding.group_count", n=len(listed), group=label)]
    more, figures, found = _counts_parts(ctx, group, label, lang)
    tables += more
    bullets += found
    if len(listed):
        tables.append(Table(_t(lang, "table.group", group=label),
                            study_table(ctx, listed, lang)))  # fmt: skip
    paragraphs = _paragraphs(
        _t(lang, "intro_group", group=label), listed, _t(lang, "none_group", group=label), lang
    )
    section = Section(SECTION_KEY, _t(lang, "title"), paragraphs=paragraphs,
                      bullets=tuple(bullets), tables=tuple(tables), figures=figures)  # fmt: skip
    return Part((section,), listed)


def factor_figure(spec: FigureSpec) -> Any:
    """The factor counts chart of a FigureSpec (readiness.experiences.charts.factor_chart),
    with room on paper for the axis' figures and title; labels in the spec's language."""
    from readiness.experiences.charts import factor_chart
    from readiness.i18n import direction

    lang = str(spec.option("lang", "en"))
    fig = factor_chart(spec.data, lang, title=spec.title)
    axis = _t(lang, "chart.axis")
    fig.update_xaxes(title={"text": html.escape(axis, quote=False)})
    rtl = direction(lang) == "rtl"
    fig.update_layout(
        height=int(fig.layout.height or 540) + 60,
        margin={"l": 20, "r": 20, "t": 80, "b": 70},
        title={"x": 0.98 if rtl else 0.02, "xanchor": "right" if rtl else "left"},
    )
    return fig


def register_chart() -> None:
    """Make `readiness.figures.report_charts.render` draw this section's chart: the figures
    layer cannot import the experiences layer, so the chart's builder is handed to it here."""
    from readiness.figures import report_charts

    report_charts.register(FIGURE_KIND, factor_figure)


register_chart()


def study_tables(section: Section) -> tuple[Table, ...]:
    """The tables of studies of an experiences section: after the overview and, where the section
    has its chart, the counts table."""
    return section.tables[2 if section.figures else 1 :]


def deck_lines(section: Section, n: int = DECK_STUDIES) -> list[str]:
    """The first `n` studies as one line each (economy: study and source; factors) for a deck."""
    lines = []
    for table in study_tables(section):
        for row in table.frame.itertuples(index=False):
            cells = [str(v) for v in row]
            economy, study, note = cells[0], cells[1], cells[-1]
            text = f"{economy}: {study}"
            if note:
                text += f" [{note}]"
            lines.append(text)
    return lines[:n]


def study_citations(studies: pd.DataFrame, lang: str) -> tuple[Citation, ...]:
    """One citation per source of the listed studies (title, publisher, year, URL), naming the
    studies that rest on it."""
    out: dict[str, list[pd.Series]] = {}
    for _, r in studies.iterrows():
        key = _text(r["source_url"]) or _text(r["source_title"])
        out.setdefault(key, []).append(r)
    cited = []
    for rows in out.values():
        first = rows[0]
        submitted = _text(first.get("origin")) == "submitted"  # the submitter's words, not ours
        ids = comma_list(sorted({str(r["case_id"]) for r in rows}), lang)
        producer = ", ".join(
            p for p in (_text(first["source_publisher"]), _text(first["source_year"])) if p
        )
        cited.append(
            Citation(
                f"{STUDY_SOURCE}{first['case_id']}",
                _text(first["source_title"]) or _text(first["case_id"]),
                producer,
                _t(lang, "citation.licence_submitted" if submitted else "citation.licence"),
                _t(lang, "citation.text", ids=ids, kind=_text(first["source_type"]) or "-"),
                _text(first["source_url"]),
            )
        )
    return tuple(cited)


__all__ = [
    "FIGURE_KIND", "SECTION_KEY", "Part", "deck_lines", "economy_part", "group_counts",
    "group_part", "published", "study_citations", "study_tables",
]  # fmt: skip
