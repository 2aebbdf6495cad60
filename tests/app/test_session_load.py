"""Safe under load: per-session limits with translated messages, and uploaded data's results
held by its session, bounded, and released with it. (Isolation under concurrent load, on a real
server: test_isolation_under_load.py.)"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import limits, overlay_cache
from readiness.i18n import translate
from readiness.uploads.overlay import apply_overlays, overlays_token
from readiness.uploads.upload import validate_file

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 180  # a slow 2-core runner computes the first index from cold


def _overlay(snapshot, value: float, name: str):
    result = validate_file(
        f"economy,year,internet_use\nKEN,2024,{value}\n".encode(), name, snapshot
    )
    assert result.ok
    return result.overlay


# --- limits ---------------------------------------------------------------------------------------
def test_limits_say_what_to_do_in_every_language():
    for lang in ("en", "fr", "es", "ru", "zh", "ar"):
        for key in ("upload_too_large", "too_many_files", "too_many_values", "samples_capped"):
            text = translate(lang, f"limits.{key}", name="a.csv", size="25.0", limit="20", n="9",
                             values="2,000,000")  # fmt: skip
            assert "{" not in text and ("20" in text or "9" in text), (lang, key, text)


def test_oversize_upload_is_refused_before_reading():
    limits.check_upload(limits.SESSION_MAX_UPLOAD_BYTES, "ok.csv")
    with pytest.raises(limits.SessionLimitError, match=r"25\.0 MB; one file may be at most 20 MB"):
        limits.check_upload(25_000_000, "big.csv")


def test_too_many_files_or_values_are_refused(snapshot, monkeypatch):
    ov = _overlay(snapshot, 50, "a.csv")
    limits.check_overlays([ov] * limits.SESSION_MAX_OVERLAYS)
    with pytest.raises(limits.SessionLimitError, match="files of data; the limit is 8"):
        limits.check_overlays([ov] * (limits.SESSION_MAX_OVERLAYS + 1))
    monkeypatch.setattr(limits, "SESSION_MAX_VALUES", 1)
    with pytest.raises(limits.SessionLimitError, match="2 uploaded values; the limit is 1"):
        limits.check_overlays([ov, ov])


def test_monte_carlo_samples_are_capped():
    assert limits.capped_samples(500) == (500, None)
    n, note = limits.capped_samples(10**6)
    assert n == limits.SESSION_MAX_SAMPLES and note and "1,000,000" in note


def _open(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _apply(at: AppTest, result) -> None:
    """What the file uploader, "Check" and "Apply to my session" do on the upload page."""
    at.session_state["upload_pending"] = result
    at.run()
    label = translate(at.session_state["lang"], "upload.apply")
    apply = next(b for b in at.button if b.label == label)
    apply.click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_applying_over_the_limit_shows_a_translated_message(snapshot, monkeypatch):
    monkeypatch.setattr(limits, "SESSION_MAX_VALUES", 0)
    at = _open("app_pages/upload.py", lang="fr")
    _apply(at, validate_file(b"economy,year,internet_use\nKEN,2024,50\n", "a.csv", snapshot))
    assert any("la limite est de 0" in e.value for e in at.error), [e.value for e in at.error]
    assert "overlay_snapshot" not in at.session_state


# --- release --------------------------------------------------------------------------------------
def test_uploaded_results_are_released_with_the_session(snapshot):
    ov = _overlay(snapshot, 33, "gone.csv")
    token = overlays_token([ov])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["overlay_snapshot"] = apply_overlays(snapshot, [ov])
    at.session_state["overlay_token"] = token
    at.query_params["indicator"] = "internet_use"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert token in overlay_cache.live_tokens()
    holder = at.session_state["overlay_data"]
    assert holder.token == token and holder.entries() > 0  # results computed from the upload
    del holder, at  # the session goes away: Streamlit drops its session_state
    gc.collect()
    assert token not in overlay_cache.live_tokens()


def test_removing_my_data_releases_it(snapshot):
    at = _open("app_pages/upload.py")
    _apply(at, validate_file(b"economy,year,internet_use\nKEN,2024,44\n", "r.csv", snapshot))
    token = at.session_state["overlay_token"]
    assert token in overlay_cache.live_tokens()
    next(b for b in at.button if b.label == "Remove all my data").click().run()
    gc.collect()
    assert "overlay_data" not in at.session_state
    assert token not in overlay_cache.live_tokens()


def test_overlay_caches_are_bounded(snapshot, monkeypatch):
    holder = overlay_cache.OverlayData(snapshot, "t")
    for k in range(20):
        holder.put("f", (k,), k, max_entries=5)
    assert holder.entries() == 5 and holder.get("f", (19,)) == (True, 19)
    assert holder.get("f", (0,)) == (False, None)


def test_results_are_dropped_when_the_last_lease_goes(snapshot):
    holder = overlay_cache.OverlayData(snapshot, "t")
    holder.acquire()
    holder.acquire()
    holder.put("f", (1,), "result", max_entries=5)
    holder.release()  # one of two sessions disconnects: the other still uses the results
    assert holder.entries() == 1
    holder.release()
    assert holder.entries() == 0


def test_disconnecting_drops_the_results_at_once(snapshot):
    """Streamlit clears a session's session-scoped caches when it disconnects (and keeps its
    state a while for a reconnect): the lease goes, and with it every result of the upload."""
    from streamlit.runtime.caching import cache_resource_api, clear_session_resource_cache

    ov = _overlay(snapshot, 21, "left.csv")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["overlay_snapshot"] = apply_overlays(snapshot, [ov])
    at.session_state["overlay_token"] = overlays_token([ov])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    holder = at.session_state["overlay_data"]
    assert holder.entries() > 0
    sessions = [s for s in cache_resource_api._resource_caches._function_caches if s]
    for session_id in sessions:  # what WebsocketSessionManager.disconnect_session does
        clear_session_resource_cache(session_id)
    assert holder.entries() == 0
    assert holder.token in overlay_cache.live_tokens()  # the state waits for a reconnect
    at.run()  # the user comes back: results are computed again
    assert not at.exception and holder.entries() > 0
