"""Refresh tests: a socket guard (no connection may leave the loopback, checked for the whole
session), the replay server standing in for every service, and the environment pointing at it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from readiness.paths import default_raw_dir
from readiness.refresh.http import Http
from tests.refresh.guard import REFUSED
from tests.refresh.replay import Replay

ENV_VARS = (
    "READINESS_WB_API", "READINESS_WB_CLASS_URL", "READINESS_WB_OGHIST_URL", "READINESS_ITU_API",
    "READINESS_APNIC_URL", "READINESS_PCH_URL", "READINESS_RIR_URLS", "READINESS_RIR_DATE",
    "READINESS_ITU_TOKEN",
)  # fmt: skip
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(scope="session")
def committed_raw() -> Path:
    raw = default_raw_dir()
    if not (raw / "wdi").is_dir():
        pytest.skip(f"raw data not present at {raw}")
    return raw


@pytest.fixture(scope="session")
def replay_server(committed_raw: Path) -> Iterator[Replay]:
    server = Replay(committed_raw).start()
    yield server
    server.stop()


@pytest.fixture
def replay(replay_server: Replay, monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    """The replay with no fault switched on, and every source's address pointing at it."""
    replay_server.reset()
    for name in ENV_VARS + PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name, value in replay_server.env().items():
        monkeypatch.setenv(name, value)
    yield replay_server
    replay_server.reset()
    replay_server.rir_day = "20251231"
    replay_server.http_date = "Wed, 06 May 2026 12:00:00 GMT"
    replay_server.stall = 2.0


@pytest.fixture
def http() -> Iterator[Http]:
    """A client with short timeouts and waits, so fault cases stay quick."""
    client = Http(timeout=0.5, retries=2, backoff=0.05, max_wait=2.0)
    yield client
    client.close()


@pytest.fixture
def raw_copy(committed_raw: Path, tmp_path: Path) -> Path:
    """A raw directory holding copies of the files the fetchers read or merge into."""
    raw = tmp_path / "raw"
    for rel in (
        "classifications/country-codes.csv",
        "ixp_directories/ixp_counts_by_country_2023-2026.csv",
        "rir_delegated/rir_ip_by_country_2021-2026.csv",
    ):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(committed_raw / rel, raw / rel)
    return raw


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The guard's proof: no connection in this session was tried outside the loopback (the
    guard refused any; here such an attempt also fails the run)."""
    if REFUSED:
        print(f"\nsocket guard: connections tried outside the loopback: {REFUSED}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
