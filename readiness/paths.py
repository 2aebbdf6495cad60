"""Filesystem locations, all derived from this file's place, never from the current directory.

In a checkout the snapshot is the repository's `data/` and `static/`; an installed wheel carries
the same files inside the package (`readiness/_data`, `readiness/_static`, see pyproject.toml).
`READINESS_DATA_DIR` points the whole tool at another data directory of the same layout.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DATA_ENV_VAR = "READINESS_DATA_DIR"
RAW_ENV_VAR = "READINESS_RAW_DIR"


def _first_dir(*candidates: Path) -> Path:
    return next((c for c in candidates if c.is_dir()), candidates[-1])


def _data_dir() -> Path:
    override = os.environ.get(DATA_ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return _first_dir(PACKAGE_DIR / "_data", REPO_ROOT / "data")


DATA_DIR = _data_dir()
STATIC_DIR = _first_dir(PACKAGE_DIR / "_static", REPO_ROOT / "static")
MANUAL_DIR = DATA_DIR / "manual"


def default_raw_dir() -> Path:
    """The raw public data: $READINESS_RAW_DIR, else ../shared/data/raw beside the repository."""
    override = os.environ.get(RAW_ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "data" / "raw").resolve()
