"""The report model: every number equals `python -m readiness scores` and the dashboard's views."""

from __future__ import annotations

import io
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from readiness.errors import ReadinessError
from readiness.figures import views
from readiness.reports.build import Subject, build_report, resolve_subject, scoring_context
from readiness.reports.context import find_group
from readiness.reports.model import (
    MC_SAMPLES,
    MC_SEED,
    MISSING,
    format_interval,
    format_rank,
    format_score,
)
from readiness.reports.sections import priority_table

PILLARS = ("CONN", "BBAF", "POLICY", "ENABLE", "IOT")


@pytest.fixture(scope="module")
def cli_scores(cli) -> pd.DataFrame:
    """`python -m readiness scores` with the reports' Monte Carlo, read back from its CSV."""
    run = cli("scores", "--format", "csv", "--uncertainty", str(MC_SAMPLES), "--seed", str(MC_SEED))
    assert run.code == 0, run.err
    return pd.read_csv(io.StringIO(run.out), keep_default_na=True).set_index("iso3")


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot)


@pytest.fixture(scope="module")
def ken(snapshot, ctx):
    return build_report(snapshot, Subject.economy("KEN"), context=ctx)


@pytest.fixture(scope="module")
def ldc(snapshot, ctx):
    return build_report(snapshot, Subject.group("LDC"), context=ctx)


def expected_rows(cli_scores: pd.DataFrame, iso3: str) -> dict[str, str]:
    """What a report must show for an economy, formatted from the CLI's output."""
    row = cli_scores.loc[iso3]
    out = {"Index": format_score(row["index"]), "Rank": format_rank(row["rank"])}
    for p in PILLARS:
        out[p] = format_score(row[p])
    out["interval"] = format_interval(row["rank_p05"], row["rank_p95"])
    out["tier"] = str(row["tier"])
    return out


def test_economy_scores_equal_the_cli(ken, cli_scores, ctx):
    want = expected_rows(cli_scores, "KEN")
    table = ken.section("scores").tables[0].frame.set_index("Component")
    assert table.loc["Index", "Score"] == want["Index"] == "51.6"
    assert table.loc["Index", "Rank"] == want["Rank"]
    assert table.loc["Index", "Rank interval (5-95%)"] == want["interval"]
    assert table.loc["Index", "Tier"] == want["tier"]
    assert table.loc["Index", "of"] == str(int(cli_scores["rank"].notna().sum()))
    for p in PILLARS:
        assert table.loc[ctx.framework.name(p), "Score"] == want[p]
    figures = {k.label: k.value for k in ken.key_figures}
    assert figures["Readiness index"] == want["Index"]
    assert figures["Rank"] == f"{want['Rank']} of {int(cli_scores['rank'].notna().sum())}"
    assert figures["Rank interval (5-95%)"] == want["interval"]
    assert figures["Tier"] == want["tier"]


def test_group_members_equal_the_cli(ldc, cli_scores, snapshot, ctx):
    members = ldc.section("members").tables[0].frame
    ldc_codes = set(snapshot.countries.loc[snapshot.countries["ldc"], "iso3"])
    assert set(members["ISO3"]) == ldc_codes and len(members) == 44
    for row in members.to_dict("records"):
        want = expected_rows(cli_scores, row["ISO3"])
        assert row["Index"] == (want["Index"] if want["Index"] != MISSING else MISSING)
        assert row["Rank"] == want["Rank"]
        assert row["Rank interval (5-95%)"] == want["interval"]
        assert row["Tier"] == want["tier"]
        for p in PILLARS:
            assert row[ctx.framework.name(p)] == want[p]
    # Best first, then the unscored at the end.
    ranks = pd.to_numeric(members["Rank"], errors="coerce")
    assert ranks.dropna().is_monotonic_increasing
    assert MISSING not in set(members["Index"])  # every LDC has the coverage for an index


def test_group_key_figures_and_spread_follow_the_members(ldc, cli_scores, snapshot):
    codes = snapshot.countries.loc[snapshot.countries["ldc"], "iso3"]
    idx = cli_scores.loc[list(codes), "index"]
    figures = {k.label: k.value for k in ldc.key_figures}
    assert figures["Scored"] == f"{idx.notna().sum()}/44"
    assert figures["Median index"] == format_score(idx.median())
    spread = ldc.section("spread").tables[0].frame.set_index("Component")
    assert spread.loc["Index", "Median"] == format_score(idx.median())
    lowest = cli_scores.loc[idx.idxmin(), "name"]
    assert spread.loc["Index", "Lowest"] == f"{format_score(idx.min())} ({lowest})"


def test_numbers_equal_the_dashboard_views(ken, ctx):
    shown = views.profile_scores(ctx.result, "KEN", ctx.intervals)
    table = ken.section("scores").tables[0].frame
    assert table["Score"].tolist() == [format_score(v) for v in shown["score"]]
    assert table["Rank"].tolist() == [format_rank(v) for v in shown["rank"]]
    index = shown.iloc[0]
    assert table["Rank interval (5-95%)"].iloc[0] == format_interval(
        index["rank_p05"], index["rank_p95"]
    )


@pytest.mark.parametrize("x", [12.34996, 12.35, 0.04999, 99.94999, 54.44995, -0.00001])
def test_format_score_rounds_from_the_published_precision(x):
    # The CLI prints round(x, 4); formatting either gives the same text.
    assert format_score(x) == format_score(round(x, 4))


def test_format_score_random_values_match_the_cli_rounding():
    rng = np.random.default_rng(3)
    for x in rng.uniform(0, 100, 5000):
        assert format_score(x) == format_score(round(float(x), 4))
    assert format_score(float("nan")) == MISSING
    assert format_interval(np.nan, 3.0) == MISSING


def test_priority_rule_is_way_to_go_times_weight(ctx, ken):
    from readiness.gaps.analysis import economy_gaps

    res = ctx.result
    eg = economy_gaps(ctx.gaps, ctx.year, ["KEN"]).set_index("code")
    expected = {}
    for code in res.normalised.columns:
        if code in eg.index:
            share = float(eg.loc[code, "to_go"])
        else:
            share = (100.0 - float(res.normalised.loc["KEN", code])) / 100.0
        share = min(1.0, max(0.0, share))
        expected[code] = share * float(res.effective_weights[code]) * 100
    table = priority_table(ctx, ["KEN"])
    top = sorted(expected.items(), key=lambda kv: -kv[1])[:5]
    assert table["indicator"].tolist() == [c for c, _ in top]
    for got, (_, want) in zip(table["priority"], top, strict=True):
        assert math.isclose(got, want, rel_tol=1e-9)
    shown = ken.section("strengths").tables[1].frame
    assert shown["Priority (index points)"].tolist() == [format_score(v) for _, v in top]
    basis = dict(zip(table["indicator"], table["basis"], strict=True))
    assert basis["price_fixed_5gb"] == "2030 target"
    assert basis["data_governance"] == "goalpost"


def test_economy_gaps_section_uses_the_gap_analytics(ken, ctx):
    from readiness.gaps.analysis import economy_gaps

    eg = economy_gaps(ctx.gaps, ctx.year, ["KEN"])
    table = ken.section("gaps").tables[0].frame
    assert len(table) == len(eg)
    internet = table.set_index("Indicator").loc["Individuals using the Internet"]
    assert internet["Progress band"] == "Limited"
    assert internet["Target"] == "100.0"
    four_g = eg.set_index("code").loc["coverage_4g"]
    row = table.set_index("Indicator").loc[ctx.framework.name("coverage_4g")]
    assert row["Reach year"] == str(int(four_g["reach_year"]))
    assert row["Years to target"] == str(int(four_g["reach_year"]) - ctx.year)


def test_comparison_has_region_income_group_and_peers(ken):
    table = ken.section("comparison").tables[0].frame
    assert list(table.columns[:3]) == ["Component", "Kenya", "Africa (ITU-D)"]
    assert "Lower middle income" in table.columns
    assert any(c.startswith("Peers (") for c in table.columns)
    assert table.columns[-1] == "World"


def test_peers_progress_gives_the_years_of_each_peers_trend(ken, ctx):
    from readiness.gaps.peers import find_peers

    table = next(t for t in ken.section("comparison").tables if t.title.startswith("Peers'"))
    shown = table.frame.set_index("Economy")
    names = {ctx.gaps.name(c): c for c in ctx.gaps.codes}
    code = names[table.title.removeprefix("Peers' progress: ")]
    peers = find_peers("KEN", indicator=code, year=ctx.year, inputs=ctx.gaps).table
    peers = peers[peers["role"] == "peer"].set_index("name")
    assert set(shown.index) == set(peers.index)
    with_trend = peers[peers["trend"].notna()]
    assert len(with_trend)
    for name, row in with_trend.iterrows():
        assert shown.loc[name, "Trend years"] == f"{row['trend_from']}\u2013{row['trend_to']}"
    for name in peers.index.difference(with_trend.index):
        assert shown.loc[name, "Trend years"] == ""


def test_group_report_sections(ldc):
    keys = [s.key for s in ldc.sections]
    for key in ("summary", "map", "members", "spread", "comparison", "gaps", "priorities", "data"):
        assert key in keys
    kinds = {f.kind for f in ldc.figures()}
    assert {"map", "member_bars", "spread_box", "component_bars", "gap_bars"} <= kinds
    cover = ldc.section("data").tables[0].frame.set_index("Indicator")
    assert cover.loc["Individuals using the Internet", "With data"] == "39/44"
    assert "CAF" in cover.loc["Individuals using the Internet", "Missing members"]


def test_citations_name_every_source_used(ken, snapshot, ctx):
    years = ctx.result.years.loc["KEN"].dropna()
    vals = snapshot.values
    used = set()
    for code, year in years.items():
        hit = vals[(vals["iso3"] == "KEN") & (vals["indicator"] == code) & (vals["year"] == year)]
        used |= set(hit["source"])
    cited = {c.source for c in ken.citations}
    assert used <= cited
    assert {"ITU_UMC_2030", "BOUNDARIES"} <= cited
    for c in ken.citations:
        assert c.licence and c.citation


def test_unscored_economy_reports_not_scored(snapshot, ctx):
    report = build_report(snapshot, Subject.economy("ABW"), context=ctx)
    figures = {k.label: k.value for k in report.key_figures}
    assert figures["Readiness index"] == MISSING
    assert figures["Tier"] == "Not scored"


def test_user_data_is_labelled_as_such(snapshot):
    from readiness.uploads.overlay import Overlay, Provenance, apply_overlay

    rows = pd.DataFrame(
        {"iso3": ["KEN"], "indicator": ["internet_use"], "year": [2025], "value": [41.5]}
    )
    overlay = Overlay(rows, (), Provenance("survey.csv", "ab" * 32, "2026-11-28T00:00:00Z"))
    snap = apply_overlay(snapshot, overlay)
    report = build_report(snap, Subject.economy("KEN"))
    data = report.section("data").tables[0].frame.set_index("Indicator")
    row = data.loc["Individuals using the Internet"]
    assert row["Value"] == "41.5"
    assert row["Source"].startswith("User data")
    assert "user data" in row["Flags"]
    user = [c for c in report.citations if c.user]
    assert len(user) == 1 and "survey.csv" in user[0].citation
    other = data.drop(index="Individuals using the Internet")
    assert not other["Source"].str.startswith("User data").any()


def test_subjects_resolve_by_code_or_name(snapshot):
    assert resolve_subject(snapshot, country="ken") == Subject.economy("KEN")
    assert resolve_subject(snapshot, country="Kenya") == Subject.economy("KEN")
    assert resolve_subject(snapshot, group="ldc") == Subject.group("LDC")
    assert find_group(snapshot, "Africa", None).code == "ITU_AFR"
    assert find_group(snapshot, "Low income", None).code == "LIC"
    with pytest.raises(ReadinessError, match="unknown economy 'XYZ'"):
        resolve_subject(snapshot, country="XYZ")
    with pytest.raises(ReadinessError, match="did you mean"):
        resolve_subject(snapshot, group="LDCS")


def test_a_year_outside_the_data_is_refused(snapshot):
    with pytest.raises(ReadinessError, match="choose a year from"):
        scoring_context(snapshot, 1990)


def test_another_method_changes_the_numbers_consistently(snapshot, cli, tmp_path):
    from readiness.index.method import Method, save_method

    method = replace(Method(), aggregation="geometric", bounds=(1.0, 100.0))
    path = tmp_path / "method.yaml"
    save_method(method, path)
    run = cli("scores", "--format", "csv", "--method", str(path))
    assert run.code == 0, run.err
    table = pd.read_csv(io.StringIO(run.out)).set_index("iso3")
    report = build_report(snapshot, Subject.economy("KEN"), method=method)
    scores = report.section("scores").tables[0].frame.set_index("Component")
    assert scores.loc["Index", "Score"] == format_score(table.loc["KEN", "index"])
    assert scores.loc["Index", "Rank"] == format_rank(table.loc["KEN", "rank"])
    assert any("geometric" in b for b in report.section("method").bullets)


def test_a_year_without_any_index_says_so(snapshot):
    report = build_report(snapshot, Subject.economy("KEN"), year=2016)
    assert {k.label: k.value for k in report.key_figures}["Rank"] == "n/a of 0"
    assert any(
        "No economy has enough recent data" in p for p in report.section("summary").paragraphs
    )
    later = build_report(snapshot, Subject.economy("KEN"), year=2020)
    assert not any("No economy has" in p for p in later.section("summary").paragraphs)
