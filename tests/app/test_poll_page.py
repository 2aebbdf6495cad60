"""AppTest: the live poll page on a store of its own (a SQLite file per test, READINESS_DB_URL).

A participant answers from `poll?w=CODE` and the tally (store and presenter's screen) counts
it; answering again replaces the answer; more factors than the poll takes, a closed poll and an
unknown code are refused with a message; anonymous visitors cannot open or close a poll, by
widget, session key or handler; a signed-in editor can, and the write log names them; the
workshop title (user text) stays text.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cities import store as cities_store
from dashboard.poll import manage
from readiness.experiences.vocabulary import FACTORS
from readiness.i18n import UN_LANGUAGES, translate
from readiness.store.engine import open_store
from readiness.store.errors import DB_ENV_VAR
from readiness.uploads.safe import markdown_text
from tests.app.store_support import count_rows, open_page_from_link, sign_in
from tests.app.test_app_map import APP, TIMEOUT

PAGE = "app_pages/poll.py"
TABLES = ("workshops", "poll_answers", "poll_choices", "audit_log")
HOSTILE = "<script>alert(1)</script> **md** [x](javascript:alert(1)) <img src=x onerror=alert(2)>"


def open_poll(url: str, title: str = "IoT week, Accra", max_choices: int = 3) -> str:
    with open_store(url) as store:
        return str(
            store.polls.open_poll(title, max_choices=max_choices, editor="test-setup")["code"]
        )


def tally(url: str, code: str) -> pd.DataFrame:
    with open_store(url) as store:
        return store.polls.tally(code).set_index("factor")


def counts(url: str) -> dict[str, int]:
    return count_rows(url, TABLES)


def page(lang: str = "en", **params: str) -> AppTest:
    return open_page_from_link(PAGE, lang, **params)


def answer(
    at: AppTest, factors: list[str], iso3: str | None = None, role: str | None = "government"
) -> AppTest:
    at.multiselect(key="poll_factors").set_value(factors)
    if iso3 is not None:
        at.selectbox(key="poll_economy").set_value(iso3)
    if role is not None:
        at.selectbox(key="poll_role").set_value(role)
    at.button(key="poll_submit").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def en(key: str, **values: object) -> str:
    return translate("en", key, **values)


def participants_shown(at: AppTest) -> int:
    (metric,) = [m for m in at.metric if m.label == en("poll.participants")]
    return int(metric.value)


def bars(at: AppTest) -> dict[str, int]:
    """The presenter's bars: factor name -> answers."""
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    trace = fig["data"][0]
    return dict(zip(trace["y"], [int(x) for x in _values(trace["x"])], strict=True))


def _values(values: Any) -> list[float]:
    from tests.app.test_app_map import array

    return list(array(values))


def test_a_participant_answers_and_the_tally_counts_it(db):
    code = open_poll(db)
    at = page(w=code)
    assert at.header[0].value == "IoT week, Accra"
    assert at.subheader[0].value == en("poll.question_barriers")
    answer(at, ["power", "connectivity", "finance"], "GHA", "operator")
    assert [s.value for s in at.success] == [en("poll.counted")]
    assert not at.error
    stored = tally(db, code)
    assert int(stored["n_participants"].iloc[0]) == 1
    assert stored.loc[["power", "connectivity", "finance"], "answers"].tolist() == [1, 1, 1]
    assert stored.loc["power", "rank1"] == 1 and stored.loc["finance", "rank1"] == 0
    assert int(stored["answers"].sum()) == 3  # every other factor 0, none missing
    with open_store(db) as store:
        answers = store.polls.answers(code)
    assert answers[["iso3", "region", "role", "factors"]].values.tolist() == [
        ["GHA", "Africa", "operator", "power;connectivity;finance"]
    ]
    # The presenter's screen shows it.
    presenter = page(w=code, view="tally")
    assert participants_shown(presenter) == 1
    shown = bars(presenter)
    assert len(shown) == len(FACTORS)
    assert shown[en("experiences.factor.power")] == 1
    assert shown[en("experiences.factor.devices")] == 0
    assert presenter.query_params["view"] == "tally"


def test_answering_again_replaces_the_answer(db):
    code = open_poll(db)
    at = page(w=code)
    answer(at, ["power", "finance"])
    answer(at, ["skills"], "KEN")
    stored = tally(db, code)
    assert int(stored["n_participants"].iloc[0]) == 1
    assert stored.loc["skills", "answers"] == 1 and stored.loc["power", "answers"] == 0
    assert counts(db)["poll_answers"] == 1
    # another session is another participant
    answer(page(w=code), ["power"])
    assert int(tally(db, code)["n_participants"].iloc[0]) == 2


def test_more_factors_than_the_poll_takes_are_refused_with_a_message(db):
    code = open_poll(db, max_choices=3)
    at = page(w=code)
    answer(at, ["power", "finance", "skills", "devices"])
    assert [e.value for e in at.error] == [en("poll.too_many", n=3, chosen=4)]
    assert not at.success
    assert counts(db)["poll_answers"] == 0
    answer(at, [])
    assert [e.value for e in at.error] == [en("poll.none_chosen")]
    assert counts(db)["poll_answers"] == 0


def test_a_closed_poll_refuses_answers(db):
    code = open_poll(db)
    at = page(w=code)  # opened while the poll was open...
    with open_store(db) as store:
        store.polls.close_poll(code, editor="test-setup")
    answer(at, ["power"])  # ...answered after it closed
    assert [i.value for i in at.info] == [en("poll.closed")]
    assert not at.success
    assert counts(db)["poll_answers"] == 0
    again = page(w=code)  # a new visitor sees no form at all
    assert [i.value for i in again.info] == [en("poll.closed")]
    assert not again.get("multiselect")
    presenter = page(w=code, view="tally")
    assert en("poll.closed_tally") in [i.value for i in presenter.info]


def test_an_unknown_code_says_so(db):
    open_poll(db)
    for code in ("ZZZZZZ", "not-a-code"):
        at = page(w=code)
        assert [w.value for w in at.warning] == [en("poll.unknown")]
        assert at.text_input(key="poll_code_input")  # and offers the box for the code


def test_the_title_stays_text(db):
    code = open_poll(db, title=HOSTILE)
    for view in ({}, {"view": "tally"}):
        at = page(w=code, **view)
        assert at.header[0].value == markdown_text(HOSTILE)
        # the only HTML is the page's own (its language and direction), never the title
        assert all("alert(" not in h.proto.body for h in at.get("html"))
        assert all("<script>" not in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_language(db, lang):
    code = open_poll(db)
    at = page(lang, w=code)
    assert at.title[0].value == translate(lang, "poll.title")
    assert at.subheader[0].value == translate(lang, "poll.question_barriers")
    factors = at.multiselect(key="poll_factors")
    assert factors.label == translate(lang, "poll.factors", n=3)
    assert list(factors.options) == [translate(lang, f"experiences.factor.{f}") for f in FACTORS]
    answer(at, ["demand"])
    assert [s.value for s in at.success] == [translate(lang, "poll.counted")]
    presenter = page(lang, w=code, view="tally")
    (metric,) = [m for m in presenter.metric if m.label == translate(lang, "poll.participants")]
    assert int(metric.value) == 1


def test_anonymous_visitors_cannot_open_or_close(db, editors):
    code = open_poll(db)
    before = counts(db)
    at = page()
    assert en("poll.editors_only") in [c.value for c in at.caption]
    assert not [b for b in at.button if str(b.key or "").startswith("poll_w_")]
    presenter = page(w=code, view="tally")
    assert "poll_w_close_here" not in [b.key for b in presenter.button]
    # Session keys set by hand do not write either.
    forged = AppTest.from_file(APP, default_timeout=TIMEOUT)
    forged.switch_page(PAGE)
    for key, value in {"auth_editor": "mallory", "poll_w_title": "Forged", "poll_w_open": True,
                       "poll_w_close": True, "poll_w_close_code": code}.items():  # fmt: skip
        forged.session_state[key] = value
    forged.run()
    forged.run()
    assert counts(db) == before


def _call(name: str, code: str) -> None:
    import streamlit as st

    from dashboard.poll import manage

    if name == "open":
        manage.open_poll("Forged workshop")
    else:
        manage.close_poll(code)
    st.text("written")


@pytest.mark.parametrize("name", ("open", "close"))
def test_every_write_handler_stops_without_an_editor(db, editors, name):
    code = open_poll(db)
    before = counts(db)
    at = AppTest.from_function(_call, args=(name, code), default_timeout=TIMEOUT)
    at.run()
    assert [i.value for i in at.info] == [en("auth.required")]
    assert "written" not in [x.value for x in at.text]
    assert counts(db) == before
    with pytest.raises(manage.NotAnEditor):  # outside a page run too
        manage.close_poll(code)
    assert counts(db) == before


def test_an_editor_opens_and_closes_a_poll_named_in_the_log(db, editors):
    at = sign_in(page())
    at.text_input(key="poll_w_title").input("Workshop on IoT, Nairobi")
    at.radio(key="poll_w_question").set_value("enablers")
    at.number_input(key="poll_w_max").set_value(2)
    at.button(key="poll_w_open").click().run()
    assert not at.exception, [e.message for e in at.exception]
    with open_store(db) as store:
        workshops = store.polls.workshops()
        audit = store.audit(10)
    assert workshops[["title", "question", "max_choices", "is_open"]].values.tolist() == [
        ["Workshop on IoT, Nairobi", "enablers", 2, True]
    ]
    code = workshops["code"].iloc[0]
    assert at.success[0].value.startswith(en("poll.opened", code=code, link="").strip())
    table = at.dataframe[0].value
    assert table[en("poll.col_code")].tolist() == [code]
    assert table[en("poll.col_participant_link")].tolist() == [f"poll?w={code}"]
    assert audit[["editor", "action", "entity"]].values.tolist()[0] == [
        "ana",
        "open_poll",
        f"poll:{code}",
    ]
    at.selectbox(key="poll_w_close_code").set_value(code)
    at.button(key="poll_w_close").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value == en("poll.closed_done", code=code)
    with open_store(db) as store:
        assert not bool(store.polls.workshop(code)["is_open"])


def test_an_editor_closes_the_poll_from_the_presenters_screen(db, editors):
    code = open_poll(db)
    answer(page(w=code), ["power"])
    at = sign_in(page(w=code, view="tally"))
    at.button(key="poll_w_close_here").click().run()
    assert not at.exception, [e.message for e in at.exception]
    with open_store(db) as store:
        assert not bool(store.polls.workshop(code)["is_open"])
        assert store.audit(5)["action"].tolist()[0] == "close_poll"
    assert en("poll.closed_tally") in [i.value for i in at.info]
    assert participants_shown(at) == 1  # the tally stays
    assert "poll_w_close_here" not in [b.key for b in at.button]


def test_the_presenter_shows_a_qr_code_results_and_exports(db, deferred):
    code = open_poll(db, title='=HYPERLINK("http://x")')
    for factors, iso3 in ((["power", "finance"], "GHA"), (["power"], "KEN"), (["skills"], None)):
        answer(page(w=code), factors, iso3)
    at = page(w=code, view="tally")
    assert participants_shown(at) == 3
    assert at.get("imgs") or at.get("image")  # the QR code
    assert f"poll?w={code}" in [c.value for c in at.code]
    by_economy = at.dataframe[0].value
    assert sorted(by_economy[en("poll.col_economy")]) == sorted(
        ["Ghana", "Kenya", en("poll.economy_none")]
    )
    assert by_economy[en("poll.col_participants")].tolist() == [1, 1, 1]
    power = by_economy.set_index(en("poll.col_economy"))[en("experiences.factor.power")]
    assert power.to_dict() == {"Ghana": 1, "Kenya": 1, en("poll.economy_none"): 0}
    by_region = at.dataframe[1].value
    assert (
        by_region.set_index(en("poll.col_region")).loc[
            translate("en", "group.ITU_AFR"), en("poll.col_participants")
        ]
        == 2
    )
    files = {name: make() for name, make in deferred.items() if name.startswith("poll-")}
    assert sorted(files) == [f"poll-{code.lower()}.{f}" for f in ("csv", "json", "xlsx")]
    csv = files[f"poll-{code.lower()}.csv"].decode("utf-8-sig")
    assert "=HYPERLINK" not in csv.replace("'=HYPERLINK", "")
    assert files[f"poll-{code.lower()}.xlsx"][:2] == b"PK"
    doc = json.loads(files[f"poll-{code.lower()}.json"])
    assert doc["workshop"]["code"] == code and doc["workshop"]["title"] == '=HYPERLINK("http://x")'
    power = next(row for row in doc["tally"] if row["factor"] == "power")
    assert (power["answers"], power["rank1"], power["n_participants"]) == (2, 2, 3)
    assert sorted(a["iso3"] for a in doc["answers"]) == ["", "GHA", "KEN"]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_landing_page_asks_for_the_code(db, lang):
    at = page(lang)
    assert at.title[0].value == translate(lang, "poll.title")
    assert translate(lang, "poll.intro") in [m.value for m in at.markdown]
    assert at.text_input(key="poll_code_input").label == translate(lang, "poll.enter_code")
    assert translate(lang, "poll.editors_only") in [c.value for c in at.caption]


def test_a_typed_code_opens_the_poll(db):
    code = open_poll(db)
    at = page()
    at.text_input(key="poll_code_input").input(f" {code.lower()} ")
    at.button(key="poll_code_go").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["w"] == code
    assert at.multiselect(key="poll_factors")


def test_the_short_link_uses_the_public_address_when_the_browser_gives_none(db, monkeypatch):
    monkeypatch.setenv("READINESS_PUBLIC_URL", "https://itu.example/readiness/")
    code = open_poll(db)
    at = page(w=code, view="tally")
    assert [c.value for c in at.code] == [f"https://itu.example/readiness/poll?w={code}"]


def test_no_database_says_so_without_a_traceback(monkeypatch):
    monkeypatch.setenv(DB_ENV_VAR, "postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    cities_store.clear()
    try:
        at = page(w="K7MQ2X")
    finally:
        cities_store.clear()
    assert [e.value for e in at.error] == [en("poll.store_unavailable")]
    assert "secret" not in " ".join(c.value for c in at.caption)
