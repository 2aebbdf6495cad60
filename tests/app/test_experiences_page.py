"""AppTest: the Experiences page on a store of its own (a SQLite file per test), holding the
library's 50 real studies as open_store() syncs them.

Every study is listed with its source; the filters (economy, group, sector, technology, factor
and side, stage, text) leave the studies they should, said as "n of N studies", and a link
reopens them; a group no study covers says so; factor counts put limiting beside enabling; the
map counts studies per economy; the exports carry what is shown; text that a participant sent
stays text; the profile lists an economy's own, its peers' and its region's studies.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from readiness.data.snapshot import load_snapshot
from readiness.experiences.coding import code_studies
from readiness.experiences.exports import export_studies
from readiness.experiences.questionnaire import validate_submission
from readiness.experiences.studies import load_library
from readiness.experiences.vocabulary import FACTORS
from readiness.i18n import UN_LANGUAGES, translate
from readiness.store.engine import open_store
from tests.app.store_support import open_page_from_link
from tests.app.test_app_map import array, open_app

PAGE = "app_pages/experiences.py"
PROFILE = "app_pages/profile.py"
INJECTED = {
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(2)">',
    "md": "**bold** [x](javascript:alert(3))",
    "formula": '=HYPERLINK("http://evil.example","click")',
}


@pytest.fixture(scope="module")
def library() -> pd.DataFrame:
    return load_library()


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return load_snapshot().countries


def naming(studies: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    """The studies naming one of `codes`, found here from the raw ';'-joined field."""
    return studies[studies["economies"].map(lambda f: bool(set(f.split(";")) & codes))]


def open_page(lang: str = "en", tab: str | None = None, **params: str) -> AppTest:
    """The page from a link, as a new session opens it; `tab` opened by a rerun."""
    at = open_page_from_link(PAGE, lang, **params)
    if tab is not None:
        at.session_state["exp_tabs"] = translate(lang, f"experiences_page.tab_{tab}")
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    return str(at.metric[0].value)


def studies_table(at: AppTest, lang: str = "en") -> pd.DataFrame:
    column = translate(lang, "experiences_page.col.source_title")
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_every_study_is_listed_with_its_source(db, library):
    at = open_page()
    assert at.title[0].value == "Country experiences"
    assert shown(at) == f"{len(library)} of {len(library)} studies"
    table = studies_table(at)
    assert list(table["Study"]) == list(library["case_id"])
    assert list(table["Source"]) == list(library["source_title"])
    assert list(table["Publisher"]) == list(library["source_publisher"])
    links = table["Link"].dropna()
    assert len(links) == len(library)  # every library study has a web address
    assert all(u.startswith(("http://", "https://")) for u in links)
    # The first study in full, with its source's link as a real link.
    first = library.iloc[0]
    texts = [x.value for x in at.text]
    assert first["summary"] in texts
    first_link = next(b.proto.url for b in at.get("link_button"))
    assert first_link == first["source_url"].split(" ; ")[0]


def test_a_company_blog_or_plan_says_so(db, library):
    blog = library[library["source_type"].str.contains("blog")].iloc[0]
    at = open_page(q=blog["case_id"])
    assert shown(at) == f"1 of {len(library)} studies"
    assert "Rests on a blog." in [w.value for w in at.warning]
    plan = library[library["stage"] == "plan"]
    at = open_page(stage="plan")
    assert shown(at) == f"{len(plan)} of {len(library)} studies"
    assert "A plan, not a deployment." in [w.value for w in at.warning]
    assert set(studies_table(at)["Caveat"].str.contains("A plan, not a deployment.")) == {True}


def test_filtering_to_ldcs_counts_n_of_n_and_keeps_the_link(db, library, countries):
    ldc = set(countries.loc[countries["ldc"].fillna(False).astype(bool), "iso3"])
    expected = naming(library, ldc)
    at = open_page()
    at.selectbox(key="exp_f_group").set_value("LDC").run()
    assert not at.exception
    assert 0 < len(expected) < len(library)
    assert shown(at) == f"{len(expected)} of {len(library)} studies"
    assert list(studies_table(at)["Study"]) == list(expected["case_id"])
    assert at.query_params["in"] == "LDC"  # a copied link reopens the filter
    again = open_page(**{"in": "LDC"})
    assert shown(again) == shown(at)


def test_each_filter_leaves_the_studies_it_should(db, library):
    coding = code_studies(library)
    total = len(library)
    cases: list[tuple[dict[str, str], pd.DataFrame]] = [
        ({"country": "KEN"}, naming(library, {"KEN"})),
        ({"sector": "water"}, library[library["sectors"].map(lambda s: "water" in s.split(";"))]),
        ({"stage": "scaled"}, library[library["stage"] == "scaled"]),
        ({"tech": "lora"}, library[library["technology"].str.lower().str.contains("lora")]),
        (
            {"factor": "payments", "side": "enabling"},
            library[library["case_id"].isin(
                coding.loc[(coding["factor"] == "payments") & (coding["side"] == "enabling"),
                           "case_id"])],
        ),
    ]  # fmt: skip
    for params, expected in cases:
        at = open_page(**params)
        assert 0 < len(expected) < total, params
        assert shown(at) == f"{len(expected)} of {total} studies", params
        assert list(studies_table(at)["Study"]) == list(expected["case_id"]), params


def test_a_group_no_study_covers_says_so_and_shows_0(db, library, countries):
    europe = set(countries.loc[countries["itu_region"] == "Europe", "iso3"])
    assert naming(library, europe).empty  # the library has no European study
    at = open_page(**{"in": "ITU_EUR"})
    assert shown(at) == f"0 of {len(library)} studies"
    assert "No published study covers ITU-D region: Europe yet." in [i.value for i in at.info]
    assert not at.get("link_button")


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_page_in_every_language(db, library, lang):
    at = open_page(lang, **{"in": "LDC"})
    assert at.title[0].value == translate(lang, "experiences_page.title")
    tabs = [t.label for t in at.tabs][:5]
    assert tabs[:4] == [
        translate(lang, f"experiences_page.tab_{n}") for n in ("browse", "factors", "map", "share")
    ]
    assert translate(lang, "experiences_page.tab_review") not in tabs  # editors only
    assert studies_table(at, lang).columns[0] == translate(lang, "experiences_page.col.case_id")
    assert at.metric[0].label == translate(lang, "experiences_page.shown")
    factors = open_page(lang, tab="factors")
    assert not factors.exception
    assert factors.get("plotly_chart"), lang


def test_factor_counts_put_limiting_beside_enabling(db, library):
    coding = code_studies(library)
    at = open_page(tab="factors")
    chart = at.get("plotly_chart")[0]
    spec = json.loads(chart.proto.spec)
    limiting, enabling = spec["data"][:2]
    for side, trace in (("limiting", limiting), ("enabling", enabling)):
        rows = coding[coding["side"] == side]
        assert trace["text"] == [str(rows.loc[rows["factor"] == f, "case_id"].nunique())
                                 for f in FACTORS]  # fmt: skip
    # By region: Africa's studies, n of N.
    at.segmented_control(key="exp_by").set_value("region").run()
    assert not at.exception
    at.selectbox(key="exp_key_region").set_value("ITU_AFR").run()
    countries = load_snapshot().countries
    africa = naming(library, set(countries.loc[countries["itu_region"] == "Africa", "iso3"]))
    assert f"{len(africa)} of {len(library)} studies" in [c.value for c in at.caption]
    # A region no study covers says so rather than drawing empty bars.
    at.selectbox(key="exp_key_region").set_value("ITU_EUR").run()
    assert "No study shown covers ITU-D region: Europe." in [i.value for i in at.info]


def test_the_map_counts_studies_per_economy(db, library):
    at = open_page(tab="map")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    valued = next(t for t in spec["data"] if t.get("coloraxis"))
    z = dict(zip(valued["locations"], array(valued["z"]), strict=True))
    assert z["KEN"] == len(naming(library, {"KEN"}))
    assert z["FRA"] == 0


def test_the_exports_carry_the_studies_shown(db, library, deferred):
    at = open_page(country="KEN")
    kenya = naming(library, {"KEN"})
    assert shown(at) == f"{len(kenya)} of {len(library)} studies"
    csv = deferred["case-studies-en.csv"]()
    coding = code_studies(library)
    expected = export_studies(
        kenya.reset_index(drop=True), coding[coding["case_id"].isin(kenya["case_id"])], "csv"
    )
    assert csv == expected
    assert set(deferred) >= {"case-studies-en.xlsx", "case-studies-en.json"}


def test_text_a_participant_sent_stays_text(db, library):
    fields = {
        "economies": "KEN", "city_or_region": INJECTED["img"], "sectors": "water",
        "technology": INJECTED["formula"], "year": "2024", "stage": "pilot",
        "summary": INJECTED["script"] + " " + INJECTED["md"], "outcomes": INJECTED["md"],
        "enabling": ["payments"], "enabling_words": {"payments": INJECTED["img"]},
        "limiting": [], "source_title": INJECTED["md"], "source_publisher": "x",
        "source_year": "2024", "source_url": "", "source_type": "workshop", "role": "city",
    }  # fmt: skip
    with open_store(db) as store:
        case_id = store.cases.submit(validate_submission(fields), session_key="s1")
        store.cases.publish(case_id, editor="test-editor")
    at = open_page(q="javascript:alert(3)")
    assert shown(at) == f"1 of {len(library) + 1} studies"
    texts = [x.value for x in at.text]
    assert f"{INJECTED['script']} {INJECTED['md']}" in texts
    assert INJECTED["md"] in texts
    assert "Shared by a participant and published by an editor." in [w.value for w in at.warning]
    assert not at.get("link_button")  # no web address, no link
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for bad in ("<script", "<img", "**bold**", "javascript:"):
        assert not any(bad in r for r in rendered), bad
    words = next(d.value for d in at.dataframe if "The source's words" in d.value.columns)
    assert list(words["The source's words"]) == [INJECTED["img"]]


def test_the_profile_lists_own_peers_and_region_studies(db, library, countries):
    at = open_app(PROFILE, economy="KEN")
    heads = [m.value for m in at.markdown if re.fullmatch(r"\*\*.+\*\* · \d+ studies", m.value)]
    own = naming(library, {"KEN"})
    assert heads[0] == f"**Studies naming Kenya** · {len(own)} studies"
    tables = [
        d.value for d in at.dataframe if "Source" in d.value.columns and "Study" in d.value.columns
    ]
    assert list(tables[0]["Study"]) == list(own["case_id"])
    africa = naming(library, set(countries.loc[countries["itu_region"] == "Africa", "iso3"]))
    listed = set().union(*(set(t["Study"]) for t in tables))
    assert listed <= set(africa["case_id"]) | set(library["case_id"])
    assert len(listed) == sum(len(t) for t in tables)  # none repeated
    assert set(africa["case_id"]) <= listed  # every African study is in one of the lists
    assert heads[2].startswith("**Other studies of its region (ITU-D region: Africa)**")


def test_a_link_from_the_profile_opens_its_economy_in_a_running_session(db, library):
    at = open_page(**{"in": "LDC"})
    assert at.session_state["exp_f_group"] == "LDC"
    profile = open_app(PROFILE, economy="KEN")
    links = [p for p in profile.get("page_link") if "experiences" in p.proto.page]
    assert links and links[0].proto.query_string == "country=KEN"
    # The same session follows that link: its filters are the link's, the group cleared.
    for key in list(at.query_params):
        del at.query_params[key]
    at.query_params["country"] = "KEN"
    at.run()
    assert not at.exception
    assert shown(at) == f"{len(naming(library, {'KEN'}))} of {len(library)} studies"
    assert at.session_state["exp_f_group"] == ""
