"""Editor sign-in: everyone may read; creating, importing, editing and deleting need an editor.

An editor signs in through Streamlit's st.login when the secrets configure an OpenID Connect
provider (and their e-mail is on the editor list), otherwise with a local account whose password
hash is in the secrets or the environment. See docs/EDITORS.md.

- `config`: where it is configured (secrets, environment), read without failing when absent;
- `session`: who is signed in in this session, the sign-in check and its throttle;
- `panel`: the sidebar panel.
"""

from __future__ import annotations

from dashboard.auth.config import is_oidc_configured
from dashboard.auth.panel import sign_in_panel
from dashboard.auth.session import (
    NotAnEditor,
    current_editor,
    editor_for_write,
    require_editor,
    sign_out,
)

__all__ = [
    "NotAnEditor", "current_editor", "editor_for_write", "is_oidc_configured", "require_editor",
    "sign_in_panel", "sign_out",
]  # fmt: skip
