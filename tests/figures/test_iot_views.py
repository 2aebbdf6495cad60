"""The IoT measures as the profile and map show them: flags beside values, missing never 0,
and what an economy's peers and region have, checked against the committed snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.groups import standard_groups
from readiness.data.snapshot import latest_values
from readiness.figures import iot_views
from readiness.figures.views import select_values
from readiness.gaps.cube import gap_inputs
from readiness.gaps.peers import find_peers
from readiness.i18n import flag_text, translate
from readiness.index.engine import score_snapshot

YEAR = 2025


@pytest.fixture(scope="module")
def result():
    return score_snapshot(YEAR)


def region_of(snapshot, iso3: str) -> list[str]:
    groups = standard_groups(snapshot.countries, YEAR, snapshot.income_history)
    (region,) = [g for g in groups.values() if g.kind == "itu_region" and iso3 in g.members]
    return list(region.members)


def peers_of(iso3: str) -> list[str]:
    table = find_peers(iso3, year=YEAR, inputs=gap_inputs()).table
    return list(table.loc[table["role"] == "peer", "iso3"])


def latest(snapshot, code: str) -> pd.DataFrame:
    return select_values(snapshot.values, code, YEAR, snapshot.catalogue.get(code).window)


def test_the_section_lists_the_iot_pillar_then_its_context(snapshot):
    codes = iot_views.iot_codes(snapshot.catalogue)
    pillar = [i.code for i in snapshot.catalogue.indicators if i.pillar == "IOT"]
    assert codes == [*pillar, *iot_views.IOT_CONTEXT]
    assert {"ipv6_capable", "ixp_density", "lpwa_networks", "secure_servers"} <= set(pillar)


def test_a_flags_detail_is_said_in_the_language(snapshot):
    """Details are codes and numbers (data/flags.csv): "1594;572" is two sample counts."""
    flags = snapshot.flags_of("ipv6_capable").set_index(["iso3", "flag"])["detail"]
    assert flags[("RUS", "low_sample")] == "1594;572"
    sel = latest(snapshot, "ipv6_capable")
    notes = iot_views.value_notes(snapshot.flags, "ipv6_capable", sel, ["RUS"], "fr")
    assert notes["RUS"] == translate(
        "fr", "term.flag.low_sample",
        detail=translate("fr", "term.flag.detail.samples_later", count="1\u202f594", later="572"),
    )  # fmt: skip


def test_a_value_carries_the_flags_of_its_own_year(snapshot):
    flags = snapshot.flags
    sel = latest(snapshot, "ipv6_capable")
    notes = iot_views.value_notes(flags, "ipv6_capable", sel, ["KEN", "FRA"], "en")
    later = flags[(flags["iso3"] == "KEN") & (flags["indicator"] == "ipv6_capable")]
    assert list(later["flag"]) == ["later_scrape"]
    assert notes["KEN"] == flag_text("en", "later_scrape", later["detail"].iloc[0])
    assert "18.1" in notes["KEN"]
    assert notes["FRA"] == ""  # a value without a flag has no note
    # a flag of another year than the value's does not apply: none for 2023's Ookla value
    speeds = select_values(snapshot.values, "download_fixed", 2023, 5)
    assert iot_views.value_notes(flags, "download_fixed", speeds, ["MWI"], "en")["MWI"] == ""
    speeds = latest(snapshot, "download_fixed")
    assert "Q1-Q2" in iot_views.value_notes(flags, "download_fixed", speeds, ["MWI"], "en")["MWI"]


def test_missing_is_not_applicable_or_not_listed_never_zero(snapshot):
    flags = snapshot.flags
    landlocked = set(flags.loc[flags["flag"] == "not_applicable", "iso3"])
    assert {"RWA", "MWI"} <= landlocked
    cables = latest(snapshot, "submarine_cables")
    assert not cables["iso3"].isin(landlocked).any()  # they have no value at all
    notes = iot_views.value_notes(flags, "submarine_cables", cables, ["RWA", "KEN", "MWI"], "fr")
    assert notes["RWA"] == notes["MWI"] == translate("fr", "term.flag.not_applicable")
    assert notes["KEN"] == ""
    lpwa = latest(snapshot, "lpwa_networks")
    assert "MWI" not in set(lpwa["iso3"]) and "RUS" in set(lpwa["iso3"])
    notes = iot_views.value_notes(flags, "lpwa_networks", lpwa, ["MWI", "RUS"], "en")
    assert notes["MWI"] == translate("en", "term.flag.not_listed") and notes["RUS"] == ""


def test_malawis_table_shows_the_snapshots_values_and_the_index_scores(snapshot, result):
    peers, region = peers_of("MWI"), region_of(snapshot, "MWI")
    table = iot_views.iot_table(
        snapshot.catalogue, snapshot.values, snapshot.flags, result, "MWI", peers, region, "en"
    ).set_index("code")
    sources = {s.id: s.name for s in snapshot.catalogue.sources}
    for code in iot_views.iot_codes(snapshot.catalogue):
        sel = latest(snapshot, code).set_index("iso3")
        row = table.loc[code]
        if "MWI" in sel.index:
            assert row["value"] == pytest.approx(sel.loc["MWI", "value"])
            assert row["year"] == sel.loc["MWI", "year"]
            assert row["source"] == sources[sel.loc["MWI", "source"]]
        else:
            assert np.isnan(row["value"]) and pd.isna(row["year"]) and row["note"]
        scored = code in result.normalised.columns
        assert row["role"] == ("index" if scored else "context")
        if scored:
            assert row["normalised"] == pytest.approx(
                result.normalised.loc["MWI", code], nan_ok=True
            )
        peer_values = sel["value"].reindex(peers).dropna()
        assert row["peers_with_data"] == len(peer_values)
        assert row["peers_median"] == pytest.approx(peer_values.median(), nan_ok=True)
        assert row["region_with_data"] == sel["value"].reindex(region).notna().sum()
    assert table.loc["submarine_cables", "note"] == translate("en", "term.flag.not_applicable")
    assert table.loc["lpwa_networks", "note"] == translate("en", "term.flag.not_listed")
    assert table.loc["cloud_regions", "value"] == 0.0  # a real 0: the providers list all regions


def test_an_economy_without_a_value_or_a_reason_reads_no_data(snapshot, result):
    """An economy the APNIC measurement does not report: "no data", not 0."""
    sel = latest(snapshot, "ipv6_capable")
    missing = sorted(set(snapshot.countries["iso3"]) - set(sel["iso3"]))
    assert missing
    table = iot_views.iot_table(
        snapshot.catalogue, snapshot.values, snapshot.flags, result, missing[0], [], [], "es"
    ).set_index("code")
    assert np.isnan(table.loc["ipv6_capable", "value"])
    assert table.loc["ipv6_capable", "note"] == translate("es", "iot_profile.no_data")
    assert table["peers_with_data"].eq(0).all() and table["peers_median"].isna().all()


def test_what_the_peers_have_counts_the_unknown_apart(snapshot):
    peers, region = peers_of("MWI"), region_of(snapshot, "MWI")
    counts = iot_views.has_counts(snapshot.catalogue, snapshot.values, YEAR, "MWI", peers, region)
    own, among_peers, members = counts["lpwa"]
    assert (own.have, own.unknown) == (0, 1)  # Malawi is not listed: unknown, not "none"
    lpwa = latest(snapshot, "lpwa_networks").set_index("iso3")["value"]
    assert among_peers.total == len(peers)
    assert among_peers.unknown == lpwa.reindex(peers).isna().sum()
    assert members.have == (lpwa.reindex(region) > 0).sum()
    assert members.unknown == lpwa.reindex(region).isna().sum() > 0
    own, among_peers, _ = counts["ixp"]
    ixp = latest(snapshot, "ixp_density").set_index("iso3")["value"]
    assert own.have == int(ixp["MWI"] > 0) == 1
    assert among_peers.have == (ixp.reindex(peers) > 0).sum()
    assert among_peers.have_not == (ixp.reindex(peers) == 0).sum()


def test_the_pillar_standing_is_the_results(snapshot, result):
    peers, region = peers_of("MWI"), region_of(snapshot, "MWI")
    standing = iot_views.pillar_standing(result, "MWI", peers, region)
    assert standing["score"] == pytest.approx(result.scores.loc["MWI", "IOT"])
    assert standing["rank"] == result.ranks.loc["MWI", "IOT"]
    assert standing["of"] == result.scores["IOT"].notna().sum()
    assert standing["peers_median"] == pytest.approx(result.scores["IOT"][peers].median())
    assert standing["region_scored"] == result.scores["IOT"].reindex(region).notna().sum()


def test_map_notes_count_the_not_applicable(snapshot, result):
    from readiness.figures.views import map_table

    names = snapshot.countries.set_index("iso3")["name_en"]
    table = map_table(snapshot.catalogue, snapshot.values, result, "submarine_cables", names)
    noted, not_applicable = iot_views.map_notes(table, snapshot.flags, "submarine_cables", "en")
    flagged = snapshot.flags[snapshot.flags["flag"] == "not_applicable"]
    assert not_applicable == flagged["iso3"].nunique() == 44
    rows = noted.set_index("iso3")
    assert rows.loc["RWA", "note"] == translate("en", "term.flag.not_applicable")
    assert np.isnan(rows.loc["RWA", "value"])
    assert (rows.loc[rows["value"].notna(), "note"] == "").all()


def test_all_measures_at_once_pick_what_each_measure_alone_picks(snapshot):
    """views.latest_values (the IoT table's one pass) picks, measure by measure, the rows that
    select_values picks for that measure alone."""
    codes = iot_views.iot_codes(snapshot.catalogue)
    windows = {c: snapshot.catalogue.get(c).window for c in codes}
    together = latest_values(snapshot.values, windows, YEAR)
    assert set(together["indicator"]) == set(codes)
    for code in codes:
        alone = select_values(snapshot.values, code, YEAR, windows[code])
        mine = together[together["indicator"] == code].drop(columns="indicator")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone)
