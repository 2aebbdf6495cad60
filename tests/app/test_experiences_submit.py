"""AppTest: the questionnaire (dashboard/experiences/submit.py) on a store of the test's own.

It speaks the page's language; a complete experience is received with its SUB- reference and
waits, pending, for an editor; every problem is listed under the form and nothing is stored;
the workshop code comes from the link; one session may send 5 in an hour and one workshop
200; and, end to end, an anonymous submission published by an editor joins the library with
its factors coded "chosen by submitter".
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from readiness.data.snapshot import load_snapshot
from readiness.experiences.questionnaire import validate_submission
from readiness.experiences.studies import load_library
from readiness.experiences.vocabulary import FACTORS, SECTORS
from readiness.i18n import UN_LANGUAGES, translate
from readiness.store.cases import MAX_PER_SESSION_HOUR, MAX_PER_WORKSHOP
from readiness.store.engine import open_store
from tests.app.experiences_support import (
    KEY,
    VALID,
    counts,
    db,
    fill,
    open_page,
    send,
    submit_valid,
)
from tests.app.store_support import sign_in
from tests.app.test_app_map import APP, TIMEOUT

__all__ = ["db"]  # the fixture
RECEIVED = "Received, reference {}. An editor will review it before it is published."


def _received(at) -> list[str]:
    return [s.value for s in at.success]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_questionnaire_speaks_the_page_language(db, lang):
    at = open_page(lang)
    assert at.subheader[0].value == translate(lang, "experiences_submit.title")
    economies = at.multiselect(key=f"{KEY}economies")
    assert economies.label == translate(lang, "experiences_submit.economies")
    countries = load_snapshot().countries.set_index("iso3")
    name = countries.loc["KEN", f"name_{lang}"]
    assert name in economies.options and len(economies.options) == len(countries)
    enabling = at.multiselect(key=f"{KEY}enabling")
    assert enabling.options == [translate(lang, f"experiences.factor.{c}") for c in FACTORS]
    sectors = at.multiselect(key=f"{KEY}sectors").options
    assert sectors == [translate(lang, f"experiences.sector.{c}") for c in SECTORS]
    assert at.text_area(key=f"{KEY}summary").label == translate(lang, "experiences_submit.summary")
    labels = [b.label for b in at.button]
    assert translate(lang, "experiences_submit.send") in labels
    # Nobody is signed in: nothing of the editors' queue.
    assert translate(lang, "experiences_submit.moderate.title") not in [
        s.value for s in at.subheader
    ]


def test_a_complete_experience_is_received_and_waits_for_an_editor(db):
    at = open_page()
    before = counts(db)
    submit_valid(at)
    assert _received(at) == [RECEIVED.format("SUB-000001")]
    after = counts(db)
    assert after["case_studies"] == before["case_studies"] + 1
    assert after["case_factors"] == before["case_factors"] + 3  # payments, partnerships, power
    with open_store(db) as store:
        pending = store.cases.pending()
        assert pending["case_id"].tolist() == ["SUB-000001"]
        row = pending.iloc[0]
        assert (row["economies"], row["city_or_region"], row["sectors"]) == (
            "KEN", "Kisumu", "water"
        )  # fmt: skip
        assert (row["stage"], row["role"], row["language"]) == ("pilot", "city", "en")
        assert row["summary"] == VALID["summary"] and row["status"] == "pending"
        assert row["origin"] == "submitted" and row["source_type"] == "own"
        coded = store.cases.factors(status="pending")
        assert sorted(zip(coded["side"], coded["factor"], coded["phrase"], strict=True)) == [
            ("enabling", "partnerships", ""),
            ("enabling", "payments", "customers top up by mobile money"),
            ("limiting", "power", ""),
        ]
        assert set(coded["rule"]) == {"chosen by submitter"}
        # Not published: the library holds its 50 studies and nothing more.
        assert len(store.cases.studies()) == len(load_library()) == 50
    # The form starts empty again for the next experience.
    assert at.text_area(key=f"{KEY}summary").value == ""
    assert at.multiselect(key=f"{KEY}economies").value == []
    assert at.selectbox(key=f"{KEY}stage").value is None


def test_every_problem_is_listed_under_the_form_and_nothing_is_stored(db):
    at = open_page()
    before = counts(db)
    fill(at, year="twenty-one", source_url="ftp://example.org/x", limiting_words={"power": "x"})
    send(at)
    expected = [
        "Economies: choose at least one economy.",
        "Sectors: choose one from the list.",
        "Stage: choose one from the list.",
        "What the project does: this field is required.",
        "Technology: this field is required.",
        "Year: write a year such as 2021, or years such as 2019-2022.",
        "Link: write an address starting with http:// or https://, or leave it empty.",
        "Limiting factors in your own words (optional): you wrote words for a factor you did "
        "not choose; choose it, or clear its words.",
        "Choose at least one enabling or limiting factor.",
    ]
    assert [e.value for e in at.error] == [
        translate("en", "experiences_submit.problems", n=len(expected))
    ]
    assert sorted(x.value.removeprefix("• ") for x in at.text) == sorted(expected)
    assert not at.success and counts(db) == before
    assert at.text_input(key=f"{KEY}year").value == "twenty-one"  # what was typed stays


def test_problems_are_listed_in_the_page_language(db):
    at = open_page("fr")
    fill(at, **{**VALID, "stage": None, "year": "2022/23"})
    send(at, translate("fr", "experiences_submit.send"))
    assert [x.value.removeprefix("• ") for x in at.text] == [
        "Stade : choisissez une option dans la liste.",
        "Année : indiquez une année comme 2021, ou des années comme 2019-2022.",
    ]
    assert not at.success


def test_the_workshop_code_comes_from_the_link(db):
    with open_store(db) as store:
        code = store.polls.open_poll("Kigali workshop", editor="test-setup")["code"]
    at = open_page(w=code.lower())
    assert at.text_input(key=f"{KEY}workshop").value == code.lower()
    submit_valid(at)
    assert _received(at) == [RECEIVED.format("SUB-000001")]
    assert at.text_input(key=f"{KEY}workshop").value == code.lower()  # kept for the next one
    with open_store(db) as store:
        assert store.cases.pending()["workshop"].tolist() == [code]
    # A code no workshop has: said so, nothing stored.
    before = counts(db)
    other = submit_valid(open_page(w="ZZZZZZ"))
    assert [e.value for e in other.error] == [
        translate("en", "experiences_submit.unknown_workshop")
    ]
    assert not other.success and counts(db) == before


def test_the_sixth_submission_of_a_session_within_an_hour_is_refused(db):
    at = open_page()
    for number in range(1, MAX_PER_SESSION_HOUR + 1):
        submit_valid(at, summary=f"Experience number {number}.")
        assert _received(at) == [RECEIVED.format(f"SUB-{number:06d}")]
    before = counts(db)
    submit_valid(at, summary="One too many.")
    assert MAX_PER_SESSION_HOUR == 5
    assert [e.value for e in at.error] == [translate("en", "experiences_submit.limit_session")]
    assert not at.success and counts(db) == before
    assert at.text_area(key=f"{KEY}summary").value == "One too many."  # nothing lost
    # Another session (another participant) is not held back by this one.
    assert _received(submit_valid(open_page())) == [RECEIVED.format("SUB-000006")]


def test_a_workshop_receives_at_most_its_limit(db):
    with open_store(db) as store:
        code = store.polls.open_poll("Dakar workshop", editor="test-setup")["code"]
        seed = validate_submission({**VALID, "language": "en"})
        for n in range(MAX_PER_WORKSHOP - 1):  # other participants' sessions, 199 of them
            store.cases.submit(seed, session_key=f"participant-{n}", workshop=code)
    at = submit_valid(open_page(w=code))
    assert _received(at) == [RECEIVED.format(f"SUB-{MAX_PER_WORKSHOP:06d}")]
    before = counts(db)
    late = submit_valid(open_page(w=code))
    assert MAX_PER_WORKSHOP == 200
    assert [e.value for e in late.error] == [translate("en", "experiences_submit.limit_workshop")]
    assert not late.success and counts(db) == before
    # As the message says: sent without the workshop code, it is received.
    late.text_input(key=f"{KEY}workshop").set_value("")
    send(late)
    assert _received(late) == [RECEIVED.format(f"SUB-{MAX_PER_WORKSHOP + 1:06d}")]


def test_submitted_anonymously_published_by_an_editor_then_in_the_library(db, editors):
    participant = submit_valid(open_page())
    assert _received(participant) == [RECEIVED.format("SUB-000001")]
    editor = sign_in(open_page())
    assert translate("en", "experiences_submit.moderate.title") in [
        s.value for s in editor.subheader
    ]
    assert editor.selectbox(key="exp_mod_pick").value == "SUB-000001"
    assert f"What the project does: {VALID['summary']}" in [x.value for x in editor.text]
    next(b for b in editor.button if b.label == "Publish").click().run()
    assert not editor.exception, [e.message for e in editor.exception]
    assert [s.value for s in editor.success] == [
        "SUB-000001 is published; it now appears in the list of experiences."
    ]
    assert [i.value for i in editor.info] == ["No submission is waiting for review."]
    with open_store(db) as store:
        studies = store.cases.studies()
        assert len(studies) == 51
        mine = studies.set_index("case_id").loc["SUB-000001"]
        assert (mine["status"], mine["origin"], mine["economies"]) == (
            "published", "submitted", "KEN"
        )  # fmt: skip
        coded = store.cases.factors()
        coded = coded[coded["case_id"] == "SUB-000001"]
        assert sorted(zip(coded["side"], coded["factor"], strict=True)) == [
            ("enabling", "partnerships"), ("enabling", "payments"), ("limiting", "power"),
        ]  # fmt: skip
        assert set(coded["rule"]) == {"chosen by submitter"}
        log = store.audit(10, entity="case:SUB-000001")
    assert list(zip(log["editor"], log["action"], strict=True)) == [
        ("ana", "publish_study"), ("anonymous", "submit_study"),
    ]  # fmt: skip


def _experiences_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("app_pages/experiences.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _open_tab(at: AppTest, name: str) -> AppTest:
    at.session_state["exp_tabs"] = translate("en", f"experiences_page.tab_{name}")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _listed(at: AppTest) -> list[str]:
    column = translate("en", "experiences_page.col.case_id")
    return next(d.value for d in at.dataframe if column in d.value.columns)[column].tolist()


def test_on_the_experiences_page_a_published_submission_joins_the_list(db, editors):
    participant = _open_tab(_experiences_page(), "share")
    submit_valid(participant)
    assert _received(participant) == [RECEIVED.format("SUB-000001")]
    reader = _open_tab(_experiences_page(), "browse")
    assert len(_listed(reader)) == 50 and "SUB-000001" not in _listed(reader)
    editor = _open_tab(sign_in(_experiences_page()), "review")
    assert editor.selectbox(key="exp_mod_pick").value == "SUB-000001"
    next(b for b in editor.button if b.label == "Publish").click().run()
    assert [s.value for s in editor.success] == [
        "SUB-000001 is published; it now appears in the list of experiences."
    ]
    # The next run of any session lists it: the page's reads are keyed by the store's version.
    reader.run()
    assert len(_listed(reader)) == 51 and "SUB-000001" in _listed(reader)


def test_a_workshop_link_opens_the_questionnaire_with_its_code(db):
    with open_store(db) as store:
        code = store.polls.open_poll("Lomé workshop", editor="test-setup")["code"]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["w"] = code
    at.switch_page("app_pages/experiences.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "w" not in at.query_params  # the header rewrote the link...
    assert at.session_state["exp_tabs"] == translate("en", "experiences_page.tab_share")
    assert at.text_input(key=f"{KEY}workshop").value == code  # ...the code was kept
    submit_valid(at)
    assert _received(at) == [RECEIVED.format("SUB-000001")]
    with open_store(db) as store:
        assert store.cases.pending()["workshop"].tolist() == [code]
