"""Reports in French, Spanish, Russian, Chinese and Arabic carry no English a reader would see.

Every user-visible string of the Kenya report, the LDC report and the Arab States' report
(headings, paragraphs, bullets, key figures, highlights, notes, table titles, columns and label
cells, figure titles, captions, axes and labels) is compared with the English report's string at
the same place: it may not be the same (unless it is a name that is the same in that language)
and may not hold a common English word. Citations and source names stay as their producers
publish them, and codes and numbers are not words. The Kenya report's Word file and deck (with
its speaker notes) are read back and checked for English words too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pandas as pd
import pytest

from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.model import Report

LANGS = ("fr", "es", "ru", "zh", "ar")
SUBJECTS = (Subject.economy("KEN"), Subject.group("LDC"), Subject.group("ITU_ARB"))
# Common English words that are no French or Spanish word ("a", "no", "on", "population" and
# "points" are).
ENGLISH = re.compile(
    r"(?<![\w-])(the|of|and|is|are|by|with|to|from|for|in|year|years|target|targets|gap|gaps|"
    r"pace|index|score|scores|scored|group|groups|member|members|rank|ranks|data|share|"
    r"economy|economies|value|values|indicator|indicators|pillar|pillars|mean|median|"
    r"weighted|progress|trend|most|least|ready|improved|change|none|tier|tiers|peers|"
    r"outlook|estimate|estimates|imputed|missing|reported|carried|priority|strengths?|"
    r"weakness(es)?|region|income|world|not scored|lowest|highest|key figures|too slow|"
    r"on track)(?![\w-])",
    re.IGNORECASE,
)
# English words that are also words of the language (readiness/locales/same/fr.txt: "Score";
# same/es.txt: "cables").
SAME_WORDS = {"fr": {"score", "scores", "source"}, "es": {"cables"}}
# Names that stay as they are in every language, and why.
KEPT = {
    "ITU": "the Union's acronym in running text of its Latin-script languages",
    "GCI": "ITU's Global Cybersecurity Index, cited by its acronym",
    "IDI": "ITU's ICT Development Index, cited by its acronym",
    "UN DESA": "producer's name",
    "Open Data Watch": "producer's name",
    "Natural Earth": "producer's name (boundaries)",
    "GSMA": "producer's name",
    "Netcraft": "producer's name",
    "World Bank": "producer's name in source titles",
    "Monte Carlo": "the method's name",
    "GovTech": "World Bank programme name in indicator names",
    "ODIN": "Open Data Inventory's acronym",
    "Open Data Inventory": "Open Data Watch's product name, kept beside a translation",
    "WTDC-22": "conference acronym",
    "SDG": "acronym kept in Latin-script languages",
    "ISO3": "code name",
    "Mbit/s": "unit symbol (SI prefix), written so in French, Spanish and Chinese",
}
# Code references the text quotes (a command, a module, a file).
CODE = re.compile(r"`[^`]*`|\breadiness(\.\w+)+|docs/\S+|https?://\S+")
# Columns whose cells are codes, numbers or source names, never translated.
# "Study and source": a case study's place, technology and source, as published.
CODE_COLUMNS = {"iso3", "ISO3", "code", "band", "tier", "Source", "Missing members", "#",
                "Study and source"}  # fmt: skip
# A chart's own column names (read by the chart, never shown); its other columns are legends.
CHART_KEYS = {"iso3", "name", "score", "component", "indicator", "pillar", "progress", "band",
              "tier", "factor", "side", "studies", "n_studies"}  # fmt: skip
CHART_CODES = {"iso3", "band", "tier", "factor", "side"}


def is_label(text: str) -> bool:
    """A string with words in it (not a number, a code, a year range or empty)."""
    if not re.search(r"[^\W\d_]", text):
        return False
    return not re.fullmatch(r"[A-Z]{3}(, [A-Z]{3})*|Q[13]|n/a|\d+(\.\d+)?\s*%?", text)


def texts(report: Report) -> Iterator[tuple[str, str]]:
    """(place, text) of every user-visible string, the place the same in every language."""
    yield "title", report.title
    yield "subtitle", report.subtitle
    for k, kf in enumerate(report.key_figures):
        yield from ((f"key{k}.{a}", getattr(kf, a)) for a in ("label", "value", "note"))
    yield from ((f"highlight{k}", h) for k, h in enumerate(report.highlights))
    yield from ((f"note{k}", n) for k, n in enumerate(report.notes))
    for s in report.sections:
        yield f"{s.key}.title", s.title
        yield from ((f"{s.key}.p{k}", p) for k, p in enumerate(s.paragraphs))
        yield from ((f"{s.key}.b{k}", b) for k, b in enumerate(s.bullets))
        for t, table in enumerate(s.tables):
            yield f"{s.key}.t{t}.title", table.title
            yield f"{s.key}.t{t}.note", table.note
            yield from _frame(f"{s.key}.t{t}", table.frame)
        for f, fig in enumerate(s.figures):
            yield f"{s.key}.f{f}.title", fig.title
            yield f"{s.key}.f{f}.caption", fig.caption
            yield f"{s.key}.f{f}.axis", str(fig.option("axis_title", ""))
            yield f"{s.key}.f{f}.unit", str(fig.option("unit", ""))
            for name, label in fig.option("labels", ()):
                yield f"{s.key}.f{f}.label.{name}", label
            yield from _frame(f"{s.key}.f{f}", fig.data, CHART_KEYS)


def _frame(
    place: str, frame: pd.DataFrame, hidden: set[str] | None = None
) -> Iterator[tuple[str, str]]:
    for j, col in enumerate(frame.columns):
        if col not in (hidden or ()):
            yield f"{place}.col{j}", str(col)
        if pd.api.types.is_numeric_dtype(frame[col]) or (hidden and col in CHART_CODES):
            continue  # a chart's codes (band, tier) choose colours; its labels are options
        for i, cell in enumerate(frame[col]):
            yield f"{place}.col{j}.row{i}", f"cell:{cell}"


def english_left(
    report: Report, english: Report, same_names: set[str], lang: str = ""
) -> list[str]:
    """The places where `report` prints English: a string as in English, or an English word."""
    en = dict(texts(english))
    code_places = set()
    for place, text in en.items():  # columns of codes and sources, found by their English name
        if ".col" in place and ".row" not in place and text in CODE_COLUMNS:
            code_places.add(place + ".")
    bad = []
    for place, text in texts(report):
        if any(place.startswith(p) for p in code_places):
            continue
        text = text.removeprefix("cell:")
        source = en.get(place, "").removeprefix("cell:")
        if not is_label(text) or text in same_names:
            continue
        stripped = CODE.sub("", text)
        for name in sorted(KEPT, key=len, reverse=True):
            stripped = stripped.replace(name, "")
        for name in sorted(same_names, key=len, reverse=True):  # Guinea-Bissau before Guinea
            if len(name) > 3:
                stripped = stripped.replace(name, "")
        words = [w[0] for w in ENGLISH.finditer(stripped)]
        word = next((w for w in words if w.lower() not in SAME_WORDS.get(lang, ())), None)
        if text == source and is_label(stripped) and text.lower() not in SAME_WORDS.get(lang, ()):
            bad.append(f"{place}: {text!r} (as in English)")
        elif word:
            bad.append(f"{place}: {text!r} ({word!r})")
    return bad


@pytest.fixture(scope="module")
def context(snapshot):
    return scoring_context(snapshot, None, None)


@pytest.fixture(scope="module")
def built(snapshot, context):
    return {
        (subject.code, lang): build_report(snapshot, subject, context=context, lang=lang)
        for subject in SUBJECTS
        for lang in ("en", *LANGS)
    }


def names_as_in_english(snapshot, lang: str) -> set[str]:
    """Economy names spelled the same in `lang` as in English (Kenya, Rwanda in French)."""
    c = snapshot.countries
    pairs = zip(c["name_en"], c[f"name_{lang}"], strict=True)
    return {str(e) for e, n in pairs if isinstance(n, str) and e == n}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", [s.code for s in SUBJECTS])
def test_no_english_left_in_the_report(built, snapshot, code, lang):
    same = names_as_in_english(snapshot, lang)
    bad = english_left(built[code, lang], built[code, "en"], same, lang)
    assert not bad, f"{code} in {lang}: {len(bad)} English strings:\n" + "\n".join(bad[:40])


def test_the_checker_finds_english(built, snapshot):
    """The check itself: an English report read as French fails on every kind of string."""
    bad = english_left(built["KEN", "en"], built["KEN", "en"], names_as_in_english(snapshot, "fr"))
    places = {b.split(":")[0].split(".")[-1] for b in bad}
    assert {"title", "p0", "caption", "note0"} <= places | {b.split(":")[0] for b in bad}
    assert any(".col" in b for b in bad)


def file_lines(data: bytes, fmt: str) -> list[str]:
    """The text of a Word file (paragraphs, table cells) or a deck (text frames, table cells)."""
    if fmt == "docx":
        from docx import Document

        doc = Document(io.BytesIO(data))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return [p.text for p in doc.paragraphs] + cells
    from pptx import Presentation

    lines = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines += shape.text_frame.text.split("\n")
            if shape.has_table:
                lines += [c.text for r in shape.table.rows for c in r.cells]
        if slide.has_notes_slide:
            lines += slide.notes_slide.notes_text_frame.text.split("\n")
    return lines


@pytest.mark.parametrize("fmt", ["docx", "pptx"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_file_read_back_has_no_english(built, snapshot, lang, fmt):
    from readiness.reports.writers import write_report

    report = built["KEN", lang]
    sources = {c.title for c in report.citations} | {c.citation for c in report.citations}
    same = names_as_in_english(snapshot, lang)
    bad = []
    for line in file_lines(write_report(report, fmt, {}), fmt):
        if not line or any(s and s in line for s in sources) or "http" in line:
            continue  # the sources list: titles and citations as their producers publish them
        stripped = CODE.sub("", line)
        for name in [*sorted(KEPT, key=len, reverse=True), *sorted(same, key=len, reverse=True)]:
            stripped = stripped.replace(name, "")
        if any(w[0].lower() not in SAME_WORDS.get(lang, ()) for w in ENGLISH.finditer(stripped)):
            bad.append(line)
    assert not bad, f"{lang} {fmt}: {bad[:20]}"
