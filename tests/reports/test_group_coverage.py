"""A group report says each group value's data year and the population it covers, says why a
withheld value has no number, and gives the nowcast as a labelled estimate (docs/GAPS.md
section 3)."""

from __future__ import annotations

import re

import pytest

from readiness.data.groups import Group
from readiness.gaps.analysis import gap_table
from readiness.reports.build import Subject, build_report, scoring_context
from readiness.reports.group import group_report
from readiness.reports.localise import localise
from readiness.reports.writers.pdf import _CHAR_MM, _PAD_MM, PAGE_WIDTH_MM, _layout, pdf_label
from tests.reports.test_drafting import (
    NUMBER,
    TEMPLATE_YEARS,
    drafted,
    number_pattern,
    printed_numbers,
)

YEAR = 2025
# Members with no Internet use value in the 2025 window (`readiness datagaps --group WORLD`):
# Sudan, Syria, Yemen and Venezuela, with Kenya, which has one; they hold most of the people.
NO_RECENT = Group("NO_RECENT", "Sudan, Syria, Yemen, Venezuela and Kenya", "custom",
                  ("KEN", "SDN", "SYR", "VEN", "YEM"))  # fmt: skip
# The Republic of Korea and the DPR Korea, which has no index score and no recent Internet use:
# reported values hold about 66% of the people, half or more but under two thirds.
KOREAS = Group("KOREAS", "The two Koreas", "custom", ("KOR", "PRK"))
INTERNET = "Individuals using the Internet"


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot, YEAR)


@pytest.fixture(scope="module")
def rows(ctx):
    """The gap analytics' rows of the groups for the reference year, by group and code."""
    groups = [ctx.groups["ITU_ARB"], NO_RECENT, KOREAS]
    return gap_table(ctx.gaps, groups, [YEAR]).set_index(["group", "code"])


def _report(snapshot, ctx, group: Group | str, lang: str = "en"):
    if isinstance(group, str):
        return build_report(snapshot, Subject.group(group), context=ctx, lang=lang)
    return localise(group_report(ctx, group, lang), ctx, lang)


def _gap_row(report, indicator: str = INTERNET):
    table = report.section("gaps").tables[0].frame
    return table.set_index(table.columns[0]).loc[indicator]


def _finding(report, start: str) -> str:
    (line,) = [b for b in report.section("findings").bullets if b.startswith(start)]
    return line


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def test_arab_states_internet_use_says_its_data_year_and_estimated_share(snapshot, ctx, rows):
    """Sudan, Syria and Yemen (a quarter of the region's people) have no value in the window:
    estimated for the group value, and the report says how much they stand for."""
    ours = rows.loc[("ITU_ARB", "internet_use")]
    assert not ours["withheld"] and ours["estimated_share"] > 0.05 and ours["n_estimated"] == 3
    report = _report(snapshot, ctx, "ITU_ARB")
    row = _gap_row(report)
    reported, estimated = _pct(ours["population_share"]), _pct(ours["estimated_share"])
    assert (reported, estimated) == ("76%", "24%")
    assert row["Population covered"] == f"{reported} reported, {estimated} estimated"
    assert row["Value"] == f"{ours['weighted']:.1f}" and row["Data year"] == "2023"
    line = _finding(report, INTERNET)
    assert line.startswith(f"{INTERNET}, {row['Value']}% in 2023, is ")
    assert line.endswith(
        f"Members without a recent value, estimated from their own trends, hold {estimated} of "
        "the group's population."
    )
    # members that all report: no estimated part, no sentence on estimates
    four_g = rows.loc[("ITU_ARB", "coverage_4g")]
    assert four_g["n_estimated"] == 0
    assert (
        _gap_row(report, "Population covered by at least a 4G/LTE mobile network")[
            "Population covered"
        ]
        == "100% reported"
    )
    # the nowcast, an estimate, under the table (as a column it would not fit an A4 page)
    note = report.section("gaps").tables[0].note
    assert note.startswith(f"Nowcast to {YEAR}, an estimate from the members' own damped trends")
    assert f"{INTERNET} {ours['nowcast']:.1f}%" in note
    assert "docs/GAPS.md section 3" in note


def test_a_group_whose_members_mostly_lack_a_value_is_withheld(snapshot, ctx, rows):
    ours = rows.loc[("NO_RECENT", "internet_use")]
    assert ours["withheld"] and ours["population_share"] < 0.5 and ours["n"] == 1
    report = _report(snapshot, ctx, NO_RECENT)
    row = _gap_row(report)
    share = _pct(ours["population_share"])
    assert row["Value"] == f"withheld: reported values cover {share} of the population"
    assert row["Gap"] == "no data" and row["Outlook"] == "no data"
    assert f"{ours['as_reported']:.1f}" not in " ".join(map(str, row))  # Kenya's value alone
    line = _finding(report, INTERNET)
    assert line == (
        f"{INTERNET}: no group value is given, because members with a recent value hold only "
        f"{share} of the group's population, less than half."
    )
    assert INTERNET not in report.section("gaps").tables[0].note  # no nowcast either
    shown = printed_numbers(report) | TEMPLATE_YEARS
    assert not {n for text in drafted(report) for n in NUMBER.findall(text) if n not in shown}


def test_half_reported_but_under_two_thirds_with_estimates_is_withheld(snapshot, ctx, rows):
    """The Koreas: the Republic of Korea reports, the DPR Korea has neither a recent value nor
    an index score. Internet use and the index are withheld by the two-thirds rule."""
    ours = rows.loc[("KOREAS", "internet_use")]
    assert ours["withheld"] and 0.5 <= ours["population_share"] + ours["estimated_share"] < 2 / 3
    report = _report(snapshot, ctx, KOREAS)
    covered = _pct(ours["population_share"] + ours["estimated_share"])
    assert _gap_row(report)["Value"] == (
        f"withheld: reported values and estimates cover {covered} of the population"
    )
    assert _finding(report, INTERNET).endswith(
        f"or an estimate hold only {covered} of the group's population, less than two thirds."
    )
    # the index: scored members hold under two thirds of the people, so no mean is given
    index = ctx.result.group_aggregates({"KOREAS": list(KOREAS.members)}).set_index("code")
    index = index.loc[ctx.framework.index_code]
    assert index["withheld"] and index["n"] == 1
    withheld = f"withheld: scored members hold {_pct(index['population_share'])} of the population"
    key = {k.label: k.value for k in report.key_figures}
    assert key["Mean index"] == key["Population-weighted index"] == withheld
    comparison = report.section("comparison").tables[0].frame
    assert comparison.iloc[0][f"{KOREAS.label}: mean"] == withheld
    standing = report.section("summary").paragraphs[0]
    assert "no mean readiness index is given" in standing and "nan" not in standing
    assert not re.search(r"\bn/a\b", standing)


@pytest.mark.parametrize("lang", ["fr", "es", "ru"])
def test_in_other_languages_the_coverage_is_said_and_the_figures_are_the_tables(
    snapshot, ctx, lang
):
    number = number_pattern(lang)
    for group in ("ITU_ARB", NO_RECENT):
        report = _report(snapshot, ctx, group, lang)
        shown = printed_numbers(report, number) | TEMPLATE_YEARS
        strays = {n for text in drafted(report) for n in number.findall(text) if n not in shown}
        assert not strays
        table = report.section("gaps").tables[0].frame
        english = _report(snapshot, ctx, group).section("gaps").tables[0].frame
        assert list(table.columns) != list(english.columns)
        assert not table.iloc[:, -1].isin(english.iloc[:, -1]).any()  # population covered


def test_french_sentences(snapshot, ctx):
    arab = _report(snapshot, ctx, "ITU_ARB", "fr")
    assert _gap_row(arab, "Personnes utilisant l'Internet").iloc[-1] == (
        "valeurs communiquées 76\u00a0%, estimations 24\u00a0%"
    )
    assert _finding(arab, "Personnes utilisant l'Internet").endswith(
        "Les membres sans valeur récente, estimés d'après leur propre tendance, regroupent "
        "24\u00a0% de la population du groupe."
    )
    withheld = _report(snapshot, ctx, NO_RECENT, "fr")
    assert _gap_row(withheld, "Personnes utilisant l'Internet")["Valeur"] == (
        "non publiée : les valeurs communiquées couvrent 28\u00a0% de la population"
    )


def _fits(cells: list[list[str]]) -> bool:
    """Whether the PDF writer lays the table out without splitting a word (each column at least
    its longest word at the chosen type size)."""
    size, widths = _layout(cells)
    words = [max(len(w) for r in cells for w in r[j].split()) for j in range(len(cells[0]))]
    least = [max(2, n) * _CHAR_MM * size + _PAD_MM for n in words]
    return all(w >= m - 1e-6 for w, m in zip(widths, least, strict=True))


def test_the_gap_table_fits_an_a4_page_without_splitting_words(snapshot, ctx):
    """Why the nowcast is a note: with the population covered, the group's gap table still
    fits the PDF page; one more column would split words."""
    table = _report(snapshot, ctx, "LDC").section("gaps").tables[0].frame
    cells = [[pdf_label(c) for c in table.columns]]
    cells += [[pdf_label(v) for v in row] for row in table.itertuples(index=False)]
    assert _fits(cells)
    assert sum(_layout(cells)[1]) <= PAGE_WIDTH_MM + 1e-6
    nowcast = [[*cells[0], f"Nowcast {YEAR} (estimate)"]] + [[*r, "33.8"] for r in cells[1:]]
    assert not _fits(nowcast)
