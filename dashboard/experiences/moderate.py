"""The editors' review queue: the submissions waiting to be published, each shown in full as
text, with publish, reject (with a reason), edit and delete.

Nothing here is drawn unless an editor is signed in (`render` returns before drawing anything),
and each write handler below asks `require_editor()` itself when it is called, as
dashboard/cities/writes.py does: no widget, link or session key stands in for the sign-in.
The store logs each write with its editor in the same transaction; the log moves the store's
version, so the Experiences page's list shows a published study on its next run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.auth import NotAnEditor, current_editor, editor_for_write
from dashboard.cities.store import store
from dashboard.experiences.submit import source_type_label
from dashboard.i18n import has, option_label, t
from readiness.errors import ReadinessError
from readiness.experiences.questionnaire import SOURCE_TYPES
from readiness.experiences.vocabulary import ROLES, SECTORS, STAGES
from readiness.uploads.safe import markdown_text

KEY = "exp_mod_"  # every widget of the queue (each leads to a write)
FLASH = "exp_moderate_flash"  # the last write's message, shown once on the next run
SHOWN = (
    "case_id", "submitted_at", "workshop", "role", "language", "economies", "city_or_region",
    "sectors", "technology", "year", "stage", "summary", "outcomes", "enabling", "limiting",
    "source_title", "source_publisher", "source_year", "source_url", "source_type",
)  # fmt: skip
EDITABLE = (
    "city_or_region", "technology", "year", "summary", "outcomes", "source_title",
    "source_publisher", "source_year", "source_url", "source_type",
)  # fmt: skip
LONG = frozenset({"summary", "outcomes"})


def _editor() -> str:
    """The signed-in editor; for anyone else the run stops here, with the sign-in message."""
    return editor_for_write("only a signed-in editor may publish, reject, edit or delete")


def publish(case_id: str) -> None:
    """Publish a pending submission in the signed-in editor's name."""
    editor = _editor()
    store().cases.publish(str(case_id), editor=editor)


def reject(case_id: str, reason: str = "") -> None:
    """Reject a pending submission, with the editor's reason (kept, never published)."""
    editor = _editor()
    store().cases.reject(str(case_id), editor=editor, reason=str(reason))


def edit(case_id: str, changes: Mapping[str, object]) -> None:
    """Correct fields of a submission before it is published."""
    editor = _editor()
    store().cases.edit(str(case_id), dict(changes), editor=editor)


def delete(case_id: str) -> None:
    """Remove a submission for good (spam, personal data)."""
    editor = _editor()
    store().cases.delete(str(case_id), editor=editor)


def render() -> None:
    """The queue; draws nothing at all unless an editor is signed in."""
    editor = current_editor()
    if editor is None:
        return
    st.subheader(t("experiences_submit.moderate.title"))
    st.caption(t("experiences_submit.moderate.intro", editor=markdown_text(editor)))
    _show_flash()
    try:
        pending = store().cases.pending()
    except ReadinessError as exc:
        st.error(t("experiences_submit.moderate.unavailable"))
        st.text(str(exc).splitlines()[0])
        return
    if pending.empty:
        st.info(t("experiences_submit.moderate.empty"))
        return
    st.caption(t("experiences_submit.moderate.count", n=len(pending)))
    rows: dict[str, dict[str, object]] = {
        str(r["case_id"]): {str(k): v for k, v in r.items()} for r in pending.to_dict("records")
    }
    case_id = st.selectbox(
        t("experiences_submit.moderate.pick"),
        options=list(rows),
        key=f"{KEY}pick",
        format_func=lambda c: _pick_label(rows[c]) if c in rows else str(c),
    )
    if case_id is None or case_id not in rows:
        return
    _show(rows[case_id])
    _actions(case_id, rows[case_id])


def _pick_label(row: Mapping[str, object]) -> str:
    """The reference and when it came: made by the store, never the submitter's text."""
    when = str(row.get("submitted_at") or "")[:16].replace("T", " ")
    return f"{row['case_id']} ({when} UTC)" if when else str(row["case_id"])


def _show(row: Mapping[str, object]) -> None:
    """The whole submission, field by field, as plain text, and its factors as a table."""
    names = state.name_map()
    for field in SHOWN:
        if field not in row:
            continue
        value = _display(field, row[field], names)
        st.text(f"{t(f'experiences_submit.moderate.field.{field}')}: {value}")
    factors = _factors(str(row["case_id"]))
    if factors is not None and not factors.empty:
        st.dataframe(factors, hide_index=True, width="stretch")


def _display(field: str, value: object, names: Mapping[str, str]) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if field == "economies":
        return "; ".join(names.get(c, c) for c in text.split(";") if c)
    if field == "sectors":
        label = option_label("experiences.sector.")
        return "; ".join(label(c) if c in SECTORS else c for c in text.split(";") if c)
    if field == "stage" and text in STAGES:
        return option_label("experiences.stage.")(text)
    if field == "role" and text in ROLES:
        return option_label("experiences.role.")(text)
    if field == "language" and has(f"layout.language_{text}"):
        return t(f"layout.language_{text}")
    if field == "source_type" and text in SOURCE_TYPES:
        return source_type_label()(text)
    return text


def _factors(case_id: str) -> pd.DataFrame | None:
    """The submission's coded factors (side, factor, the submitter's own words), named."""
    try:
        coded = store().cases.factors(status="pending")
    except (ReadinessError, TypeError):
        return None
    mine = coded[coded["case_id"].astype(str) == case_id]
    side, factor = option_label("experiences.side."), option_label("experiences.factor.")
    return pd.DataFrame(
        {
            t("experiences_submit.moderate.col_side"): mine["side"].map(side).tolist(),
            t("experiences_submit.moderate.col_factor"): mine["factor"].map(factor).tolist(),
            t("experiences_submit.moderate.col_words"): mine["phrase"].astype(str).tolist(),
            t("experiences_submit.moderate.col_rule"): mine["rule"].astype(str).tolist(),
        }
    )


def _actions(case_id: str, row: Mapping[str, object]) -> None:
    """Publish; reject with a reason; correct fields; delete (after a tick to confirm)."""
    key = f"{KEY}{case_id}_"
    if st.button(t("experiences_submit.moderate.publish"), key=f"{key}publish", type="primary"):
        _write(lambda: publish(case_id), "published", case_id)
    with st.form(f"{key}reject_form"):
        reason = st.text_input(t("experiences_submit.moderate.reason"), key=f"{key}reason")
        if st.form_submit_button(t("experiences_submit.moderate.reject")):
            _write(lambda: reject(case_id, reason), "rejected", case_id)
    with st.expander(t("experiences_submit.moderate.edit_title")):
        _edit_form(case_id, row, key)
    with st.form(f"{key}delete_form"):
        sure = st.checkbox(t("experiences_submit.moderate.delete_sure"), key=f"{key}delete_sure")
        if st.form_submit_button(t("experiences_submit.moderate.delete")):
            if sure:
                _write(lambda: delete(case_id), "deleted", case_id)
            else:
                st.warning(t("experiences_submit.moderate.delete_tick"))


def _edit_form(case_id: str, row: Mapping[str, object], key: str) -> None:
    with st.form(f"{key}edit_form"):
        stage = str(row.get("stage") or "")
        new_stage = st.selectbox(
            t("experiences_submit.stage"),
            options=list(STAGES),
            index=STAGES.index(stage) if stage in STAGES else None,
            key=f"{key}edit_stage",
            format_func=option_label("experiences.stage."),
        )
        typed: dict[str, str] = {}
        for field in EDITABLE:
            label, value = t(f"experiences_submit.moderate.field.{field}"), _plain(row.get(field))
            widget = st.text_area if field in LONG else st.text_input
            typed[field] = widget(label, value=value, key=f"{key}edit_{field}")
        if st.form_submit_button(t("experiences_submit.moderate.save")):
            changes: dict[str, object] = {f: v for f, v in typed.items() if v != _plain(row.get(f))}
            if new_stage is not None and new_stage != stage:
                changes["stage"] = new_stage
            if not changes:
                st.info(t("experiences_submit.moderate.no_change"))
            else:
                _write(lambda: edit(case_id, changes), "edited", case_id)


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _write(action: Callable[[], None], outcome: str, case_id: str) -> None:
    """Run one write; on success say so on the next run, else say why here."""
    try:
        action()
    except ReadinessError as exc:
        st.error(t("experiences_submit.moderate.failed"))
        st.text(str(exc).splitlines()[0])
        return
    done = t(f"experiences_submit.moderate.{outcome}", reference=case_id)
    st.session_state[FLASH] = done
    st.rerun()


def _show_flash() -> None:
    found = st.session_state.pop(FLASH, None)
    if isinstance(found, str) and found:
        st.success(found)


__all__ = ["NotAnEditor", "delete", "edit", "publish", "reject", "render"]
