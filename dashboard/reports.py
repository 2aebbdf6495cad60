"""Report downloads for the profile and gaps pages: pick a format, prepare with progress, download.

Streamlit glue over readiness.reports (model and writers): the numbers are the dashboard's (same
snapshot, year, method and Monte Carlo), the file is built only when the user asks for it, and
the finished bytes are kept in the session so the download button survives reruns.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

import streamlit as st

from dashboard.i18n import language, option_label, t
from readiness.errors import ReadinessError
from readiness.index.method import Method

ReportKind = Literal["economy", "group"]
FORMATS = ("docx", "pdf", "pptx")
_STORE = "report_files"  # session key: {request key: (file name, mime type, bytes)}


def _request_key(kind: str, code: str, year: int, method: Method, fmt: str, token: str) -> str:
    text = "|".join([kind, code, str(year), fmt, token, repr(sorted(method.to_dict().items()))])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def prepare_report(
    kind: ReportKind,
    code: str,
    year: int,
    method: Method,
    snapshot: Any,
    fmt: str,
    progress: Any = None,
) -> tuple[str, bytes]:
    """(file name, bytes) of a report; `progress(share, text)` is told how far it has got."""
    from readiness.reports.build import Subject, build_report, scoring_context
    from readiness.reports.export import image_server, keep_warm
    from readiness.reports.writers import figure_images, write_report

    def tell(share: float, text: str) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, share)), text)

    tell(0.05, t("reports.scoring"))
    keep_warm()  # the browser starts while the data are scored and stays for the next report
    studies, factors = published_studies()
    ctx = scoring_context(snapshot, year, method, studies=studies, factors=factors)
    subject = Subject.economy(code) if kind == "economy" else Subject.group(code)
    report = build_report(snapshot, subject, context=ctx, lang=language())
    with image_server():
        images = figure_images(
            report,
            lambda k, n, title: tell(
                0.2 + 0.1 * k / max(n, 1), t("reports.preparing_chart", title=title)
            ),
        )
    tell(0.9, t("reports.writing"))
    data = write_report(report, fmt, images)
    tell(1.0, t("reports.ready"))
    suffix = "" if report.lang == "en" else f"_{report.lang}"  # readiness_KEN_2025_ar.pdf
    return f"{report.filename_stem}{suffix}.{fmt}", data


def published_studies() -> tuple[Any, Any]:
    """The published case studies and their coding as the Experiences page reads them (the
    store's, or the committed library when the store is down), for the experiences section."""
    from dashboard.experiences.reader import reader

    found = reader()
    return found.studies(), found.factors()


def report_download(
    kind: ReportKind,
    code: str,
    year: int,
    method: Method,
    snapshot: Any,
    token: str = "base",
    key: str = "report",
) -> None:
    """A format picker, a "Prepare" button with a progress bar, then the download button.

    `token` identifies the active data (dashboard.state.data_token()), so a report made from
    uploaded data is never offered for the committed data or the other way round.
    """
    from readiness.reports.writers import MEDIA_TYPES

    store: dict[str, tuple[str, str, bytes]] = st.session_state.setdefault(_STORE, {})
    left, right = st.columns([2, 3])
    fmt = left.selectbox(
        t("reports.format"),
        options=list(FORMATS),
        format_func=option_label("reports.format_"),
        key=f"{key}_format",
    )
    request = _request_key(kind, code, int(year), method, f"{fmt}-{language()}", token)
    if right.button(t("reports.prepare"), key=f"{key}_prepare", disabled=request in store):
        bar = st.progress(0.0, text=t("reports.starting"))
        try:
            name, data = prepare_report(
                kind,
                code,
                int(year),
                method,
                snapshot,
                str(fmt),
                lambda share, text: bar.progress(share, text=text),
            )
        except ReadinessError as exc:
            bar.empty()
            st.error(str(exc))
            return
        bar.empty()
        store.clear()  # keep one prepared file per session; reports are megabytes
        store[request] = (name, MEDIA_TYPES[str(fmt)], data)
        st.rerun()  # redraw with the button disabled and the download offered
    if request in store:
        name, mime, data = store[request]
        st.download_button(
            t("reports.download", name=name),
            data=data,
            file_name=name,
            mime=mime,
            key=f"{key}_download",
            type="primary",
        )
