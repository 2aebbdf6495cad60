"""AppTest: the world map page shows what readiness computes, for any measure, year and group."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from readiness.figures import palette
from readiness.figures.views import select_values
from readiness.index.engine import score_snapshot
from tests.figures.test_vega_maps import hover_of

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120  # a slow 2-core CI runner computes the first index from cold


def open_app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def figure(at: AppTest, n: int = 0) -> dict:
    """The n-th Plotly chart of the page, as the browser receives it (other pages' charts)."""
    return json.loads(at.get("plotly_chart")[n].proto.spec)


def array(values: object) -> np.ndarray:
    """A Plotly trace array, plain or typed (base64 `bdata`)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def traces(spec: dict) -> dict[str, dict]:
    return {t.get("name"): t for t in spec["data"]}


def spec(at: AppTest, n: int = 0) -> dict:
    """The map's Vega-Lite spec as the browser receives it."""
    return json.loads(at.get("vega_lite_chart")[n].proto.spec)


def shapes_layer(sp: dict) -> dict:
    """The economies' shapes: the geoshape layer a click selects on."""
    return next(
        lay for lay in sp["layer"] if lay.get("params") and lay["mark"]["type"] == "geoshape"
    )


def economies(sp: dict) -> dict[str, dict]:
    """iso3 -> the record an economy's shape is drawn from, with `tip`, the hover it shows."""
    lookup = shapes_layer(sp)["transform"][0]
    return {r["iso3"]: {**r, "tip": hover_of(sp, r)} for r in lookup["from"]["data"]["values"]}


def markers(sp: dict) -> list[dict]:
    marks = next(lay for lay in sp["layer"] if lay["mark"]["type"] == "circle")["data"]["values"]
    return [{**m, "tip": hover_of(sp, m)} for m in marks]


def open_tables(at: AppTest, *keys: str) -> AppTest:
    """Open charts' table tabs as a user does (a chart's table is drawn only once opened)."""
    for key in keys:
        at.session_state[f"tabs_{key}"] = "Table"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def map_table(at: AppTest) -> pd.DataFrame:
    """The map's table tab, opened as a user does (it is drawn only once opened)."""
    if not at.dataframe:
        open_tables(at, "map_chart")
    return at.dataframe[0].value.set_index("ISO3")


def test_default_map_shows_the_index_of_the_latest_year(snapshot):
    at = open_app()
    result = score_snapshot()
    scored = result.index.dropna()
    assert at.caption[1].value.startswith(f"{len(scored)} of {len(snapshot.countries)} economies")
    sp = spec(at)
    records = economies(sp)
    assert set(records) == set(snapshot.countries["iso3"])
    shown = pd.Series({c: r["value"] for c, r in records.items() if r["status"] == "value"})
    pd.testing.assert_series_equal(
        shown.sort_index(), scored.sort_index(), check_names=False, check_index_type=False
    )
    # Economies without a score are drawn as "no data", never as a low value.
    nodata = {c for c, r in records.items() if r["status"] == "none"}
    assert nodata == set(snapshot.countries["iso3"]) - set(scored.index)
    assert "ABW" in nodata and "value" not in records["ABW"]
    assert records["ABW"]["tip"] == {"title": "Aruba", "Value": "No data"}
    colour = shapes_layer(sp)["encoding"]["color"]
    assert {"test": "datum.status !== 'value'", "value": palette.NO_DATA} in colour["condition"]
    # The hover names the value's rank, year and source, as written for the page.
    ken = records["KEN"]["tip"]
    assert ken["Value"] == f"{result.index['KEN']:.1f}"
    assert ken["Rank"] == f"{result.rank['KEN']} of {len(scored)}"
    assert ken["Data year"] == "2025" and ken["Source"]
    # Light shapes, served by the app itself (nothing is fetched from another host).
    assert shapes_layer(sp)["data"]["url"] == "app/static/topojson/world_110m.json"
    assert not at.get("plotly_chart")  # the browser needs no Plotly to draw the map


def test_the_table_waits_for_its_tab(snapshot):
    at = open_app()
    assert not at.dataframe  # the browser loads no data grid before the map draws
    assert len(map_table(at)) == len(snapshot.countries)
    assert at.get("vega_lite_chart")  # the map is still there


def test_table_tab_matches_the_engine_for_a_chosen_economy():
    at = open_app()
    table = map_table(at)
    result = score_snapshot()
    assert table.loc["KEN", "Value"] == pytest.approx(result.index["KEN"])
    assert table.loc["KEN", "Rank"] == result.rank["KEN"]
    assert table.loc["KEN", "Economy"] == "Kenya"


def test_an_indicator_for_an_earlier_year(snapshot):
    at = open_app()
    at.selectbox(key="_w_map_indicator").set_value("internet_use").run()
    at.select_slider(key="_w_map_year").set_value(2020).run()
    assert not at.exception
    expected = select_values(snapshot.values, "internet_use", 2020, 5).set_index("iso3")
    table = map_table(at)
    assert table["Value"].notna().sum() == len(expected)
    assert table.loc["KEN", "Value"] == pytest.approx(expected.loc["KEN", "value"])
    assert table.loc["KEN", "Data year"] == expected.loc["KEN", "year"]
    assert at.query_params["indicator"] == "internet_use"
    assert at.query_params["year"] == "2020"


def test_price_baskets_reverse_the_colour_scale():
    at = open_app(indicator="price_mobile_5gb")
    assert shapes_layer(spec(at))["encoding"]["color"]["scale"]["reverse"] is True
    assert shapes_layer(spec(open_app()))["encoding"]["color"]["scale"]["reverse"] is False


def test_group_highlight_and_filter(snapshot):
    at = open_app(group="LDC")
    ldc = set(snapshot.countries.loc[snapshot.countries["ldc"], "iso3"])
    sp = spec(at)
    assert {c for c, r in economies(sp).items() if r.get("member")} == ldc
    outline = shapes_layer(sp)["encoding"]["strokeWidth"]
    assert outline["condition"] == {"test": "datum.member", "value": 1.6}
    assert any("bold black outline" in c.value for c in at.caption)
    at.radio(key="map_group_mode").set_value("filter").run()
    records = economies(spec(at))
    assert {c for c, r in records.items() if r["status"] == "value"} <= ldc
    assert records["KEN"]["status"] == "outside"  # Kenya is not an LDC
    assert "value" not in records["KEN"] and records["KEN"]["tip"] == {"title": "Kenya"}


def test_small_island_states_have_markers(snapshot):
    at = open_app()
    points = pd.read_csv(snapshot.data_dir / "geo" / "points.csv").set_index("iso3")
    drawn = {m["iso3"]: m for m in markers(spec(at))}
    assert set(drawn) == set(points.index)
    assert drawn["TUV"]["lon"] == pytest.approx(points.loc["TUV", "lon"])
    # A marker is coloured and hovered as its economy's shape would be.
    records = economies(spec(at))
    assert all(m["status"] == records[c]["status"] for c, m in drawn.items())
    assert all(m["tip"] == records[c]["tip"] for c, m in drawn.items())


def test_the_map_offers_its_image_beside_its_table():
    at = open_app()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:3] == ["CSV", "Excel", "Image (PNG)"]


def test_opening_a_profile_from_the_map():
    at = open_app()
    at.selectbox(key="_w_map_economy").set_value("NPL")
    at.button(key="map_open").click().run()
    assert not at.exception
    assert at.title[0].value == "Country profile"
    assert at.header[0].value == "Nepal"
    assert at.query_params["economy"] == "NPL"


def test_pages_follow_the_session_overlay(snapshot):
    """A session's uploaded data (overlay) replaces the snapshot in every cached computation."""
    from dataclasses import replace

    values = snapshot.values.copy()
    hit = (
        (values["iso3"] == "KEN")
        & (values["indicator"] == "internet_use")
        & (values["year"] == 2024)
    )
    assert hit.sum() == 1
    values.loc[hit, "value"] = 99.0
    overlay = replace(snapshot, values=values)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["overlay_snapshot"] = overlay
    at.session_state["overlay_token"] = "test-overlay-1"
    at.query_params["indicator"] = "internet_use"
    at.query_params["economy"] = "KEN"
    at.run()
    assert not at.exception
    table = map_table(at)
    assert table.loc["KEN", "Value"] == 99.0
    at.switch_page("app_pages/profile.py").run()
    overlaid = score_snapshot(snapshot=overlay).index["KEN"]
    assert overlaid != pytest.approx(score_snapshot(snapshot=snapshot).index["KEN"])
    index_score = next(m.value for m in at.metric if m.label == "Index score")
    assert index_score == f"{overlaid:.1f}"
    # Another session without the overlay still sees the committed data.
    plain = open_app(indicator="internet_use")
    assert map_table(plain).loc["KEN", "Value"] != 99.0


def test_the_citations_are_drawn_once_their_expander_is_opened(snapshot):
    at = open_app()
    names = [src.name for src in snapshot.catalogue.sources]
    assert not any(names[0] in m.value for m in at.markdown)
    at.session_state["footer_citations"] = True
    at.run()
    assert not at.exception
    (cited,) = [m.value for m in at.expander[-1].markdown]
    for src in snapshot.catalogue.sources:
        assert f"**{src.name}**" in cited and src.licence in cited


def test_every_catalogue_indicator_is_a_measure_of_the_map(snapshot):
    at = open_app()
    options = at.selectbox(key="_w_map_indicator").options
    names = {i.code: i.name for i in snapshot.catalogue.indicators}
    assert len(options) == 1 + len(snapshot.catalogue.pillar_codes) + len(names)
    for code in ("ipv6_capable", "ipv6_space", "asn_density", "ixp_density",
                 "facilities_density", "lpwa_networks", "submarine_cables", "download_fixed",
                 "download_mobile", "cloud_regions"):  # fmt: skip
        assert names[code] in options
    assert set(names.values()) <= set(options)


def test_a_flagged_value_shows_its_flag_in_the_hover(snapshot):
    from readiness.i18n import flag_text

    at = open_app(indicator="ipv6_capable")
    records = economies(spec(at))
    flags = snapshot.flags_of("ipv6_capable").set_index(["iso3", "flag"])["detail"]
    low = flags.xs("low_sample", level="flag")
    assert "RUS" in low.index  # 1,594 samples in the dated measurement, 572 in the later one
    rus = records["RUS"]["tip"]
    assert rus["\u200b"] == flag_text("en", "low_sample", low["RUS"])  # the note's own line
    assert rus["Data year"] == "2025" and rus["Source"] == "APNIC Labs IPv6 capability measurement"
    ken = records["KEN"]["tip"]["\u200b"]
    assert ken == flag_text("en", "later_scrape", flags[("KEN", "later_scrape")]) and "18.1" in ken
    noted = {c for c, r in records.items() if "o" in r}
    assert noted == set(flags.index.get_level_values("iso3"))  # sent only where there is one
    assert "Note" in map_table(at).columns


def test_a_landlocked_economy_is_not_applicable_on_the_cables_map(snapshot):
    from readiness.i18n import translate

    at = open_app(indicator="submarine_cables")
    records = economies(spec(at))
    landlocked = set(snapshot.flags_of("submarine_cables")["iso3"])
    assert "RWA" in landlocked and len(landlocked) == 44
    rwa = records["RWA"]
    assert rwa["status"] == "none" and "value" not in rwa  # grey, never a low value
    assert rwa["tip"] == {"title": "Rwanda", "Value": translate("en", "term.flag.not_applicable")}
    assert records["KEN"]["status"] == "value"
    assert at.caption[1].value.endswith("· 44 not applicable (landlocked)")
    lpwa = economies(spec(open_app(indicator="lpwa_networks")))
    assert lpwa["MWI"]["tip"]["Value"] == translate("en", "term.flag.not_listed")
