"""Editors open and close polls; everyone else is told to sign in and sees nothing that writes.

Each write handler asks `require_editor()` itself (the run stops with the sign-in message for a
visitor who is not signed in) and passes the editor's name to the store, which logs it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.auth import NotAnEditor, current_editor, editor_for_write
from dashboard.i18n import option_label, t
from dashboard.poll.common import participant_link, polls, presenter_link
from readiness.errors import ReadinessError
from readiness.uploads.safe import markdown_text

QUESTIONS = ("barriers", "enablers")
MAX_TITLE = 200
FLASH = "poll_flash"  # a message shown once, on the run after a write


def _editor() -> str:
    """The signed-in editor; for anyone else the run stops here, with the sign-in message."""
    return editor_for_write("only a signed-in editor may open or close a poll")


def open_poll(title: str, question: str = "barriers", max_choices: int = 3) -> dict:
    """Open a poll in the signed-in editor's name; the workshop as stored (with its code)."""
    editor = _editor()
    return polls().open_poll(
        title.strip(), question=question, max_choices=int(max_choices), editor=editor
    )


def close_poll(code: str) -> None:
    """Close a poll: no answers are taken after this; the tally stays."""
    editor = _editor()
    polls().close_poll(code, editor=editor)


def render() -> None:
    """The editors' section: open a poll, their workshops with links, close one."""
    st.divider()
    st.subheader(t("poll.manage_title"))
    if current_editor() is None:
        st.caption(t("poll.editors_only"))
        return
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    _open_form()
    workshops = polls().workshops()
    if workshops.empty:
        st.info(t("poll.no_workshops"))
        return
    st.dataframe(_table(workshops), hide_index=True, width="stretch", column_config={
        t("poll.col_participant_link"): st.column_config.LinkColumn(),
        t("poll.col_presenter_link"): st.column_config.LinkColumn(),
    })  # fmt: skip
    _close_form(workshops)


def _open_form() -> None:
    with st.form("poll_w_open_form", clear_on_submit=True):
        title = st.text_input(t("poll.new_title"), key="poll_w_title", max_chars=MAX_TITLE)
        question = st.radio(
            t("poll.new_question"), QUESTIONS, key="poll_w_question", horizontal=True,
            format_func=option_label("poll.kind_"),
        )  # fmt: skip
        most = st.number_input(
            t("poll.max_choices"), min_value=1, max_value=5, value=3, step=1, key="poll_w_max"
        )
        if not st.form_submit_button(t("poll.open"), key="poll_w_open", type="primary"):
            return
    if not title.strip():
        st.error(t("poll.title_needed"))
        return
    try:
        opened = open_poll(title, str(question), int(most))
    except ReadinessError as exc:
        st.error(markdown_text(str(exc).splitlines()[0]))
        return
    code = str(opened["code"])
    st.session_state[FLASH] = t("poll.opened", code=code, link=participant_link(code))
    st.rerun()


def _table(workshops: pd.DataFrame) -> pd.DataFrame:
    """The workshops as a table (titles are user text: only ever shown as table cells)."""
    rows = pd.DataFrame({
        t("poll.col_code"): workshops["code"],
        t("poll.col_title"): workshops["title"],
        t("poll.col_question"): workshops["question"].map(lambda q: t(f"poll.kind_{q}")),
        t("poll.col_status"): workshops["is_open"].map(
            lambda o: t("poll.status_open") if o else t("poll.status_closed")
        ),
        t("poll.col_created"): workshops["created_at"],
        t("poll.col_participant_link"): workshops["code"].map(participant_link),
        t("poll.col_presenter_link"): workshops["code"].map(presenter_link),
    })  # fmt: skip
    return rows


def _close_form(workshops: pd.DataFrame) -> None:
    open_codes = workshops.loc[workshops["is_open"].astype(bool), "code"].astype(str).tolist()
    if not open_codes:
        return
    with st.form("poll_w_close_form"):
        code = st.selectbox(t("poll.close_which"), open_codes, key="poll_w_close_code")
        if not st.form_submit_button(t("poll.close"), key="poll_w_close"):
            return
    close_poll(str(code))
    st.session_state[FLASH] = t("poll.closed_done", code=str(code))
    st.rerun()


__all__ = ["NotAnEditor", "close_poll", "open_poll", "render"]
