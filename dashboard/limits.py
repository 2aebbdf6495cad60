"""Per-session limits: what one browser session may ask of the server it shares with others.

Each is checked where the session asks (uploading, applying, running Monte Carlo) and refused
with a translated message (`limits.*` keys of readiness/locales) that says what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.i18n import t
from readiness.errors import ReadinessError
from readiness.uploads.limits import MAX_BYTES
from readiness.uploads.overlay import Overlay
from readiness.uploads.safe import markdown_text

SESSION_MAX_UPLOAD_BYTES = MAX_BYTES  # one file; .streamlit/config.toml maxUploadSize agrees
SESSION_MAX_OVERLAYS = 8  # files of data applied in one session at once
SESSION_MAX_VALUES = 1_000_000  # uploaded values one session holds (pandas counts ~140 MB)
SESSION_MAX_SAMPLES = 2_000  # Monte Carlo samples in one run (the published run uses 500)


class SessionLimitError(ReadinessError):
    """A request over a per-session limit; the message is translated and says what to do."""


def _mb(size: float) -> str:
    return f"{size / 1e6:.1f}"


def check_upload(size: int, filename: str) -> None:
    """Refuse a file over SESSION_MAX_UPLOAD_BYTES before it is read at all."""
    if size > SESSION_MAX_UPLOAD_BYTES:
        raise SessionLimitError(
            t(
                "limits.upload_too_large",
                name=markdown_text(str(filename)[:120]),
                size=_mb(size),
                limit=f"{SESSION_MAX_UPLOAD_BYTES / 1e6:.0f}",
            )
        )


def check_overlays(overlays: Iterable[Overlay]) -> None:
    """Refuse to hold more files or values than a session may (applied and about to be)."""
    overlays = tuple(overlays)
    if len(overlays) > SESSION_MAX_OVERLAYS:
        raise SessionLimitError(
            t("limits.too_many_files", n=len(overlays), limit=SESSION_MAX_OVERLAYS)
        )
    values = sum(len(o.rows) for o in overlays)
    if values > SESSION_MAX_VALUES:
        raise SessionLimitError(
            t("limits.too_many_values", values=f"{values:,}", limit=f"{SESSION_MAX_VALUES:,}")
        )


def capped_samples(n: int) -> tuple[int, str | None]:
    """The Monte Carlo samples a session may run, and the message when `n` was cut."""
    n = max(1, int(n))
    if n <= SESSION_MAX_SAMPLES:
        return n, None
    return SESSION_MAX_SAMPLES, t(
        "limits.samples_capped", n=f"{n:,}", limit=f"{SESSION_MAX_SAMPLES:,}"
    )


__all__ = [
    "SESSION_MAX_OVERLAYS",
    "SESSION_MAX_SAMPLES",
    "SESSION_MAX_UPLOAD_BYTES",
    "SESSION_MAX_VALUES",
    "SessionLimitError",
    "capped_samples",
    "check_overlays",
    "check_upload",
]
