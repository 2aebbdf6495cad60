"""Shared fixtures: the committed snapshot, the raw data folder, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from readiness.data.snapshot import Snapshot, load_snapshot
from readiness.paths import REPO_ROOT, default_raw_dir


@pytest.fixture(scope="session")
def snapshot() -> Snapshot:
    return load_snapshot()


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    raw = default_raw_dir()
    if not raw.is_dir():
        pytest.skip(f"raw data not present at {raw}")
    return raw


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def cli():
    """Run `python -m readiness ...` in a fresh process, as a user would."""

    def run(*args: str, stdin: str | None = None) -> CliResult:
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        proc = subprocess.run(
            [sys.executable, "-m", "readiness", *args],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=env,
            input=stdin,
            timeout=300,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
