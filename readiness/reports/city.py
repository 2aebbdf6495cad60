"""A city's report (Word or PDF) in the six UN languages: its U4SSC KPIs, scores, national context
and sources, from the store (readiness.store) and the city framework (readiness.cities).

`city_report(store, city_id, lang, year, snapshot) -> Report` builds it in the language: the
city, its country and the reference year; a summary drafted from the report's own tables (every
figure in it is a cell of a table, docs/REPORTS.md); dimension and sub-dimension scores with the
KPIs reported (core, advanced) and scored; each reported KPI with its value, unit, year, target
and where the target comes from, band, data quality and how far its definition is verified; the
KPIs not reported (missing, never 0); the country's readiness index, rank, tier and IoT pillar,
and the national values of the indicators that match a city KPI; and the sources. A city with no
values yet gets a short report that says so. `city_report_bytes` writes it as .docx or .pdf
with the existing writers (no charts, so no browser is needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from readiness.cities.kpis import load_kpis, verification_counts
from readiness.cities.master import fold
from readiness.cities.national import NationalContext, national_context
from readiness.cities.scoring import CityScore, score_city
from readiness.errors import ReadinessError
from readiness.i18n import direction, local_figure, normal_language
from readiness.reports.citations import citations
from readiness.reports.city_sections import (
    Refs,
    completeness_frame,
    kpi_frames,
    labelled,
    level_frame,
    missing_frame,
    national_tables,
    of_text,
    t,
    verification_note,
)
from readiness.reports.context import Context, value_sources
from readiness.reports.drafting import join_sentences
from readiness.reports.localise import ltr_runs_marked, numbers_written, phrasebook_of
from readiness.reports.model import Citation, KeyFigure, Report, Section, Subject, Table

CITY_FORMATS = ("docx", "pdf")
BOUNDARIES = "BOUNDARIES"  # the map boundaries other reports cite; a city report draws no map


def draft(lang: str, key: str, **values: object) -> str:
    """A drafted sentence (`city_report.text.<key>`), each figure written as the language does."""
    return t(lang, f"text.{key}", **{k: local_figure(v, lang) for k, v in values.items()})


@dataclass(frozen=True, eq=False)
class CityFacts:
    """What the sections are built from."""

    city: Any  # readiness.store.cities.City
    country: str  # the country's name in the report's language
    lang: str
    year: int  # the reference year
    score: CityScore | None  # None: no value at or before the reference year
    has_values: bool  # whether the city has any value (of any year)
    national: NationalContext | None
    national_why: str  # why there is no national context, or that it is of another year
    ctx: Context  # the snapshot and its scored year (for names, units and citations)
    book: dict[str, str]  # English names -> the language's (phrasebook)


def reference_year(values: pd.DataFrame, year: int | None, snapshot: Any) -> int:
    """The year asked for, else the latest year of the city's values, else the data's latest."""
    if year is not None:
        try:
            return int(year)
        except (TypeError, ValueError):
            raise ReadinessError(f"'{year}' is not a year; give a year such as 2020") from None
    if len(values):
        return int(values["year"].max())
    return int(snapshot.latest_year)


def _context(snapshot: Any, year: int) -> Context:
    """The index of one year as a reports Context (no Monte Carlo, groups or gap analytics:
    the city report shows the country's score, rank and tier, which need none of them)."""
    from readiness.index.engine import score_snapshot

    result = score_snapshot(year, snapshot=snapshot)
    return Context(snapshot, year, result.method, result, pd.DataFrame(), {}, pd.DataFrame())


def _national(
    iso3: str, year: int, snapshot: Any, lang: str
) -> tuple[NationalContext | None, str, Context]:
    from readiness.index.inputs import snapshot_inputs

    first = int(snapshot_inputs(snapshot)[2].years[0])
    latest = int(snapshot.latest_year)
    ctx = _context(snapshot, min(max(year, first), latest))
    known = iso3 in set(snapshot.countries["iso3"])
    if not known:
        return None, draft(lang, "national_missing", iso3=iso3), ctx
    if year < first:
        return None, draft(lang, "national_early", first=first, year=year), ctx
    national = national_context(iso3, ctx.year, snapshot, ctx.result)
    later = draft(lang, "national_later", latest=latest) if year > latest else ""
    return national, later, ctx


def _facts(store: Any, city_id: int, lang: str, year: int | None, snapshot: Any) -> CityFacts:
    from readiness.data.snapshot import load_snapshot

    city = store.get_city(city_id)
    values = store.values(city.id)
    snapshot = snapshot if snapshot is not None else load_snapshot()
    ref = reference_year(values, year, snapshot)
    dated = values[values["year"] <= ref] if len(values) else values
    score = score_city(values, store.targets(city.id), ref) if len(dated) else None
    national, why, ctx = _national(city.iso3, ref, snapshot, lang)
    book = phrasebook_of(ctx, lang)
    english = snapshot.name(city.iso3)
    country = book.get(english, english) if english != city.iso3 else city.iso3
    return CityFacts(city, country, lang, ref, score, len(values) > 0, national, why, ctx, book)


# --- sections ---------------------------------------------------------------------------------
def _cell(frame: pd.DataFrame, key: str, column: str) -> str:
    return str(frame.loc[frame["key"] == key, column].iloc[0])


def _summary(
    f: CityFacts, done: pd.DataFrame | None, dims: pd.DataFrame | None, nat: pd.DataFrame | None
) -> tuple[str, ...]:
    """The summary's paragraphs, every figure read from the tables' cells as printed."""
    lang, name = f.lang, f.city.name
    if done is None or dims is None:
        key = "empty_year" if f.has_values else "empty"
        first = draft(lang, key, city=name, country=f.country, year=f.year)
        paragraphs = [join_sentences(lang, [first, draft(lang, "empty_how")])]
    else:
        sentences = [
            draft(lang, "summary_values", city=name, country=f.country, year=f.year,
                  reported=_cell(done, "all", "reported"), total=_cell(done, "all", "kpis"),
                  core=_cell(done, "Core", "reported"), core_total=_cell(done, "Core", "kpis")),
        ]  # fmt: skip
        scored = _cell(done, "all", "scored")
        sentences.append(
            draft(lang, "summary_scored", scored=scored) if scored != "0"
            else draft(lang, "summary_none_scored")
        )  # fmt: skip
        for r in dims[dims["scored"] != "0"].to_dict("records"):
            values = {k: r[k] for k in ("dimension", "score", "scored", "reported")}
            sentences.append(draft(lang, "summary_dimension", **values))
        paragraphs = [join_sentences(lang, sentences)]
    paragraphs.append(_national_sentence(f, nat))
    return tuple(p for p in paragraphs if p)


def _national_sentence(f: CityFacts, nat: pd.DataFrame | None) -> str:
    lang = f.lang
    if f.national is None or nat is None:
        return f.national_why
    year = f.national.year
    if math.isnan(f.national.index):
        text = draft(lang, "national_unscored", country=f.country, year=year)
    else:
        text = draft(lang, "national_scores", country=f.country, year=year,
                     index=_cell(nat, "index", "value"), rank=_cell(nat, "rank", "value"),
                     tier=_cell(nat, "tier", "value"))  # fmt: skip
    return join_sentences(lang, [text, f.national_why] if f.national_why else [text])


def _score_sections(f: CityFacts, refs: Refs) -> tuple[list[Section], pd.DataFrame, pd.DataFrame]:
    assert f.score is not None
    lang = f.lang
    done = completeness_frame(f.score, lang)
    dims = level_frame(f.score, "dimension", lang)
    subs = level_frame(f.score, "sub_dimension", lang)
    completeness = draft(
        lang, "completeness", reported=_cell(done, "all", "reported"),
        total=_cell(done, "all", "kpis"), core=_cell(done, "Core", "reported"),
        core_total=_cell(done, "Core", "kpis"), advanced=_cell(done, "Advanced", "reported"),
        advanced_total=_cell(done, "Advanced", "kpis"), scored=_cell(done, "all", "scored"),
    )  # fmt: skip
    scores = Section(
        "scores",
        t(lang, "section.scores"),
        paragraphs=(completeness, t(lang, "text.method")),
        tables=(
            Table(t(lang, "table.completeness"), labelled(done.drop(columns="key"), lang)),
            Table(t(lang, "table.dimensions"), labelled(dims, lang)),
            Table(t(lang, "table.sub_dimensions"), labelled(subs, lang)),
        ),
    )
    kpi_tables = tuple(
        Table(t(lang, "table.kpis", dimension=dim), labelled(frame, lang))
        for dim, frame in kpi_frames(f.score, refs, lang)
    )
    kpis = Section(
        "kpis",
        t(lang, "section.kpis"),
        paragraphs=(t(lang, "text.kpis_intro"), verification_note(lang)),
        tables=kpi_tables,
    )
    missing = missing_frame(f.score, lang)
    absent = Section(
        "missing",
        t(lang, "section.missing"),
        paragraphs=(draft(lang, "missing_intro", city=f.city.name),),
        tables=(Table(t(lang, "table.missing"), labelled(missing, lang)),),
    )
    return [scores, kpis, absent], done, dims


def _national_section(f: CityFacts) -> tuple[Section, pd.DataFrame | None]:
    lang = f.lang
    title = t(lang, "section.national")
    if f.national is None:
        return Section("national", title, paragraphs=(f.national_why,)), None
    names = _source_names(f)
    scores, _, tables = national_tables(f.national, f.score, lang, f.book, names)
    intro = t(lang, "text.national_intro")
    paragraphs = (intro, f.national_why) if f.national_why else (intro,)
    return Section("national", title, paragraphs=paragraphs, tables=tables), scores


def _source_names(f: CityFacts) -> dict[str, str]:
    """Source id -> its name in the catalogue (the name its citation shows)."""
    assert f.national is not None
    out = {}
    for sid in set(f.national.indicators["source"]):
        try:
            out[str(sid)] = f.ctx.snapshot.catalogue.source(str(sid)).name
        except ReadinessError:
            out[str(sid)] = str(sid)
    return out


def _key_figures(
    f: CityFacts, done: pd.DataFrame | None, nat: pd.DataFrame | None
) -> tuple[KeyFigure, ...]:
    lang = f.lang
    figures = [
        KeyFigure(t(lang, "key.city"), f.city.name),
        KeyFigure(t(lang, "key.country"), f.country),
        KeyFigure(t(lang, "key.year"), str(f.year)),
    ]
    if done is not None:
        figures += [
            KeyFigure(t(lang, "key.reported"),
                      of_text(lang, _cell(done, "all", "reported"), _cell(done, "all", "kpis"))),
            KeyFigure(t(lang, "key.core"),
                      of_text(lang, _cell(done, "Core", "reported"), _cell(done, "Core", "kpis"))),
            KeyFigure(t(lang, "key.scored"), _cell(done, "all", "scored")),
        ]  # fmt: skip
    else:
        figures.append(KeyFigure(t(lang, "key.reported"), t(lang, "text.none_yet")))
    if nat is not None and f.national is not None:
        note = str(f.national.year)
        figures += [
            KeyFigure(t(lang, "key.index"), _cell(nat, "index", "value"), note),
            KeyFigure(t(lang, "key.rank"), _cell(nat, "rank", "value"), note),
        ]
    return tuple(figures)


# --- sources ----------------------------------------------------------------------------------
def _kpi_pages(lang: str, catalogue_entry: Citation | None) -> Citation:
    """The ITU pages the KPI list was checked against (data/u4ssc/kpis.csv `source_url`)."""
    urls: list[str] = []
    for cell in load_kpis()["source_url"]:
        for url in str(cell).split(";"):
            if url.strip() and url.strip() not in urls:
                urls.append(url.strip())
    counts = verification_counts()
    return Citation(
        "U4SSC_PAGES",
        t(lang, "cite.pages_name"),
        catalogue_entry.producer if catalogue_entry else "ITU / U4SSC",
        catalogue_entry.licence if catalogue_entry else "",
        t(lang, "cite.pages_citation", full=counts["primary_full"],
          named=counts["primary_code_and_name"] + counts["primary_name_and_category"],
          secondary=counts["secondary_two_sources"]),
        " ".join(urls),
    )  # fmt: skip


def _catalogue(ctx: Context, sids: list[str]) -> list[Citation]:
    return [c for c in citations(ctx, sids) if c.source != BOUNDARIES]


def _citations(f: CityFacts, refs: Refs) -> tuple[Citation, ...]:
    lang, name = f.lang, f.city.name
    u4ssc = _catalogue(f.ctx, ["U4SSC_KPIS"])
    out = [*u4ssc, _kpi_pages(lang, u4ssc[0] if u4ssc else None)]
    for (kind, text, url), tag in refs.targets.items():
        if kind == "reference":
            out.append(Citation(f"TARGET_{tag}", f"[{tag}] {t(lang, 'cite.target_reference')}",
                                t(lang, "cite.target_producer"), t(lang, "cite.target_licence"),
                                text, url))  # fmt: skip
        else:
            out.append(Citation(f"TARGET_{tag}", f"[{tag}] {t(lang, 'cite.target_user')}",
                                t(lang, "cite.city_producer", city=name),
                                t(lang, "cite.city_licence"),
                                text or t(lang, "cite.no_source"), url))  # fmt: skip
    for text, tag in refs.sources.items():
        cited = t(lang, "cite.city_citation", n=refs.source_counts[text], city=name)
        producer = t(lang, "cite.city_producer", city=name)
        licence = t(lang, "cite.city_licence")
        out.append(Citation(f"CITY_{tag}", f"[{tag}] {text}", producer, licence, cited))
    if f.city.geonameid is not None:
        out += _catalogue(f.ctx, ["GEONAMES"])
    if f.national is not None:
        sids = set(f.national.indicators["source"].astype(str))
        sids |= set(value_sources(f.ctx, [f.national.iso3])["source"].dropna().astype(str))
        out += _catalogue(f.ctx, sorted(s for s in sids if s))
    return tuple(out)


# --- the report -------------------------------------------------------------------------------
def city_report(
    store: Any, city_id: int, lang: str = "en", year: int | None = None, snapshot: Any = None
) -> Report:
    """The report of one stored city in `lang` for the reference `year` (default: the year of
    its latest value); `snapshot` is the national data (default: the shipped snapshot)."""
    lang = normal_language(lang)
    f = _facts(store, city_id, lang, year, snapshot)
    refs = Refs()
    sections: list[Section] = []
    done: pd.DataFrame | None = None
    dims: pd.DataFrame | None = None
    if f.score is not None:
        sections, done, dims = _score_sections(f, refs)
    national, nat = _national_section(f)
    summary = Section("summary", t(lang, "section.summary"), _summary(f, done, dims, nat))
    report = Report(
        subject=Subject("city", f"{f.city.iso3}_{fold(f.city.name)}"),
        title=t(lang, "title", city=f.city.name, country=f.country),
        subtitle=t(lang, "subtitle", year=f.year),
        year=f.year,
        key_figures=_key_figures(f, done, nat),
        sections=(summary, *sections, national),
        citations=_citations(f, refs),
        lang=lang,
    )
    if lang == "en":
        return report
    report = numbers_written(report, lang)
    return ltr_runs_marked(report) if direction(lang) == "rtl" else report


def city_report_bytes(
    store: Any, city_id: int, fmt: str, lang: str = "en", year: int | None = None
) -> bytes:
    """The city's report as a Word (`docx`) or PDF (`pdf`) file."""
    from readiness.reports.writers import write_report

    if fmt not in CITY_FORMATS:
        raise ReadinessError(
            f"unknown city report format {fmt!r}; choose one of {', '.join(CITY_FORMATS)}"
        )
    return write_report(city_report(store, city_id, lang, year), fmt, images={})


def filename(report: Report, fmt: str) -> str:
    """A file name for the report: readiness_city_NOR_karmoy_2020.pdf."""
    return f"{report.filename_stem.replace('readiness_', 'readiness_city_', 1)}.{fmt}"


__all__ = ["CITY_FORMATS", "city_report", "city_report_bytes", "filename", "reference_year"]
