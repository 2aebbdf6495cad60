"""The editor sign-in panel in the sidebar: st.login when OIDC is configured, else a form.

Every refusal shows one message, whichever part was wrong; a throttled attempt shows how long
to wait. The password leaves session state in the submit callback, before the page runs.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard.auth import config
from dashboard.auth.session import (
    current_editor,
    oidc_user,
    sign_in,
    sign_out,
    usable_accounts,
)
from dashboard.i18n import t
from readiness.store.accounts import MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH
from readiness.uploads.safe import markdown_text

FORM = "auth_form"
NAME_WIDGET = "auth_name"
PASSWORD_WIDGET = "auth_password"
OUTCOME_KEY = "auth_outcome"  # the last refused attempt's status and wait, shown once


def sign_in_panel() -> None:
    """The sidebar's editor sign-in: who is signed in and a sign-out button, or a way in."""
    with st.sidebar:
        st.subheader(t("auth.title"))
        provider = config.oidc_provider()
        if provider is not None:
            _oidc_panel(provider)
        else:
            _local_panel()


def _oidc_panel(provider: str) -> None:
    email = oidc_user()
    if email is None:
        st.caption(t("auth.intro"))
        if st.button(t("auth.sign_in_oidc"), key="auth_login"):
            st.login(None if provider == config.DEFAULT_PROVIDER else provider)
        return
    editor = current_editor()
    if editor is not None:
        st.caption(t("auth.signed_in_as", name=markdown_text(editor)))
    else:
        st.warning(t("auth.not_editor", name=markdown_text(email)))
    if st.button(t("auth.sign_out"), key="auth_logout"):
        st.logout()


def _local_panel() -> None:
    accounts = usable_accounts()
    if accounts is None:
        st.warning(t("auth.unavailable"))
        return
    if not len(accounts):
        st.caption(t("auth.not_configured"))
        return
    editor = current_editor()
    if editor is not None:
        st.caption(t("auth.signed_in_as", name=markdown_text(editor)))
        st.button(t("auth.sign_out"), key="auth_sign_out", on_click=sign_out)
        return
    st.caption(t("auth.intro"))
    with st.form(FORM, clear_on_submit=True):
        st.text_input(
            t("auth.name"), key=NAME_WIDGET, max_chars=MAX_NAME_LENGTH, autocomplete="username"
        )
        st.text_input(
            t("auth.password"),
            key=PASSWORD_WIDGET,
            type="password",
            max_chars=MAX_PASSWORD_LENGTH,
            autocomplete="current-password",
        )
        st.form_submit_button(t("auth.submit"), on_click=_submit)
    outcome = st.session_state.pop(OUTCOME_KEY, None)
    if outcome is not None:
        status, wait = outcome
        if status == "throttled":
            st.warning(t("auth.wait", seconds=max(1, math.ceil(wait))))
        elif status == "unavailable":
            st.warning(t("auth.unavailable"))
        else:
            st.error(t("auth.refused"))


def _submit() -> None:
    """The form's callback: check the name and password, then drop the password from state."""
    name = st.session_state.get(NAME_WIDGET)
    password = st.session_state.get(PASSWORD_WIDGET)
    st.session_state[PASSWORD_WIDGET] = ""
    attempt = sign_in(
        name if isinstance(name, str) else "", password if isinstance(password, str) else ""
    )
    if attempt.status != "accepted":
        st.session_state[OUTCOME_KEY] = (attempt.status, attempt.wait)
