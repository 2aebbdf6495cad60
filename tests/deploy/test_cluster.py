"""scripts/serve-cluster 2: nginx in front of two Streamlit processes, sessions sticky to one.

Starts the real cluster on a free loopback port, checks the health check through nginx, then
opens browser-like sessions with the bench client (bench/load.py: HTTP GET of the page, then the
websocket speaking Streamlit's protocol, a page run and a widget change) and checks that each
session's HTTP requests and websocket reached the same backend (nginx's X-Upstream header) and
that sessions opened at once are split evenly over both backends; then two Debian chromium
participants upload a file and download a scenario through nginx, each on its own backend. The
cluster is always stopped.
tests/deploy/test_nginx_routing.py checks the routing rules themselves.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
START_TIMEOUT = 240  # two cold `streamlit run` on a slow 2-core runner, nginx install if root
SESSION_TIMEOUT = 90
SESSIONS = 6  # opened at once: new visitors go to the backends in turn, 3 and 3


@dataclass
class Cluster:
    url: str
    backends: set[str]
    order: list[str]  # backend i of serve-cluster's list: the cookie token b<i>


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bench_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not Path(NGINX).exists() and os.geteuid() != 0:
        pytest.skip(f"nginx not found at {NGINX} and not root: run scripts/ensure-nginx.sh")
    port = _free_port()
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "serve-cluster"), "2", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT
        order: list[str] = []
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                pytest.fail("serve-cluster did not become ready; output:\n" + "".join(seen)[-3000:])
            seen.append(line)
            if line.startswith("backends:"):
                ports = re.match(r"backends: ([\d ]+) \(", line)
                assert ports, line
                order = [f"127.0.0.1:{p}" for p in ports.group(1).split()]
            if line.startswith("READY "):
                break
        assert len(set(order)) == 2, seen
        yield Cluster(url=line.split()[1], backends=set(order), order=order)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        # the script stops its children itself; anything left in its group is ended here
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            pass
        else:
            os.killpg(proc.pid, signal.SIGKILL)


def test_health_through_nginx_sets_the_backend_cookie(cluster: Cluster) -> None:
    with urllib.request.urlopen(f"{cluster.url}/_stcore/health", timeout=10) as r:
        assert r.status == 200
        assert r.read() == b"ok"
        assert r.headers["X-Upstream"] in cluster.backends
        cookies = r.headers.get_all("Set-Cookie") or []
    assert any(re.match(r"readiness_backend=b[01];", c) for c in cookies), cookies


def test_sessions_stick_to_one_backend_and_are_split_evenly(cluster: Cluster) -> None:
    load = _bench_load()

    async def sessions() -> list:
        return list(
            await asyncio.gather(
                *(
                    load.run_session(cluster.url, "map", timeout=SESSION_TIMEOUT)
                    for _ in range(SESSIONS)
                )
            )
        )

    # A thread of its own: an earlier test (Playwright's sync API) may own this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        results = pool.submit(
            asyncio.run, asyncio.wait_for(sessions(), SESSION_TIMEOUT * 2)
        ).result()
    for r in results:
        assert r.ok, r.error
        assert r.ws_upstream in cluster.backends, r
        assert r.http_upstreams, r
        assert set(r.http_upstreams) == {r.ws_upstream}, r
        assert r.rerun_s is not None, r
    split = Counter(r.ws_upstream for r in results)
    assert sorted(split.values()) == [SESSIONS // 2, SESSIONS // 2], split


def test_streamlit_bundle_is_cached_once_and_gzipped_by_nginx(cluster: Cluster) -> None:
    """The 4.6 MB Plotly chunk: gzipped on the way out, a cache HIT the second time, same bytes."""
    import gzip

    import streamlit

    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    plotly_chunk = next(js.glob("PlotlyChart.*.js"))
    url = f"{cluster.url}/static/js/{plotly_chunk.name}"
    statuses = []
    for _ in range(2):
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.headers.get("Content-Encoding") == "gzip"
            statuses.append(r.headers.get("X-Cache"))
            body = r.read()
        assert gzip.decompress(body) == plotly_chunk.read_bytes()
        assert len(body) < plotly_chunk.stat().st_size / 2
    assert statuses[1] == "HIT"


def test_browsers_upload_and_download_on_their_own_backend(cluster: Cluster) -> None:
    """Debian chromium through nginx: two participants land on the two backends in turn, and each
    one's upload (PUT /_stcore/upload_file/<session>) and download (GET /media/...) reach the
    process that holds its websocket, named by its cookie."""
    from tests.browser.conftest import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}; run scripts/ensure-chromium.sh")
    # A thread of its own: the browser tests' Playwright (sync API) may own this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        tokens = pool.submit(_two_participants, cluster).result()
    assert sorted(tokens) == ["b0", "b1"], tokens


def _two_participants(cluster: Cluster) -> list[str]:
    """Each participant uploads a file and downloads a scenario; returns their cookie tokens."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, FLAGS

    upload = ROOT / "tests" / "fixtures" / "uploads" / "good_tidy_bom_semicolon.csv"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            contexts = [browser.new_context(viewport={"width": 1400, "height": 1800}) for _ in "ab"]
            pages, upstreams = [], []
            for context in contexts:  # one after the other: consecutive new visitors
                page = context.new_page()
                page.set_default_timeout(90_000)
                seen: dict[str, set[str]] = {"upload": set(), "media": set()}
                page.on("response", lambda r, seen=seen: _note_upstream(r, seen))
                page.goto(f"{cluster.url}/upload")
                page.get_by_text("Sources and citations").wait_for()
                pages.append(page)
                upstreams.append(seen)
            tokens = []
            for context, page, seen in zip(contexts, pages, upstreams, strict=True):
                page.locator("input[type=file]").first.set_input_files(str(upload))
                page.get_by_role("button", name="Check the file").click()
                page.get_by_role("button", name="Apply to my session").wait_for()
                with page.expect_download() as caught:
                    page.get_by_role("button", name="Download scenario (JSON)").click()
                scenario = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
                assert isinstance(scenario, dict) and scenario, scenario
                cookie = {c["name"]: c["value"] for c in context.cookies()}["readiness_backend"]
                backend = cluster.order[int(cookie.removeprefix("b"))]
                assert seen["upload"] == {backend}, seen
                assert seen["media"] == {backend}, seen
                tokens.append(cookie)
            return tokens
        finally:
            browser.close()


def _note_upstream(response: Any, seen: dict[str, set[str]]) -> None:
    path = urllib.parse.urlsplit(response.url).path
    kind = (
        "upload"
        if path.startswith("/_stcore/upload_file/")
        else "media"
        if path.startswith("/media/")
        else None
    )
    if kind:
        assert response.status < 400, (response.status, response.url)
        seen[kind].add(response.headers.get("x-upstream", ""))
