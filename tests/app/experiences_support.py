"""What the tests of the questionnaire and the editors' queue share: a store of the test's own
with the library synced into it, the page they run in, filling the form and counting the store's
rows. The editor account and signing in are those of every page's tests (conftest.py,
store_support.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from readiness.store.engine import STATE_ENV_VAR, open_store
from tests.app.store_support import count_rows, open_function_page

KEY = "exp_sub_"
TABLES = ("case_studies", "case_factors", "audit_log")
# An experience made up for the tests, shaped as a participant would send it.
VALID: dict[str, Any] = {
    "economies": ["KEN"],
    "city_or_region": "Kisumu",
    "sectors": ["water"],
    "technology": "NB-IoT prepaid water meters",
    "year": "2022",
    "stage": "pilot",
    "summary": "The county water company fitted prepaid smart meters on 300 connections.",
    "outcomes": "Revenue collected rose from 60% to 85% of billed water.",
    "enabling": ["payments", "partnerships"],
    "limiting": ["power"],
    "enabling_words": {"payments": "customers top up by mobile money"},
    "source_type": "own",
    "source_title": "",
    "source_publisher": "Kisumu Water and Sanitation Company",
    "source_year": "2023",
    "source_url": "",
    "role": "city",
}


@pytest.fixture
def db(db, tmp_path, monkeypatch) -> str:
    """The conftest's empty store of this test, opened once as a server does: migrated, and the
    library's 50 studies synced into it."""
    monkeypatch.setenv(STATE_ENV_VAR, str(tmp_path / "state"))
    with open_store(db):
        pass
    return db


def page() -> None:
    """The two sections as the Experiences page draws them, with the sign-in panel."""
    from dashboard.auth import sign_in_panel
    from dashboard.experiences import moderate, submit

    sign_in_panel()
    submit.render()
    moderate.render()


def open_page(lang: str = "en", **params: str) -> AppTest:
    return open_function_page(page, lang, params=params)


def fill(at: AppTest, **fields: Any) -> AppTest:
    """Type the fields into the questionnaire (set_value: AppTest's input() drops long text)."""
    for name, value in fields.items():
        if name.endswith("_words"):
            side = name.removesuffix("_words")
            for code, words in value.items():
                at.text_input(key=f"{KEY}{side}_words_{code}").set_value(words)
        elif name in ("economies", "sectors", "enabling", "limiting"):
            at.multiselect(key=f"{KEY}{name}").set_value(list(value))
        elif name in ("stage", "role", "source_type"):
            at.selectbox(key=f"{KEY}{name}").set_value(value or None)
        elif name in ("summary", "outcomes"):
            at.text_area(key=f"{KEY}{name}").set_value(value)
        else:
            at.text_input(key=f"{KEY}{name}").set_value(value)
    return at


def send(at: AppTest, label: str = "Send for review") -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def submit_valid(at: AppTest, **changes: Any) -> AppTest:
    return send(fill(at, **{**VALID, **changes}))


def counts(url: str) -> dict[str, int]:
    return count_rows(url, TABLES)


def statuses(url: str) -> dict[str, str]:
    """case_id -> status of every study not from the library."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT case_id, status FROM case_studies WHERE origin != 'library'")
            ).all()
    finally:
        engine.dispose()
    return {str(case_id): str(status) for case_id, status in rows}
