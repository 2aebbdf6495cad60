"""Benchmark of the map in a real browser: time from navigation to the map's shapes drawn.

Run: `.venv/bin/python bench/browser.py [--runs N] [--path PATH] [--url URL]` from the
repository root; `--url` times a running server or cluster (loopback only, e.g. the nginx of
`scripts/serve-cluster`, which serves Streamlit's bundle from its cache) instead of starting one.

Starts `streamlit run app.py` on a free 127.0.0.1 port and Debian chromium (Playwright, never
`playwright install`), loads the map once to warm the server's caches, then opens the map in N
fresh browser contexts (empty browser cache each, like a new participant) and prints, per run and
as the median: the time from navigation start to the map's shapes drawn (a MutationObserver in
the page notes `performance.now()` when 180 of the world's shapes are in the document: the Vega
map's `g.mark-shape path`, or Plotly's `path.choroplethlocation`), the websocket messages the
browser sent (each rerun request is one), the bytes it received over the websocket and over
HTTP, and which topojson it fetched. Target: <= 2 s.
Also prints the time of a request on a kept-alive connection (a page fetches some sixty scripts
over six), which Nagle's algorithm on the server's sockets would hold for 40 ms each
(dashboard/network.py).
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 2.0
SHAPES = 180
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
# The world's shapes, as Vega (the dashboard's map) or Plotly (any other map) draws them.
SHAPES_DRAWN = ".vega-embed g.mark-shape path, path.choroplethlocation"
# Runs before any page script: notes when the map's shapes are in the document.
WATCH_MAP = f"""
(() => {{
  const SHAPES_DRAWN = "{SHAPES_DRAWN}";
  const seen = () => {{
    if (window.__mapDrawn) return;
    if (document.querySelectorAll(SHAPES_DRAWN).length >= {SHAPES}) {{
      window.__mapDrawn = performance.now();
    }}
  }};
  new MutationObserver(seen).observe(document, {{childList: true, subtree: true}});
}})();
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("streamlit did not start")


def time_to_map(browser: object, url: str, timeout_ms: int = 60_000) -> dict:
    """One fresh context: navigation to shapes drawn, messages sent, bytes received."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})  # type: ignore[attr-defined]
    page = context.new_page()
    seen = {"sent": 0, "ws": 0, "http": 0, "topojson": []}

    def on_ws(ws: object) -> None:
        ws.on("framesent", lambda _f: seen.__setitem__("sent", seen["sent"] + 1))  # type: ignore[attr-defined]
        ws.on("framereceived", lambda f: seen.__setitem__("ws", seen["ws"] + len(f)))  # type: ignore[attr-defined]

    def on_response(response: object) -> None:
        if "topojson" in response.url:  # type: ignore[attr-defined]
            seen["topojson"].append(response.url.rsplit("/", 1)[-1])  # type: ignore[attr-defined]
        try:
            size = response.request.sizes()["responseBodySize"]  # type: ignore[attr-defined]
        except Exception:
            size = 0
        seen["http"] += max(size, 0)

    page.on("websocket", on_ws)
    page.on("response", on_response)
    page.add_init_script(WATCH_MAP)
    page.goto(url)
    page.wait_for_function("() => window.__mapDrawn !== undefined", timeout=timeout_ms)
    drawn_ms = float(page.evaluate("window.__mapDrawn"))
    page.wait_for_timeout(1500)  # let late reruns show up in the counts
    context.close()
    return {"s": drawn_ms / 1000, **seen}


def kept_alive_ms(url: str, requests: int = 7) -> float:
    """Median time of a request for the page's smallest script, after the first, on one
    kept-alive connection."""
    parts = urllib.parse.urlsplit(url)
    with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/", timeout=10) as r:
        scripts = re.findall(r'href="\.?/?(static/js/[^"]+\.js)"', r.read().decode())
    if not scripts:
        return float("nan")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    sizes = {}
    for path in scripts[:20]:
        conn.request("GET", f"/{path}")
        sizes[path] = len(conn.getresponse().read())
    smallest = min(sizes, key=sizes.__getitem__)
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        conn.request("GET", f"/{smallest}")
        conn.getresponse().read()
        times.append(time.perf_counter() - t0)
    conn.close()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh contexts to time (default 5)")
    parser.add_argument("--path", default="", help="page and query, e.g. '?year=2022'")
    parser.add_argument("--url", help="a running server or cluster on 127.0.0.1, e.g. :8080")
    args = parser.parse_args()
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--url must be a loopback address (127.0.0.1)")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("time to map: skipped (no chromium; run scripts/ensure-chromium.sh)")
        return
    from playwright.sync_api import sync_playwright

    if args.url:
        proc, url = None, f"{args.url.rstrip('/')}/{args.path}"
    else:
        port = _free_port()
        proc = start_server(port)
        url = f"http://127.0.0.1:{port}/{args.path}"
    keep_alive_ms = None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
            warm = time_to_map(browser, url, timeout_ms=180_000)
            print(f"time to map, first visit on a cold server: {warm['s']:.2f} s")
            runs = [time_to_map(browser, url) for _ in range(max(1, args.runs))]
            browser.close()
        keep_alive_ms = kept_alive_ms(url)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
    for k, r in enumerate(runs, 1):
        print(
            f"  run {k}: {r['s']:.2f} s; messages sent {r['sent']}; websocket "
            f"{r['ws'] / 1e3:.0f} kB, HTTP {r['http'] / 1e3:.0f} kB; "
            f"topojson {', '.join(r['topojson']) or '(cached)'}"
        )
    median = statistics.median(r["s"] for r in runs)
    ok = "ok" if median <= TARGET_S else "OVER"
    print(f"time to map, warm server (median of {len(runs)}): {median:.2f} s ({ok}, target <= 2 s)")
    if keep_alive_ms is not None:
        print(f"a request on a kept-alive connection: {keep_alive_ms:.1f} ms (median)")


if __name__ == "__main__":
    main()
