"""The IoT section of the needs reports (readiness.reports.iot): Malawi's report and the LDC
report in the six languages, their findings held to the section's own tables, their values the
snapshot's, an unlisted LTE-M/NB-IoT market unknown and never 0, and the written files."""

from __future__ import annotations

import math
import re

import pytest

from readiness.gaps.iot import iot_gaps
from readiness.i18n import UN_LANGUAGES, translate
from readiness.reports import iot
from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.model import MISSING, Report, Section, format_value
from readiness.reports.writers import write_report
from tests.reports.test_drafting import number_pattern
from tests.reports.test_report_languages import docx_text, pdf_text, pptx_text

ECONOMY, GROUP = "MWI", "LDC"
# Chinese writes figures against its characters, which the other languages' pattern (words
# around a number) would not see: there a number is bounded by anything but digits and marks.
ZH_NUMBER = re.compile(r"(?<![\d.,])[+-]?\d+(?:,\d{3})*(?:\.\d+)?(?![\d]|[.,]\d)")


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot)


@pytest.fixture(scope="module")
def reports(snapshot, ctx) -> dict[tuple[str, str], Report]:
    subjects = (Subject.economy(ECONOMY), Subject.group(GROUP))
    return {
        (s.code, lang): build_report(snapshot, s, context=ctx, lang=lang)
        for s in subjects
        for lang in UN_LANGUAGES
    }


def pattern(lang: str) -> re.Pattern[str]:
    return ZH_NUMBER if lang == "zh" else number_pattern(lang)


def table_numbers(section: Section, number: re.Pattern[str]) -> set[str]:
    """Every number the section's tables print: titles, column names and cells."""
    texts: list[str] = []
    for t in section.tables:
        texts += [t.title, *map(str, t.frame.columns), *map(str, t.frame.to_numpy().ravel())]
    return {n for text in texts for n in number.findall(text)}


def strays(section: Section, lang: str) -> set[tuple[str, str]]:
    """(number, finding) for each number of a finding that no table of the section prints."""
    number = pattern(lang)
    shown = table_numbers(section, number)
    return {(n, b[:70]) for b in section.bullets for n in number.findall(b) if n not in shown}


@pytest.mark.parametrize("lang", UN_LANGUAGES)
@pytest.mark.parametrize("code", [ECONOMY, GROUP])
def test_the_section_is_in_every_report_and_language(reports, code, lang):
    report = reports[code, lang]
    section = report.section(iot.SECTION_KEY)
    heading = translate(lang, "report_layout.phrase.IoT_networks_and_data_infrastructure")
    assert section.title == heading
    assert section.paragraphs and len(section.bullets) >= 6
    assert all(not t.frame.empty for t in section.tables)
    # after the gaps to the 2030 targets, before the data section
    keys = [s.key for s in report.sections]
    assert keys.index("gaps") < keys.index(iot.SECTION_KEY) < keys.index("data")


@pytest.mark.parametrize("lang", UN_LANGUAGES)
@pytest.mark.parametrize("code", [ECONOMY, GROUP])
def test_every_number_in_the_findings_is_in_the_section_tables(reports, code, lang):
    section = reports[code, lang].section(iot.SECTION_KEY)
    numbers = [n for b in section.bullets for n in pattern(lang).findall(b)]
    assert len(numbers) >= 10  # the findings do cite figures
    assert not strays(section, lang)


def test_the_checker_finds_a_stray_number(reports):
    section = reports[ECONOMY, "en"].section(iot.SECTION_KEY)
    from dataclasses import replace

    broken = replace(section, bullets=(*section.bullets, "Malawi has 7,777 exchange points."))
    assert ("7,777", "Malawi has 7,777 exchange points.") in strays(broken, "en")


def test_the_malawi_findings_read_from_its_tables(reports):
    section = reports[ECONOMY, "en"].section(iot.SECTION_KEY)
    pillar = section.tables[0].frame.iloc[0]
    assert section.bullets[0].startswith(
        f"Malawi scores {pillar['Score']} on the pillar IoT networks & data infrastructure "
        f"for 2025: rank {pillar['Rank']} of {pillar['of']}"
    )
    scored = section.tables[1].frame.set_index("Indicator")
    ixp = scored.loc["Internet exchange points per 10 million people"]
    (line,) = [b for b in section.bullets if b.startswith("Internet exchange points")]
    assert f": {ixp['Value']} in {ixp['Year']}, {ixp['Count']} in all;" in line
    context = section.tables[2].frame.set_index("Indicator")
    cables = context.loc["Submarine cables landing (in service)"]
    assert cables["Value"] == "no data" and cables["Year"] == ""
    assert cables["Note"] == translate("en", "term.flag.not_applicable")


def test_values_match_the_snapshot(snapshot, ctx):
    tables = iot.economy_tables(ctx, ECONOMY, "en")
    values = snapshot.values[snapshot.values["iso3"] == ECONOMY].set_index(["indicator", "year"])
    population = values.xs("population", level="indicator")["value"]
    checked = 0
    for frame, codes in ((tables.scored, tables.scored_codes),
                         (tables.context, tables.context_codes)):  # fmt: skip
        for (_, row), code in zip(frame.iterrows(), codes, strict=True):
            if row["Value"] == "no data":
                assert code in tables.missing and row["Year"] == ""
                assert not ((values.index.get_level_values(0) == code)
                            & (values.index.get_level_values(1) > 2025 - 5)).any()  # fmt: skip
                continue
            year = int(row["Year"])
            stored = values.loc[(code, year)]
            assert row["Value"] == format_value(stored["value"])
            assert row["Source"] == stored["source"]
            later = values.index[(values.index.get_level_values(0) == code)
                                 & (values.index.get_level_values(1) > year)]  # fmt: skip
            assert all(y > ctx.year for _, y in later)  # the most recent value up to 2025
            per = snapshot.catalogue.get(code).per
            if per is not None and row.get("Count"):
                pop = population[population.index <= year].iloc[-1]
                count = stored["value"] * pop / per.scale
                assert int(row["Count"].replace(",", "")) == round(count)
                assert math.isclose(count, round(count), abs_tol=0.01)
            checked += 1
    assert checked >= 8
    assert tables.scored.set_index("Indicator").loc[
        "Internet exchange points per 10 million people", "Count"
    ] not in ("", "0")


def test_group_values_match_the_gap_analytics(snapshot, ctx):
    group = ctx.groups[GROUP]
    gaps = iot_gaps(snapshot, ctx.year, [group]).set_index("measure")
    table = iot.group_gap_table(ctx, group).set_index("Measure")
    label = "Least developed countries"
    for measure, (title, kind) in iot.GROUP_MEASURES.items():
        row, facts = table.loc[title], gaps.loc[measure]
        assert row["With a value"] == f"{facts['known']}/{facts['members']}"
        assert row["Unknown"] == str(facts["unknown"])
        assert row["World"] == iot._measure_cell(kind, facts["world"])
        if kind == "share":
            share = row[label].split(" (")[0]
            assert share == f"{facts['value']:.0f}%"
        elif kind == "value":
            assert row[label] == format_value(facts["value"])
    ixp = table.loc[iot.GROUP_MEASURES["ixp_share"][0], label]
    hits, base = map(int, ixp.split("(")[1].rstrip(")").split("/"))
    members = [m for m in group.members if m in ctx.result.raw.index]
    density = ctx.result.raw.reindex(members)["ixp_density"]
    assert (hits, base) == (int((density > 0).sum()), int(density.notna().sum()))


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_an_unlisted_lpwa_market_is_unknown_never_zero(snapshot, reports, lang):
    economy = reports[ECONOMY, lang].section(iot.SECTION_KEY)
    scored = economy.tables[1].frame
    name = translate(lang, "term.indicator.lpwa_networks.name")
    row = scored[scored.iloc[:, 0] == name].iloc[0]
    assert row.iloc[1] == translate(lang, "report_layout.phrase.no_data")
    assert not re.search(r"\d", str(row.iloc[1]))
    assert translate(lang, "term.flag.not_listed") in row.to_numpy()
    economy_name = snapshot.countries.set_index("iso3").loc[ECONOMY, f"name_{lang}"]
    assert translate(lang, "report_text.iot.lpwa_unlisted", economy=economy_name) in (
        economy.bullets
    )
    group = reports[GROUP, lang].section(iot.SECTION_KEY).tables[1].frame
    listed_all = group.iloc[1]  # the share of all members, a lower bound
    assert listed_all.iloc[-3] == "43" and listed_all.iloc[-4] == "1/44"


def test_the_lpwa_share_counts_unlisted_members_as_unknown(ctx):
    table = iot.group_gap_table(ctx, ctx.groups[GROUP]).set_index("Measure")
    of_all = table.loc[iot.GROUP_MEASURES["lpwa_share"][0]]
    listed = table.loc[iot.GROUP_MEASURES["lpwa_share_listed"][0]]
    label = "Least developed countries"
    assert of_all[label].endswith("(1/44)") and listed[label].endswith("(1/1)")
    assert int(of_all["Unknown"]) + int(of_all["With a value"].split("/")[0]) == 44


def test_a_world_report_compares_with_high_income_only(snapshot, ctx):
    report = build_report(snapshot, Subject.group("WORLD"), context=ctx)
    section = report.section(iot.SECTION_KEY)
    gaps = section.tables[1].frame
    assert "World" in gaps.columns and "High income" in gaps.columns
    assert "Gap to World" not in gaps.columns
    assert all("for the world" not in b for b in section.bullets)
    assert not strays(section, "en")


def test_an_lldc_report_says_cables_do_not_apply(snapshot, ctx):
    section = build_report(snapshot, Subject.group("LLDC"), context=ctx).section(iot.SECTION_KEY)
    cables = section.tables[1].frame.set_index("Measure").loc[iot.GROUP_MEASURES["cable_share"][0]]
    assert cables["Landlocked developing countries"] == MISSING
    assert cables["Unknown"] == "0"  # landlocked: not applicable, not unknown
    assert translate("en", "report_text.iot.group_cables_none") in section.bullets


# --- files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "fr", "zh", "ar"])
@pytest.mark.parametrize("code", [ECONOMY, GROUP])
def test_written_files_carry_the_section(reports, code, lang):
    report = reports[code, lang]
    heading = report.section(iot.SECTION_KEY).title
    docx = docx_text(write_report(report, "docx", {}))
    assert heading in docx
    first_table = report.section(iot.SECTION_KEY).tables[1].frame
    assert str(first_table.columns[1]) in docx
    pdf = pdf_text(write_report(report, "pdf", {}))
    if lang == "ar":  # shaped right to left: look for its words
        assert all(word in pdf for word in ("إنترنت", "الأشياء"))
    else:
        assert heading.replace(" ", "") in pdf.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_deck_has_the_findings_and_tables(reports, lang):
    report = reports[GROUP, lang]
    section = report.section(iot.SECTION_KEY)
    text = pptx_text(write_report(report, "pptx", {}))
    assert section.title in text
    assert section.tables[1].title in text
    assert section.bullets[0] in text
