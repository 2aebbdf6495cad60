"""AppTest: the editor sign-in (dashboard/auth) with local accounts from the environment, and OIDC.

A wrong name and a wrong password look the same; the password never stays in session state;
failures are slowed down; signing out forgets the editor.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import session as auth_session
from readiness.store.accounts import ENV_ACCOUNTS, ENV_EDITOR_EMAILS, Throttle
from tests.app.store_support import PASSWORD, open_function_page, sign_in

TIMEOUT = 60
REFUSED = "Name or password not accepted."
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-test-secret-not-used-for-anything",
    "client_id": "readiness-test",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def _page() -> None:
    import streamlit as st

    from dashboard.auth import current_editor, sign_in_panel

    sign_in_panel()
    st.text(f"editor: {current_editor()}")


def _write_page() -> None:
    import streamlit as st

    from dashboard.auth import require_editor

    editor = require_editor()
    st.text(f"write section for {editor}")


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """A fresh throttle on a clock the test moves, so tests do not slow each other down."""
    fake = FakeClock()
    monkeypatch.setattr(auth_session, "THROTTLE", Throttle(clock=fake))
    return fake


@pytest.fixture
def local(monkeypatch, ana_hash, clock) -> str:
    monkeypatch.setenv(ENV_ACCOUNTS, f"ana:{ana_hash}")
    monkeypatch.delenv(ENV_EDITOR_EMAILS, raising=False)
    return ana_hash


def _app(page=_page, **secrets: object) -> AppTest:
    return open_function_page(page, secrets=secrets)


def _editor(at: AppTest) -> str:
    return next(x.value for x in at.text if x.value.startswith("editor: ")).removeprefix("editor: ")


def _shown(at: AppTest) -> list[tuple[str, str]]:
    """What the sidebar panel shows, in order: texts, and the labels of its inputs and buttons
    (AppTest keeps what was typed, where a browser clears the form on submit)."""
    return [
        (type(e).__name__, str(getattr(e, "label", None) or getattr(e, "value", "")))
        for e in at.sidebar
    ]


def test_wrong_name_and_wrong_password_look_the_same(local):
    wrong_name = sign_in(_app(), "anna", PASSWORD)
    wrong_password = sign_in(_app(), "ana", "correct horse battery!")
    for at in (wrong_name, wrong_password):
        assert [e.value for e in at.error] == [REFUSED]
        assert _editor(at) == "None"
    assert _shown(wrong_name) == _shown(wrong_password)
    for at, typed in ((wrong_name, PASSWORD), (wrong_password, "correct horse battery!")):
        kept = [at.session_state[key] for key in at.session_state]
        assert typed not in kept and local not in kept
        assert at.session_state["auth_password"] == ""
        assert "auth_editor" not in at.session_state
        assert not at.query_params  # nothing of the sign-in goes into the URL


def test_the_right_password_signs_in_and_signing_out_forgets(local):
    at = sign_in(_app(), "Ana", PASSWORD)
    assert not at.error and _editor(at) == "ana"
    assert at.session_state["auth_editor"] == "ana"
    assert PASSWORD not in [at.session_state[key] for key in at.session_state]
    assert [c.value for c in at.caption] == ["Signed in as ana (editor)"]
    assert "Sign in" not in [b.label for b in at.button]
    at.run()  # another run, another page: still signed in
    assert _editor(at) == "ana"
    at.button(key="auth_sign_out").click().run()
    assert _editor(at) == "None" and "auth_editor" not in at.session_state
    assert [b.label for b in at.button] == ["Sign in"]


def test_another_session_is_not_signed_in(local):
    ana = sign_in(_app(), "ana", PASSWORD)
    other = _app()
    assert _editor(ana) == "ana" and _editor(other) == "None"


def test_repeated_failures_wait_before_even_the_right_password_is_checked(local, clock):
    at = _app()
    for name in ("bob", "carol", "dan"):  # three failures in this session, any names
        sign_in(at, name, "a wrong password")
        assert [e.value for e in at.error] == [REFUSED]
    sign_in(at, "ana", PASSWORD)
    assert [w.value for w in at.warning] == ["Too many failed attempts. Wait 1 s, then try again."]
    assert _editor(at) == "None"
    clock.now += 1.0
    sign_in(at, "ana", PASSWORD)
    assert not at.warning and not at.error and _editor(at) == "ana"


def test_failures_on_one_name_slow_down_every_session_trying_it(local, clock):
    for _ in range(3):
        sign_in(_app(), "ana", "a wrong password")  # three sessions, one failure each
    other = sign_in(_app(), "ana", PASSWORD)
    assert [w.value for w in other.warning] == [
        "Too many failed attempts. Wait 1 s, then try again."
    ]
    clock.now += 0.4
    assert auth_session.THROTTLE.wait([("name", "ana")]) == pytest.approx(0.6)
    sign_in(other, "bob", "a wrong password")  # another name from a fresh session: checked
    assert [e.value for e in other.error] == [REFUSED]


def test_messages_are_in_the_session_language(local):
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    at.secrets["readiness_test"] = True
    at.session_state["lang"] = "fr"
    at.run()
    assert [b.label for b in at.button] == ["Se connecter"]
    sign_in(at, "ana", "a wrong password", button="Se connecter")
    assert [e.value for e in at.error] == ["Nom ou mot de passe non accepté."]


def test_require_editor_stops_an_anonymous_write_section(local):
    at = _app(_write_page)
    assert [i.value for i in at.info] == [
        "Only a signed-in editor may change the data. Sign in from the sidebar."
    ]
    assert not at.text
    at.session_state["auth_editor"] = "ana"  # what a successful sign-in keeps
    at.run()
    assert [x.value for x in at.text] == ["write section for ana"]


def test_a_name_in_session_state_that_is_no_account_is_nobody(local):
    at = AppTest.from_function(_write_page, default_timeout=TIMEOUT)
    at.secrets["readiness_test"] = True
    at.session_state["auth_editor"] = "mallory"
    at.run()
    assert not at.text and "auth_editor" not in at.session_state


def test_no_accounts_means_read_only(monkeypatch, clock):
    monkeypatch.delenv(ENV_ACCOUNTS, raising=False)
    at = _app()
    assert not at.text_input and _editor(at) == "None"
    assert any("No editor accounts are set up on this server" in c.value for c in at.caption)


def test_broken_accounts_disable_sign_in_without_showing_the_hash(monkeypatch, clock, ana_hash):
    monkeypatch.setenv(ENV_ACCOUNTS, f"ana:{ana_hash};bob={ana_hash}")
    at = _app()
    assert not at.text_input and _editor(at) == "None"
    (warning,) = at.warning
    assert "not configured correctly" in warning.value
    page = " ".join(str(getattr(e, "value", "")) for e in at.main) + str(_shown(at))
    assert ana_hash not in page and "$argon2" not in page


def test_secrets_editors_section_is_read(monkeypatch, clock, ana_hash):
    monkeypatch.delenv(ENV_ACCOUNTS, raising=False)
    at = _app(editors={"ana": ana_hash})
    sign_in(at, "ana", PASSWORD)
    assert _editor(at) == "ana"


def test_oidc_offers_st_login_and_no_password_form(monkeypatch, clock):
    monkeypatch.delenv(ENV_ACCOUNTS, raising=False)
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with your organization account"]
    assert not at.text_input and _editor(at) == "None"


@pytest.mark.parametrize(
    ("user", "editor"),
    [
        (
            {"is_logged_in": True, "email": "Ana@Example.org", "email_verified": True},
            "ana@example.org",
        ),
        ({"is_logged_in": True, "email": "someone@itu.int"}, "someone@itu.int"),
        ({"is_logged_in": True, "email": "ana@example.org", "email_verified": False}, "None"),
        ({"is_logged_in": True, "email": "eve@example.org"}, "None"),
        ({"is_logged_in": True, "name": "Ana, no e-mail"}, "None"),
        ({"is_logged_in": False, "email": "ana@example.org"}, "None"),
        ({"email": "ana@example.org"}, "None"),  # AppTest's default user: not signed in
    ],
)
def test_oidc_users_on_the_editor_list_are_editors(monkeypatch, clock, user, editor):
    monkeypatch.setenv(ENV_EDITOR_EMAILS, "@itu.int")
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.secrets["editor_emails"] = ["ana@example.org"]
    at.user = user
    at.run()
    assert not at.exception
    assert _editor(at) == editor
    signed_in = user.get("is_logged_in") is True and "email" in user
    assert ("Sign out" in [b.label for b in at.button]) == signed_in
    if signed_in and editor == "None":
        assert "is not on this server's list of editors" in at.warning[0].value


def test_oidc_without_an_editor_list_lets_nobody_write(monkeypatch, clock):
    monkeypatch.delenv(ENV_EDITOR_EMAILS, raising=False)
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "ana@example.org", "email_verified": True}
    at.run()
    assert _editor(at) == "None"


def test_half_an_auth_section_is_not_oidc(local):
    at = _app(auth={"redirect_uri": OIDC["redirect_uri"]})
    assert [b.label for b in at.button] == ["Sign in"]  # the local form


def test_named_provider_sections_count(monkeypatch, clock):
    shared = {k: OIDC[k] for k in ("redirect_uri", "cookie_secret")}
    provider = {k: OIDC[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    at = _app(auth={**shared, "microsoft": provider})
    assert [b.label for b in at.button] == ["Sign in with your organization account"]
