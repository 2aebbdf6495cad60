"""What the tests of pages on a store of their own share: the editor's password, opening a page
from a link, signing in, counting the store's rows and listing the widgets drawn.

The fixtures that go with them (`db`, `ana_hash`, `editors`, `deferred`) are in conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from tests.app.test_app_map import APP, TIMEOUT

PASSWORD = "correct horse battery staple"


def open_page_from_link(page: str, lang: str = "en", **params: str) -> AppTest:
    """`page` of the app from a link (`?lang=` and `params`), as a new session opens it."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang != "en":
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_function_page(
    page: Callable[[], None],
    lang: str = "en",
    secrets: Mapping[str, object] | None = None,
    params: Mapping[str, str] | None = None,
) -> AppTest:
    """`page` (a function drawing part of a page) run as a new session opens it: with secrets of
    the test only (never a secrets.toml on this machine; no [auth]: no OIDC), the language and
    the link's `params`."""
    at = AppTest.from_function(page, default_timeout=TIMEOUT)
    at.secrets["readiness_test"] = True
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if lang != "en":
        at.session_state["lang"] = lang
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_in(
    at: AppTest, name: str = "ana", password: str = PASSWORD, button: str = "Sign in"
) -> AppTest:
    """Type a name and password into the sign-in panel and press its button (labelled `button`
    in the session's language)."""
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label == button).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def run_with_forged_keys(at: AppTest, forged: Mapping[str, object], writing: str) -> None:
    """Run `at` with session keys set by hand (what a forged session would hold), then rerun it:
    no exception, and no widget whose key starts with `writing` drawn."""
    for key, value in forged.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not [w for w in widgets(at._tree) if w[1].startswith(writing)]
    at.run()  # and again, as a rerun


def count_rows(url: str, tables: tuple[str, ...]) -> dict[str, int]:
    """table -> number of rows, read straight from the database at `url`."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
    finally:
        engine.dispose()


def widgets(node: Any) -> list[tuple[str, str, str]]:
    """(type, key, label) of every widget on the page, sidebar included."""
    found = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "key", None) is not None or hasattr(child, "form_id"):
            found.append((child.type, str(child.key or ""), str(getattr(child, "label", ""))))
        found += widgets(child)
    return found
