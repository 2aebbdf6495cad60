"""The one entry point: `build_report(snapshot, subject, year, method) -> Report`, pure and frozen.

Callers need only this module: it also offers `Subject`, `resolve_subject` (from a user's text)
and `scoring_context` (one scoring run shared by every report of a batch).
"""

from __future__ import annotations

from typing import Any

from readiness.errors import ReadinessError
from readiness.index.method import Method
from readiness.reports.context import Context, find_group, resolve_subject, scoring_context
from readiness.reports.economy import economy_report
from readiness.reports.group import group_report
from readiness.reports.localise import localise
from readiness.reports.model import Report, Subject


def build_report(
    snapshot: Any,
    subject: Subject,
    year: int | None = None,
    method: Method | None = None,
    context: Context | None = None,
    lang: str = "en",
) -> Report:
    """The report for one economy or group in `lang`; pass `context` to reuse one scoring run."""
    ctx = context or scoring_context(snapshot, year, method)
    if subject.kind == "economy":
        report = economy_report(ctx, subject.code, lang)
    elif subject.kind == "group":
        group = ctx.groups.get(subject.code) or find_group(ctx.snapshot, subject.code, ctx.year)
        report = group_report(ctx, group, lang)
    else:
        raise ReadinessError(f"unknown report subject kind {subject.kind!r}")
    return localise(report, ctx, lang)


__all__ = ["Context", "Report", "Subject", "build_report", "resolve_subject", "scoring_context"]
