"""The experiences section of the needs reports (readiness.reports.experiences): the published
case studies with their sources and the factor counts, enabling beside limiting, on the real 50
studies; findings held to the section's tables in six languages; no studies said plainly; every
listed study cited; submitted text printed as text in the three file formats; the CLI's store."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from readiness.experiences.coding import CHOSEN_RULE, code_studies
from readiness.experiences.counts import factor_counts, related_studies
from readiness.experiences.studies import filter_studies, load_library
from readiness.experiences.vocabulary import FACTORS, factor_label
from readiness.i18n import UN_LANGUAGES, translate
from readiness.reports import experiences
from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.model import Report, Section
from readiness.reports.writers import write_report
from tests.reports.test_report_iot import pattern, table_numbers
from tests.reports.test_report_languages import docx_text, pdf_text, pptx_text

ECONOMY, GROUP = "KEN", "LDC"
KEY = experiences.SECTION_KEY


@pytest.fixture(scope="module")
def library() -> tuple[pd.DataFrame, pd.DataFrame]:
    studies = load_library()
    return studies, code_studies(studies)


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot)


@pytest.fixture(scope="module")
def reports(snapshot, ctx) -> dict[tuple[str, str], Report]:
    subjects = (Subject.economy(ECONOMY), Subject.group(GROUP), Subject.group("ITU_CIS"),
                Subject.economy("RUS"), Subject.economy("MWI"))  # fmt: skip
    return {
        (s.code, lang): build_report(snapshot, s, context=ctx, lang=lang)
        for s in subjects
        for lang in UN_LANGUAGES
        if lang == "en" or s.code in (ECONOMY, GROUP)
    }


def strays(section: Section, lang: str) -> set[tuple[str, str]]:
    number = pattern(lang)
    shown = table_numbers(section, number)
    return {(n, b[:70]) for b in section.bullets for n in number.findall(b) if n not in shown}


@pytest.mark.parametrize("lang", UN_LANGUAGES)
@pytest.mark.parametrize("code", [ECONOMY, GROUP])
def test_the_section_is_in_every_report_and_language(reports, code, lang):
    report = reports[code, lang]
    section = report.section(KEY)
    assert section.title == translate(lang, "report_experiences.title")
    keys = [s.key for s in report.sections]
    assert keys.index("iot") < keys.index(KEY) < keys.index("data")
    assert section.paragraphs and len(section.bullets) >= 4
    assert all(not t.frame.empty for t in section.tables)
    (figure,) = section.figures
    assert figure.kind == experiences.FIGURE_KIND
    assert set(figure.data["factor"]) == set(FACTORS)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
@pytest.mark.parametrize("code", [ECONOMY, GROUP])
def test_every_number_in_the_findings_is_found_in_the_section_tables(reports, code, lang):
    section = reports[code, lang].section(KEY)
    numbers = [n for b in section.bullets for n in pattern(lang).findall(b)]
    assert len(numbers) >= 8  # the findings do cite figures
    assert not strays(section, lang)


def test_the_checker_finds_a_stray_number(reports):
    from dataclasses import replace

    section = reports[ECONOMY, "en"].section(KEY)
    broken = replace(section, bullets=(*section.bullets, "Kenya has 4,321 studies."))
    assert ("4,321", "Kenya has 4,321 studies.") in strays(broken, "en")


def test_group_counts_are_the_core_counts_of_its_members(reports, library, snapshot):
    """The LDC table equals factor_counts of the studies naming an LDC (counted independently
    by the core's filter), every factor listed, 0 shown as 0."""
    studies, coding = library
    ldc = filter_studies(studies, group=GROUP, countries=snapshot.countries)
    core = factor_counts(ldc, coding).set_index(["factor", "side"])
    section = reports[GROUP, "en"].section(KEY)
    overview, counts = section.tables[0].frame, section.tables[1].frame
    assert overview.iloc[0]["Published"] == str(len(ldc)) and len(ldc) >= 10
    assert (
        section.tables[1].title
        == f"Factors reported in the {len(ldc)} studies of Least developed countries"
    )
    assert list(counts["Factor"]) == [factor_label(f) for f in FACTORS]
    zeros = 0
    for code, row in zip(FACTORS, counts.to_dict("records"), strict=True):
        for side, column in (("enabling", "Enabling"), ("limiting", "Limiting")):
            n = int(core.loc[(code, side), "studies"])
            assert row[column].startswith(f"{n} (")
            zeros += n == 0
    assert zeros >= 1  # a factor no LDC study reports shows 0, not a blank
    top = core.xs("enabling", level="side")["studies"].idxmax()
    assert factor_label(top) in section.bullets[1]
    (studies_table,) = experiences.study_tables(section)
    assert len(studies_table.frame) == len(ldc)


def test_economy_lists_own_then_peers_then_region(reports, library, ctx, snapshot):
    studies, _ = library
    peers = ctx.peers[ECONOMY]
    related = related_studies(ECONOMY, studies, peers=peers.members if peers else (),
                              region="ITU_AFR", countries=snapshot.countries)  # fmt: skip
    section = reports[ECONOMY, "en"].section(KEY)
    overview = section.tables[0].frame.set_index("Studies of")
    assert overview.loc["Kenya itself", "Published"] == str(len(related["own"]))
    assert overview.loc["Its peers", "Published"] == str(len(related["peers"]))
    assert overview.loc["Elsewhere in Africa (ITU-D)", "Published"] == str(len(related["region"]))
    assert len(related["own"]) >= 3
    titles = [t.title for t in experiences.study_tables(section)]
    assert titles[0] == "Studies of Kenya" and titles[1] == "Studies of its peers"
    own = experiences.study_tables(section)[0].frame
    assert set(own["Economy"].str.contains("Kenya")) == {True}
    listed = overview["Listed here"].astype(int)
    assert listed.loc["Elsewhere in Africa (ITU-D)"] <= experiences.REGION_LISTED


def test_every_listed_study_is_cited_with_its_source(reports, library):
    studies, _ = library
    report = reports[ECONOMY, "en"]
    section = report.section(KEY)
    cited = {c.url: c for c in report.citations if c.source.startswith(experiences.STUDY_SOURCE)}
    rows = studies.set_index("case_id")
    n = 0
    for table in experiences.study_tables(section):
        for cell in table.frame["Study and source"]:
            hit = rows[[str(t) in cell for t in rows["source_title"]]]
            assert len(hit), cell
            url = hit.iloc[0]["source_url"]
            assert url in cited and cited[url].name == hit.iloc[0]["source_title"]
            assert hit.iloc[0]["source_publisher"] in cited[url].producer
            n += 1
    assert n >= 10


def test_company_blog_and_plan_flagged(reports):
    """CS004 (Safaricom's newsroom), CS048 (a blog) and CS049 (a plan) carry their flags."""
    frames = [t.frame for t in experiences.study_tables(reports[GROUP, "en"].section(KEY))]
    frames += [t.frame for t in experiences.study_tables(reports[ECONOMY, "en"].section(KEY))]
    rows = pd.concat(frames)
    notes = dict(zip(rows["Study and source"], rows["Note"], strict=True))
    safaricom = [n for s, n in notes.items() if "Safaricom (newsroom)" in s]
    assert safaricom and all("company source" in n for n in safaricom)
    plan = [n for s, n in notes.items() if s.startswith("Diamniadio")]
    assert plan == ["a plan, not a deployment"]
    assert any("blog" in n for n in notes.values())
    assert (
        translate("en", "report_experiences.claims") in reports[GROUP, "en"].section(KEY).paragraphs
    )


def test_no_studies_said_plainly(reports):
    """The CIS has no published study: a sentence says so, no table is empty, no chart."""
    for code in ("ITU_CIS", "RUS"):
        section = reports[code, "en"].section(KEY)
        assert not section.figures
        assert all(not t.frame.empty for t in section.tables)
        assert any(p.startswith("No published case study concerns") for p in section.paragraphs)
        overview = section.tables[0].frame
        assert set(overview["Published"]) == {"0"}  # 0 studies, said as 0
    assert "CS0" not in " ".join(c.source for c in reports["RUS", "en"].citations)


INJECTED = {
    "city_or_region": "<script>alert(1)</script> **Lilongwe**",
    "technology": "[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    "source_title": '=HYPERLINK("http://evil.example","click")',
    "source_publisher": "@SUM(1+1) ward office",
}


def _submitted(studies: pd.DataFrame, coding: pd.DataFrame, status: str) -> tuple:
    row = studies.iloc[0].copy()
    row.update(pd.Series({
        "case_id": "SUB-000001", "economies": "MWI", "origin": "submitted", "status": status,
        "source_url": "https://example.org/study", "source_type": "government", "stage": "pilot",
        **INJECTED,
    }))  # fmt: skip
    found = pd.concat([studies, row.to_frame().T], ignore_index=True)
    extra = pd.DataFrame([("SUB-000001", "limiting", "", "power", CHOSEN_RULE)],
                         columns=coding.columns)  # fmt: skip
    return found, pd.concat([coding, extra], ignore_index=True)


def test_a_published_submission_is_listed_and_printed_as_text(snapshot, library):
    studies, coding = library
    found, coded = _submitted(studies, coding, "published")
    ctx = scoring_context(snapshot, studies=found, factors=coded)
    report = build_report(snapshot, Subject.economy("MWI"), context=ctx)
    own = experiences.study_tables(report.section(KEY))[0]
    assert own.title == "Studies of Malawi" and len(own.frame) == 1
    row = own.frame.iloc[0]
    assert row["Note"] == "submitted by a user, published by an editor"
    assert row["Limiting factors"] == factor_label("power")
    assert any(c.url == "https://example.org/study" for c in report.citations)
    images: dict[str, bytes] = {}
    texts = {
        "docx": docx_text(write_report(report, "docx", images)),
        "pptx": pptx_text(write_report(report, "pptx", images)),
        "pdf": re.sub(r"\s+", " ", pdf_text(write_report(report, "pdf", images))),
    }
    for fmt, text in texts.items():
        flat = re.sub(r"\s+", " ", text)
        for value in ("<script>alert(1)</script>", "**Lilongwe**", "=HYPERLINK(", "@SUM(1+1)"):
            assert value in flat, (fmt, value)
    assert "<img src=x onerror=alert(1)>" in re.sub(r"\s+", " ", texts["docx"])


def test_a_pending_submission_is_not_listed(snapshot, library):
    studies, coding = library
    found, coded = _submitted(studies, coding, "pending")
    ctx = scoring_context(snapshot, studies=found, factors=coded)
    report = build_report(snapshot, Subject.economy("MWI"), context=ctx)
    section = report.section(KEY)
    overview = section.tables[0].frame.set_index("Studies of")
    assert overview.loc["Malawi itself", "Published"] == "0"
    assert "SUB-000001" not in " ".join(c.citation for c in report.citations)


def test_the_deck_shows_the_chart_and_three_studies(reports):
    from PIL import Image
    from pptx import Presentation

    report = reports[ECONOMY, "en"]
    buffer = io.BytesIO()  # any PNG stands for the chart: the slide's layout is tested
    Image.new("RGB", (900, 600), "white").save(buffer, format="PNG")
    images = {f"{KEY}.{experiences.FIGURE_KEY}": buffer.getvalue()}
    deck = Presentation(io.BytesIO(write_report(report, "pptx", images)))
    title = report.section(KEY).title
    (slide,) = [s for s in deck.slides if s.shapes.title is not None
                and s.shapes.title.text == title]  # fmt: skip
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    lines = experiences.deck_lines(report.section(KEY))
    assert len(lines) == experiences.DECK_STUDIES
    assert all(line in text for line in lines)


needs_chromium = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="chart images need Debian chromium (make browser)",
)


@needs_chromium
def test_cli_lists_a_study_submitted_anonymously_and_published(cli, tmp_path):
    """Submitted anonymously into a fresh store, published by an editor, seen in the report
    the command writes from that store (`--db`)."""
    from readiness.experiences.questionnaire import validate_submission
    from readiness.store.engine import open_store

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    fields = {
        "economies": ["MWI"], "city_or_region": "Zomba", "sectors": ["water"],
        "technology": "LoRaWAN borehole sensors", "year": "2024", "stage": "pilot",
        "summary": "Sensors report borehole pump failures to the district water office.",
        "limiting": ["power"], "enabling": ["partnerships"],
        "source_title": "Zomba borehole sensors pilot", "source_publisher": "Zomba District",
        "source_year": "2025", "source_url": "https://example.org/zomba",
        "source_type": "government",
    }  # fmt: skip
    with open_store(url) as store:
        case_id = store.cases.submit(validate_submission(fields), session_key="participant-1")
        store.cases.publish(case_id, editor="editor@example.org")
    out = tmp_path / "mwi.docx"
    run = cli("report", "--country", "MWI", "--format", "docx", "--out", str(out), "--db", url)
    assert run.code == 0, run.err
    assert "experiences:" not in run.err
    text = docx_text(out.read_bytes())
    assert (
        "Zomba: LoRaWAN borehole sensors. Zomba borehole sensors pilot (Zomba District, 2025)"
        in text
    )
    assert "Studies of Malawi" in text and "https://example.org/zomba" in text
    # Its citation says whose words they are: the submitter's, not the project's.
    assert translate("en", "report_experiences.citation.licence_submitted") in text


@needs_chromium
def test_cli_falls_back_to_the_library_when_the_store_cannot_be_opened(cli, tmp_path):
    out = tmp_path / "mwi.docx"
    bad = f"sqlite:///{tmp_path}/missing-folder/x.sqlite3"
    run = cli("report", "--country", "MWI", "--format", "docx", "--out", str(out), "--db", bad)
    assert run.code == 0, run.err
    lines = [line for line in run.err.splitlines() if line.startswith("experiences:")]
    assert len(lines) == 1 and "committed library's 50 studies" in lines[0]
    text = docx_text(out.read_bytes())
    assert translate("en", "report_experiences.title") in text
    assert "Studies of its peers" in text


def test_every_ldc_member_lists_what_related_studies_finds(ctx, library, snapshot):
    """For each LDC, the own, peers' and region's studies are those of
    readiness.experiences.counts.related_studies with the report's peers and region."""
    studies, _ = library
    for iso3 in ctx.groups[GROUP].members:
        if iso3 not in ctx.result.raw.index:
            continue
        peers = ctx.peers.get(iso3) or experiences.peer_group(ctx, iso3)
        region = experiences.group_of(ctx, "itu_region", iso3)
        expected = related_studies(iso3, studies, peers=peers.members if peers else (),
                                   region=region.code if region else None,
                                   countries=snapshot.countries)  # fmt: skip
        found = experiences._related(ctx, iso3, peers, region)
        for key in ("own", "peers", "region"):
            assert list(found[key]["case_id"]) == list(expected[key]["case_id"]), (iso3, key)


def test_kept_charts_and_font_subsets_change_no_byte(reports, monkeypatch):
    """The PDF writer's kept chart parses and font subsets (pdf_speed) give the bytes fpdf2
    gives without them, for a report with its charts, written twice."""
    import datetime

    from PIL import Image

    from readiness.reports.writers import pdf, pdf_speed

    init = pdf._PDF.__init__

    def fixed(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.set_creation_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))

    monkeypatch.setattr(pdf._PDF, "__init__", fixed)
    images = {}
    for k, (section, figure) in enumerate([(KEY, experiences.FIGURE_KEY), ("map", "map")]):
        buffer = io.BytesIO()
        Image.new("RGBA", (600, 300 + k), (255, 255 - 40 * k, 255, 255)).save(buffer, "PNG")
        images[f"{section}.{figure}"] = buffer.getvalue()
    report = reports[ECONOMY, "en"]
    kept = [pdf.write_pdf(report, images) for _ in range(2)]
    assert pdf_speed._images and pdf_speed._subsets  # both were used
    with monkeypatch.context() as m:
        m.setattr(pdf, "install_image_cache", lambda: False)
        m.setattr(pdf_speed, "_subsets_installed", False)
        m.setattr(pdf_speed.fpdf.image_parsing, "get_img_info", pdf_speed._FPDF_IMG_INFO)
        m.setattr(pdf, "install_font_subsets", lambda: False)
        plain = pdf.write_pdf(report, images)
    assert kept[0] == plain and kept[1] == plain
