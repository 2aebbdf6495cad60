"""AppTest: the data page's "Refresh data" panel (dashboard/refresh_panel.py, refresh_job.py).

Visitors see one line and no control, whatever they put in the URL or the session; a signed-in
editor (a local account with a real argon2id hash, READINESS_EDITORS) sees the form, starts a
refresh in the process's background job and sees each source's progress; a second editor sees
it running and cannot start another. A real refresh (readiness.refresh.run) with a file in hand
runs dry, then for real: the page shows what changed, serves the new snapshot at its next run,
and rolls back. Everything works on a tmp copy of data/ and a tmp state directory.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import committed, refresh_job
from dashboard.auth import session as auth_session
from readiness.paths import default_raw_dir
from readiness.refresh.changes import changes
from readiness.refresh.run import RefreshResult, SourceOutcome, source_names
from readiness.store.accounts import ENV_ACCOUNTS, ENV_EDITOR_EMAILS, Throttle, hash_password
from tests.app.test_snapshot_switch import copy_data, ken_score, staged_with, switch_to

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DATA = "app_pages/data_sources.py"
TIMEOUT = 180
PASSWORD = "correct horse battery"
START = "Start the refresh"
ITU_FILE = "itu_datahub/individuals_using_internet.csv"
KEN_2024 = '"KEN","Kenya","34.9762",2024'


@pytest.fixture(scope="module")
def ana_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def served(tmp_path, monkeypatch, ana_hash) -> Path:
    """A tmp copy of data/ served by a fresh holder, a tmp state dir, and one editor: ana."""
    data_dir = copy_data(tmp_path)
    monkeypatch.setattr(committed, "DATA_DIR", data_dir)
    monkeypatch.setattr(committed, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(committed, "COMMITTED", committed.Committed())
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv(ENV_ACCOUNTS, f"ana:{ana_hash}")
    monkeypatch.delenv(ENV_EDITOR_EMAILS, raising=False)
    monkeypatch.setattr(auth_session, "THROTTLE", Throttle())
    return data_dir


class Gate:
    """A stand-in for readiness.refresh.run.refresh that reports progress, then waits."""

    def __init__(self, result: object) -> None:
        self.result, self.calls = result, list[dict[str, Any]]()
        self.reported, self.release = threading.Event(), threading.Event()

    def __call__(self, **kwargs: Any) -> object:
        self.calls.append(kwargs)
        progress, on_source, log = kwargs["progress"], kwargs["on_source"], kwargs["log"]
        progress("wb", 2_500_000, 5_000_000)
        on_source(SourceOutcome("wb", True, ("wdi/a/data.csv",), seconds=1.5))
        progress("itu", 1_200_000, None)
        log("fetch ...")
        self.reported.set()
        assert self.release.wait(60)
        return self.result


def _data_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(DATA).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _sign_in(at: AppTest) -> AppTest:
    at.text_input(key="auth_name").input("ana")
    at.text_input(key="auth_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["auth_editor"] == "ana"
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "success", "info", "warning", "error")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p).replace("\\", "") for p in parts)  # markdown, unescaped


def _bars(at: AppTest) -> list[tuple[int, str]]:
    """Each progress bar: its value (0-100) and its text (markdown, compared unescaped)."""
    return [(int(e.proto.value), e.proto.text.replace("\\", "")) for e in at.get("progress")]


def test_visitors_see_one_line_and_cannot_start_a_refresh(served, monkeypatch):
    gate = Gate(None)
    monkeypatch.setattr(refresh_job, "JOB", refresh_job.RefreshJob(gate))
    switch_to(staged_with(served, 50.0), served)  # a previous snapshot to roll back to is kept
    switched = ken_score(served)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in {"refresh": "start", "sources": "wb", "dry_run": "1"}.items():
        at.query_params[key] = value
    # what a visitor might try to put in the session: the panel's own widget keys
    tries: dict[str, object] = {"refresh_sources": ["wb"], "refresh_dry_run": True,
                                "refresh_rollback": True, "auth_editor": "mallory"}  # fmt: skip
    for key, tried in tries.items():
        at.session_state[key] = tried
    at.run()
    at.switch_page(DATA).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Refresh data" in [h.value for h in at.subheader]
    assert "Editors can fetch current figures from the sources here" in _texts(at)
    labels = [w.label for kind in ("button", "multiselect", "toggle") for w in getattr(at, kind)]
    assert START not in labels and "Sources to fetch" not in labels
    assert not [b for b in at.button if b.label.startswith("Roll back")]
    assert not at.get("file_uploader") and not at.get("progress")
    assert refresh_job.JOB.view().serial == 0 and not gate.calls
    assert ken_score(served) == switched  # and no rollback happened


def test_an_editor_starts_a_refresh_and_every_editor_sees_its_progress(served, monkeypatch):
    old = served
    result = RefreshResult(
        status="dry-run", data_dir=served, run_dir=None, served="test",
        sources=(SourceOutcome("wb", True, ("wdi/a/data.csv",), seconds=1.5),
                 SourceOutcome("itu", False, reason="no network: 127.0.0.1:9 unreachable")),
        changes=changes(old, staged_with(served, 62.0)),
    )  # fmt: skip
    gate = Gate(result)
    monkeypatch.setattr(refresh_job, "JOB", refresh_job.RefreshJob(gate))
    ana = _sign_in(_data_page())
    picker = ana.multiselect(key="refresh_sources")
    assert picker.value == source_names()  # every source by default, each named for people
    assert picker.options[:2] == [
        "World Bank WDI (Indicators API)",
        "World Bank income classification",
    ]
    ana.multiselect(key="refresh_sources").set_value(["wb", "itu"])
    ana.toggle(key="refresh_dry_run").set_value(True)
    next(b for b in ana.button if b.label == START).click().run()
    assert not ana.exception, [e.message for e in ana.exception]
    assert gate.reported.wait(30)
    (call,) = gate.calls
    assert call["sources"] == ["wb", "itu"] and call["dry_run"] is True
    assert call["data_dir"] == served and call["from_dir"] is None

    ana.run()  # what the fragment redraws every second
    assert "A refresh started by ana is running" in _texts(ana)
    assert _bars(ana) == [(100, "World Bank WDI (Indicators API): 1 file(s), 2.5 MB, 1.5 s"),
                          (0, "ITU DataHub: 1.2 MB received")]  # fmt: skip
    assert "Now: fetch" in _texts(ana)
    assert START not in [b.label for b in ana.button]

    bo = _sign_in(_data_page())  # a second editor's session: sees it, cannot start another
    assert "A refresh started by ana is running" in _texts(bo)
    assert START not in [b.label for b in bo.button]
    assert not refresh_job.JOB.start("bo", ["wb"])

    gate.release.set()
    assert refresh_job.JOB.wait(30)
    ana.run()
    text = _texts(ana)
    assert "Dry run done in" in text and "nothing was switched" in text
    assert "These sources could not be had and kept their previous files: ITU DataHub" in text
    assert _bars(ana)[1] == (100, "ITU DataHub: could not be had: "
                                  "no network: 127.0.0.1:9 unreachable")  # fmt: skip
    report = ana.code[-1].value  # after the citations block
    assert "internet_use KEN 2024: 34.9762 -> 62 " in report  # the value revised
    assert START in [b.label for b in ana.button]  # another may start now


def test_nothing_chosen_starts_nothing(served, monkeypatch):
    gate = Gate(None)
    monkeypatch.setattr(refresh_job, "JOB", refresh_job.RefreshJob(gate))
    at = _sign_in(_data_page())
    at.multiselect(key="refresh_sources").set_value([])
    next(b for b in at.button if b.label == START).click().run()
    assert "Choose at least one source" in _texts(at)
    assert refresh_job.JOB.view().serial == 0 and not gate.calls


def _hand_file(folder: Path, value: str) -> Path:
    """An ITU DataHub export as a user downloads it, with Kenya's 2024 Internet use revised."""
    text = (default_raw_dir() / ITU_FILE).read_text(encoding="utf-8-sig")
    assert text.count(KEN_2024) == 1
    folder.mkdir()
    (folder / "individuals_using_internet.csv").write_text(
        text.replace(KEN_2024, f'"KEN","Kenya","{value}",2024'), encoding="utf-8"
    )
    return folder


def test_a_real_refresh_with_a_file_in_hand_dry_then_switched_then_rolled_back(
    served, monkeypatch, tmp_path
):
    if not (default_raw_dir() / ITU_FILE).is_file():
        pytest.skip(f"raw data not present at {default_raw_dir()}")
    monkeypatch.setattr(refresh_job, "JOB", refresh_job.RefreshJob())
    hand = _hand_file(tmp_path / "hand", "61.5")
    old_score = ken_score(served)
    at = _sign_in(_data_page())

    assert refresh_job.JOB.start("ana", [], dry_run=True, from_dir=hand, data_dir=served,
                                 hand_files=["individuals_using_internet.csv"])  # fmt: skip
    assert refresh_job.JOB.wait(300)
    at.run()
    text = _texts(at)
    assert "Dry run done in" in text, text
    assert "Files in hand: individuals_using_internet.csv" in text
    report = at.code[-1].value
    assert "internet_use KEN 2024: 34.9762 -> 61.5 " in report, report
    assert ken_score(served) == old_score  # a dry run switches nothing

    job = refresh_job.JOB.start("ana", [], from_dir=hand, data_dir=served,
                                on_switch=committed.recheck_snapshot)  # fmt: skip
    assert job and refresh_job.JOB.wait(300)
    new_score = ken_score(served)
    assert new_score != old_score
    at.run()
    assert "the dashboard now serves snapshot" in _texts(at)
    assert committed.base_data().token != "base"
    rollback = next(b for b in at.button if b.label == "Roll back to the previous snapshot")
    rollback.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Rolled back: the dashboard now serves" in _texts(at)
    assert ken_score(served) == old_score and committed.base_data().token == "base"
