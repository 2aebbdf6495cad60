"""Who may publish, reject, edit or delete a submission: an anonymous session can submit but
never any of those, by any widget, link or session key, and the handlers themselves refuse it;
a signed-in editor can, and the log names them.

Every attempt is followed by a count of the store's rows (studies, their factors, the log) and
the status of every submission, which must not move. As in test_cities_write_guard.py, setting
`auth_editor` to a real account's name by hand is not tried: that key lives only on the server
(a browser sends widget values, not session keys) and is the sign-in.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.experiences import moderate
from readiness.experiences.questionnaire import validate_submission
from readiness.i18n import translate
from readiness.store.engine import open_store
from tests.app.experiences_support import VALID, counts, db, open_page, page, statuses, submit_valid
from tests.app.store_support import run_with_forged_keys, sign_in, widgets
from tests.app.test_app_map import TIMEOUT

__all__ = ["db"]  # the fixture
REQUIRED = translate("en", "auth.required")
QUEUE = "exp_mod_"  # the key prefix of every widget of the editors' queue


def _seed(url: str, *summaries: str) -> list[str]:
    """Submissions sent by other participants' sessions, pending."""
    with open_store(url) as store:
        return [
            store.cases.submit(
                validate_submission({**VALID, "summary": text, "language": "en"}),
                session_key=f"participant-{n}",
            )
            for n, text in enumerate(summaries)
        ]


@pytest.fixture
def pending(db) -> str:
    (case_id,) = _seed(db, "A pending experience nobody but an editor may read yet.")
    return case_id


def _unchanged(url: str, before: tuple[dict, dict]) -> None:
    assert (counts(url), statuses(url)) == before


def test_an_anonymous_session_finds_nothing_of_the_queue(db, editors, pending):
    before = counts(db), statuses(db)
    at = open_page()
    found = widgets(at._tree)
    assert not [w for w in found if w[1].startswith(QUEUE)], found
    assert translate("en", "experiences_submit.moderate.title") not in [
        s.value for s in at.subheader
    ]
    shown = [str(getattr(e, "value", "")) for e in at.main]
    assert not [s for s in shown if "nobody but an editor" in s or pending in s]
    # ...but the questionnaire is there, and it writes: submissions only, and pending.
    submit_valid(at)
    assert statuses(db) == {pending: "pending", "SUB-000002": "pending"}
    assert counts(db)["case_studies"] == before[0]["case_studies"] + 1


def test_links_do_not_write(db, editors, pending):
    before = counts(db), statuses(db)
    for params in (
        {"publish": pending},
        {"action": "delete", "case": pending, "confirm": "yes", "editor": "ana"},
        {"exp_mod_pick": pending, f"exp_mod_{pending}_publish": "true", "w": "ZZZZZZ"},
    ):
        at = open_page(**params)
        assert not [w for w in widgets(at._tree) if w[1].startswith(QUEUE)]
        _unchanged(db, before)


def test_session_keys_set_by_hand_do_not_write(db, editors, pending):
    before = counts(db), statuses(db)
    at = AppTest.from_function(page, default_timeout=TIMEOUT)
    at.secrets["readiness_test"] = True
    forged = {
        "auth_editor": "mallory",  # not an account: current_editor() drops it
        "exp_mod_pick": pending,
        f"exp_mod_{pending}_reason": "forged",
        f"exp_mod_{pending}_delete_sure": True,
        f"exp_mod_{pending}_edit_summary": "forged",
        moderate.FLASH: "forged",
    }
    run_with_forged_keys(at, forged, QUEUE)
    assert "auth_editor" not in at.session_state
    _unchanged(db, before)


def _call(name: str, case_id: str) -> None:
    """A page that calls one write handler directly, with nobody signed in."""
    import streamlit as st

    from dashboard.experiences import moderate

    calls = {
        "publish": lambda: moderate.publish(case_id),
        "reject": lambda: moderate.reject(case_id, "forged"),
        "edit": lambda: moderate.edit(case_id, {"summary": "forged"}),
        "delete": lambda: moderate.delete(case_id),
    }
    calls[name]()
    st.text("written")


@pytest.mark.parametrize("name", ["publish", "reject", "edit", "delete"])
def test_every_write_handler_stops_without_an_editor(db, editors, pending, name):
    before = counts(db), statuses(db)
    at = AppTest.from_function(_call, args=(name, pending), default_timeout=TIMEOUT)
    at.secrets["readiness_test"] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [i.value for i in at.info] == [REQUIRED]
    assert "written" not in [x.value for x in at.text]
    _unchanged(db, before)


def test_a_handler_called_outside_a_page_run_refuses(db, editors, pending):
    before = counts(db), statuses(db)
    for call in (
        lambda: moderate.publish(pending),
        lambda: moderate.reject(pending),
        lambda: moderate.edit(pending, {"summary": "forged"}),
        lambda: moderate.delete(pending),
    ):
        with pytest.raises(moderate.NotAnEditor):
            call()
    _unchanged(db, before)


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_an_editor_corrects_rejects_and_deletes_and_is_named_in_the_log(db, editors):
    first, second = _seed(db, "First experience.", "Second experience.")
    at = sign_in(open_page())
    assert at.selectbox(key="exp_mod_pick").value == first
    assert translate("en", "experiences_submit.moderate.count", n=2) in [
        c.value for c in at.caption
    ]
    # Correct the summary and the stage; it stays pending.
    at.text_area(key=f"exp_mod_{first}_edit_summary").set_value("First experience, corrected.")
    at.selectbox(key=f"exp_mod_{first}_edit_stage").set_value("scaling")
    _click(at, "Save the corrections")
    assert [s.value for s in at.success] == [f"{first} was corrected."]
    with open_store(db) as store:
        edited = store.cases.get(first)
    assert (edited["summary"], edited["stage"], edited["status"]) == (
        "First experience, corrected.", "scaling", "pending"
    )  # fmt: skip
    # Reject it with a reason: kept, rejected, never published.
    at.text_input(key=f"exp_mod_{first}_reason").set_value("No source we could check.")
    _click(at, "Reject")
    assert [s.value for s in at.success] == [f"{first} was rejected."]
    assert statuses(db) == {first: "rejected", second: "pending"}
    assert at.selectbox(key="exp_mod_pick").value == second  # the queue moves on
    # Delete the other: not without the tick, then for good.
    before = counts(db)
    _click(at, "Delete")
    assert [w.value for w in at.warning] == ["Tick the box to confirm the deletion."]
    assert counts(db) == before
    at.checkbox(key=f"exp_mod_{second}_delete_sure").check()
    _click(at, "Delete")
    assert [s.value for s in at.success] == [f"{second} was deleted."]
    assert statuses(db) == {first: "rejected"}
    assert [i.value for i in at.info] == ["No submission is waiting for review."]
    with open_store(db) as store:
        assert first not in set(store.cases.studies()["case_id"])
        log = store.audit(10)
    mine = log[log["entity"].isin([f"case:{first}", f"case:{second}"])]
    assert list(zip(mine["editor"], mine["action"], mine["entity"], strict=True)) == [
        ("ana", "delete_study", f"case:{second}"),
        ("ana", "reject_study", f"case:{first}"),
        ("ana", "edit_study", f"case:{first}"),
        ("anonymous", "submit_study", f"case:{second}"),
        ("anonymous", "submit_study", f"case:{first}"),
    ]
