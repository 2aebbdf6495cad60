"""Limits on one uploaded file; modules read them as `limits.NAME` so a test can lower one."""

from __future__ import annotations

MAX_BYTES = 20_000_000  # an upload larger than this is refused unread
MAX_ROWS = 500_000  # data rows (records) per table
MAX_COLUMNS = 1_000
MAX_CELLS = 5_000_000
MAX_PROBLEMS = 500  # problems listed; the rest are counted
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNCOMPRESSED = 120_000_000  # all members together, as declared and as read
XLSX_MAX_RATIO = 100  # compression ratio refused for members above XLSX_RATIO_FLOOR bytes
XLSX_RATIO_FLOOR = 1_000_000

__all__ = [
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "XLSX_MAX_MEMBERS",
    "XLSX_MAX_RATIO",
    "XLSX_MAX_UNCOMPRESSED",
    "XLSX_RATIO_FLOOR",
]
