"""The data page's "Refresh data" section: editors start `readiness refresh` and watch it.

Signed-in editors (dashboard/auth) choose the sources to fetch, may add files downloaded by
hand, may ask for a dry run, and start the refresh; it runs in the process's one background job
(dashboard/refresh_job.py), so a second editor sees it running. While it runs, a fragment reads
the job every POLL_SECONDS and draws a bar per source; at the end the page shows how it ended,
what changed (readiness.refresh.changes) and, once a snapshot was switched, serves it (the next
run of every session, dashboard/committed.py). A rollback button serves the previous snapshot
again. Anyone not signed in as an editor sees one line, and nothing here reads the URL or a
session value that a visitor could set: each action asks `current_editor()` when it runs.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import committed, refresh_job
from dashboard.auth import current_editor, sign_in_panel
from dashboard.i18n import number, t
from dashboard.limits import SessionLimitError, check_upload
from readiness.errors import ReadinessError
from readiness.i18n import has
from readiness.uploads.safe import markdown_text

POLL_SECONDS = 1.0  # how often an open data page redraws a running refresh's progress
FLASH = "refresh_flash"  # a rollback's message, shown once after the page is drawn again
HAND_TYPES = ["csv", "xlsx"]
MAX_HAND_FILES = 20


def refresh_panel() -> None:
    """The section: the sign-in in the sidebar; for editors, the refresh; for others, one line."""
    sign_in_panel()
    st.subheader(t("refresh.title"))
    editor = current_editor()
    if editor is None:
        st.caption(t("refresh.editors_only"))
        return
    from readiness.refresh.snapshots import describe

    st.caption(t("refresh.intro", served=markdown_text(describe(committed.DATA_DIR))))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    job = refresh_job.JOB.view()
    if job.status == "running":
        _live_progress()
    else:
        _form()
        if job.serial:
            _outcome(job)
    _rollback(job)


def source_label(name: object) -> str:
    """A source's name for people (its code when the catalogues do not name it)."""
    key = f"refresh.source_{name}"
    return t(key) if has(key) else str(name)


def _source_names() -> list[str]:
    from readiness.refresh.run import source_names

    try:
        return source_names()
    except (ImportError, ReadinessError):  # no fetchers: files in hand only
        return []


def _form() -> None:
    names = _source_names()
    with st.form("refresh_form", border=True):
        chosen = st.multiselect(
            t("refresh.sources"), options=names, default=names, format_func=source_label,
            key="refresh_sources", help=t("refresh.sources_help"),
        )  # fmt: skip
        files = st.file_uploader(
            t("refresh.hand_files"), type=HAND_TYPES, accept_multiple_files=True,
            key="refresh_hand_files", help=t("refresh.hand_files_help"),
        )  # fmt: skip
        dry_run = st.toggle(t("refresh.dry_run"), key="refresh_dry_run")
        submitted = st.form_submit_button(t("refresh.start"), type="primary")
    if submitted:
        _start(list(chosen), list(files or []), bool(dry_run))


def _start(chosen: list[str], files: list[Any], dry_run: bool) -> None:
    editor = current_editor()  # asked again at the moment it acts
    if editor is None:
        return
    if not chosen and not files:
        st.warning(t("refresh.nothing_chosen"))
        return
    try:
        hand_dir = _save_hand_files(files) if files else None
    except SessionLimitError as exc:
        st.error(str(exc))
        return
    started = refresh_job.JOB.start(
        editor,
        chosen,
        dry_run=dry_run,
        from_dir=hand_dir,
        hand_files=[_safe_name(f.name) for f in files],
        data_dir=committed.DATA_DIR,
        on_switch=committed.recheck_snapshot,
        cleanup=(lambda: shutil.rmtree(hand_dir, ignore_errors=True)) if hand_dir else None,
    )
    if not started:
        if hand_dir is not None:
            shutil.rmtree(hand_dir, ignore_errors=True)
        st.warning(t("refresh.busy"))
        return
    st.rerun()


def _safe_name(name: str) -> str:
    """A file name without folders or unusual characters (the upload names it, not us)."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    return cleaned[:120] or "file"


def _save_hand_files(files: list[Any]) -> Path:
    """The uploaded files in a new private folder, for `refresh(from_dir=...)`."""
    if len(files) > MAX_HAND_FILES:
        raise SessionLimitError(t("limits.too_many_files", n=len(files), limit=MAX_HAND_FILES))
    for f in files:
        check_upload(int(f.size), f.name)
    folder = Path(tempfile.mkdtemp(prefix="readiness-hand-"))
    for f in files:
        (folder / _safe_name(f.name)).write_bytes(f.getvalue())
    return folder


@st.fragment(run_every=POLL_SECONDS)
def _live_progress() -> None:
    job = refresh_job.JOB.view()
    if job.status != "running":
        st.rerun()  # the whole page: the outcome, and the new snapshot once switched
    _progress(job)


def _progress(job: refresh_job.JobView) -> None:
    """Who started the refresh, then a bar per source."""
    key = "refresh.running" if job.status == "running" else "refresh.started_by"
    st.markdown(t(key, editor=markdown_text(job.editor), seconds=number(job.seconds, 0)))
    if job.dry_run:
        st.caption(t("refresh.dry_run_note"))
    for name in dict.fromkeys([*job.sources, *job.progress]):
        state = job.progress.get(name, refresh_job.SourceState())
        st.progress(_fraction(state), text=_source_text(name, state))
    if job.hand_files:
        st.caption(t("refresh.hand_given", files=", ".join(map(markdown_text, job.hand_files))))
    if job.status == "running" and job.phase:
        st.caption(t("refresh.phase", phase=markdown_text(job.phase)))


def _fraction(state: refresh_job.SourceState) -> float:
    if state.ok is not None:
        return 1.0
    if state.total:
        return max(0.0, min(1.0, state.done / state.total))
    return 0.0


def _mb(n: int) -> str:
    return number(n / 1e6, 1)


def _source_text(name: str, state: refresh_job.SourceState) -> str:
    label = source_label(name)
    if state.ok is False:
        return t("refresh.source_failed", source=label, reason=markdown_text(state.reason))
    if state.ok:
        return t("refresh.source_done", source=label, files=state.files,
                 seconds=number(state.seconds, 1), size=_mb(state.done))  # fmt: skip
    if state.total:
        return t("refresh.source_of", source=label, done=_mb(state.done),
                 total=_mb(state.total))  # fmt: skip
    if state.done:
        return t("refresh.source_bytes", source=label, done=_mb(state.done))
    return t("refresh.source_waiting", source=label)


def _outcome(job: refresh_job.JobView) -> None:
    """How the last refresh of this process ended, and what changed."""
    st.markdown(f"**{t('refresh.last')}**")
    _progress(job)
    result, seconds = job.result, number(job.seconds, 0)
    if job.error or result is None:
        st.error(t("refresh.failed", reason=markdown_text(job.error or "?")))
        return
    if result.status == "failed":
        st.error(t("refresh.failed", reason=markdown_text("; ".join(result.problems))))
        return
    if result.status == "switched":
        st.success(t("refresh.switched", served=markdown_text(result.served), seconds=seconds))
    elif result.status == "dry-run":
        st.info(t("refresh.dry_done", seconds=seconds))
    else:
        st.info(t("refresh.unchanged", seconds=seconds))
    if result.failed_sources:
        st.warning(t("refresh.partly", sources=", ".join(
            source_label(s.name) for s in result.failed_sources)))  # fmt: skip
    _changes(job, result)


def _changes(job: refresh_job.JobView, result: Any) -> None:
    if result.changes is None:
        return
    from readiness.refresh.changes import render_text

    st.markdown(f"**{t('refresh.changes')}**")
    if result.changes.empty:
        st.caption(t("refresh.no_changes"))
        return
    # The terminal's text of readiness.refresh.changes (in English, as the CLI and the file).
    st.code(render_text(result.changes), language=None, wrap_lines=True)
    report = next((p for p in result.reports if Path(p).is_file()), None)
    if report is not None:
        st.download_button(
            t("refresh.report"), data=Path(report).read_bytes(), mime="text/markdown",
            file_name=f"changes_{job.serial}.md", key=f"refresh_report_{job.serial}",
            on_click="ignore",
        )  # fmt: skip


def _rollback(job: refresh_job.JobView) -> None:
    from readiness.refresh.snapshots import describe, previous_dir

    previous = previous_dir(committed.DATA_DIR)
    if not (previous / "values.csv").is_file():
        return
    st.caption(t("refresh.previous", previous=markdown_text(describe(previous))))
    clicked = st.button(
        t("refresh.rollback"), key="refresh_rollback", help=t("refresh.rollback_help"),
        disabled=job.status == "running",
    )  # fmt: skip
    if clicked:
        _do_rollback()


def _do_rollback() -> None:
    from readiness.refresh.snapshots import rollback

    if current_editor() is None:
        return
    try:
        done = rollback(committed.DATA_DIR)
    except (OSError, ReadinessError) as exc:
        st.error(t("refresh.rollback_failed", reason=markdown_text(" ".join(str(exc).split()))))
        return
    committed.recheck_snapshot()
    st.session_state[FLASH] = t("refresh.rolled_back", served=markdown_text(done.served))
    st.rerun()  # the whole page from the snapshot now served


__all__ = ["POLL_SECONDS", "refresh_panel", "source_label"]
