"""store.polls: workshop polls answered anonymously, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
import json
import statistics
import threading
import time
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import event, insert, select, text

from readiness.data.snapshot import load_snapshot
from readiness.experiences.questionnaire import PollAnswer, validate_poll_answer
from readiness.experiences.vocabulary import FACTORS, ROLES
from readiness.store import polls as polls_module
from readiness.store.errors import StoreError
from readiness.store.polls import CODE_ALPHABET, itu_regions
from readiness.store.schema import PollAnswerRow, PollChoiceRow, WorkshopRow, utc_now

EDITOR = "amina.editor"


@pytest.fixture
def poll(store):
    return store.polls.open_poll("Kigali workshop: what held your project back?", editor=EDITOR)


def _answer(factors, iso3="GHA", role="regulator"):
    return validate_poll_answer(factors, iso3, role)


def test_a_poll_gets_an_unambiguous_code_found_case_aside(store, poll):
    code = poll["code"]
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    found = store.polls.workshop(f"  {code.lower()} ")
    assert found["code"] == code and found["is_open"] and found["answers"] == 0
    assert found["question"] == "barriers" and found["max_choices"] == 3
    assert found["created_by"] == EDITOR and found["created_at"].tzinfo == UTC
    log = store.audit(entity=f"poll:{code}")
    assert log["action"].tolist() == ["open_poll"] and log["editor"].tolist() == [EDITOR]
    codes = {store.polls.open_poll(f"poll {i}", editor=EDITOR)["code"] for i in range(20)}
    assert len(codes | {code}) == 21
    other = next(c for c in CODE_ALPHABET if c not in code)
    with pytest.raises(StoreError, match="no poll has the code"):
        store.polls.workshop(other * 6)
    for bad in ("K7MQ2", "K7MQ2O", "", "<script>"):
        with pytest.raises(StoreError, match="is not a poll code"):
            store.polls.workshop(bad)


def test_opening_a_poll_needs_an_editor_a_title_and_a_known_question(store):
    with pytest.raises(StoreError, match="name of the editor"):
        store.polls.open_poll("Title", editor="")
    with pytest.raises(StoreError, match="title of 1 to 200") as error:
        store.polls.open_poll(" ", question="worries", max_choices=0, editor=EDITOR)
    assert "barriers, enablers" in str(error.value) and "choose 1 to 14" in str(error.value)
    assert store.polls.workshops().empty


def test_the_tally_counts_every_factor_and_keeps_zero_as_zero(store, poll):
    code = poll["code"]
    empty = store.polls.tally(code)
    assert empty["factor"].tolist() == list(FACTORS)
    assert (empty["answers"] == 0).all() and empty["share"].isna().all()
    assert (empty["n_participants"] == 0).all()
    store.polls.answer(code, _answer(["power", "finance"], "GHA"), session_key="a")
    store.polls.answer(code, _answer(["finance"], "KEN"), session_key="b")
    store.polls.answer(code, PollAnswer(("finance", "skills", "power"), "", ""), session_key="c")
    tally = store.polls.tally(code).set_index("factor")
    assert tally.index.tolist() == list(FACTORS)
    assert tally.loc["finance", ["rank1", "answers"]].tolist() == [2, 3]
    assert tally.loc["power", ["rank1", "answers"]].tolist() == [1, 2]
    assert tally.loc["skills", ["rank1", "answers"]].tolist() == [0, 1]
    assert tally.loc["shocks", ["rank1", "answers", "share"]].tolist() == [0, 0, 0.0]
    assert tally["share"]["finance"] == 1.0 and tally["share"]["power"] == pytest.approx(2 / 3)
    assert set(tally["n_participants"]) == {3} and tally["rank1"].sum() == 3
    assert tally["answers"].sum() == 6
    assert store.polls.workshop(code)["answers"] == 3


def test_answering_again_replaces_the_sessions_answer(store, poll):
    code = poll["code"]
    assert store.polls.answer(code, _answer(["power"]), session_key="phone-1") is False
    assert store.polls.answer(code, _answer(["devices", "skills"]), session_key="phone-1")
    tally = store.polls.tally(code).set_index("factor")
    assert tally.loc["power", "answers"] == 0 and tally.loc["devices", "rank1"] == 1
    assert set(tally["n_participants"]) == {1}
    answers = store.polls.answers(code)
    assert answers["factors"].tolist() == ["devices;skills"]
    # Only the token's sha256 is stored.
    digest = hashlib.sha256(b"phone-1").hexdigest()
    with store.engine.connect() as connection:
        keys = connection.execute(select(PollAnswerRow.session_key)).scalars().all()
    assert keys == [digest]


def test_answers_keep_an_unsaid_economy_empty_and_name_itu_regions(store, poll):
    code = poll["code"]
    start = datetime.now(UTC)
    store.polls.answer(code, _answer(["power"], "GHA", "government"), session_key="a")
    store.polls.answer(code, _answer(["power", "devices"], "KEN", "operator"), session_key="b")
    store.polls.answer(code, _answer(["finance"], "FRA", "academia"), session_key="c")
    store.polls.answer(code, PollAnswer(("finance",), "", ""), session_key="d")
    answers = store.polls.answers(code)
    assert answers.columns.tolist() == [
        "answer_id", "iso3", "region", "role", "factors", "answered_at",
    ]  # fmt: skip
    assert answers["iso3"].tolist() == ["GHA", "KEN", "FRA", ""]
    countries = load_snapshot().countries.set_index("iso3")["itu_region"]
    assert answers["region"].tolist()[:3] == [countries[c] for c in ("GHA", "KEN", "FRA")]
    assert answers["region"].tolist() == ["Africa", "Africa", "Europe", ""]
    assert answers["role"].tolist() == ["government", "operator", "academia", ""]
    assert answers["factors"].tolist() == ["power", "power;devices", "finance", "finance"]
    assert str(answers["answered_at"].dt.tz) == "UTC"
    assert answers["answered_at"].between(start, datetime.now(UTC)).all()
    by_region = store.polls.tally_by(code, "region")
    assert sorted(set(by_region["key"])) == ["", "Africa", "Europe"]
    africa = by_region[by_region["key"] == "Africa"].set_index("factor")
    assert africa.index.tolist() == list(FACTORS)
    assert africa.loc["power", ["rank1", "answers", "share"]].tolist() == [2, 2, 1.0]
    assert africa.loc["devices", "answers"] == 1 and set(africa["n_participants"]) == {2}
    unsaid = by_region[by_region["key"] == ""].set_index("factor")
    assert unsaid.loc["finance", "answers"] == 1 and set(unsaid["n_participants"]) == {1}
    by_economy = store.polls.tally_by(code)
    assert sorted(set(by_economy["key"])) == ["", "FRA", "GHA", "KEN"]
    totals = by_economy.groupby("factor")["answers"].sum()
    overall = store.polls.tally(code).set_index("factor")["answers"]
    assert totals.reindex(list(FACTORS)).tolist() == overall.tolist()
    with pytest.raises(StoreError, match="by economy or region"):
        store.polls.tally_by(code, "income")
    assert "ABW" not in itu_regions()  # no ITU-D region: "" rather than a made-up one


def test_a_closed_poll_takes_no_answers_and_keeps_its_own(store, poll):
    code = poll["code"]
    store.polls.answer(code, _answer(["power"]), session_key="a")
    with pytest.raises(StoreError, match="name of the editor"):
        store.polls.close_poll(code, editor=" ")
    store.polls.close_poll(code, editor="bo")
    store.polls.close_poll(code, editor="bo")  # closing again changes nothing
    closed = store.polls.workshop(code)
    assert not closed["is_open"] and closed["closed_at"].tzinfo == UTC
    with pytest.raises(StoreError, match=f"the poll {code} is closed"):
        store.polls.answer(code, _answer(["finance"]), session_key="b")
    assert store.polls.tally(code).set_index("factor").loc["power", "answers"] == 1
    log = store.audit(entity=f"poll:{code}")
    assert log["action"].tolist() == ["close_poll", "open_poll"]
    assert json.loads(log["detail"].iloc[0]) == {"answers": 1}
    listed = store.polls.workshops()
    assert listed.loc[0, ["code", "is_open", "answers"]].tolist() == [code, False, 1]


def test_answers_are_checked_again_by_the_store(store):
    poll = store.polls.open_poll("Two at most", max_choices=2, question="enablers", editor=EDITOR)
    code = poll["code"]
    cases = [
        (PollAnswer(("power", "finance", "skills"), "GHA", ""), "choose 1 to 2 factors"),
        (PollAnswer((), "GHA", ""), "choose 1 to 2 factors"),
        (PollAnswer(("power", "power"), "GHA", ""), "each factor may be chosen once"),
        (PollAnswer(("wifi",), "GHA", ""), "unknown factor"),
        (PollAnswer(("power",), "Ghana", ""), "ISO3 code"),
        (PollAnswer(("power",), "GHA", "boss"), "the role must be one of"),
    ]
    for answer, message in cases:
        with pytest.raises(StoreError, match=message):
            store.polls.answer(code, answer, session_key="s")
    with pytest.raises(StoreError, match="browser session's key"):
        store.polls.answer(code, _answer(["power"]), session_key="")
    assert store.polls.workshop(code)["answers"] == 0
    assert ROLES[0] == "government"


def test_the_limits_are_counted_in_the_database(store, poll, monkeypatch):
    code = poll["code"]
    for i in range(polls_module.MAX_CHANGES):
        store.polls.answer(code, _answer([FACTORS[i % len(FACTORS)]]), session_key="busy")
    with pytest.raises(StoreError, match=r"answered the poll \w+ 20 times, the limit"):
        store.polls.answer(code, _answer(["power"]), session_key="busy")
    monkeypatch.setattr(polls_module, "MAX_ANSWERS", 3)
    store.polls.answer(code, _answer(["power"]), session_key="two")
    store.polls.answer(code, _answer(["power"]), session_key="three")
    with pytest.raises(StoreError, match="has 3 answers, as many as a poll takes"):
        store.polls.answer(code, _answer(["power"]), session_key="four")
    store.polls.answer(code, _answer(["finance"]), session_key="two")  # a change is still taken
    assert store.polls.workshop(code)["answers"] == 3


def _at_once(count, work):
    """Run work(i) for i in range(count) in threads released together; the errors."""
    barrier, errors = threading.Barrier(count), []

    def run(i):
        try:
            barrier.wait(timeout=60)
            work(i)
        except Exception as error:  # collected, then asserted empty
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_fifty_sessions_answering_at_once_lose_no_answer(store, poll):
    code = poll["code"]
    picks = [(FACTORS[i % 14], FACTORS[(i + 5) % 14]) for i in range(50)]

    def work(i):
        store.polls.answer(code, _answer(list(picks[i]), "GHA"), session_key=f"phone-{i}")

    assert _at_once(50, work) == []
    tally = store.polls.tally(code).set_index("factor")
    assert set(tally["n_participants"]) == {50} and tally["rank1"].sum() == 50
    assert tally["answers"].sum() == 100
    expected = pd.Series([f for pair in picks for f in pair]).value_counts()
    assert tally["answers"].to_dict() == {f: int(expected.get(f, 0)) for f in FACTORS}
    assert len(store.polls.answers(code)) == 50


def test_one_session_answering_from_many_tabs_at_once_keeps_one_answer(store, poll):
    code = poll["code"]

    def work(i):
        store.polls.answer(code, _answer([FACTORS[i]]), session_key="same-phone")

    assert _at_once(10, work) == []
    answers = store.polls.answers(code)
    assert len(answers) == 1 and answers["factors"].iloc[0] in FACTORS[:10]
    with store.engine.connect() as connection:
        changes = connection.execute(text("SELECT changes FROM poll_answers")).scalar_one()
        choices = connection.execute(text("SELECT count(*) FROM poll_choices")).scalar_one()
    assert (changes, choices) == (10, 1)


def test_the_tally_of_2000_answers_is_one_quick_query(store, poll):
    code = poll["code"]
    with store.engine.connect() as connection:
        poll_id = connection.execute(
            select(WorkshopRow.id).where(WorkshopRow.code == code)
        ).scalar_one()
    codes = sorted(itu_regions())
    now = utc_now()
    answers = [
        {"workshop_id": poll_id, "session_key": f"{i:064x}", "iso3": codes[i % len(codes)],
         "role": ROLES[i % len(ROLES)], "changes": 1, "answered_at": now}
        for i in range(2000)
    ]  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(PollAnswerRow), answers)
        ids = connection.execute(
            select(PollAnswerRow.id).where(PollAnswerRow.workshop_id == poll_id)
        ).scalars()
        choices = [
            {"answer_id": answer_id, "factor": FACTORS[(answer_id + k) % 14], "rank": k + 1}
            for answer_id in ids
            for k in range(3)
        ]
        connection.execute(insert(PollChoiceRow), choices)
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(store.engine, "before_cursor_execute", count)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        tally = store.polls.tally(code)
        times.append(time.perf_counter() - start)
    event.remove(store.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    grouped = [s for s in selects if "GROUP BY" in s.upper()]
    assert len(grouped) == 5 and len(selects) == 10  # the poll's id, then one GROUP BY
    assert set(tally["n_participants"]) == {2000} and tally["rank1"].sum() == 2000
    assert tally["answers"].sum() == 6000
    ms = statistics.median(times) * 1000
    print(f"\ntally of 2000 answers on {store.engine.dialect.name}: {ms:.1f} ms (median of 5)")
    assert ms < 1000
