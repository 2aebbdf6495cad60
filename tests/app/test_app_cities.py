"""AppTest: the Cities page on a store of its own (a SQLite file per test, READINESS_DB_URL).

An empty store tells a new user how to add a city and offers the template in the page's
language; Karmøy's 14 real values (ITU's 2020 U4SSC verification report, imported through the
store) show as KPIs with their counts and scores, beside Norway's national context; cities are
compared side by side and drawn on a map; user text stays text.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cities import store as cities_store
from readiness.cities.cityfile import read_city_values
from readiness.cities.kpis import load_kpis
from readiness.cities.master import find_cities
from readiness.cities.national import national_context
from readiness.cities.scoring import score_city
from readiness.cities.template import template_bytes
from readiness.i18n import UN_LANGUAGES, format_percent, translate
from readiness.store.engine import open_store
from readiness.store.errors import DB_ENV_VAR
from tests.app.store_support import open_page_from_link, widgets
from tests.app.test_app_map import array
from tests.store.support import KARMOY, read_karmoy

PAGE = "app_pages/cities.py"
WRITING = "cities_w_"  # the key prefix of every widget that leads to a write


@pytest.fixture
def karmoy(db, raw_dir) -> int:
    """Karmøy (entered by hand: it is not in the GeoNames master) with its 14 real values."""
    with open_store(db) as store:
        city = store.create_city(**KARMOY, editor="test-setup")
        assert store.import_values(city.id, read_karmoy(raw_dir), editor="test-setup") == 14
    return city.id


def open_cities(lang: str = "en", **params: str) -> AppTest:
    """The Cities page from a link (`?lang=`, `?city=`), as a new session opens it."""
    return open_page_from_link(PAGE, lang, **params)


def frame(at: AppTest, column: str, n: int = 0) -> pd.DataFrame:
    """The n-th table of the page that has `column`."""
    return [d.value for d in at.dataframe if column in d.value.columns][n]


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.proto.label: (m.value, m.proto.delta) for m in at.metric}


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_an_empty_store_tells_how_to_add_a_city_with_the_template(db, deferred, lang):
    at = open_cities(lang)
    assert at.title[0].value == translate(lang, "cities_page.title")
    assert translate(lang, "cities_page.empty") in [i.value for i in at.info]
    assert translate(lang, "cities_page.how_to") in [m.value for m in at.markdown]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [translate(lang, f"cities_page.template_{f}") for f in ("csv", "xlsx")]
    # The files themselves: the template in the page's language, byte for byte.
    csv = deferred[f"u4ssc-kpi-template-{lang}.csv"]()
    assert csv == template_bytes("csv", lang)
    header = csv.decode("utf-8-sig").splitlines()[0]
    assert header.startswith(translate(lang, "u4ssc.column.kpi_code"))
    assert deferred[f"u4ssc-kpi-template-{lang}.xlsx"]() == template_bytes("xlsx", lang)
    # Nobody is signed in (and no account exists here): nothing that writes is drawn.
    assert not [w for w in widgets(at._tree) if w[1].startswith(WRITING)]
    assert translate(lang, "auth.not_configured") in [c.value for c in at.sidebar.caption]


def _expected(db: str, city_id: int):
    with open_store(db) as store:
        values, targets = store.values(city_id), store.targets(city_id)
    return values, score_city(values, targets)


def test_karmoy_kpis_with_their_counts_targets_and_bands(karmoy, db, deferred):
    at = open_cities(city=str(karmoy))
    assert at.header[0].value == "Karmøy \\(Norway\\)"  # markdown-escaped: shown as text
    values, score = _expected(db, karmoy)
    shown = metrics(at)
    core = int((load_kpis()["core_advanced"] == "Core").sum())
    # docs/CITIES.md: 13 KPIs reported (10 core, 2 advanced, and Wi-Fi), 5 scored.
    assert shown["KPIs reported"][0] == "13 of 91"
    assert shown["Core KPIs reported"][0] == f"10 of {core}"
    assert shown["KPIs scored"][0] == "5"
    economy = score.dimensions.set_index("dimension").loc["Economy"]
    assert economy["score"] == 100.0
    assert shown["Economy"] == (
        format_percent(1.0, "en", 1),
        "13 reported (10 core, 2 advanced) · 5 scored",
    )
    assert shown["Environment"][0] == "—"  # nothing reported: no score, never 0
    table = frame(at, "Band (points)").set_index(["Code", "KPI"])
    assert len(table) == len(score.kpis[score.kpis["dimension"] == "Economy"])
    internet = table.loc[("EC: ICT: ICT: 1C", "Household Internet Access")]
    assert internet["Value"] == 97.0 and internet["Target"] == 100.0
    assert internet["Target from"] == "Public reference"
    assert internet["% of target"] == pytest.approx(97.0)
    assert internet["Band (points)"] == 4 and internet["Status"] == "Scored"
    assert internet["Definition verified"] == "Verified in full (ITU page)"
    wifi = table.loc[("EC: ICT: ICT: 5C", "Availability of WIFI in Public Areas")]
    assert wifi["Value"] == 78.0 and wifi["Status"] == "No target: shown, not scored"
    assert pd.isna(wifi["Band (points)"]) and pd.isna(wifi["Target"])
    open_data = table.loc[("EC: ICT: PS: 2A", "e-Government")]
    assert pd.isna(open_data["Value"]) and open_data["Status"] == "Not reported"
    assert int(table["Value"].notna().sum()) == 14
    # The sub-dimension table: each score with its counts.
    subs = frame(at, "Sub-dimension", n=0).set_index("Sub-dimension")
    expected = score.sub_dimensions.set_index("sub_dimension").loc["ICT"]
    assert subs.loc["ICT", "Score (%)"] == expected["score"] == 100.0
    assert subs.loc["ICT", "Reported"] == expected["reported"]
    assert subs.loc["ICT", "Scored"] == expected["scored"] == 2
    # The values download is a filled template that imports again to the same values.
    name = next(n for n in deferred if n.endswith(".csv") and "karmøy" in n)
    again = read_city_values(deferred[name](), name)
    assert len(again) == 14
    assert again["value"].tolist() == values["value"].tolist()


def test_norway_beside_karmoy(karmoy):
    at = open_cities(city=str(karmoy))
    ctx = national_context("NOR")
    assert "National context: Norway" in [s.value for s in at.subheader]
    shown = metrics(at)
    assert shown["Readiness index"][0] == f"{ctx.index:.1f}"
    assert shown["Rank"][0] == f"{ctx.rank} / {ctx.ranked}"
    table = frame(at, "National value")
    assert len(table) == len(ctx.indicators) == 6
    assert table["National value"].tolist() == pytest.approx(
        ctx.indicators["value"].tolist(), nan_ok=True
    )
    assert table["Year"].tolist() == ctx.indicators["year"].tolist()
    by_kpi = table.set_index("KPI")
    assert by_kpi.loc["Household Internet Access", "City value"] == 97.0
    assert by_kpi.loc["Household Internet Access", "Same unit"] == "Yes"
    assert by_kpi.loc["Fixed Broadband Subscriptions", "Same unit"] == "No"
    # Karmøy reports no electricity access: the city's value is missing, never 0.
    electricity = [k for k in by_kpi.index if k.startswith("Access to Electricity")]
    assert electricity and by_kpi.loc[electricity, "City value"].isna().all()


def test_cities_compared_side_by_side_and_drawn_on_the_map(karmoy, db):
    # Honest: the second city is Haugesund, Karmøy's real neighbour from the GeoNames master,
    # stored with NO values. Nothing is invented for it: the comparison shows Karmøy's real
    # scores beside a city that reports nothing (counts 0, scores missing, never 0).
    place = find_cities("Haugesund", "NOR").iloc[0]
    with open_store(db) as store:
        store.create_city(
            place["name"], "NOR", place["latitude"], place["longitude"],
            geonameid=int(place["geonameid"]), population=int(place["population"]),
            editor="test-setup",
        )  # fmt: skip
    at = open_cities(city=str(karmoy))
    assert at.multiselect(key="cities_compare").value == [karmoy, karmoy + 1]
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = next(c for c in charts if c["data"][0]["type"] == "bar")
    by_city = {t["name"]: t for t in bars["data"]}
    assert set(by_city) == {"Karmøy (Norway)", "Haugesund (Norway)"}
    trace = by_city["Karmøy (Norway)"]
    karmoy_bars = dict(zip(trace["y"], array(trace["x"]), strict=True))
    assert karmoy_bars["Economy"] == 100.0
    assert np.isnan(karmoy_bars["Environment"])
    assert np.isnan(array(by_city["Haugesund (Norway)"]["x"]).astype(float)).all()
    subs = frame(at, "City").set_index(["City", "Sub-dimension"])
    assert subs.loc[("Karmøy (Norway)", "ICT"), "Score (%)"] == 100.0
    assert subs.loc[("Haugesund (Norway)", "ICT"), "Reported"] == 0
    assert pd.isna(subs.loc[("Haugesund (Norway)", "ICT"), "Score (%)"])
    # The map: a marker per stored city, drawn from the locally served shapes.
    geo = next(c for c in charts if c["data"][0]["type"] == "scattergeo")
    marker = geo["data"][0]
    assert sorted(marker["text"]) == ["Haugesund", "Karmøy"]
    assert sorted(array(marker["lat"]).tolist()) == sorted([59.2833, place["latitude"]])
    assert geo["layout"]["geo"]["resolution"] == 110
    config = json.loads(at.get("plotly_chart")[charts.index(geo)].proto.config)
    assert config["topojsonURL"] == "app/static/topojson/"


def test_the_link_names_the_city_shown_so_a_copied_link_reopens_it(karmoy, db):
    place = find_cities("Haugesund", "NOR").iloc[0]
    with open_store(db) as store:
        other = store.create_city(
            place["name"], "NOR", place["latitude"], place["longitude"], editor="test-setup"
        ).id
    at = open_cities(city="karmoy")  # a name in the link is read (accent-blind) ...
    at.run()
    assert at.query_params["city"] == str(karmoy)  # ... and the link then carries its id
    at.selectbox(key="_w_cities_city").select(other).run()
    assert at.query_params["city"] == str(other)
    again = open_cities(city=at.query_params["city"])  # the copied link, a new session
    assert again.header[0].value.startswith("Haugesund")


def test_user_text_is_shown_as_text_never_as_markup(db):
    name = "**Bold** <b>x</b> [link](https://example.org)"
    with open_store(db) as store:
        store.create_city(name, "NOR", 60.0, 5.0, editor="test-setup")
    at = open_cities()
    assert at.header[0].value.startswith("\\*\\*Bold\\*\\* \\<b\\>x\\</b\\> \\[link\\]")
    marker = next(
        json.loads(c.proto.spec)["data"][0]
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["data"][0]["type"] == "scattergeo"
    )
    assert marker["text"] == ["**Bold** &lt;b&gt;x&lt;/b&gt; [link](https://example.org)"]
    assert "<b>x" not in json.dumps(marker)


def test_an_unusable_database_is_said_not_shown_as_a_traceback(monkeypatch):
    monkeypatch.setenv(DB_ENV_VAR, "mysql://nobody@127.0.0.1/none")
    cities_store.clear()
    try:
        at = open_cities()
    finally:
        cities_store.clear()
    assert [e.value for e in at.error] == [translate("en", "cities_page.store_unavailable")]
    assert any("SQLite or PostgreSQL" in c.value for c in at.caption)


def test_the_page_reads_in_every_language_with_a_city(karmoy):
    for lang in UN_LANGUAGES:
        at = open_cities(lang, city=str(karmoy))
        assert at.subheader[0].value == translate(lang, "cities_page.scores_title")
        table = frame(at, translate(lang, "cities_page.col.band"))
        assert int(table[translate(lang, "cities_page.col.value")].notna().sum()) == 14


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_city_report_is_made_on_request(karmoy, fmt):
    pytest.importorskip("readiness.reports.city")  # written beside this page (issue 22)
    at = open_cities(city=str(karmoy))
    assert not [b for b in at.get("download_button") if b.proto.label.startswith("Download")]
    at.selectbox(key="cities_report_format").set_value(fmt).run()
    at.button(key="cities_report_prepare").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (offer,) = [b for b in at.get("download_button") if b.proto.label.startswith("Download")]
    assert offer.proto.label == f"Download karmøy-u4ssc-en.{fmt}"
    assert at.button(key="cities_report_prepare").disabled  # made once, kept for the session
