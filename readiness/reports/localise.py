"""A report in another UN language: its headings, labels, names and chart labels translated.

The builders write a report in English; `localise` then puts its title, key figures, section and
table titles, column names, table cells and chart labels into the language, from the catalogues
(readiness/locales): the `report_layout` phrases (keyed by their English text), the names of
economies (country master), groups, indicators, pillars, tiers and progress bands. Numbers are
the same values in every language as `python -m readiness scores` prints.
Running sentences, captions and notes the builders write in the language already
(`report_text.*`), their figures written as the language writes them (Babel: "54,4", "35,0 %"
in French). Last, the figures of table cells and key figures are written so too, and the charts
are told the language for their labels and axes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from readiness.figures.maps import MAP_LABELS
from readiness.i18n import (
    DEFAULT_LANGUAGE,
    direction,
    local_numbers,
    mark_ltr_runs,
    messages,
    normal_language,
    translate,
)
from readiness.reports.context import Context, short_label
from readiness.reports.model import FigureSpec, KeyFigure, Report, Section, Table

PHRASE = "report_layout.phrase."
PATTERN = "report_layout.pattern."  # labels with figures or names inside: "Index {year}"
# A group figure's coverage labels (readiness.reports.coverage) are phrases and patterns too.
PHRASES, PATTERNS = (PHRASE, "coverage.phrase."), (PATTERN, "coverage.pattern.")
FIGURE = {
    "year": r"\d{4}",
    "start": r"\d{4}",
    "end": r"\d{4}",
    "n": r"[\d,]+",
    "score": r"-?[\d.]+",
}
# Chart axes as the builders in readiness.figures.report_charts title them.
AXIS_TITLES = {
    "component_bars": "Score (0-100)",
    "indicator_bars": "Score (0-100)",
    "spread_box": "Score (0-100)",
    "member_bars": "Readiness index (0-100)",
    "gap_bars": "Progress to the 2030 target (%)",
}
# Figure columns read as codes (colours by band or tier), never translated.
CODE_COLUMNS = frozenset({"iso3", "band", "tier", "code"})
# Table columns (catalogue keys of their names) quoting sources as they publish them: their
# figures stay as written ("2,000 villages" in a title).
VERBATIM_COLUMNS = ("report_experiences.column.study",)
# Figures whose builder writes their text in the report's language from codes (the experiences
# section's factor counts): title and data left as built.
OWN_LANGUAGE_FIGURES = frozenset({"factor_counts"})


def phrase_key(english: str) -> str:
    """The catalogue key of an English phrase: its letters and digits joined by _."""
    return PHRASE + re.sub(r"[^A-Za-z0-9]+", "_", english).strip("_")


def phrasebook(ctx: Context, lang: str) -> dict[str, str]:
    """English text -> the language's, for every phrase, name and label a report prints."""
    book: dict[str, str] = {}
    english, other = messages(DEFAULT_LANGUAGE), messages(lang)
    for key, text in english.items():
        if key.startswith(PHRASES) and key in other:
            book[text] = other[key]
    countries = ctx.snapshot.countries
    column = f"name_{lang}"
    if column in countries.columns:
        for en, local in zip(countries["name_en"], countries[column], strict=True):
            if isinstance(en, str) and isinstance(local, str) and local:
                book[en] = local
    for code, group in ctx.groups.items():
        key = f"group.{code}"
        if key in english:
            book[group.label] = translate(lang, key)
            book[short_label(group)] = translate(lang, key)
    fw = ctx.framework
    for code in [*fw.indicators, *fw.pillars]:
        for kind in ("indicator", "pillar"):
            key = f"term.{kind}.{code}.name"
            if key in english:
                book[fw.name(code)] = translate(lang, key)
    for ind in ctx.snapshot.catalogue.indicators:  # context indicators too (the IoT section)
        key = f"term.indicator.{ind.code}.name"
        if ind.name not in book and key in english:
            book[ind.name] = translate(lang, key)
    book[fw.name(fw.index_code)] = translate(lang, "term.index.name")
    for family in ("tier", "band", "unit"):
        prefix = f"term.{family}."
        for key, text in english.items():
            if key.startswith(prefix):
                book[text] = translate(lang, key)
    return book


def phrasebook_of(ctx: Context, lang: str) -> dict[str, str]:
    """`phrasebook`, built once per context and language (a batch asks for it per member)."""
    key = ("phrasebook", lang)
    book = ctx.memo.get(key)
    if book is None:
        book = ctx.memo[key] = phrasebook(ctx, lang)
    return book


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """The English `report_layout.pattern.*` labels as regular expressions, with their keys."""
    out = []
    for key, text in messages(DEFAULT_LANGUAGE).items():
        if key.startswith(PATTERNS):
            parts = re.split(r"\{(\w+)\}", text)
            regex = "".join(
                re.escape(part) if k % 2 == 0 else f"(?P<{part}>{FIGURE.get(part, '.+?')})"
                for k, part in enumerate(parts)
            )
            out.append((re.compile(regex), key))
    return out


class _Translator:
    def __init__(self, book: dict[str, str], lang: str) -> None:
        self.book = book
        self.lang = lang
        self.patterns = _patterns()

    def __call__(self, text: object) -> object:
        if not isinstance(text, str) or not text:
            return text
        hit = self.book.get(text)
        if hit is not None:
            return hit
        head, sep, tail = text.partition(": ")
        if sep and head in self.book:  # "Kenya: indicator scores", "World: mean"
            head, tail = self.book[head], str(self(tail))
            return translate(self.lang, "report_layout.writer.labelled", head=head, tail=tail)
        name, sep, rest = text.partition(" and its groups")
        if sep and not rest and name in self.book:
            return translate(self.lang, "report_layout.writer.with_groups", name=self.book[name])
        ranked = re.fullmatch(r"(\d+|n/a) of (\d+)", text)  # n/a: not ranked
        if ranked:
            return translate(self.lang, "profile.rank_of", rank=ranked[1], of=ranked[2])
        for regex, key in self.patterns:
            found = regex.fullmatch(text)
            if found:
                values = {k: self(v) for k, v in found.groupdict().items()}
                return translate(self.lang, key, **values)
        parts = text.split(", ")
        if len(parts) > 1 and all(p in self.book for p in parts):  # flags: "estimate, imputed"
            return ", ".join(self.book[p] for p in parts)
        return text

    def frame(self, frame: pd.DataFrame, codes: frozenset[str] = frozenset()) -> pd.DataFrame:
        """Names and cells translated; the `codes` columns' cells stay as they are."""
        return _text_cells(frame, self, codes).rename(columns=self)


def _text_cells(
    table: pd.DataFrame, write: Callable[[str], object], skip: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """A copy of the table with every text cell through `write` (numeric and `skip` columns,
    and cells that are not text, as they are)."""
    out = table.copy()
    for col in out.columns:
        if col not in skip and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: write(v) if isinstance(v, str) else v)
    return out


def localise(report: Report, ctx: Context, lang: str) -> Report:
    """The report with its headings, labels, names and numbers in `lang` (itself when English)."""
    lang = normal_language(lang)
    if lang == DEFAULT_LANGUAGE:
        return replace(report, lang=lang)
    out = numbers_written(_localised(report, ctx, lang), lang)
    return ltr_runs_marked(out) if direction(lang) == "rtl" else out


def numbers_written(report: Report, lang: str) -> Report:
    """The figures of table cells, key figures and the deck's lines as the language writes them.

    Running text has its figures written when its template is filled (`drafting`), so a
    template's own text ("SDG 7.1", "CC BY 4.0") is never read as a number.
    """

    def written(text: str) -> str:
        return local_numbers(text, lang)

    verbatim = frozenset(translate(lang, key) for key in VERBATIM_COLUMNS)

    def section(s: Section) -> Section:
        tables = tuple(replace(t, frame=_text_cells(t.frame, written, verbatim)) for t in s.tables)
        return replace(s, tables=tables)

    return replace(
        report,
        key_figures=tuple(replace(k, value=written(k.value)) for k in report.key_figures),
        sections=tuple(map(section, report.sections)),
        highlights=tuple(local_numbers(h, lang) for h in report.highlights),
    )


def ltr_runs_marked(report: Report) -> Report:
    """Every text a writer prints (not chart data, not citations) through `mark_ltr_runs`."""
    m = mark_ltr_runs

    def frame(table: pd.DataFrame) -> pd.DataFrame:
        return _text_cells(table, m).rename(columns=lambda c: m(c) if isinstance(c, str) else c)

    def section(s: Section) -> Section:
        return replace(
            s,
            title=m(s.title),
            paragraphs=tuple(map(m, s.paragraphs)),
            bullets=tuple(map(m, s.bullets)),
            tables=tuple(Table(m(t.title), frame(t.frame), m(t.note)) for t in s.tables),
            figures=tuple(replace(f, title=m(f.title), caption=m(f.caption)) for f in s.figures),
        )

    return replace(
        report,
        title=m(report.title),
        subtitle=m(report.subtitle),
        key_figures=tuple(KeyFigure(m(k.label), m(k.value), m(k.note)) for k in report.key_figures),
        sections=tuple(map(section, report.sections)),
        notes=tuple(map(m, report.notes)),
        highlights=tuple(map(m, report.highlights)),
    )


def _localised(report: Report, ctx: Context, lang: str) -> Report:
    tr = _Translator(phrasebook_of(ctx, lang), lang)
    name = report.title.removesuffix(": IoT and smart-city readiness")
    return replace(
        report,
        lang=lang,
        title=translate(lang, "report_layout.writer.title", name=tr(name)),
        subtitle=translate(lang, "report_layout.writer.subtitle", year=report.year),
        key_figures=tuple(
            KeyFigure(str(tr(k.label)), str(tr(k.value)), str(tr(k.note)))
            for k in report.key_figures
        ),
        sections=tuple(_section(s, tr, lang) for s in report.sections),
        highlights=tuple(str(tr(h)) for h in report.highlights),
    )


def _section(section: Section, tr: _Translator, lang: str) -> Section:
    return replace(
        section,
        title=str(tr(section.title)),
        tables=tuple(
            Table(str(tr(t.title)), tr.frame(t.frame), str(tr(t.note))) for t in section.tables
        ),
        figures=tuple(_figure(f, tr, lang) for f in section.figures),
    )


def _figure(spec: FigureSpec, tr: _Translator, lang: str) -> FigureSpec:
    options = dict(spec.options)
    options["lang"] = lang  # labels and axes write numbers as the language does
    axis = AXIS_TITLES.get(spec.kind)
    if axis is not None:
        options["axis_title"] = tr(axis)
    if spec.kind == "map":  # legend, hover and colour bar of readiness.figures.maps
        options["labels"] = tuple((k, translate(lang, f"map.hover.{k}")) for k in MAP_LABELS)
        options["unit"] = tr("Index")
    elif spec.kind == "gap_bars":  # the band each bar prints (its colour stays keyed in English)
        bands = sorted({str(b) for b in spec.data["band"]})
        options["labels"] = tuple((b, str(tr(b))) for b in bands)
    elif spec.kind == "indicator_bars":
        options["labels"] = (("no data", str(tr("no data"))),)
    if spec.kind in OWN_LANGUAGE_FIGURES:  # drawn from codes, labelled in the language
        return replace(spec, options=tuple(sorted(options.items())))
    return replace(
        spec,
        title=str(tr(spec.title)),
        data=tr.frame(spec.data, CODE_COLUMNS),
        options=tuple(sorted(options.items())),
    )
