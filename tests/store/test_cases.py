"""store.cases: the committed library synced on open, submissions, moderation and imports."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
import traceback
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from readiness.experiences.coding import CHOSEN_RULE, CODING_COLUMNS, code_studies
from readiness.experiences.questionnaire import validate_submission
from readiness.experiences.studies import STUDY_COLUMNS, load_library
from readiness.store import cases as cases_module
from readiness.store.engine import open_store
from readiness.store.errors import StoreError
from readiness.store.schema import CaseFactorRow, CaseStudyRow, StoreMetaRow

EDITOR = "amina.editor"
CONTEXT = multiprocessing.get_context("fork")
# A participant's experience, in the questionnaire's fields (the dashboard validates them first).
FIELDS = {
    "economies": "KEN; UGA",
    "city_or_region": "Kisumu",
    "sectors": ["water"],
    "technology": "NB-IoT prepaid water meters",
    "year": "2021-2022",
    "stage": "pilot",
    "summary": "The county utility fitted 300 prepaid meters on public kiosks.",
    "outcomes": "Non-revenue water fell at the kiosks.",
    "enabling": ["payments", "partnerships"],
    "enabling_words": {"payments": "top-up by mobile money"},
    "limiting": ["power"],
    "limiting_words": {"power": "meters lost power in the rainy season"},
    "source_title": "Workshop contribution",
    "source_type": "own",
    "role": "city",
    "language": "en",
}


@pytest.fixture(scope="module")
def submission():
    return validate_submission(FIELDS)


def _rows(frame):
    return sorted(map(tuple, frame.astype(str).values.tolist()))


def _syncs(store):
    log = store.audit(1000)
    return log[log["action"] == "sync_library"]


def test_opening_the_store_syncs_the_committed_library_once(store, db_url):
    library = load_library()
    studies = store.cases.studies()
    assert studies.columns.tolist() == list(STUDY_COLUMNS) and len(studies) == 50
    assert _rows(studies) == _rows(library)
    assert set(studies["origin"]) == {"library"} and set(studies["status"]) == {"published"}
    coding = store.cases.factors()
    assert coding.columns.tolist() == list(CODING_COLUMNS)
    assert _rows(coding) == _rows(code_studies(library))
    synced = _syncs(store)
    assert synced["editor"].tolist() == ["build-data"] and synced["entity"].tolist() == ["library"]
    detail = json.loads(synced["detail"].iloc[0])
    assert (detail["added"], detail["changed"], detail["removed"], detail["studies"]) == (
        50, 0, 0, 50,
    )  # fmt: skip
    version = store.cases.version()
    again = open_store(db_url)  # the digest matches: nothing is written
    assert len(_syncs(again)) == 1 and again.cases.version() == version
    assert again.cases.sync_library() is False
    again.close()


def test_a_changed_library_changes_only_what_differs(store):
    library, coding = load_library(), code_studies(load_library())
    first, last = library["case_id"].iloc[0], library["case_id"].iloc[-1]
    changed = library[library["case_id"] != last].copy()
    changed.loc[changed["case_id"] == first, "summary"] = "A corrected summary."
    kept_coding = coding[coding["case_id"] != last]
    version = store.cases.version()
    assert store.cases.sync_library(changed, kept_coding) is True
    detail = json.loads(_syncs(store)["detail"].iloc[0])
    assert (detail["added"], detail["changed"], detail["removed"]) == (0, 1, 1)
    assert store.cases.version() > version
    assert store.cases.get(first)["summary"] == "A corrected summary."
    with pytest.raises(StoreError, match=f"no stored study has the id '{last}'"):
        store.cases.get(last)
    assert store.cases.sync_library(changed, kept_coding) is False
    assert store.cases.sync_library() is True  # back to the committed library
    assert _rows(store.cases.studies()) == _rows(library)
    assert _rows(store.cases.factors()) == _rows(coding)
    with store.engine.connect() as connection:  # no coding row of a removed study lingers
        orphans = connection.execute(
            select(func.count())
            .select_from(CaseFactorRow)
            .outerjoin(CaseStudyRow, CaseStudyRow.id == CaseFactorRow.study_id)
            .where(CaseStudyRow.id.is_(None))
        ).scalar_one()
    assert orphans == 0


def test_a_new_digest_of_the_same_rows_changes_and_logs_nothing(store):
    with store.engine.begin() as connection:  # as if a comment in coding.py had changed
        connection.execute(
            update(StoreMetaRow).where(StoreMetaRow.key == "library_digest").values(value="old")
        )
    version, studies = store.cases.version(), store.cases.studies()
    assert store.cases.sync_library() is False
    assert store.cases.version() == version and len(_syncs(store)) == 1
    assert _rows(store.cases.studies()) == _rows(studies)
    with store.engine.connect() as connection:
        digest = connection.execute(select(StoreMetaRow.value)).scalar_one()
    assert digest == cases_module.committed_digest() != "old"


def _open_and_count(url, barrier, results):
    try:
        barrier.wait(timeout=60)
        opened = open_store(url)
        results.put((len(opened.cases.studies()), ""))
        opened.close()
    except BaseException:
        results.put((0, traceback.format_exc()))


def test_three_processes_opening_a_new_database_sync_it_once(db_url):
    barrier, results = CONTEXT.Barrier(3), CONTEXT.Queue()
    processes = [
        CONTEXT.Process(target=_open_and_count, args=(db_url, barrier, results), daemon=True)
        for _ in range(3)
    ]
    for process in processes:
        process.start()
    found = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert found == [(50, "")] * 3
    store = open_store(db_url)
    assert len(_syncs(store)) == 1 and len(store.cases.studies()) == 50
    store.close()


def test_a_submission_waits_for_review_without_its_session_token(store, submission):
    start = datetime.now(UTC)
    version = store.cases.version()
    case_id = store.cases.submit(submission, session_key="browser-token-1")
    assert case_id == "SUB-000001"
    assert store.cases.submit(submission, session_key="browser-token-2") == "SUB-000002"
    assert case_id not in set(store.cases.studies()["case_id"])
    pending = store.cases.pending()
    assert pending["case_id"].tolist() == ["SUB-000001", "SUB-000002"]
    assert pending.columns.tolist() == [*STUDY_COLUMNS, "role", "language"]
    study = store.cases.get(case_id)
    assert (study["origin"], study["status"], study["role"]) == ("submitted", "pending", "city")
    assert study["economies"] == "KEN;UGA" and study["sectors"] == "water"
    assert study["enabling"] == "top-up by mobile money"
    assert study["limiting"] == "meters lost power in the rainy season"
    submitted = datetime.fromisoformat(study["submitted_at"])
    assert submitted.utcoffset().total_seconds() == 0
    assert start.replace(microsecond=0) <= submitted <= datetime.now(UTC)
    assert study["coding"] == [
        {"side": "enabling", "phrase": "top-up by mobile money", "factor": "payments",
         "rule": CHOSEN_RULE},
        {"side": "enabling", "phrase": "", "factor": "partnerships", "rule": CHOSEN_RULE},
        {"side": "limiting", "phrase": "meters lost power in the rainy season",
         "factor": "power", "rule": CHOSEN_RULE},
    ]  # fmt: skip
    assert "session_key" not in study
    with store.engine.connect() as connection:
        keys = connection.execute(
            select(CaseStudyRow.session_key).where(CaseStudyRow.origin == "submitted")
        ).scalars()
        assert set(keys) == {hashlib.sha256(f"browser-token-{i}".encode()).hexdigest()
                             for i in (1, 2)}  # fmt: skip
    log = store.audit(entity=f"case:{case_id}")
    assert log["editor"].tolist() == ["anonymous"] and log["action"].tolist() == ["submit_study"]
    assert store.cases.version() > version
    assert len(store.cases.factors(None)) == len(store.cases.factors()) + 6


def test_submissions_are_limited_per_session_workshop_and_queue(store, submission, monkeypatch):
    for _ in range(cases_module.MAX_PER_SESSION_HOUR):
        store.cases.submit(submission, session_key="eager")
    with pytest.raises(
        StoreError, match="this session has sent 5 experiences in the last hour; try again later"
    ):
        store.cases.submit(submission, session_key="eager")
    store.cases.submit(submission, session_key="another")  # other sessions go on
    poll = store.polls.open_poll("Nairobi", editor=EDITOR)
    monkeypatch.setattr(cases_module, "MAX_PER_WORKSHOP", 2)
    for i in range(2):
        sent = store.cases.submit(submission, session_key=f"w{i}", workshop=poll["code"].lower())
        assert store.cases.get(sent)["workshop"] == poll["code"]
    with pytest.raises(StoreError, match=f"the workshop {poll['code']} has received 2"):
        store.cases.submit(submission, session_key="w3", workshop=poll["code"])
    with pytest.raises(StoreError, match="no workshop has the code"):
        store.cases.submit(submission, session_key="w4", workshop="ZZZZZZ")
    monkeypatch.setattr(cases_module, "MAX_PENDING", 8)
    with pytest.raises(StoreError, match="8 experiences are waiting for review"):
        store.cases.submit(submission, session_key="late")
    with pytest.raises(StoreError, match="browser session's key"):
        store.cases.submit(submission, session_key="")
    assert len(store.cases.pending()) == 8


def test_one_session_submitting_from_ten_tabs_at_once_stores_five(store, submission):
    barrier, errors, lock = threading.Barrier(10), [], threading.Lock()

    def send():
        barrier.wait(timeout=60)
        try:
            store.cases.submit(submission, session_key="tabs")
        except StoreError as error:
            with lock:
                errors.append(str(error))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(store.cases.pending()) == 5
    assert errors == ["this session has sent 5 experiences in the last hour; try again later"] * 5
    assert sorted(store.cases.pending()["case_id"]) == [f"SUB-00000{i}" for i in range(1, 6)]


def test_oversize_text_is_refused_even_past_the_questionnaire(store, submission):
    huge = replace(submission, summary="x" * (cases_module.MAX_FIELD + 1))
    with pytest.raises(StoreError, match="summary is longer than 4000 characters"):
        store.cases.submit(huge, session_key="s")
    odd = replace(submission, economies=("Kenya",), stage="rumour", source_type="x" * 81)
    with pytest.raises(StoreError, match="ISO3 codes") as error:
        store.cases.submit(odd, session_key="s")
    assert "stage must be one of" in str(error.value)
    assert "source_type is longer than 80 characters" in str(error.value)
    with pytest.raises(StoreError, match="the role is one of"):
        store.cases.submit(replace(submission, role="boss"), session_key="s")
    assert store.cases.pending().empty


def test_editors_publish_reject_edit_and_delete_submissions(store, submission):
    one = store.cases.submit(submission, session_key="a")
    two = store.cases.submit(submission, session_key="b")
    three = store.cases.submit(submission, session_key="c")
    with pytest.raises(StoreError, match="name of the editor"):
        store.cases.publish(one, editor="")
    store.cases.publish(one, editor=EDITOR)
    published = store.cases.get(one)
    assert (published["status"], published["published_by"]) == ("published", EDITOR)
    assert one in set(store.cases.studies()["case_id"])
    assert set(store.cases.factors()["case_id"]) >= {one}
    with pytest.raises(StoreError, match="already published"):
        store.cases.publish(one, editor=EDITOR)
    store.cases.reject(two, editor="bo", reason="<script>alert(1)</script> not an IoT project")
    assert store.cases.get(two)["status"] == "rejected"
    assert two in set(store.cases.studies("rejected")["case_id"])
    reason = json.loads(store.audit(entity=f"case:{two}")["detail"].iloc[0])["reason"]
    assert reason == "<script>alert(1)</script> not an IoT project"  # kept as text
    coding = [{"side": "limiting", "phrase": "no spare parts", "factor": "operations"}]
    store.cases.edit(three, {"summary": "Edited summary.", "coding": coding}, editor="chen")
    edited = store.cases.get(three)
    assert edited["summary"] == "Edited summary."
    assert edited["coding"] == [{**coding[0], "rule": "set by editor"}]
    detail = json.loads(store.audit(entity=f"case:{three}")["detail"].iloc[0])
    assert detail == {"fields": ["summary", "coding"]}
    with pytest.raises(StoreError, match="origin, status cannot be edited"):
        store.cases.edit(three, {"status": "published", "origin": "library"}, editor="chen")
    with pytest.raises(StoreError, match="a factor of the vocabulary"):
        store.cases.edit(three, {"coding": [{"side": "limiting", "factor": "luck"}]}, editor="c")
    store.cases.delete(three, editor="dana")
    with pytest.raises(StoreError, match="no stored study"):
        store.cases.get(three)
    actions = store.audit(entity=f"case:{three}")["action"].tolist()
    assert actions == ["delete_study", "edit_study", "submit_study"]
    with store.engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(CaseFactorRow)).scalar_one()
    assert left == len(store.cases.factors(None))


def test_library_studies_change_only_through_build_data(store):
    library_id = load_library()["case_id"].iloc[0]
    before = store.cases.get(library_id)
    writes = [
        lambda: store.cases.edit(library_id, {"summary": "changed"}, editor=EDITOR),
        lambda: store.cases.delete(library_id, editor=EDITOR),
        lambda: store.cases.reject(library_id, editor=EDITOR),
        lambda: store.cases.publish(library_id, editor=EDITOR),
    ]
    for write in writes:
        with pytest.raises(StoreError, match="library studies change through build-data"):
            write()
    assert store.cases.get(library_id) == before
    assert len(store.audit(entity=f"case:{library_id}")) == 0


def test_importing_studies_is_all_or_nothing(store):
    library = load_library()
    chosen = library.head(2).assign(case_id=["IMP-1", "IMP-2"])
    coding = code_studies(library.head(2)).replace(
        {"case_id": dict(zip(library["case_id"].head(2), chosen["case_id"], strict=True))}
    )
    assert store.cases.import_studies(chosen, coding, editor="bo") == 2
    imported = store.cases.get("IMP-1")
    assert (imported["origin"], imported["status"], imported["published_by"]) == (
        "imported", "published", "bo",
    )  # fmt: skip
    assert len(imported["coding"]) == (coding["case_id"] == "IMP-1").sum()
    assert len(store.cases.studies()) == 52
    clash = chosen.assign(case_id=["IMP-3", "IMP-1"])
    with pytest.raises(StoreError, match=r"nothing was imported: the case id\(s\) IMP-1"):
        store.cases.import_studies(clash, coding.head(0), editor="bo")
    bad = coding.assign(factor="luck")
    with pytest.raises(StoreError, match="a factor of the vocabulary"):
        store.cases.import_studies(chosen.assign(case_id=["IMP-4", "IMP-5"]),
                                   bad.replace({"IMP-1": "IMP-4", "IMP-2": "IMP-5"}),
                                   editor="bo")  # fmt: skip
    assert len(store.cases.studies()) == 52
    store.cases.edit("IMP-2", {"outcomes": "More kiosks."}, editor="bo")
    store.cases.delete("IMP-2", editor="bo")
    assert len(store.cases.studies()) == 51
    assert store.audit(entity="cases:import")["action"].tolist() == ["import_studies"]
    with pytest.raises(StoreError, match="status is one of published, pending, rejected"):
        store.cases.studies("draft")
