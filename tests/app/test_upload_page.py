"""AppTest: the upload page validates, previews and applies data to ONE session only."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from readiness.uploads.overlay import overlays_token, user_mask
from readiness.uploads.upload import validate_file

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "upload.py")
TIMEOUT = 120


def _session(snapshot, text: str, name: str) -> tuple[AppTest, object]:
    """A user session that has checked `text` and pressed "Apply to my session"."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    result = validate_file(text.encode(), name, snapshot)
    assert result.ok
    at.session_state["upload_pending"] = result  # what the file uploader and "Check" produce
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("What changes" in h.value for h in at.subheader)
    assert any("1 economy affected" in i.value for i in at.info)
    apply = next(b for b in at.button if b.label == "Apply to my session")
    apply.click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at, result.overlay


def test_two_sessions_are_isolated(snapshot):
    alice, ov_a = _session(snapshot, "economy,year,internet_use\nKEN,2024,11\n", "alice.csv")
    bob, ov_b = _session(snapshot, "economy,year,internet_use\nKEN,2024,77\n", "bob.csv")
    alice.run()  # alice's page after bob applied his data
    assert alice.session_state["overlay_token"] == overlays_token([ov_a])
    assert bob.session_state["overlay_token"] == overlays_token([ov_b])
    # the page's own account of the upload (user text is escaped for markdown: read it unescaped)
    a_text = " ".join(m.value.replace("\\", "") for m in alice.markdown)
    b_text = " ".join(m.value.replace("\\", "") for m in bob.markdown)
    assert "alice.csv" in a_text and "bob.csv" not in a_text
    assert "bob.csv" in b_text and "alice.csv" not in b_text
    for at, value in ((alice, 11.0), (bob, 77.0)):
        snap = at.session_state["overlay_snapshot"]
        ken = snap.values.query("iso3 == 'KEN' and indicator == 'internet_use' and year == 2024")
        assert ken["value"].tolist() == [value] and ken["source"].tolist() == ["USER"]
    assert not user_mask(snapshot.values).any()  # the shared snapshot is untouched


def test_bad_file_shows_every_problem_and_cannot_be_applied(snapshot):
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["upload_pending"] = validate_file(
        b"economy,year,internet_use\nVietnan,2024,50\nKEN,1890,x\n", "bad.csv", snapshot
    )
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["problem"].tolist() == ["unknown_economy", "year_out_of_range", "not_numeric"]
    assert "Apply to my session" not in [b.label for b in at.button]
    assert "overlay_snapshot" not in at.session_state


def test_remove_restores_the_published_data(snapshot):
    at, ov = _session(snapshot, "economy,year,internet_use\nSEN,2024,66.6\n", "sen.csv")
    assert tuple(at.session_state["upload_overlays"]) == (ov,)
    assert "Download scenario (JSON)" in [d.label for d in at.get("download_button")]
    next(b for b in at.button if b.label == "Remove all my data").click().run()
    assert not at.exception
    assert "overlay_snapshot" not in at.session_state
    assert "overlay_token" not in at.session_state
    assert any("the dashboard shows the published data" in c.value for c in at.caption)
