"""Streamlit glue for user uploads: validate, preview, apply to THIS session, scenario files.

The overlays a user applied live only in their own st.session_state; nothing here is cached
across sessions (uploads are hostile until validated, and private after). The dashboard reads the
result through dashboard/state.py: `overlay_snapshot` (the snapshot with the overlays applied)
and `overlay_token` (a content hash, the cache key of everything computed from it). Per-session
limits (dashboard/limits.py) are checked here: a file's size before it is read, the files and
values a session holds before they are kept.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard import state
from dashboard.limits import check_overlays, check_upload
from readiness.index.method import Method
from readiness.uploads.overlay import Overlay, Preview, apply_overlays, overlays_token, preview
from readiness.uploads.scenario import Scenario, export_scenario, import_scenario
from readiness.uploads.upload import Validation, validate_file

APPLIED = "upload_overlays"  # tuple[Overlay, ...] applied in this session, in order
PENDING = "upload_pending"  # the last Validation, waiting to be applied
PREVIEW = "upload_preview"  # (token, Preview) of the pending overlay


def applied() -> tuple[Overlay, ...]:
    """The overlays applied in this session, oldest first."""
    return tuple(st.session_state.get(APPLIED, ()))


def validate(
    data: bytes, filename: str, meta: bytes | None = None, meta_name: str | None = None
) -> Validation:
    """Validate an upload against the committed snapshot and keep it as this session's pending.

    SessionLimitError (nothing kept) when a file is too large or the session would hold too much.
    """
    st.session_state.pop(PENDING, None)
    st.session_state.pop(PREVIEW, None)
    check_upload(len(data), filename)
    if meta is not None:
        check_upload(len(meta), meta_name or "indicators")
    result = validate_file(data, filename, state.base_snapshot(), meta, meta_name)
    if result.overlay is not None:
        check_overlays((*applied(), result.overlay))
    # The parsed text tables are not needed once checked: the session keeps only the result.
    result = dataclasses.replace(result, parsed=None)
    st.session_state[PENDING] = result
    return result


def pending() -> Validation | None:
    return st.session_state.get(PENDING)


def pending_preview(method: Method | None = None) -> Preview | None:
    """What the pending overlay would change on top of the ones applied (kept per session)."""
    result = pending()
    if result is None or result.overlay is None:
        return None
    method = method or state.current_method()
    key = (result.overlay.token, overlays_token(applied()), state.method_key(method))
    hit = st.session_state.get(PREVIEW)
    if hit is not None and hit[0] == key:
        return hit[1]
    base = apply_overlays(state.base_snapshot(), applied())
    view = preview(base, result.overlay, None, method)
    st.session_state[PREVIEW] = (key, view)
    return view


def set_overlays(overlays: tuple[Overlay, ...]) -> None:
    """Make these overlays this session's data (an empty tuple restores the committed data)."""
    if not overlays:
        clear()
        return
    check_overlays(overlays)
    st.session_state[APPLIED] = tuple(overlays)
    state.set_overlay(apply_overlays(state.base_snapshot(), overlays), overlays_token(overlays))


def apply_pending() -> bool:
    """Add the pending overlay to this session's data; False when there is none to apply.

    SessionLimitError (the session unchanged) when it would hold too many files or values.
    """
    result = pending()
    if result is None or result.overlay is None:
        return False
    set_overlays((*applied(), result.overlay))
    st.session_state.pop(PENDING, None)
    st.session_state.pop(PREVIEW, None)
    return True


def clear() -> None:
    """Drop every overlay: the session is back on the committed snapshot."""
    for key in (APPLIED, PENDING, PREVIEW):
        st.session_state.pop(key, None)
    state.clear_overlay()


def scenario_bytes() -> bytes:
    """This session's method and overlays as one JSON file."""
    return export_scenario(Scenario(method=state.current_method(), overlays=applied()))


def load_scenario(data: bytes) -> Scenario:
    """Import a scenario file (validated like an upload) and make it this session's state."""
    scenario = import_scenario(data, state.base_snapshot())
    set_overlays(scenario.overlays)
    state.set_method(scenario.method)
    return scenario
