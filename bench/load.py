"""Load test: N concurrent browser-like sessions against a real `streamlit run app.py`.

Run: `.venv/bin/python bench/load.py` from the repository root (`--help` for the flags).

No browser: each session does what a browser's first load does over the wire, in Streamlit's own
protocol (the protobuf BackMsg/ForwardMsg of the installed `streamlit.proto`):
1. HTTP GET of the page (`/`, `/profile`, ...), then `/_stcore/health` and `/_stcore/host-config`,
   keeping the cookies the server (or nginx in front of it) sets;
2. websocket `/_stcore/stream` (subprotocol `streamlit`, same cookies), a `rerun_script` BackMsg
   with the page's url path as `page_name` and the query string, as the frontend sends on connect;
3. ForwardMsgs until `script_finished` (a run that ended early for a rerun does not count): this
   is the load time, measured from the HTTP GET;
4. one widget change (the first enabled selectbox or radio the page drew in its main area, set
   to its next option; a plain rerun where the page has none), with the page's `page_script_hash`
   taken from the `navigation`/`new_session` message, then ForwardMsgs until `script_finished`
   again: the rerun time.

A round starts N such sessions at once. Printed per page and N: load and rerun p50/p95/max,
sessions completed per second (N over the round's wall time), errors, bytes received per session
(HTTP and websocket frames as read from the socket), the server's resident memory (VmRSS
summed over the server's process tree from /proc, before the round and its peak during it), and
the CPU seconds the server's process tree and this load generator spent in the round (they share
the machine's cores).

By default the script starts `.venv/bin/streamlit run app.py` on a free 127.0.0.1 port and always
stops it; `--url` targets a running server or cluster instead (loopback only), `--pid` names the
process (tree) whose memory to read. Every wait is bounded (`--timeout` per session step,
`--time-limit` for the whole run) and the number of messages read per run is capped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Coroutine
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
# page name -> url path in app.py (the map is the default page at "/")
PAGES = {
    "map": "",
    "profile": "profile",
    "cities": "cities",
    "experiences": "experiences",
    "compare": "compare",
    "gaps": "gaps",
    "method": "method",
    "data": "data",
    "upload": "upload",
}
DEFAULT_NS = (1, 10, 25, 50)
MAX_MESSAGES_PER_RUN = 20_000  # a page draws a few hundred; a cap keeps a broken loop bounded
START_TIMEOUT = 120.0  # seconds for a started server to answer its health check
USER_AGENT = "readiness-bench-load/1"


# ---------------------------------------------------------------------------------------------
# one session


@dataclass
class SessionResult:
    page: str
    ok: bool = False
    error: str = ""
    load_s: float | None = None  # HTTP GET of the page to the first run's script_finished
    rerun_s: float | None = None  # widget change sent to the second run's script_finished
    bytes_received: int = 0
    messages: int = 0
    widget: str = ""  # "selectbox:<label>" / "radio:<label>" / "rerun"
    http_upstreams: list[str] = field(default_factory=list)  # X-Upstream of each HTTP response
    ws_upstream: str = ""  # X-Upstream of the websocket handshake response
    page_script_hash: str = ""
    session_id: str = ""


class _Counter:
    """Bytes read from the sockets of one session."""

    def __init__(self) -> None:
        self.n = 0


class _CookieJar:
    """Just enough of a cookie jar for one host: name=value pairs, sent back on every request."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def update(self, set_cookie_values: list[str]) -> None:
        for value in set_cookie_values:
            pair = value.split(";", 1)[0]
            if "=" in pair:
                name, val = pair.split("=", 1)
                self.cookies[name.strip()] = val.strip()

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def _check_loopback(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http":
        raise SystemExit(f"--url must be http://...: {url}")
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError:
            raise SystemExit(f"load tests go to loopback addresses only, not {host!r}") from None
    return parts


async def http_get(
    base: str, path: str, jar: _CookieJar, counter: _Counter, timeout: float
) -> tuple[int, dict[str, list[str]]]:
    """GET base+path over HTTP/1.1 (Connection: close); returns status and headers.

    The body is read and counted but not decoded (gzip is accepted, as a browser does).
    """
    parts = urllib.parse.urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = [
        f"GET {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        "Accept-Encoding: gzip",
        "Connection: close",
    ]
    if jar.cookies:
        request.append(f"Cookie: {jar.header()}")

    async def _go() -> tuple[int, dict[str, list[str]]]:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(("\r\n".join(request) + "\r\n\r\n").encode("latin-1"))
            await writer.drain()
            raw = b""
            while len(raw) < 200_000_000:  # bounded: no page is near this
                chunk = await reader.read(65536)
                if not chunk:
                    break
                raw += chunk
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        counter.n += len(raw)
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            raise RuntimeError(f"bad HTTP response to GET {path}: {lines[0][:80]!r}") from None
        headers: dict[str, list[str]] = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers.setdefault(k.strip().lower(), []).append(v.strip())
        jar.update(headers.get("set-cookie", []))
        return status, headers

    return await asyncio.wait_for(_go(), timeout)


def _rerun_msg(
    query_string: str,
    page_name: str,
    page_script_hash: str,
    url: str,
    widget_states: list[Any] | None = None,
) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    rs = msg.rerun_script
    rs.query_string = query_string
    rs.page_name = page_name
    rs.page_script_hash = page_script_hash
    rs.context_info.timezone = "UTC"
    rs.context_info.timezone_offset = 0
    rs.context_info.locale = "en-US"
    rs.context_info.url = url
    rs.context_info.is_embedded = False
    rs.context_info.color_scheme = "light"
    for ws in widget_states or []:
        rs.widget_states.widgets.append(ws)
    return msg.SerializeToString()


@dataclass
class _RunState:
    page_script_hash: str = ""
    query_string: str = ""
    session_id: str = ""
    widgets: list[tuple[str, Any]] = field(default_factory=list)  # (kind, proto) in draw order
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False


async def _read_run(ws: Any, state: _RunState, deadline: float) -> int:
    """Read ForwardMsgs until a run finishes (not early for a rerun); returns messages read."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    n = 0
    while n < MAX_MESSAGES_PER_RUN:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no script_finished before the timeout")
        data = await asyncio.wait_for(ws.recv(), remaining)
        n += 1
        if isinstance(data, str):
            raise RuntimeError("text frame from the server")
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            ns = msg.new_session
            state.session_id = ns.initialize.session_id or state.session_id
            if ns.page_script_hash:
                state.page_script_hash = ns.page_script_hash
        elif kind == "navigation":
            if msg.navigation.page_script_hash:
                state.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            state.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            state.page_not_found = True
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            if etype == "exception":
                state.exceptions.append(element.exception.message[:200])
            elif etype in ("selectbox", "radio") and list(msg.metadata.delta_path)[:1] != [1]:
                # a control in the main area (delta path 0), not the sidebar's (1)
                state.widgets.append((etype, getattr(element, etype)))
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RuntimeError("script compile error")
            return n
    raise RuntimeError(f"more than {MAX_MESSAGES_PER_RUN} messages in one run")


def _widget_change(widgets: list[tuple[str, Any]]) -> tuple[str, Any | None]:
    """The first enabled selectbox/radio outside a form, set to its next option."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    for kind, w in widgets:
        options = list(w.options)
        if w.disabled or w.form_id or len(options) < 2 or not w.id:
            continue
        if w.HasField("raw_value") and w.raw_value in options:
            current = options.index(w.raw_value)
        elif w.HasField("default"):
            current = int(w.default)
        else:
            current = 0
        state = WidgetState(id=w.id, string_value=options[(current + 1) % len(options)])
        return f"{kind}:{w.label[:40]}", state
    return "rerun", None


def connect_stream(ws_url: str, jar: _CookieJar, deadline: float, **options: Any) -> Any:
    """The app's websocket as a browser opens it, for `async with`: the page's cookies, the
    streamlit subprotocol, no Origin, no size limit, no pings, opened before `deadline`
    (time.monotonic()); `options` go to websockets' connect()."""
    from websockets.asyncio.client import connect

    subprotocols: list[Any] = ["streamlit"]
    return connect(
        ws_url,
        additional_headers={"Cookie": jar.header()} if jar.cookies else {},
        subprotocols=subprotocols,
        origin=None,
        user_agent_header=USER_AGENT,
        max_size=None,
        open_timeout=max(0.1, deadline - time.monotonic()),
        close_timeout=5,
        ping_interval=None,
        **options,
    )


async def run_session(
    base: str, page: str, *, query: str = "", timeout: float = 120.0, change: bool = True
) -> SessionResult:
    """One browser-like session on `page` (a key of PAGES); never raises, errors are recorded."""
    from websockets.asyncio.client import ClientConnection

    result = SessionResult(page=page)
    counter = _Counter()
    jar = _CookieJar()
    path = PAGES[page]
    qs = query.lstrip("?")
    page_url = f"{base.rstrip('/')}/{path}" + (f"?{qs}" if qs else "")
    ws_url = "ws" + base.rstrip("/")[4:] + "/_stcore/stream"

    class CountingConnection(ClientConnection):
        def data_received(self, data: bytes) -> None:
            counter.n += len(data)
            super().data_received(data)

    t0 = time.monotonic()
    deadline = t0 + timeout
    try:
        for p in (f"/{path}" + (f"?{qs}" if qs else ""), "/_stcore/health", "/_stcore/host-config"):
            status, headers = await http_get(
                base, p, jar, counter, max(0.1, deadline - time.monotonic())
            )
            result.http_upstreams.extend(headers.get("x-upstream", []))
            if status != 200:
                raise RuntimeError(f"GET {p}: HTTP {status}")
        async with connect_stream(
            ws_url, jar, deadline, create_connection=CountingConnection
        ) as ws:
            if ws.response is not None:
                result.ws_upstream = ws.response.headers.get("X-Upstream", "")
            state = _RunState(query_string=qs)
            await ws.send(_rerun_msg(qs, path, "", page_url))
            result.messages += await _read_run(ws, state, deadline)
            result.load_s = time.monotonic() - t0
            result.page_script_hash = state.page_script_hash
            result.session_id = state.session_id
            if state.page_not_found:
                raise RuntimeError("page not found")
            if state.exceptions:
                raise RuntimeError(f"page raised: {state.exceptions[0]}")
            if change:
                result.widget, widget_state = _widget_change(state.widgets)
                state.widgets, t1 = [], time.monotonic()
                await ws.send(
                    _rerun_msg(
                        state.query_string,
                        "",
                        state.page_script_hash,
                        page_url,
                        [widget_state] if widget_state is not None else None,
                    )
                )
                result.messages += await _read_run(ws, state, time.monotonic() + timeout)
                result.rerun_s = time.monotonic() - t1
                if state.exceptions:
                    raise RuntimeError(f"rerun raised: {state.exceptions[0]}")
        result.ok = True
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    result.bytes_received = counter.n
    return result


# ---------------------------------------------------------------------------------------------
# server process and its memory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants (at most 10,000)."""
    kids = _children()
    seen: set[int] = set()
    todo = list(pids)
    while todo and len(seen) < 10_000:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(kids.get(pid, []))
    return sorted(seen)


def tree_rss_bytes(pids: list[int]) -> int:
    """VmRSS summed over the processes and all their descendants (0 for none alive)."""
    total = 0
    for pid in _tree(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def tree_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes and their live descendants (/proc)."""
    total = 0
    for pid in _tree(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class StartedServer:
    """`streamlit run app.py` from the repository's venv on a free loopback port."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / "streamlit.log"
        streamlit = ROOT / ".venv" / "bin" / "streamlit"
        cmd = [str(streamlit)] if streamlit.exists() else [sys.executable, "-m", "streamlit"]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [*cmd, "run", "app.py", "--server.address", "127.0.0.1",
                 "--server.port", str(self.port), "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"streamlit did not start on {self.url}; log:\n{tail}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def wait_healthy_url(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}/_stcore/health did not answer within {timeout:.0f} s")
        time.sleep(0.3)


# ---------------------------------------------------------------------------------------------
# rounds and the report


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


@dataclass
class RoundResult:
    page: str
    n: int
    ok: int
    errors: int
    load_p50: float | None
    load_p95: float | None
    load_max: float | None
    rerun_p50: float | None
    rerun_p95: float | None
    rerun_max: float | None
    wall_s: float
    sessions_per_s: float
    client_cpu_s: float  # CPU time of this load generator during the round (same machine)
    server_cpu_s: float | None  # CPU time of the server's process tree during the round
    kib_per_session: float
    rss_before_mib: float | None
    rss_peak_mib: float | None
    backends: dict[str, int]
    widget: str
    error_samples: list[str]


async def run_round(
    base: str,
    page: str,
    n: int,
    *,
    query: str,
    timeout: float,
    pids: list[int],
    ramp: float = 0.0,
) -> tuple[RoundResult, list[SessionResult]]:
    rss_before = tree_rss_bytes(pids) if pids else 0
    peak = rss_before
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(pids))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.25)

    async def one(i: int) -> SessionResult:
        if ramp > 0 and n > 1:
            await asyncio.sleep(ramp * i / (n - 1))
        return await run_session(base, page, query=query, timeout=timeout)

    sampler = asyncio.create_task(sample()) if pids else None
    server0 = tree_cpu_seconds(pids) if pids else 0.0
    t0, cpu0 = time.monotonic(), time.process_time()
    results = await asyncio.gather(*(one(i) for i in range(n)))
    wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
    server_cpu = tree_cpu_seconds(pids) - server0 if pids else None
    done.set()
    if sampler is not None:
        await sampler
    loads = [r.load_s for r in results if r.ok and r.load_s is not None]
    reruns = [r.rerun_s for r in results if r.ok and r.rerun_s is not None]
    ok = sum(r.ok for r in results)
    backends: dict[str, int] = {}
    for r in results:
        if r.ws_upstream:
            backends[r.ws_upstream] = backends.get(r.ws_upstream, 0) + 1
    mib = 1024 * 1024
    summary = RoundResult(
        page=page,
        n=n,
        ok=ok,
        errors=n - ok,
        load_p50=_pct(loads, 50),
        load_p95=_pct(loads, 95),
        load_max=max(loads) if loads else None,
        rerun_p50=_pct(reruns, 50),
        rerun_p95=_pct(reruns, 95),
        rerun_max=max(reruns) if reruns else None,
        wall_s=wall,
        sessions_per_s=ok / wall if wall > 0 else 0.0,
        client_cpu_s=cpu,
        server_cpu_s=server_cpu,
        kib_per_session=sum(r.bytes_received for r in results) / n / 1024,
        rss_before_mib=rss_before / mib if pids else None,
        rss_peak_mib=peak / mib if pids else None,
        backends=backends,
        widget=next((r.widget for r in results if r.widget), ""),
        error_samples=sorted({r.error for r in results if r.error})[:3],
    )
    return summary, list(results)


def _f(v: float | None, digits: int = 2) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def markdown(rounds: list[RoundResult], meta: dict[str, Any]) -> str:
    lines = [
        f"Load test: {meta['target']} ({meta['server']}), {meta['cores']} cores, "
        f"streamlit {meta['streamlit']}; times in seconds.",
        "",
        "| page | N | ok | errors | load p50 | load p95 | load max | rerun p50 | rerun p95 "
        "| rerun max | sessions/s | KiB/session | RSS before MiB | RSS peak MiB "
        "| server CPU s | client CPU s | backends |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rounds:
        backends = ", ".join(f"{k}: {v}" for k, v in sorted(r.backends.items())) or "-"
        lines.append(
            f"| {r.page} | {r.n} | {r.ok} | {r.errors} | {_f(r.load_p50)} | {_f(r.load_p95)} "
            f"| {_f(r.load_max)} | {_f(r.rerun_p50)} | {_f(r.rerun_p95)} | {_f(r.rerun_max)} "
            f"| {_f(r.sessions_per_s)} | {r.kib_per_session:.0f} | {_f(r.rss_before_mib, 0)} "
            f"| {_f(r.rss_peak_mib, 0)} | {_f(r.server_cpu_s, 1)} | {r.client_cpu_s:.1f} "
            f"| {backends} |"
        )
    widgets = sorted({f"{r.page}: {r.widget}" for r in rounds if r.widget})
    if widgets:
        lines += ["", "Widget changed for the rerun: " + "; ".join(widgets) + "."]
    errs = [f"{r.page} N={r.n}: {e}" for r in rounds for e in r.error_samples]
    if errs:
        lines += ["", "Errors (samples):", *[f"- {e}" for e in errs]]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    import streamlit

    global_deadline = time.monotonic() + args.time_limit
    server: StartedServer | None = None
    tmp = tempfile.TemporaryDirectory(prefix="bench-load-")
    pids = list(args.pid or [])
    try:
        if args.url:
            _check_loopback(args.url)
            base = args.url.rstrip("/")
            wait_healthy_url(base, 30)
            server_desc = "given --url"
        else:
            server = StartedServer(Path(tmp.name))
            await asyncio.to_thread(server.wait_healthy)
            base = server.url
            pids.append(server.proc.pid)
            server_desc = "started by bench/load.py"
        meta = {
            "target": base,
            "server": server_desc,
            "cores": os.cpu_count(),
            "streamlit": streamlit.__version__,
            "pages": args.pages,
            "ns": args.n,
            "timeout_s": args.timeout,
            "query": args.query,
        }
        rounds: list[RoundResult] = []
        cold: dict[str, float | None] = {}
        for page in args.pages:
            if args.warmup:
                # the first run of a page in a process fills its caches: measured apart
                w = await run_session(base, page, query=args.query, timeout=args.timeout)
                cold[page] = w.load_s
                if not w.ok:
                    print(f"warm-up of {page} failed: {w.error}", file=sys.stderr)
            for n in args.n:
                if time.monotonic() + args.timeout > global_deadline:
                    print(f"time limit: skipping {page} N={n} and after", file=sys.stderr)
                    break
                summary, _ = await run_round(
                    base, page, n, query=args.query, timeout=args.timeout, pids=pids,
                    ramp=args.ramp,
                )  # fmt: skip
                rounds.append(summary)
                print(
                    f"  {page} N={n}: {summary.ok}/{n} ok, load p50 "
                    f"{_f(summary.load_p50)} s, {summary.sessions_per_s:.2f} sessions/s",
                    file=sys.stderr,
                )
                await asyncio.sleep(args.pause)
        meta["cold_load_s"] = cold
        if args.json:
            out = json.dumps({"meta": meta, "rounds": [asdict(r) for r in rounds]}, indent=2)
            if args.json == "-":
                print(out)
            else:
                Path(args.json).write_text(out + "\n")
                print(markdown(rounds, meta))
        else:
            print(markdown(rounds, meta))
            if cold:
                print(
                    "\nCold first load per page (one session, fresh caches): "
                    + ", ".join(f"{p} {_f(v)} s" for p, v in cold.items())
                )
        return 1 if any(r.errors for r in rounds) else 0
    finally:
        if server is not None:
            server.stop()
        tmp.cleanup()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--url", help="a running server or cluster (loopback), e.g. http://127.0.0.1:8080"
    )
    p.add_argument(
        "--pid", type=int, action="append",
        help="process whose tree's memory to report (with --url; repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--pages", default="map",
        help=f"comma-separated pages from {', '.join(PAGES)} (or 'all'); default map",
    )  # fmt: skip
    p.add_argument("--n", default=",".join(map(str, DEFAULT_NS)), help="session counts, e.g. 1,10")
    p.add_argument("--query", default="", help="query string sent with every page, e.g. year=2023")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per session step")
    p.add_argument("--time-limit", type=float, default=1800.0, help="seconds for the whole run")
    p.add_argument("--ramp", type=float, default=0.0, help="spread a round's starts over S s")
    p.add_argument("--pause", type=float, default=1.0, help="seconds between rounds")
    p.add_argument("--no-warmup", dest="warmup", action="store_false", help="skip the warm-up")
    p.add_argument(
        "--json", nargs="?", const="-", default=None,
        help="print JSON (or write it to FILE and print the table)",
    )  # fmt: skip
    args = p.parse_args(argv)
    args.pages = list(PAGES) if args.pages == "all" else [x for x in args.pages.split(",") if x]
    unknown = [x for x in args.pages if x not in PAGES]
    if unknown:
        p.error(f"unknown page(s) {unknown}; choose from {list(PAGES)}")
    try:
        args.n = [int(x) for x in args.n.split(",") if x]
    except ValueError:
        p.error("--n takes comma-separated integers")
    if not args.n or any(n < 1 or n > 200 for n in args.n):
        p.error("--n: each count between 1 and 200")
    if not 1 <= args.timeout <= 600 or not 1 <= args.time_limit <= 7200:
        p.error("--timeout in 1..600 s and --time-limit in 1..7200 s")
    return args


def run_bounded(main: Coroutine[Any, Any, T], limit_s: float) -> T:
    """Runs `main` for at most limit_s seconds, on uvloop where installed; SIGTERM stops it as
    Ctrl-C does (KeyboardInterrupt)."""

    def _term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    run = asyncio.wait_for(main, limit_s)
    # uvloop where installed (as the server uses it): the generator shares the machine's cores
    # with the servers it measures, so the less CPU it takes the truer the figures.
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run)
    return uvloop.run(run)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run_bounded(main_async(args), args.time_limit + START_TIMEOUT + 60)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
