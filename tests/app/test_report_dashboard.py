"""AppTest: the dashboard's report download prepares a file with progress, then offers it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="chart images need Debian chromium (make browser)",
)


def _page() -> None:
    from dashboard.reports import report_download
    from readiness.data.snapshot import load_snapshot
    from readiness.index.method import Method

    report_download("economy", "KEN", 2025, Method(), load_snapshot(), key="rep")


def test_prepare_then_download_a_deck():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, default_timeout=240)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Prepare report"]
    at.selectbox(key="rep_format").select("pptx").run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception and not at.error
    store = at.session_state["report_files"]
    ((name, mime, data),) = store.values()
    assert name == "readiness_KEN_2025.pptx"
    assert mime.endswith("presentationml.presentation")
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    assert deck.slides[0].shapes.title.text == "Kenya: IoT and smart-city readiness"
    (download,) = at.get("download_button")
    assert download.label == "Download readiness_KEN_2025.pptx"
    # Prepared once: the button is disabled until the format, year or method changes.
    assert at.button(key="rep_prepare").disabled
    at.selectbox(key="rep_format").select("pdf").run()
    assert not at.button(key="rep_prepare").disabled


def test_prepare_report_reports_progress_in_order(snapshot):
    from dashboard.reports import prepare_report
    from readiness.index.method import Method

    seen: list[float] = []
    name, data = prepare_report(
        "group", "ITU_CIS", 2025, Method(), snapshot, "docx", lambda share, text: seen.append(share)
    )
    assert name == "readiness_ITU_CIS_2025.docx" and data.startswith(b"PK")
    assert seen[0] < seen[-1] == 1.0 and seen == sorted(seen)


def test_the_download_is_in_the_page_language():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, default_timeout=240)
    at.session_state["lang"] = "ar"
    at.run()
    assert not at.exception
    at.selectbox(key="rep_format").select("pptx").run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception and not at.error
    ((name, _, data),) = at.session_state["report_files"].values()
    assert name == "readiness_KEN_2025_ar.pptx"
    from pptx import Presentation

    title = Presentation(io.BytesIO(data)).slides[0].shapes.title.text
    assert title.startswith("كينيا")  # Kenya, from the country master's Arabic names
