"""Who is signed in as an editor in this session: an OIDC user on the editor list, or a local
account that passed its password check.

The session keeps the editor's name (st.session_state, per session) and nothing else of the
sign-in: no password, no hash. Failures are slowed down by one throttle per server process,
keyed by the session and by the name tried. See docs/EDITORS.md.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from dashboard.auth import config
from dashboard.i18n import t
from readiness.store.accounts import AccountsError, EditorAccounts, Throttle, normal_name

EDITOR_KEY = "auth_editor"  # the signed-in local editor's name
SESSION_KEY = "auth_session"  # a random token naming this session in the throttle
THROTTLE = Throttle()  # 3 free failures, then 1 s, 2 s, 4 s ... at most 30 s
LOG = logging.getLogger("readiness.auth")

Status = Literal["accepted", "refused", "throttled", "unavailable"]


@dataclass(frozen=True)
class Attempt:
    """What a local sign-in attempt came to (and how long to wait, when throttled)."""

    status: Status
    wait: float = 0.0


def current_editor() -> str | None:
    """The signed-in editor's e-mail (OIDC) or account name (local), None when nobody is."""
    if config.is_oidc_configured():
        return _oidc_editor()
    name = st.session_state.get(EDITOR_KEY)
    if not isinstance(name, str) or not name:
        return None
    accounts = usable_accounts()
    if accounts is None or name not in accounts:  # the account was removed since sign-in
        st.session_state.pop(EDITOR_KEY, None)
        return None
    return name


def require_editor() -> str:
    """The signed-in editor; otherwise says that signing in is needed and stops the run."""
    editor = current_editor()
    if editor is None:
        st.info(t("auth.required"))
        st.stop()
    return editor


class NotAnEditor(PermissionError):
    """A write asked for outside a page run with nobody signed in (st.stop() returns there)."""


def editor_for_write(refusal: str) -> str:
    """The signed-in editor, for a write handler to pass to the store. For anyone else the run
    stops here with the sign-in message (require_editor); outside a page run, where st.stop()
    does not stop, NotAnEditor(refusal) is raised all the same."""
    editor = require_editor()
    if not editor:
        raise NotAnEditor(refusal)
    return editor


def oidc_user() -> str | None:
    """The e-mail of the user signed in through st.login (editor or not), else None."""
    info = st.user.to_dict()
    email = info.get("email")
    if info.get("is_logged_in") is not True or not isinstance(email, str) or not email:
        return None
    return email.strip().lower()


def _oidc_editor() -> str | None:
    email = oidc_user()
    if email is None or st.user.to_dict().get("email_verified") is False:
        return None
    try:
        return email if config.editor_emails().allows(email) else None
    except AccountsError as exc:
        log_once(f"editor e-mail list unusable: {exc}")
        return None


def sign_in(name: str, password: str) -> Attempt:
    """Check a local account's name and password for this session, throttled."""
    accounts = usable_accounts()
    if accounts is None:
        return Attempt("unavailable")
    keys = (("session", session_token()), ("name", normal_name(name)))
    wait = THROTTLE.wait(keys)
    if wait > 0:
        LOG.warning("editor sign-in not checked: throttled (session %s)", _tag())
        return Attempt("throttled", wait)
    editor = accounts.check(name, password)
    if editor is None:
        THROTTLE.failed(keys)
        # The name tried is not logged: people type passwords into the wrong box.
        LOG.warning("editor sign-in refused (session %s)", _tag())
        return Attempt("refused")
    THROTTLE.succeeded(keys)
    st.session_state[EDITOR_KEY] = editor
    LOG.info("editor signed in: %s (session %s)", editor, _tag())
    return Attempt("accepted")


def sign_out() -> None:
    """Forget this session's local editor (an OIDC user signs out through st.logout)."""
    editor = st.session_state.pop(EDITOR_KEY, None)
    if editor:
        LOG.info("editor signed out: %s (session %s)", editor, _tag())


def session_token() -> str:
    """A random token for this session (kept in its session_state), for the throttle."""
    token = st.session_state.get(SESSION_KEY)
    if not isinstance(token, str):
        token = st.session_state[SESSION_KEY] = secrets.token_hex(16)
    return token


def _tag() -> str:
    """A short, one-way tag of the session for the log."""
    return hashlib.sha256(session_token().encode()).hexdigest()[:8]


def usable_accounts() -> EditorAccounts | None:
    """The local accounts, or None (logged once) when their configuration is unusable."""
    try:
        return config.local_accounts()
    except AccountsError as exc:
        log_once(f"editor accounts unusable: {exc}")
        return None


@functools.cache
def log_once(message: str) -> None:
    """Log a configuration problem once per process (messages never hold a hash)."""
    LOG.error("%s", message)
