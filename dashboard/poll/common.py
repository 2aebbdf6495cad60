"""What the poll's views share: the page header and link, the poll store, the short link and
its QR code, and the vocabulary's names in the session's language."""

from __future__ import annotations

import io
import os
import urllib.parse

import segno
import streamlit as st

from dashboard import urlstate
from dashboard.cities.store import store
from dashboard.i18n import language, t
from dashboard.layout import language_picker, page_direction
from readiness.i18n import DEFAULT_LANGUAGE
from readiness.store.errors import StoreError
from readiness.store.polls import Polls
from readiness.uploads.safe import markdown_text

CODE_PARAM = "w"  # poll?w=CODE: the participant's view
VIEW_PARAM = "view"  # poll?w=CODE&view=tally: the presenter's
TALLY = "tally"
PAGE_PATH = "poll"  # the page's url_path in app.py
BASE_URL_ENV = "READINESS_PUBLIC_URL"  # the app's public address, when the browser's is unknown
MAX_CODE_LENGTH = 16


def polls() -> Polls:
    """The poll store of this server (StoreError when the database cannot be opened)."""
    return store().polls


def link_code() -> str:
    """The workshop code the link names ("" when none), trimmed and upper-cased."""
    raw = st.query_params.get(CODE_PARAM, "")
    code = "".join(c for c in str(raw) if c.isalnum())[:MAX_CODE_LENGTH]
    return code.upper()


def link_view() -> str:
    return str(st.query_params.get(VIEW_PARAM, "")).strip().lower()


def header(title: str, code: str = "", view: str = "") -> None:
    """Language, page direction and title; the link keeps the poll's code, view and language."""
    urlstate.restore()
    language_picker()
    with st.sidebar:
        page_direction()
    st.title(title)
    st.session_state.pop(urlstate.ERROR, None)
    wanted = {}
    if language() != DEFAULT_LANGUAGE:
        wanted["lang"] = language()
    if code:
        wanted[CODE_PARAM] = code
        if view:
            wanted[VIEW_PARAM] = view
    if {k: st.query_params.get(k) for k in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def app_url() -> str:
    """The poll page's address as the browser sees it (st.context.url), else from the request's
    headers, else READINESS_PUBLIC_URL; "" when none is known."""
    url = st.context.url
    if url:
        parts = urllib.parse.urlsplit(url)
        path = parts.path.rstrip("/")
        if not path.endswith("/" + PAGE_PATH):
            path = f"{path}/{PAGE_PATH}"
        return f"{parts.scheme}://{parts.netloc}{path}"
    headers = st.context.headers
    host = headers.get("X-Forwarded-Host") or headers.get("Host")
    if host:
        scheme = headers.get("X-Forwarded-Proto", "http").split(",")[0].strip()
        return f"{scheme}://{host.split(',')[0].strip()}/{PAGE_PATH}"
    base = os.environ.get(BASE_URL_ENV, "").strip().rstrip("/")
    return f"{base}/{PAGE_PATH}" if base else ""


def participant_link(code: str) -> str:
    """The short link participants open: <app>/poll?w=CODE (relative when no address is known)."""
    query = urllib.parse.urlencode({CODE_PARAM: code})
    return f"{app_url() or PAGE_PATH}?{query}"


def presenter_link(code: str) -> str:
    query = urllib.parse.urlencode({CODE_PARAM: code, VIEW_PARAM: TALLY})
    return f"{app_url() or PAGE_PATH}?{query}"


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code of `url` as PNG (error correction M, a quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", boost_error=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def factor_name(code: str) -> str:
    return t(f"experiences.factor.{code}")


def question_text(workshop: dict) -> str:
    """The poll's question in the session's language."""
    kind = "enablers" if workshop.get("question") == "enablers" else "barriers"
    return t(f"poll.question_{kind}", n=int(workshop.get("max_choices") or 3))


def workshop_heading(code: str) -> dict | None:
    """Poll `code` with its title (user text, escaped) and question drawn as headings; None,
    after a warning, when no poll has the code. StoreError when there is no database (the page
    says so)."""
    store = polls()
    try:
        workshop = store.workshop(code)
    except StoreError:
        st.warning(t("poll.unknown"))
        return None
    st.header(markdown_text(workshop["title"]))  # user text, escaped
    st.subheader(question_text(workshop))
    return workshop


__all__ = [
    "CODE_PARAM", "TALLY", "VIEW_PARAM", "app_url", "factor_name", "header", "link_code",
    "link_view", "participant_link", "polls", "presenter_link", "qr_png", "question_text",
    "workshop_heading",
]  # fmt: skip
