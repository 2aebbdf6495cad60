"""The refresh's HTTP client against loopback servers: resumed and restarted downloads, progress,
waits, a proxy from the environment, a plain 'no network' message, and the socket guard."""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

import pytest

from readiness.refresh.http import FetchError, Http, retry_after
from tests.refresh import guard
from tests.refresh.replay import ForwardProxy, Replay

BLOB = random.Random(24).randbytes(3 * 65536 + 123)


@pytest.fixture
def blob_url(replay: Replay) -> str:
    replay.blobs["data.bin"] = BLOB
    return f"{replay.url}/files/data.bin"


def test_download_resumes_with_range_after_a_break(
    replay: Replay, http: Http, blob_url: str, tmp_path: Path
) -> None:
    replay.fault("data.bin", "interrupt")
    dest = http.download("test", blob_url, tmp_path / "data.bin")
    assert dest.read_bytes() == BLOB
    first, second = replay.log
    assert first["range"] is None and first["fault"] == "interrupt"
    offset = int(second["range"].removeprefix("bytes=").removesuffix("-"))
    assert 0 < offset <= len(BLOB) // 2  # asked only for what the part lacks (whole chunks kept)
    assert not (tmp_path / "data.bin.part").exists()


def test_download_restarts_cleanly_when_range_is_ignored(
    replay: Replay, http: Http, blob_url: str, tmp_path: Path
) -> None:
    replay.fault("data.bin", "interrupt")
    replay.fault("data.bin", "ignore_range")
    dest = http.download("test", blob_url, tmp_path / "data.bin")
    assert dest.read_bytes() == BLOB  # rewritten from the start, not appended
    assert [q["fault"] for q in replay.log] == ["interrupt", "ignore_range"]
    assert replay.log[1]["range"] is not None


def test_download_keeps_the_part_when_it_gives_up(
    replay: Replay, http: Http, blob_url: str, tmp_path: Path
) -> None:
    replay.fault("data.bin", "interrupt", times=-1)
    with pytest.raises(FetchError, match=r"^test: .*broke in the middle .*\(3 attempts\)$"):
        http.download("test", blob_url, tmp_path / "data.bin")
    assert not (tmp_path / "data.bin").exists()
    assert 0 < (tmp_path / "data.bin.part").stat().st_size < len(BLOB)


def test_progress_reports_bytes_of_the_total(replay: Replay, blob_url: str, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int | None]] = []
    with Http(timeout=1, progress=lambda *a: seen.append(a)) as client:
        client.download("class", blob_url, tmp_path / "x.bin")
    assert {s for s, _, _ in seen} == {"class"}
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[-1] == len(BLOB)
    assert {t for _, _, t in seen} == {len(BLOB)}


def test_retry_after_is_capped(replay: Replay) -> None:
    waits: list[float] = []
    client = Http(timeout=1, retries=1, max_wait=0.25, sleep=waits.append)
    replay.fault("IT.NET.SECR.P6", "429")
    client.get_json("wb", f"{replay.url}/wb/v2/country/all/indicator/IT.NET.SECR.P6",
                    params={"format": "json", "per_page": 20000, "page": 1})  # fmt: skip
    assert waits == [0.25]  # asked 1 s, capped


def test_retry_after_forms() -> None:
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 06 May 2026 12:00:10 GMT", now=1778068800.0) == pytest.approx(10.0)
    assert retry_after(None) is None and retry_after("soon") is None


def test_no_network_is_said_plainly(http: Http) -> None:
    with socket.socket() as probe:  # a free loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as failed:
        http.get_json("itu", f"http://127.0.0.1:{port}/v2/data/bycode/1?key=hidden")
    assert str(failed.value) == (
        f"itu: cannot reach 127.0.0.1:{port} (no network? behind a proxy, set HTTPS_PROXY) "
        "(3 attempts)"
    )


def test_proxy_from_the_environment_is_used(
    replay: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy(int(replay.url.rsplit(":", 1)[1]))
    try:
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        # A name that resolves nowhere: only the proxy can answer for it.
        url = "http://api.worldbank.invalid/wb/v2/country/all/indicator/IT.NET.SECR.P6"
        with Http(timeout=2, retries=0) as client:
            doc = client.get_json("wb", url, params={"format": "json", "page": 1})
        assert doc[0]["page"] == 1
        assert proxy.seen and proxy.seen[0].startswith("http://api.worldbank.invalid/wb/v2/")
    finally:
        proxy.stop()


def test_socket_guard_refuses_anything_but_loopback() -> None:
    before = len(guard.REFUSED)
    with pytest.raises(ConnectionRefusedError, match="test socket guard"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.2)  # TEST-NET-1: never reached
    assert guard.REFUSED[before:] == [("192.0.2.1", 80)]
    del guard.REFUSED[before:]  # the probe itself; any other refused attempt fails the session
    assert all(guard._loopback(socket.AF_INET, a) for a in guard.CONNECTIONS)


def test_nothing_is_called_until_a_fetch_is_asked(replay: Replay) -> None:
    connections = len(guard.CONNECTIONS)
    from readiness.refresh.sources import SOURCES

    for source in SOURCES.values():
        assert source.addresses()
    Http().close()
    assert len(guard.CONNECTIONS) == connections and not replay.log


def test_token_is_not_in_the_environment_of_errors(replay: Replay, http: Http) -> None:
    os.environ.pop("READINESS_ITU_TOKEN", None)
    replay.fault("/itu/", "403")
    with pytest.raises(FetchError) as refused:
        http.get_json("itu", f"{replay.url}/itu/v2/data/bycode/11624",
                      headers={"Authorization": "Bearer secret-xyz"})  # fmt: skip
    assert "secret-xyz" not in str(refused.value) and "Authorization" not in str(refused.value)
