"""A running dashboard serves a switched snapshot without a restart (dashboard/committed.py).

Each test works on a copy of data/ in a tmp folder (never the committed snapshot), switched the
way `readiness refresh` does it (readiness.refresh.snapshots: a checked sibling folder swapped in
by renameat2 RENAME_EXCHANGE, the previous one kept for a rollback). After a switch the next run
serves the new values under a new data token, so no cache of the previous snapshot is reused; a
run keeps the version it started with; a data directory caught mid-swap keeps the old one served.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import committed, overlay_cache, state
from readiness.index.engine import score_snapshot
from readiness.paths import DATA_DIR
from readiness.refresh import snapshots

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 180
KEN_LINE = "KEN,internet_use,2024,"  # Kenya's latest Internet use (%), in the index


def copy_data(tmp: Path) -> Path:
    """A copy of the committed snapshot that a test may switch, as READINESS_DATA_DIR."""
    target = tmp / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns(".*"))
    return target


def staged_with(data_dir: Path, value: float) -> Path:
    """A checked snapshot beside `data_dir` that differs in one value: Kenya's Internet use."""
    stage = snapshots.staging_dir(data_dir, f"{snapshots.utc_stamp()}-{uuid.uuid4().hex[:6]}")
    shutil.copytree(data_dir, stage)
    values = stage / "values.csv"
    lines = values.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(KEN_LINE)]
    assert len(hits) == 1, hits
    fields = lines[hits[0]].split(",")
    fields[3] = f"{value:g}"
    lines[hits[0]] = ",".join(fields)
    values.write_text("".join(lines), encoding="utf-8")
    snapshots.write_snapshot_id(stage, sources="test: one value changed")
    snapshots.load_current(stage)  # it passes the snapshot's checks
    return stage


def switch_to(stage: Path, data_dir: Path) -> str:
    """Serve `stage` as `data_dir`, as a refresh does; returns the version now served."""
    with snapshots.switch_lock(data_dir):
        return snapshots.switch(stage, data_dir)


def ken_score(data_dir: Path) -> str:
    """Kenya's index score as the profile page shows it (latest year, default method)."""
    snap = snapshots.load_current(data_dir)
    return f"{score_snapshot(snapshot=snap).index['KEN']:.1f}"


@pytest.fixture
def served(tmp_path, monkeypatch) -> Path:
    """A fresh committed-snapshot holder over a tmp copy of data/, checked at every call."""
    data_dir = copy_data(tmp_path)
    monkeypatch.setattr(committed, "DATA_DIR", data_dir)
    monkeypatch.setattr(committed, "VERSION_CHECK_SECONDS", 0.0)
    monkeypatch.setattr(committed, "COMMITTED", committed.Committed())
    return data_dir


def _base_keys() -> set[str]:
    """The committed-data tokens the shared caches hold values for."""
    tokens = set()
    for values in list(overlay_cache._SHARED):
        with values._lock:
            tokens |= {k[0] for k in values._values if overlay_cache.is_base(k[0])}
    return tokens


def test_a_switch_is_served_under_a_new_token_and_rolls_back(served):
    first = committed.base_data()
    assert first.token == overlay_cache.BASE_TOKEN
    assert first.version == snapshots.snapshot_version(served)
    assert committed.base_data() is first  # nothing changed: the same object, no reload

    stage = staged_with(served, 91.0)
    version = switch_to(stage, served)
    second = committed.base_data()
    assert second.version == version != first.version
    assert second.token.startswith("base@") and second.token != first.token
    ken = second.snapshot.values.query("iso3 == 'KEN' and indicator == 'internet_use'")
    assert ken.set_index("year").loc[2024, "value"] == 91.0
    assert second.snapshot is not first.snapshot

    snapshots.rollback(served)  # the previous snapshot again: the first token, the first values
    third = committed.base_data()
    assert third.version == first.version and third.token == first.token
    ken = third.snapshot.values.query("iso3 == 'KEN' and indicator == 'internet_use'")
    assert ken.set_index("year").loc[2024, "value"] == pytest.approx(34.9762)


def test_a_run_keeps_the_version_it_started_with(served, monkeypatch):
    ctx = SimpleNamespace(cursors={})  # what base_data reads of a script run's context
    monkeypatch.setattr(
        "streamlit.runtime.scriptrunner.get_script_run_ctx", lambda suppress_warning=False: ctx
    )
    before = committed.base_data()
    switch_to(staged_with(served, 80.0), served)
    assert committed.base_data() is before  # the same run: the same snapshot to its end
    ctx.cursors = {}  # the next run (ScriptRunContext.reset makes a new dict)
    after = committed.base_data()
    assert after.version != before.version and after.token != before.token


def test_mid_swap_the_old_snapshot_stays_served(served, caplog):
    first = committed.base_data()
    aside = served.with_name("data.aside")
    served.rename(aside)  # the moment between the two renames of the fallback swap
    assert committed.base_data() is first
    (aside / "values.csv").write_text("iso3,indicator\n", encoding="utf-8")  # broken
    aside.rename(served)
    assert committed.base_data() is first  # a snapshot that fails its checks is not served
    assert "not served" in caplog.text
    shutil.copy2(DATA_DIR / "values.csv", served / "values.csv")
    assert committed.base_data().snapshot.values.shape == first.snapshot.values.shape


def _profile(at: AppTest) -> str:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return next(m.value for m in at.metric if m.label == "Index score")


def test_the_next_run_serves_the_new_snapshot_without_a_restart(served):
    old_score, new_value = ken_score(served), 95.0
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["economy"] = "KEN"
    at.run()
    at.switch_page("app_pages/profile.py")
    assert _profile(at) == old_score
    old_token = committed.base_data().token

    stage = staged_with(served, new_value)
    new_score = ken_score(stage)
    assert new_score != old_score
    switch_to(stage, served)
    assert _profile(at) == new_score  # the same session, the same process: the new data
    new_token = committed.base_data().token
    assert new_token != old_token
    assert old_token not in _base_keys()  # the previous snapshot's shared results are gone
    assert new_token in _base_keys()

    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)  # a session opened after the switch
    fresh.query_params["economy"] = "KEN"
    fresh.run()
    fresh.switch_page("app_pages/profile.py")
    assert _profile(fresh) == new_score


def _overlay_page() -> None:
    import streamlit as st

    from dashboard import state

    state.set_overlay(state.base_snapshot(), "abc")
    st.text(state.data_token())


def test_an_upload_is_keyed_by_the_snapshot_it_was_merged_into(served):
    at = AppTest.from_function(_overlay_page, default_timeout=TIMEOUT).run()
    assert at.text[0].value == "abc"  # the first snapshot the process serves: as before
    switch_to(staged_with(served, 70.0), served)
    at.run()
    assert at.text[0].value == f"abc@{committed.base_data().token}"
    assert committed.base_data().token.startswith(f"{state.BASE_TOKEN}@")
