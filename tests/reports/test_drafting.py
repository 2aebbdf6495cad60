"""Drafted text: every figure in a summary or a finding is a figure in the report's tables."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol

from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.model import Report

TEMPLATE_YEARS = {"2030", "2100"}  # the targets' year and the projection horizon
# Languages whose numbers are written with other marks than English ("54,4", "1 234").
OTHER_MARKS = ("fr", "es", "ru")


def number_pattern(lang: str) -> re.Pattern[str]:
    """A number as the language writes it (Babel's decimal and group marks)."""
    dec, group = map(re.escape, (get_decimal_symbol(lang), get_group_symbol(lang)))
    return re.compile(rf"(?<![\w.,])[+-]?\d+(?:{group}\d{{3}})*(?:{dec}\d+)?(?![\w]|[.,]\d)")


NUMBER = number_pattern("en")


def value_of(number: str, lang: str) -> Decimal:
    """A number read back as the language writes it."""
    plain = number.replace(get_group_symbol(lang), "").replace(get_decimal_symbol(lang), ".")
    return Decimal(plain)


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot)


@pytest.fixture(scope="module")
def reports(snapshot, ctx) -> dict[str, Report]:
    out = {c: build_report(snapshot, Subject.economy(c), context=ctx) for c in ("KEN", "NPL")}
    for g in ("LDC", "ITU_AFR"):
        out[g] = build_report(snapshot, Subject.group(g), context=ctx)
    return out


def drafted(report: Report) -> list[str]:
    return [*report.section("summary").paragraphs[1:], *report.section("findings").bullets]


def printed_numbers(report: Report, number: re.Pattern[str] = NUMBER) -> set[str]:
    """Every number the report prints outside its drafted text: cells, titles, key figures."""
    texts: list[str] = []
    for k in report.key_figures:
        texts += [k.label, k.value, k.note]
    for s in report.sections:
        if s.key in ("summary", "findings"):
            continue
        # the IoT section's bullets are drafted findings too (tests/reports/test_report_iot.py)
        texts += [*(s.bullets if s.key != "iot" else ()), *s.paragraphs]
        for t in s.tables:
            texts += [t.title, *map(str, t.frame.columns)]
            texts += [str(v) for v in t.frame.to_numpy().ravel()]
    return {n for text in texts for n in number.findall(text)}


@pytest.mark.parametrize("code", ["KEN", "NPL", "LDC", "ITU_AFR"])
def test_every_number_in_the_text_is_in_the_tables(reports, code):
    report = reports[code]
    shown = printed_numbers(report) | TEMPLATE_YEARS
    text = drafted(report)
    assert text
    strays = {(n, line[:60]) for line in text for n in NUMBER.findall(line) if n not in shown}
    assert not strays


@pytest.mark.parametrize("lang", OTHER_MARKS)
@pytest.mark.parametrize("code", ["KEN", "LDC"])
def test_in_every_language_the_text_prints_the_figures_of_its_tables(snapshot, ctx, lang, code):
    subject = Subject.economy(code) if code == "KEN" else Subject.group(code)
    report = build_report(snapshot, subject, context=ctx, lang=lang)
    number = number_pattern(lang)
    shown = printed_numbers(report, number) | TEMPLATE_YEARS
    text = drafted(report)
    strays = {(n, line[:60]) for line in text for n in number.findall(line) if n not in shown}
    assert not strays
    assert any(get_decimal_symbol(lang) in n for line in text for n in number.findall(line))
    assert not [line for line in text if re.search(r"\d\.\d", line)]  # no English decimals


def test_kenya_internet_use_has_a_trend_on_sparse_data_and_the_pace_needed(reports):
    """22.7% in 2019 and 35.0% in 2024, nothing between: a trend, an outlook, the pace needed."""
    ken = reports["KEN"]
    row = (
        ken.section("gaps")
        .tables[0]
        .frame.set_index("Indicator")
        .loc["Individuals using the Internet"]
    )
    assert (row["Value"], row["Data year"], row["Gap"]) == ("35.0", "2024", "65.0")
    assert (row["Trend per year"], row["Trend years"]) == ("+2.46", "2019\u20132024")
    assert row["Outlook"] == "too slow" and row["Reach year"] == "2051"
    (line,) = [b for b in ken.section("findings").bullets if b.startswith("Individuals using")]
    assert line == (
        "Individuals using the Internet, 35.0% in 2024, is 65.0 short of the 2030 target of "
        "100.0%; at the 2019\u20132024 pace of +2.46 a year it would be reached around 2051; "
        f"{row['Pace needed per year']} a year are needed to reach it by 2030."
    )


def test_the_standing_sentence_repeats_the_key_figures(reports):
    ken = reports["KEN"]
    figures = {k.label: k.value for k in ken.key_figures}
    standing = ken.section("summary").paragraphs[1]
    rank, of = figures["Rank"].split(" of ")
    assert f"scores {figures['Readiness index']} " in standing
    assert f"rank {rank} of {of} economies" in standing
    assert f"(rank interval {figures['Rank interval (5-95%)']})" in standing
    assert f"in the tier {figures['Tier']}" in standing


def test_a_region_report_ranks_members_and_shows_its_development_groups(reports):
    afr = reports["ITU_AFR"]
    subsets = afr.section("subsets").tables[0].frame
    assert list(subsets["Group"]) == [
        "Least developed countries",
        "Landlocked developing countries",
        "Small island developing States",
    ]
    members = afr.section("members").tables
    improved = members[1].frame
    change = improved["Change"].str.replace("+", "", regex=False).astype(float)
    assert change.is_monotonic_decreasing
    tiers = afr.section("spread").tables[1].frame
    assert tiers["Members"].astype(int).sum() == len(members[0].frame)
    assert any(b.startswith("Least developed countries among") for b in
               afr.section("findings").bullets)  # fmt: skip


def test_text_is_drafted_in_the_report_language(snapshot, ctx, reports):
    fr = build_report(snapshot, Subject.economy("KEN"), context=ctx, lang="fr")
    en_text, fr_text = drafted(reports["KEN"]), drafted(fr)
    assert fr_text != en_text
    assert fr.section("findings").title == "Constats"
    # The same figures, written the French way: "51,6" for "51.6", "35,0 %" for "35.0%".
    fr_number = number_pattern("fr")
    en_values = [sorted(value_of(n, "en") for n in NUMBER.findall(line)) for line in en_text]
    fr_values = [sorted(value_of(n, "fr") for n in fr_number.findall(line)) for line in fr_text]
    assert en_values == fr_values
    assert "51,6" in fr_text[0] and "51.6" not in fr_text[0]
    # A template's own figures are text, not numbers: "ODD 7.1" stays as ITU writes it.
    assert "(et ODD 7.1)" in fr.section("gaps").paragraphs[0]
