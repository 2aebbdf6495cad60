"""Filesystem locations, all derived from this file's place in the repository."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DATA_DIR = REPO_ROOT / "data"
STATIC_DIR = REPO_ROOT / "static"
MANUAL_DIR = DATA_DIR / "manual"

RAW_ENV_VAR = "READINESS_RAW_DIR"


def default_raw_dir() -> Path:
    """The raw public data: $READINESS_RAW_DIR, else ../shared/data/raw beside the repository."""
    override = os.environ.get(RAW_ENV_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "data" / "raw").resolve()
