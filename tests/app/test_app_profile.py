"""AppTest: the country profile shows the engine's scores, ranks, gaps, peers and data gaps."""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.gaps.analysis import economy_gaps
from readiness.gaps.cube import gap_inputs
from readiness.gaps.datagaps import economy_status
from readiness.gaps.peers import find_peers
from readiness.i18n import format_number, translate
from readiness.index.engine import score_snapshot
from tests.app.test_app_map import open_app

PROFILE = "app_pages/profile.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_shared_link_opens_the_economy_with_the_engine_numbers():
    at = open_app(PROFILE, economy="KEN")
    result = score_snapshot()
    shown = metrics(at)
    assert at.header[0].value == "Kenya"
    assert shown["Index score"] == f"{result.index['KEN']:.1f}"
    assert shown["Rank"] == f"{result.rank['KEN']} / {result.index.notna().sum()}"
    assert shown["Tier"] == result.tiers["KEN"]
    for pillar in result.framework.pillars:
        name = result.framework.by_code[pillar].name
        assert shown[name] == f"{result.scores.loc['KEN', pillar]:.1f}"
    assert at.query_params["economy"] == "KEN"


def test_the_indicator_table_has_values_targets_and_bands():
    at = open_app(PROFILE, economy="KEN")
    result = score_snapshot()
    table = next(d.value for d in at.dataframe if "Normalised score" in d.value.columns).set_index(
        "Code"
    )
    assert list(table.index) == list(result.framework.indicators)
    for code in result.framework.indicators:
        assert table.loc[code, "Value"] == pytest.approx(result.raw.loc["KEN", code], nan_ok=True)
        assert table.loc[code, "Normalised score"] == pytest.approx(
            result.normalised.loc["KEN", code], nan_ok=True
        )
    gaps = economy_gaps(gap_inputs(), None, ["KEN"], codes=["internet_use"]).iloc[0]
    assert table.loc["internet_use", "Gap to target"] == pytest.approx(gaps["gap"])
    assert table.loc["internet_use", "Band"] == gaps["band"]


def test_changing_the_year_and_economy():
    at = open_app(PROFILE, economy="KEN")
    at.select_slider(key="_w_profile_year").set_value(2020).run()
    at.selectbox(key="_w_profile_economy").set_value("GHA").run()
    assert not at.exception
    result = score_snapshot(2020)
    assert at.header[0].value == "Ghana"
    assert metrics(at)["Index score"] == f"{result.index['GHA']:.1f}"
    assert at.query_params["year"] == "2020"
    assert at.query_params["economy"] == "GHA"


def test_an_economy_without_a_score_says_so():
    at = open_app(PROFILE, economy="ABW")
    assert score_snapshot().index.isna()["ABW"]
    assert any("Not scored" in w.value for w in at.warning)
    assert "Index score" not in metrics(at)


def test_peers_and_data_gaps_come_from_the_gap_modules():
    at = open_app(PROFILE, economy="NPL")
    inputs = gap_inputs()
    peers = find_peers("NPL", inputs=inputs)
    shown = next(d.value for d in at.dataframe if "Distance (Gower)" in d.value.columns)
    assert shown["ISO3"].tolist() == peers.table["iso3"].tolist()
    status = economy_status(inputs, [score_snapshot().year], ["NPL"])
    shown_metrics = metrics(at)
    assert shown_metrics["Carried forward"] == str((status["status"] == "carried forward").sum())
    assert shown_metrics["Missing"] == str((status["status"] == "missing").sum())


def test_the_peers_table_shows_the_years_each_trend_rests_on():
    at = open_app(PROFILE, economy="KEN")
    peers = find_peers("KEN", inputs=gap_inputs()).table
    shown = next(d.value for d in at.dataframe if "Distance (Gower)" in d.value.columns)
    assert {"Trend from", "Trend to"} <= set(shown.columns)
    assert shown["ISO3"].tolist() == peers["iso3"].tolist()
    assert shown["Trend from"].tolist() == peers["trend_from"].tolist()
    assert shown["Trend to"].tolist() == peers["trend_to"].tolist()
    ken = shown.set_index("ISO3").loc["KEN"]
    assert (ken["Trend from"], ken["Trend to"]) == (2019, 2024)


def test_compare_with_peers_sets_the_shared_peers():
    at = open_app(PROFILE, economy="NPL")
    at.button(key="profile_compare").click().run()
    assert not at.exception
    assert at.title[0].value == "Compare"
    peers = at.query_params["peers"].split(",")
    assert peers[0] == "NPL" and len(peers) == 6


def test_the_report_download_is_offered_for_the_economy():
    at = open_app(PROFILE, economy="NPL")
    assert at.selectbox(key="profile_report_format").options
    assert at.button(key="profile_report_prepare").label == "Prepare report"


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "zh", "ar"])
def test_the_headline_rank_is_short_in_every_language_with_the_sentence_as_help(lang):
    """The rank fits a quarter of the page: "120 / 194", its sentence in the metric's help."""
    at = open_app(PROFILE, economy="KEN", lang=lang)
    result = score_snapshot()
    rank, of = result.rank["KEN"], result.index.notna().sum()
    metric = next(m for m in at.metric if m.label == translate(lang, "profile.rank"))
    assert metric.value == translate(lang, "profile.rank_short", rank=rank, of=of)
    assert len(metric.value) <= len("120 من 194")
    assert metric.proto.help == translate(lang, "profile.rank_help", rank=rank, of=of)
    assert f"{rank}" in metric.proto.help and f"{of}" in metric.proto.help


def test_an_economy_too_sparse_for_peers_says_so_instead_of_failing():
    # the Channel Islands lack most comparison features (income, population, urbanisation)
    from readiness.errors import ReadinessError

    with pytest.raises(ReadinessError):
        find_peers("CHI")
    at = open_app(PROFILE, economy="CHI")
    notes = [i.value for i in at.info]
    assert any("comparable economies for Channel Islands" in n for n in notes), notes
    assert not any(b.key == "profile_compare" for b in at.button)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_strengths_and_weaknesses_name_the_indicators_in_the_pages_language(lang, snapshot):
    at = open_app(PROFILE, economy="KEN", lang=lang)
    best = score_snapshot().strengths_weaknesses(n=3)
    kenya = best[best["code"] == "KEN"]
    names = snapshot.catalogue.translated(lang).names()
    lists = [m.value for m in at.markdown if m.value.startswith("**")]
    for kind in ("strength", "weakness"):
        (shown,) = [v for v in lists if v.startswith(f"**{translate(lang, f'profile.{kind}')}**")]
        for code in kenya.loc[kenya["kind"] == kind, "indicator"]:
            assert names[code] in shown


def test_a_charts_downloads_are_in_its_table_tab():
    from tests.app.test_app_map import open_tables

    def buttons(at) -> list[str]:
        return [b.proto.id for b in at.get("download_button")]

    at = open_app(PROFILE, economy="KEN")
    assert not any("profile_groups" in b for b in buttons(at))  # not sent on a first load
    assert any("dl_csv_scores" in b for b in buttons(at))  # a table's sit beside it
    open_tables(at, "profile_groups")
    shown = buttons(at)
    assert any("dl_csv_profile_groups" in b for b in shown)
    assert any("dl_xlsx_profile_groups" in b for b in shown)


def iot_section(at, lang: str):
    """The IoT section's measures table (by code) and its "what the peers have" table."""
    note = translate(lang, "iot_profile.col.note")
    (table,) = [d.value for d in at.dataframe if note in d.value.columns]
    return table.set_index(translate(lang, "col.code")), at.table[0].value


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "zh", "ar"])
def test_the_iot_section_shows_malawis_values_in_every_language(lang, snapshot):
    from readiness.figures.iot_views import iot_codes
    from readiness.figures.views import select_values

    at = open_app(PROFILE, economy="MWI", year="2025", lang=lang)
    assert translate(lang, "iot_profile.title") in [s.value for s in at.subheader]
    table, has = iot_section(at, lang)
    assert list(table.index) == iot_codes(snapshot.catalogue)
    result = score_snapshot(2025)
    value, year = translate(lang, "col.value"), translate(lang, "col.year")
    note, score = translate(lang, "iot_profile.col.note"), translate(lang, "col.normalised")
    for code in table.index:
        sel = select_values(snapshot.values, code, 2025, snapshot.catalogue.get(code).window)
        mine = sel.set_index("iso3").reindex(["MWI"]).iloc[0]
        assert table.loc[code, value] == pytest.approx(mine["value"], nan_ok=True)
        if not pd.isna(mine["value"]):
            assert table.loc[code, year] == mine["year"]
        if code in result.normalised.columns:
            expected = result.normalised.loc["MWI", code]
            assert table.loc[code, score] == pytest.approx(expected, nan_ok=True)
    # Malawi is landlocked and not on the LTE-M/NB-IoT listing: said so, never 0
    assert pd.isna(table.loc["submarine_cables", value])
    assert table.loc["submarine_cables", note] == translate(lang, "term.flag.not_applicable")
    assert pd.isna(table.loc["lpwa_networks", value])
    assert table.loc["lpwa_networks", note] == translate(lang, "term.flag.not_listed")
    names = snapshot.countries.set_index("iso3")[f"name_{lang}" if lang != "en" else "name_en"]
    lpwa = has.iloc[1]
    assert lpwa[names["MWI"]] == translate(lang, "term.flag.not_listed")
    # the IoT pillar stands with the other four, named and written in the language
    name = snapshot.catalogue.translated(lang).pillar("IOT").name
    pillar = next(m for m in at.metric if m.label == name)
    assert pillar.value == format_number(result.scores.loc["MWI", "IOT"], lang, 1)


def test_the_iot_pillar_stands_in_the_pillars_row():
    at = open_app(PROFILE, economy="MWI")
    result = score_snapshot()
    shown = metrics(at)
    fw = result.framework
    assert len(fw.pillars) == 5 and "IOT" in fw.pillars
    labels = [m.label for m in at.metric]
    for pillar in fw.pillars:
        assert shown[fw.by_code[pillar].name] == f"{result.scores.loc['MWI', pillar]:.1f}"
    iot = next(m for m in at.metric if m.label == fw.by_code["IOT"].name)
    rank, of = result.ranks.loc["MWI", "IOT"], result.scores["IOT"].notna().sum()
    assert iot.proto.delta == f"{rank} of {of}"
    # the five sit together in one grid (app_pages/profile.py's PILLARS_CSS)
    assert labels.index(fw.by_code["IOT"].name) == labels.index(fw.by_code[fw.pillars[0]].name) + 4


def test_a_landlocked_economy_reads_not_applicable_for_cables_and_peers_are_counted(snapshot):
    from readiness.figures.views import select_values

    at = open_app(PROFILE, economy="RWA")
    table, has = iot_section(at, "en")
    assert pd.isna(table.loc["submarine_cables", "Value"])
    assert table.loc["submarine_cables", "Note"] == translate("en", "term.flag.not_applicable")
    assert table.loc["lpwa_networks", "Note"] == translate("en", "term.flag.not_listed")
    peers = find_peers("RWA", inputs=gap_inputs()).table
    codes = list(peers.loc[peers["role"] == "peer", "iso3"])
    ixp = select_values(snapshot.values, "ixp_density", snapshot.latest_year, 5)
    ixp = ixp.set_index("iso3")["value"]
    have = int((ixp.reindex(codes) > 0).sum())
    assert has.iloc[0]["Rwanda"] == "Yes"
    assert has.iloc[0]["Peers"].startswith(f"{have} of {len(codes)}")
    assert "unknown" in has.iloc[1]["Peers"]  # most peers are not on the listing


def test_kenyas_ipv6_value_carries_its_later_measurement():
    at = open_app(PROFILE, economy="KEN")
    table, _ = iot_section(at, "en")
    assert table.loc["ipv6_capable", "Note"] == translate(
        "en", "term.flag.later_scrape", detail="18.1"
    )
