"""No session ever sees another's data, under concurrent load on a real `streamlit run` server.

N browser-like sessions (websocket clients speaking Streamlit's protocol, through bench/load.py's
server and HTTP helpers) start at once against a server on 127.0.0.1. Each uploads its OWN file
over the real upload route (file URL request, HTTP PUT, widget state), checks it, applies it to its
session, opens the country profile and reruns it. Every session must see its own index score for
Kenya (computed here with readiness for its data), its own file name and nobody else's, while the
others do the same; a session without uploads sees the published score throughout. Bounded: N
sessions, a timeout per step and a limit for the whole run.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from readiness.index.engine import score_snapshot
from readiness.uploads.overlay import apply_overlays
from readiness.uploads.upload import validate_file

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "bench" / "load.py"
N_SESSIONS = 6  # concurrent sessions, each with its own data
PROFILE_RUNS = 3  # profile page runs per session after applying
STEP_TIMEOUT = 240.0  # seconds for one script run while the others load the same 2 cores
RUN_TIME_LIMIT = 900.0  # seconds for the whole concurrent run

pytestmark = pytest.mark.skipif(not LOAD.exists(), reason="bench/load.py is not there")


def _load_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class _Page:
    """What one script run drew: the widgets this test drives and the texts it checks."""

    uploader: Any = None
    buttons: dict[str, str] = field(default_factory=dict)  # label -> widget id
    metrics: dict[str, str] = field(default_factory=dict)  # label -> value shown
    texts: list[str] = field(default_factory=list)  # markdown, captions, alerts
    exceptions: list[str] = field(default_factory=list)


class _Session:
    """One browser-like session: a websocket, its cookies, and the pages it navigates to."""

    def __init__(self, load: Any, base: str) -> None:
        self.load, self.base = load, base.rstrip("/")
        self.jar, self.counter = load._CookieJar(), load._Counter()
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.ws: Any = None

    async def open(self, path: str, query: str) -> _Page:
        """The first load of `path?query`, as a browser does it (the link's view restored)."""
        from websockets.asyncio.client import connect

        for p in (f"/{path}?{query}", "/_stcore/health", "/_stcore/host-config"):
            status, _ = await self.load.http_get(self.base, p, self.jar, self.counter, STEP_TIMEOUT)
            assert status == 200, (p, status)
        extra = {"Cookie": self.jar.header()} if self.jar.cookies else {}
        self.ws = await connect(
            "ws" + self.base[4:] + "/_stcore/stream", additional_headers=extra,
            subprotocols=["streamlit"], origin=None, max_size=None, ping_interval=None,
            open_timeout=STEP_TIMEOUT, close_timeout=5,
        )  # fmt: skip
        url = f"{self.base}/{path}?{query}"
        await self.ws.send(self.load._rerun_msg(query, path, "", url, []))
        return await self._read()

    async def run(self, states: list[Any]) -> _Page:
        """Rerun the current page with these widget states (a click, a file) and read it."""
        await self.ws.send(self.load._rerun_msg("", "", self.page_hash, self.base, states))
        return await self._read()

    async def go(self, path: str) -> _Page:
        """Open another page of the app in the same session (a click in the navigation)."""
        self.page_hash = self.pages[path]
        url = f"{self.base}/{path}"
        await self.ws.send(self.load._rerun_msg("", "", self.page_hash, url, []))
        return await self._read()

    async def _read(self) -> _Page:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        page, deadline = _Page(), time.monotonic() + STEP_TIMEOUT
        for _ in range(self.load.MAX_MESSAGES_PER_RUN):
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic()))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                nav = msg.navigation
                self.pages |= {p.url_pathname: p.page_script_hash for p in nav.app_pages}
                self.page_hash = nav.page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                _element(msg.delta.new_element, page)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    page = _Page()  # st.rerun(): what counts is the run after it
                    continue
                assert not page.exceptions, page.exceptions
                return page
        raise AssertionError("too many messages in one run")

    async def upload(self, uploader: Any, name: str, data: bytes) -> Any:
        """What the browser does for st.file_uploader: ask for a URL, PUT the file, set state."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await self.ws.send(request.SerializeToString())
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), deadline - time.monotonic()))
            if msg.WhichOneof("type") == "file_urls_response":
                urls = msg.file_urls_response.file_urls[0]
                break
        await asyncio.to_thread(self._put, urls.upload_url, name, data)
        state = WidgetState(id=uploader.id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        return state

    def _put(self, upload_url: str, name: str, data: bytes) -> None:
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
        )
        body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
        url = upload_url if upload_url.startswith("http") else self.base + upload_url
        self.load._check_loopback(url)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self.jar.cookies:
            headers["Cookie"] = self.jar.header()
        if "_streamlit_xsrf" in self.jar.cookies:
            headers["X-Xsrftoken"] = self.jar.cookies["_streamlit_xsrf"]
        request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT) as response:
            assert response.status in (200, 204), response.status

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _element(element: Any, page: _Page) -> None:
    etype = element.WhichOneof("type")
    if etype == "file_uploader" and page.uploader is None:
        page.uploader = element.file_uploader
    elif etype == "button":
        page.buttons[element.button.label] = element.button.id
    elif etype == "metric":
        page.metrics[element.metric.label] = element.metric.body
    elif etype == "markdown":  # user text is escaped for markdown: compare it unescaped
        page.texts.append(element.markdown.body.replace("\\", ""))
    elif etype == "alert":
        page.texts.append(element.alert.body.replace("\\", ""))
    elif etype == "exception":
        page.exceptions.append(element.exception.message[:300])


def _trigger(widget_id: str) -> Any:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=widget_id, trigger_value=True)


async def _user(load: Any, base: str, k: int, data: bytes, start: asyncio.Event) -> dict:
    """Session k: upload, check, apply, then the profile PROFILE_RUNS times; what it saw."""
    session, name, seen = _Session(load, base), f"user{k}.csv", {"scores": [], "texts": []}
    try:
        page = await session.open("upload", "economy=KEN")
        await start.wait()  # every session uploads at the same moment
        t0 = time.monotonic()
        file_state = await session.upload(page.uploader, name, data)
        page = await session.run([file_state])
        page = await session.run([file_state, _trigger(page.buttons["Check the file"])])
        assert any(f"{name}: valid" in text for text in page.texts), page.texts
        page = await session.run([file_state, _trigger(page.buttons["Apply to my session"])])
        seen["texts"] = page.texts
        for _ in range(PROFILE_RUNS):
            page = await session.go("profile")
            seen["scores"].append(page.metrics.get("Index score"))
        seen["seconds"] = time.monotonic() - t0
    finally:
        await session.close()
    return seen


async def _plain(load: Any, base: str, start: asyncio.Event) -> list[str | None]:
    """A session with no upload, opening the profile while the others apply their data."""
    session, scores = _Session(load, base), []
    try:
        await session.open("profile", "economy=KEN")
        await start.wait()
        for _ in range(PROFILE_RUNS):
            scores.append((await session.run([])).metrics.get("Index score"))
    finally:
        await session.close()
    return scores


def test_sessions_are_isolated_under_concurrent_load(snapshot, tmp_path):
    load = _load_module()
    values = [5.0 + 15.0 * k for k in range(N_SESSIONS + 1) if k != 2]  # KEN's own is near 35
    files = [f"economy,year,internet_use\nKEN,2024,{v}\n".encode() for v in values]
    expected = []
    for k, data in enumerate(files):
        overlay = validate_file(data, f"user{k}.csv", snapshot).overlay
        mine = apply_overlays(snapshot, [overlay])
        expected.append(f"{score_snapshot(snapshot=mine).index['KEN']:.1f}")  # latest year
    published = f"{score_snapshot(snapshot=snapshot).index['KEN']:.1f}"
    assert len({published, *expected}) == N_SESSIONS + 1  # every session's data really differ

    server = load.StartedServer(tmp_path)
    try:
        server.wait_healthy()
        rss_before = load.tree_rss_bytes([server.proc.pid])

        async def everyone() -> list[Any]:
            start = asyncio.Event()
            tasks = [asyncio.create_task(_user(load, server.url, k, files[k], start))
                     for k in range(N_SESSIONS)]  # fmt: skip
            tasks.append(asyncio.create_task(_plain(load, server.url, start)))
            await asyncio.sleep(0.5)
            start.set()
            return await asyncio.gather(*tasks, return_exceptions=True)

        t0 = time.monotonic()
        # A thread of its own: an earlier test (Playwright's sync API) may own this thread's loop.
        with ThreadPoolExecutor(1) as pool:
            outcomes = pool.submit(
                asyncio.run, asyncio.wait_for(everyone(), RUN_TIME_LIMIT)
            ).result()
        wall = time.monotonic() - t0
        rss_after = load.tree_rss_bytes([server.proc.pid])
    finally:
        server.stop()
    errors = [
        f"session {k}: {o!r}"[:400] for k, o in enumerate(outcomes) if isinstance(o, BaseException)
    ]
    assert not errors, errors
    assert outcomes.pop() == [published] * PROFILE_RUNS  # the session without uploads
    for k, seen in enumerate(outcomes):
        assert seen["scores"] == [expected[k]] * PROFILE_RUNS, (k, seen["scores"], expected)
        mine = " ".join(seen["texts"])
        assert f"user{k}.csv" in mine
        assert not [j for j in range(N_SESSIONS) if j != k and f"user{j}.csv" in mine], mine
    slowest = max(seen["seconds"] for seen in outcomes)
    print(
        f"\n{N_SESSIONS} concurrent sessions (upload, check, apply, {PROFILE_RUNS} profile runs): "
        f"wall {wall:.1f} s, slowest session {slowest:.1f} s, server RSS "
        f"{rss_before / 2**20:.0f} -> {rss_after / 2**20:.0f} MiB"
    )
