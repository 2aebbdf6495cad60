"""The city report (readiness.reports.city): Karmøy's 14 real values (ITU's 2020 verification
report) in a SQLite store, written as Word and PDF and read back in the six languages.

Karmøy is entered by hand, as a user would (it is not in the GeoNames master); Oslo, from the
master, stands for a city with no values yet. The national figures are checked against the
index scored independently (`score_snapshot`), the KPI values against the raw sample.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from typing import Any

import pandas as pd
import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol

from readiness.cities.kpis import kpi_name, load_kpis
from readiness.cities.master import find_cities
from readiness.cities.scoring import score_city
from readiness.cities.targets import load_targets
from readiness.errors import ReadinessError
from readiness.i18n import LANGUAGE_TAGS, UN_LANGUAGES, format_number, translate
from readiness.index.engine import score_snapshot
from readiness.reports.city import city_report, city_report_bytes
from readiness.reports.model import Report, format_score
from readiness.reports.writers.pdf import FALLBACKS, FONT_REGULAR
from readiness.store.engine import open_store
from tests.reports.test_no_english_left import ENGLISH
from tests.store.support import KARMOY, read_karmoy

EDITOR = "test-suite"
YEAR = 2020  # the verification report's year stands for the values' year (tests/store/support)
ARABIC = re.compile(r"[\u0600-\u06ff]")
KPI_CODE = re.compile(r"\b[A-Z]{2,3}(?:: [A-Z]{1,3}){2}: \d+[CA]\b")
FONTS_THERE = FONT_REGULAR.exists() and all(p[0].exists() for p in FALLBACKS.values())
needs_fonts = pytest.mark.skipif(not FONTS_THERE, reason="scripts/ensure-chromium.sh fonts")
HOUSEHOLD_INTERNET = "EC: ICT: ICT: 1C"  # 97 in 2020
WIRELESS_SUBSCRIPTIONS = "EC: ICT: ICT: 3C"  # 95,424 per 100,000 inhabitants
FIXED_BROADBAND = "EC: ICT: ICT: 2C"  # 84.51 %, no reference target


@pytest.fixture(scope="module")
def cities(tmp_path_factory, raw_dir):
    """A SQLite store holding Karmøy (14 values) and Oslo from the master (no values)."""
    path = tmp_path_factory.mktemp("city_report") / "readiness.sqlite3"
    store: Any = open_store(f"sqlite:///{path}")  # Any: KARMOY is a dict of mixed values
    karmoy = store.create_city(**KARMOY, editor=EDITOR)
    assert store.import_values(karmoy.id, read_karmoy(raw_dir), editor=EDITOR) == 14
    oslo = find_cities("Oslo", "NOR").iloc[0]
    empty = store.create_city(
        str(oslo["name"]), "NOR", float(oslo["latitude"]), float(oslo["longitude"]),
        geonameid=int(oslo["geonameid"]), population=int(oslo["population"]), editor=EDITOR,
    )  # fmt: skip
    yield store, karmoy.id, empty.id
    store.close()


@pytest.fixture(scope="module")
def reports(cities, snapshot) -> dict[str, Report]:
    store, karmoy, _ = cities
    return {lang: city_report(store, karmoy, lang, snapshot=snapshot) for lang in UN_LANGUAGES}


@pytest.fixture(scope="module")
def nor_index(snapshot) -> str:
    """Norway's 2020 readiness index as the CLI's `scores` prints it, then rounded as shown."""
    return format_score(score_snapshot(YEAR, snapshot=snapshot).scores.loc["NOR", "INDEX"])


@pytest.fixture(scope="module")
def raw_values(raw_dir) -> pd.DataFrame:
    return read_karmoy(raw_dir)


def written(number: str, lang: str) -> str:
    """An English-written number ("88.3", "95,424") with the language's marks."""
    dec, group = get_decimal_symbol(lang), get_group_symbol(lang)
    return number.replace(",", "\0").replace(".", dec).replace("\0", group)


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    return "\n".join([p.text for p in doc.paragraphs] + ["\t".join(r) for r in rows]), rows


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\x00", "")


def kpi_row(rows: list[list[str]], code: str) -> list[str]:
    """The KPI table's row of a KPI (its cell holds the name, then the code on its own line)."""
    (row,) = [r for r in rows if r and r[0].endswith(f"\n{code}")]
    return row


# --- Word, in the six languages -----------------------------------------------------------------
@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_word_report_reads_back_in_each_language(cities, snapshot, nor_index, lang):
    store, karmoy, _ = cities
    started = time.perf_counter()
    data = city_report_bytes(store, karmoy, "docx", lang)
    assert time.perf_counter() - started < 15
    text, rows = docx_text(data)
    country = snapshot.countries.set_index("iso3").loc["NOR", f"name_{lang}"]
    assert "Karmøy" in text and country in text
    assert translate(lang, "city_report.title", city="Karmøy", country=country) in text
    # A KPI value and its year, in the row of its translated name (raw sample: 97.00, 2020).
    row = kpi_row(rows, HOUSEHOLD_INTERNET)
    assert row[0].startswith(kpi_name(HOUSEHOLD_INTERNET, lang))
    assert "97" in row and str(YEAR) in row
    assert format_number(95424, lang, 0) in kpi_row(rows, WIRELESS_SUBSCRIPTIONS)
    # The national index as the language writes it, and the sources.
    assert written(nor_index, lang) in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    assert f'w:val="{LANGUAGE_TAGS[lang]}"' in xml
    assert ("<w:bidi/>" in xml) == (lang == "ar")
    for cited in ("Recommendation ITU-T Y.4903", "U4SSC Verification Report Karmøy Norway",
                  "ITU DataHub", "World Development Indicators"):  # fmt: skip
        assert cited in text, cited
    assert "GeoNames" not in text  # Karmøy was entered by hand, not taken from the master


# --- PDF: English and Arabic (right to left, Arabic glyphs) -------------------------------------
def pdf_xs(data: bytes, needle: str) -> list[float]:
    """Where on the page (points from the left) the text `needle` starts, wherever drawn."""
    from pypdf import PdfReader

    xs: list[float] = []
    for page in PdfReader(io.BytesIO(data)).pages:

        def visit(text, cm, tm, font, size):
            if text.strip() and needle.startswith(text.strip()):
                xs.append(float(tm[4]))

        page.extract_text(visitor_text=visit)
    return xs


@needs_fonts
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_pdf_reads_back_with_its_script_and_direction(cities, nor_index, lang):
    from pypdf import PdfReader

    store, karmoy, _ = cities
    data = city_report_bytes(store, karmoy, "pdf", lang)
    text = pdf_text(data)
    assert "Karmøy" in text and "84.51" in text and "95,424" in text and str(YEAR) in text
    assert nor_index in text  # English and Arabic both write 88.3
    assert "Recommendation ITU-T Y.4903" in text and "World Development Indicators" in text
    assert "U4SSC Verification Report Karmøy Norway" in text
    reader: Any = PdfReader(io.BytesIO(data))
    assert str(reader.trailer["/Root"].get("/Lang")) == lang
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    # The value source tag ("S1") ends each KPI row: the right-hand column in English, the
    # left-hand one in Arabic, whose tables run from the right.
    xs = pdf_xs(data, "S1")
    assert len(xs) >= 14
    page_width = float(reader.pages[0].mediabox.width)
    if lang == "ar":
        assert any("NotoSansArabic" in f for f in fonts), fonts
        assert len(ARABIC.findall(text)) > 1000
        bare = re.sub(r"https?://\S+", "", text)
        assert "?" not in bare and "\ufffd" not in bare  # no glyph missing
        assert max(xs) < page_width / 4
    else:
        assert min(xs) > page_width * 3 / 4


# --- content -------------------------------------------------------------------------------------
def test_the_french_word_report_writes_numbers_the_french_way(cities, nor_index):
    store, karmoy, _ = cities
    text, rows = docx_text(city_report_bytes(store, karmoy, "docx", "fr"))
    assert "Exhaustivité : 13 ICP communiqués sur 91" in text
    assert written(nor_index, "fr") in text and nor_index not in text
    assert kpi_row(rows, FIXED_BROADBAND)[2] == "84,51"


def test_scores_are_the_scoring_engines_and_kpis_without_target_are_not_scored(
    cities, reports, raw_values
):
    store, karmoy, _ = cities
    report = reports["en"]
    score = score_city(store.values(karmoy), store.targets(karmoy), YEAR)
    dims = report.section("scores").tables[1].frame.set_index("Dimension")
    for r in score.dimensions.to_dict("records"):
        shown = dims.loc[r["dimension"]]
        expected = "not scored" if pd.isna(r["score"]) else format_score(r["score"])
        assert shown["Score (%)"] == expected
        assert (shown["Reported"], shown["Scored"]) == (str(r["reported"]), str(r["scored"]))
    # Five values meet a documented reference target at 95% or more: band 4 each, so 100.0.
    refs = load_targets().merge(
        raw_values.rename(columns={"kpi_code": "code"}), on=["code", "data_point"]
    )
    assert len(refs) == 5 and (refs["value"] / refs["target"] >= 0.95).all()
    assert dims.loc["Economy", "Score (%)"] == "100.0"
    assert dims.loc["Economy", "Scored"] == "5"
    kpis = report.section("kpis").tables[0].frame.set_index("KPI")
    fixed = kpis.loc[f"{kpi_name(FIXED_BROADBAND)}\n{FIXED_BROADBAND}"]
    assert fixed["Band (1-4)"] == "No target: shown, not scored" and fixed["Target"] == ""
    internet = kpis.loc[f"{kpi_name(HOUSEHOLD_INTERNET)}\n{HOUSEHOLD_INTERNET}"]
    assert (internet["Target"], internet["Band (1-4)"]) == ("100", "4")
    assert internet["Target source"].startswith("Public reference [T")
    completeness = report.section("scores").tables[0].frame.set_index("Class")
    assert completeness.loc["All KPIs"].tolist() == ["91", "13", "5"]
    assert completeness.loc["Core", "KPIs"] == str((load_kpis()["core_advanced"] == "Core").sum())


def test_missing_is_never_zero(reports):
    report = reports["en"]
    missing = report.section("missing").tables[0].frame
    reported = {
        code.split("\n")[-1] for t in report.section("kpis").tables for code in t.frame["KPI"]
    }
    assert len(missing) == 91 - 13 and not set(missing["Code"]) & reported
    national = report.section("national").tables[1].frame.set_index("KPI")
    assert national.loc["Access to Electricity", "City value"] == "Not reported"
    # Drainage monitoring really is 0% in the source: a reported 0, with its year.
    drainage = report.section("kpis").tables[0].frame.set_index("KPI")
    row = drainage.loc[f"{kpi_name('EC: ICT: D: 1A')}\nEC: ICT: D: 1A"]
    assert (row["Value"], row["Year"]) == ("0", str(YEAR))


def test_national_context_beside_the_city_without_ratios_across_units(reports, snapshot):
    report = reports["en"]
    scores, indicators = (t.frame for t in report.section("national").tables)
    assert scores.set_index("Measure").loc["Rank", "Value"].endswith(" of 171")
    rows = indicators.set_index("KPI")
    assert rows.loc["Household Internet Access", "City value"] == "97"
    assert rows.loc["Household Internet Access", "National year"] == str(YEAR)
    fixed = rows.loc["Fixed Broadband Subscriptions"]
    assert fixed["Note"].endswith("Different units: not compared.")
    wireless = rows.loc["Wireless Broadband Subscriptions"]
    national = snapshot.values.query("iso3 == 'NOR' and indicator == 'mobile_broadband'")
    value = float(national.loc[national["year"] == YEAR, "value"].iloc[0])
    assert f"In the KPI's unit: {value * 1000:,.0f} per 100,000 inhabitants." in wireless["Note"]


# --- every figure of the drafted text is in a table -------------------------------------------
def number_pattern(lang: str) -> re.Pattern[str]:
    """A number as the language writes it (as tests/reports/test_drafting.py reads them), next
    to any letter but a Latin one or a digit: Chinese writes "91项" with no space, and a code's
    "1C" or a tag's "S1" is not a number."""
    dec, group = map(re.escape, (get_decimal_symbol(lang), get_group_symbol(lang)))
    return re.compile(
        rf"(?<![A-Za-z0-9_.,])[+-]?\d+(?:{group}\d{{3}})*(?:{dec}\d+)?(?![A-Za-z0-9_]|[.,]\d)"
    )


def drafted(report: Report) -> list[str]:
    """The drafted sentences: the summary, the completeness sentence of the scores."""
    out = list(report.section("summary").paragraphs)
    if any(s.key == "scores" for s in report.sections):
        out.append(report.section("scores").paragraphs[0])
    return out


def printed(report: Report, number: re.Pattern[str]) -> set[str]:
    texts = [f"{k.label} {k.value} {k.note}" for k in report.key_figures]
    for s in report.sections:
        for t in s.tables:
            texts += [t.title, *map(str, t.frame.columns)]
            texts += [str(v) for v in t.frame.to_numpy().ravel()]
    return {n for text in texts for n in number.findall(text)}


@pytest.mark.parametrize("lang", ["en", "fr", "ru", "zh", "ar"])
def test_every_number_in_the_summary_is_found_in_the_tables(reports, lang):
    report = reports[lang]
    number = number_pattern(lang)
    shown = printed(report, number)
    text = drafted(report)
    found = [n for line in text for n in number.findall(line)]
    assert len(found) >= 15  # counts, totals, year, scores, the national index and rank
    strays = {(n, line[:60]) for line in text for n in number.findall(line) if n not in shown}
    assert not strays
    if lang in ("fr", "ru"):
        assert any(get_decimal_symbol(lang) in n for n in found)
        assert not [line for line in text if re.search(r"\d\.\d", line)]


def test_the_rule_holds_with_a_user_target(tmp_path, raw_dir, snapshot):
    """A target the user sets is used, cited as the user's, and its band drafted from tables."""
    opened: Any = open_store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with opened as store:
        city = store.create_city(**KARMOY, editor=EDITOR)
        store.import_values(city.id, read_karmoy(raw_dir), editor=EDITOR)
        store.set_target(city.id, FIXED_BROADBAND, 90.0, source="set by the test suite",
                         direction="higher", editor=EDITOR)  # fmt: skip
        report = city_report(store, city.id, "en", snapshot=snapshot)
    kpis = report.section("kpis").tables[0].frame.set_index("KPI")
    fixed = kpis.loc[f"{kpi_name(FIXED_BROADBAND)}\n{FIXED_BROADBAND}"]
    assert (fixed["Target"], fixed["Band (1-4)"]) == ("90", "3")  # 84.51 / 90 = 93.9%
    tag = fixed["Target source"].removeprefix("Set by the user [").removesuffix("]")
    cited = {c.title: c for c in report.citations}
    assert cited[f"[{tag}] Target set by the user"].citation == "set by the test suite"
    dims = report.section("scores").tables[1].frame.set_index("Dimension")
    assert dims.loc["Economy", "Score (%)"] == format_score((5 * 4 + 3) / 24 * 100)  # 95.8
    number = number_pattern("en")
    shown = printed(report, number)
    assert not [n for line in drafted(report) for n in number.findall(line) if n not in shown]


# --- no values yet, a year before them, user errors --------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_city_with_no_values_gets_a_short_report_that_says_so(cities, snapshot, lang):
    store, _, empty = cities
    report = city_report(store, empty, lang, snapshot=snapshot)
    keys = [s.key for s in report.sections]
    assert keys == ["summary", "national"]
    city = store.get_city(empty)
    country = snapshot.countries.set_index("iso3").loc["NOR", f"name_{lang}"]
    says = translate(lang, "city_report.text.empty", city=city.name, country=country)
    assert report.section("summary").paragraphs[0].startswith(says)
    assert report.year == snapshot.latest_year
    cells = report.section("national").tables[1].frame.iloc[:, 2]
    assert set(cells) == {translate(lang, "u4ssc.reason.not_reported")}  # never 0
    assert any("GeoNames" in c.title for c in report.citations)  # the city is the master's
    for fmt in ("docx", "pdf"):
        assert len(city_report_bytes(store, empty, fmt, lang)) > 5000


def test_a_year_before_the_first_value_is_a_short_report_too(cities, snapshot):
    store, karmoy, _ = cities
    report = city_report(store, karmoy, "en", year=2015, snapshot=snapshot)
    assert [s.key for s in report.sections] == ["summary", "national"]
    summary = report.section("summary").paragraphs[0]
    assert summary.startswith("Karmøy has no KPI value dated 2015 or earlier.")
    assert report.section("national").tables[0].title == "Norway: readiness, 2015"


def test_a_later_year_than_the_national_data_says_which_year_it_shows(cities, snapshot):
    store, karmoy, _ = cities
    report = city_report(store, karmoy, "en", year=snapshot.latest_year + 3, snapshot=snapshot)
    later = f"The national data end in {snapshot.latest_year}"
    assert later in report.section("summary").paragraphs[-1]
    assert report.section("kpis").tables[0].frame["Year"].eq(str(YEAR)).all()


def test_user_errors(cities):
    store, karmoy, _ = cities
    with pytest.raises(ReadinessError, match="docx, pdf"):
        city_report_bytes(store, karmoy, "pptx")
    with pytest.raises(ReadinessError):
        city_report_bytes(store, 987654, "docx")


@pytest.mark.parametrize("lang", ["fr", "zh", "ar"])
def test_no_english_a_reader_would_see(reports, lang):
    """Every heading, label, cell and sentence is in the language, except names (Karmøy, the
    producers' own source names) and citations, which stay as published."""
    report = reports[lang]
    texts = [report.title, report.subtitle]
    texts += [f"{k.label} {k.value} {k.note}" for k in report.key_figures]
    source = translate(lang, "city_report.col.source")
    for s in report.sections:
        texts += [s.title, *s.paragraphs, *s.bullets]
        for t in s.tables:
            frame = t.frame.drop(columns=[source], errors="ignore")
            texts += [t.title, t.note, *map(str, frame.columns)]
            texts += [str(v) for v in frame.to_numpy().ravel()]
    texts = [KPI_CODE.sub("", text) for text in texts]  # codes are not words ("EC: P: IN: 1C")
    english = {(m[0], text[:50]) for text in texts for m in ENGLISH.finditer(text)}
    assert not english


def test_a_city_outside_the_national_data_says_there_is_no_national_context(tmp_path, snapshot):
    """Mariehamn (Åland, ALA) is in the GeoNames master but not an economy of the index."""
    place = find_cities("Mariehamn", "ALA").iloc[0]
    assert "ALA" not in set(snapshot.countries["iso3"])
    opened: Any = open_store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with opened as store:
        city = store.create_city(
            str(place["name"]), "ALA", float(place["latitude"]), float(place["longitude"]),
            geonameid=int(place["geonameid"]), editor=EDITOR,
        )  # fmt: skip
        report = city_report(store, city.id, "fr", snapshot=snapshot)
        assert city_report_bytes(store, city.id, "docx", "fr").startswith(b"PK")
    says = translate("fr", "city_report.text.national_missing", iso3="ALA")
    assert report.section("national").paragraphs == (says,)
    assert not report.section("national").tables
    assert says in report.section("summary").paragraphs
