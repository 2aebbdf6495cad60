"""Where the editor sign-in is configured: Streamlit's secrets and the environment, read safely.

No secrets file is the normal case (a local `make run`): every reader here then answers
"nothing configured" instead of failing. See docs/EDITORS.md for the layout.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from readiness.store.accounts import SECRETS_SECTION, EditorAccounts, EditorEmails

# Streamlit's st.login needs these in [auth] (shared by every provider) ...
SHARED_KEYS = ("redirect_uri", "cookie_secret")
# ... and these in [auth] (the default provider) or in one [auth.<provider>] section.
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
EMAILS_KEY = "editor_emails"
DEFAULT_PROVIDER = "default"


def secret(name: str) -> object:
    """The top-level secret `name`, or None when it or the whole secrets file is absent."""
    try:
        return st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml, or one Streamlit cannot read
        return None


def oidc_provider() -> str | None:
    """The st.login provider ("default" or a named one), or None when OIDC is not configured."""
    auth = secret("auth")
    if not isinstance(auth, Mapping) or not all(auth.get(key) for key in SHARED_KEYS):
        return None
    if all(auth.get(key) for key in PROVIDER_KEYS):
        return DEFAULT_PROVIDER
    for name in sorted(auth):
        section = auth[name]
        named = isinstance(section, Mapping) and "_" not in name  # Streamlit refuses "_"
        if named and all(section.get(key) for key in PROVIDER_KEYS):
            return str(name)
    return None


def is_oidc_configured() -> bool:
    """True when the secrets configure an OpenID Connect provider for st.login."""
    return oidc_provider() is not None


def local_accounts() -> EditorAccounts:
    """The local editor accounts ([editors] secrets and READINESS_EDITORS); AccountsError if bad."""
    section = secret(SECRETS_SECTION)
    return EditorAccounts.load(section if isinstance(section, Mapping) else None, os.environ)


def editor_emails() -> EditorEmails:
    """Who may write after an OIDC sign-in (`editor_emails` secret, READINESS_EDITOR_EMAILS)."""
    return EditorEmails.load(secret(EMAILS_KEY), os.environ)
