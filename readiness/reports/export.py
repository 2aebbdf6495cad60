"""Plotly figure -> PNG bytes, offline: kaleido with Debian chromium, local topojson, no MathJax.

One export starts a chromium (about 2-3 s). `image_server()` keeps one chromium open for a batch
(about 0.05-0.1 s per bar chart or 110m map: its tabs are not reloaded between figures), and
identical figures are rendered only once per server session.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import hashlib
import logging
import os
import shutil
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from readiness.errors import ReadinessError
from readiness.paths import STATIC_DIR

TOPOJSON_DIR = STATIC_DIR / "topojson"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

_cache: dict[str, bytes] | None = None  # set while an image_server() is open


def topojson_url() -> str:
    """The local folder plotly reads its world topojson from (a file:// URL ending in /)."""
    return TOPOJSON_DIR.resolve().as_uri() + "/"


def browser_path() -> str:
    """The chromium kaleido will drive: $BROWSER_PATH, else Debian's; ReadinessError if none."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        if Path(override).exists():
            return override
        raise ReadinessError(f"BROWSER_PATH points to {override}, which does not exist")
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ReadinessError(
        "chart images need a Chromium browser and none was found; install Debian's with "
        "'sudo apt-get install -y chromium' (or set BROWSER_PATH to a Chrome/Chromium binary)"
    )


def configure_plotly() -> None:
    """Point plotly's own image defaults at the local topojson and switch MathJax off."""
    import plotly.io as pio

    pio.defaults.topojson = topojson_url()
    pio.defaults.mathjax = None


# Tabs of the one chromium. A second tab draws figures side by side but costs start-up (each tab
# loads plotly.js, about 1 s of CPU time): the LDC batch, whose reports are built while the
# previous one's charts are drawn, took 24.5 s with one tab and 26.2 s with two (medians of 4).
TABS = 1


# A tab reloads its page (plotly.js, about 4.6 MB of script) only after this many figures: a
# long-lived dashboard's browser. A batch, which closes its browser at the end, reloads far less
# often: with a reload every 64 figures the LDC batch's 180 charts took 26.9 s, without 25.7 s
# (medians of 3).
RENDERS_PER_RELOAD = 64
BATCH_RENDERS_PER_RELOAD = 512


# Chromium under load (a batch scoring data while its writer processes start) has been seen to
# leave kaleido waiting for ever: a tab's page-load event or a reply never arrives. Every wait
# on the browser is therefore bounded; on a timeout the browser is replaced and the figures are
# drawn once more, so a batch is slowed, never stuck.
START_TIMEOUT = 30.0  # seconds for chromium and its tabs to start (3 s when quiet)
FIGURE_TIMEOUT = 30.0  # seconds for one figure, in kaleido (0.05-0.3 s when quiet)
RELOAD_TIMEOUT = 30.0  # seconds for a tab to reload its page
ATTEMPTS = 2  # browsers tried for one list of figures before giving up


@functools.cache
def _kaleido_class() -> type:
    """kaleido.Kaleido, but a tab is reloaded every `reload_every` (RENDERS_PER_RELOAD) figures,
    not after each.

    kaleido reloads a tab's page after every figure, which costs more than drawing a bar chart
    (0.2-0.4 s against 0.05-0.1 s) and makes each map fetch and parse its topojson again.
    Plotly.toImage draws in a detached element it purges, so the page's state does not change
    what a figure looks like (the PNGs are byte for byte the same); the periodic reload bounds
    what a long-lived dashboard's browser accumulates. A reload that does not finish in
    RELOAD_TIMEOUT raises, and the tab is not given back (the renderer then starts afresh).
    """
    import kaleido

    class Kaleido(kaleido.Kaleido):
        _renders = 0
        reload_every: int | None = None

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self._renders += 1
            if self._renders % (self.reload_every or RENDERS_PER_RELOAD) == 0:
                await asyncio.wait_for(tab.reload(), RELOAD_TIMEOUT)
            await self.tabs_ready.put(tab)

    return Kaleido


class _Browser:
    """One chromium (kaleido) with a few tabs, driven from an event loop in its own thread.

    Start-up begins at construction and runs while the caller goes on (scoring, say).
    """

    def __init__(self, tabs: int, reload_every: int | None = None) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="readiness-kaleido"
        )
        self._thread.start()
        self._kaleido: Any = None
        self._reload_every = reload_every
        self._opened = asyncio.run_coroutine_threadsafe(self._open(tabs), self._loop)

    async def _open(self, tabs: int) -> None:
        self._kaleido = _kaleido_class()(n=tabs, mathjax=False, timeout=FIGURE_TIMEOUT)
        self._kaleido.reload_every = self._reload_every
        await self._kaleido.open()

    def render(self, jobs: Sequence[tuple[Any, dict[str, Any]]]) -> list[bytes]:
        """PNGs of the figures, drawn side by side (one per free tab); TimeoutError when the
        browser does not start or does not answer in time."""
        self._opened.result(START_TIMEOUT)

        async def run() -> list[bytes]:
            return list(
                await asyncio.gather(
                    *(
                        self._kaleido.calc_fig(fig, opts=opts, topojson=topojson_url())
                        for fig, opts in jobs
                    )
                )
            )

        # The figures queue for the tabs: each may wait for the ones before it.
        limit = START_TIMEOUT + FIGURE_TIMEOUT * len(jobs)
        done = asyncio.run_coroutine_threadsafe(run(), self._loop)
        try:
            return done.result(limit)
        except concurrent.futures.TimeoutError:
            done.cancel()
            raise

    def close(self, wait: float | None = None) -> None:
        """Close the browser, waiting at most `wait` s (START_TIMEOUT) for each step."""
        wait = START_TIMEOUT if wait is None else wait
        try:
            # Let a start-up still under way finish, so no chromium is left behind.
            with contextlib.suppress(Exception):
                self._opened.result(wait)
            self._opened.cancel()  # a start-up that hangs: give up on it, then close
            if self._kaleido is not None:
                with contextlib.suppress(Exception):
                    closing = self._kaleido.close()
                    asyncio.run_coroutine_threadsafe(closing, self._loop).result(wait)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            if not self._thread.is_alive():
                self._loop.close()


class _Renderer:
    """The process's chromium: a `_Browser`, replaced when it stops answering.

    Several threads (dashboard sessions) may render at once; the first to see a browser time
    out replaces it, the others retry on the replacement.
    """

    def __init__(self, tabs: int = TABS, reload_every: int | None = None) -> None:
        # choreographer logs a traceback for a garbled browser message it then ignores (seen
        # when chromium is busy); a user of the CLI should not see it. Import first: its logging
        # library installs its own logger class, which a plain getLogger would pre-empt.
        import choreographer.channels.pipe

        logging.getLogger(choreographer.channels.pipe.__name__).setLevel(logging.CRITICAL)
        self._tabs, self._reload_every = tabs, reload_every
        self._swap = threading.Lock()
        self.browser = _Browser(tabs, reload_every)
        self.restarts = 0

    def render(self, jobs: Sequence[tuple[Any, dict[str, Any]]]) -> list[bytes]:
        for attempt in range(1, ATTEMPTS + 1):
            browser = self.browser
            try:
                return browser.render(jobs)
            except (TimeoutError, concurrent.futures.CancelledError):
                if attempt == ATTEMPTS:
                    raise ReadinessError(
                        f"chromium did not draw {len(jobs)} chart(s) in time, {ATTEMPTS} times "
                        "with a fresh browser; is the machine short of memory or CPU?"
                    ) from None
                self._replace(browser)
        raise AssertionError("unreachable")

    def _replace(self, stuck: _Browser) -> None:
        """A new browser in place of `stuck` (unless another thread replaced it already)."""
        with self._swap:
            if self.browser is not stuck:
                return
            logging.getLogger(__name__).warning(
                "chromium stopped answering; starting a new one and drawing the charts again"
            )
            self.browser = _Browser(self._tabs, self._reload_every)
            self.restarts += 1
        stuck.close(wait=5.0)

    def close(self) -> None:
        self.browser.close()


_renderer: _Renderer | None = None
_users = 0  # open image_server() blocks, across threads (dashboard sessions share one server)
_lock = threading.Lock()


@contextlib.contextmanager
def image_server(tabs: int = TABS, reload_every: int | None = None) -> Iterator[None]:
    """Keep one chromium open for every export inside the block (its tabs reloaded every
    `reload_every` figures, default RENDERS_PER_RELOAD).

    The browser starts in a background thread at once, so work done inside the block before
    the first export (loading and scoring data) overlaps its start-up. Blocks nest and may run
    in several threads at once (two dashboard sessions): they share one browser, which closes
    when the last block ends.
    """
    global _cache, _renderer, _users
    os.environ.setdefault("BROWSER_PATH", browser_path())
    with _lock:
        if _renderer is None:
            _renderer = _Renderer(tabs, reload_every)
            _cache = {}
        _users += 1
    try:
        yield
    finally:
        closing = None
        with _lock:
            _users -= 1
            if _users == 0:
                closing, _renderer, _cache = _renderer, None, None
        if closing is not None:
            closing.close()


# A long-lived process (the dashboard) keeps its browser this long after the last report.
KEEP_WARM_SECONDS = 600.0
_warm: tuple[contextlib.ExitStack, threading.Timer] | None = None


def keep_warm(seconds: float = KEEP_WARM_SECONDS) -> None:
    """Hold an image server open for `seconds` from now (a later call extends it).

    The dashboard calls it when a report is asked for: the browser then starts while the data
    are scored, and the next report within `seconds` draws its charts in a warm browser
    instead of starting one (2-3 s). The server closes in a timer thread once unused.
    """
    global _warm
    stack = contextlib.ExitStack()
    stack.enter_context(image_server())  # one more user of the open server, or a new one
    timer = threading.Timer(seconds, _cool, args=(stack,))
    timer.daemon = True
    with _lock:
        previous, _warm = _warm, (stack, timer)
    if previous is not None:
        previous[1].cancel()
        previous[0].close()  # the new hold keeps the server open
    else:
        atexit.register(release_warm)  # no browser outlives the process
    timer.start()


def release_warm() -> None:
    """Let go of keep_warm's hold now (the server closes unless a report is being drawn)."""
    global _warm
    with _lock:
        held, _warm = _warm, None
    if held is not None:
        held[1].cancel()
        held[0].close()


def _cool(stack: contextlib.ExitStack) -> None:
    global _warm
    with _lock:
        if _warm is None or _warm[0] is not stack:
            return  # extended meanwhile: that call closed this hold
        _warm = None
    stack.close()


def _options(width: int, height: int, scale: float) -> dict[str, Any]:
    return {"format": "png", "width": int(width), "height": int(height), "scale": float(scale)}


def figure_png(fig: Any, width: int = 900, height: int = 500, scale: float = 1.5) -> bytes:
    """Render a plotly Figure to PNG bytes offline; ReadinessError when no image can be made."""
    return figure_pngs([(fig, width, height)], scale)[0]


def figure_pngs(jobs: Sequence[tuple[Any, int, int]], scale: float = 1.5) -> list[bytes]:
    """Render (figure, width, height) jobs to PNGs, side by side when an image_server is open."""
    os.environ.setdefault("BROWSER_PATH", browser_path())
    todo = [(fig, _options(w, h, scale)) for fig, w, h in jobs]
    keys = [_key(fig, opts) for fig, opts in todo] if _cache is not None else [""] * len(todo)
    out: list[bytes | None] = [_cache.get(k) if _cache is not None else None for k in keys]
    missing = [i for i, png in enumerate(out) if png is None]
    if missing:
        rendered = _render([todo[i] for i in missing])
        for i, png in zip(missing, rendered, strict=True):
            out[i] = png
            if _cache is not None:
                _cache[keys[i]] = png
    return [png for png in out if png is not None]


def kept_png(key: str) -> bytes | None:
    """The image kept under `key` while an image_server is open (None otherwise): a caller
    that can name a chart by what it is drawn from skips building the figure again."""
    return _cache.get(key) if _cache is not None else None


def keep_png(key: str, png: bytes) -> bytes:
    """Keep `png` under `key` while an image_server is open; returns it."""
    if _cache is not None:
        _cache[key] = png
    return png


def _key(fig: Any, opts: dict[str, Any]) -> str:
    text = fig.to_json() + repr(sorted(opts.items()))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _render(jobs: Sequence[tuple[Any, dict[str, Any]]]) -> list[bytes]:
    import kaleido

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if _renderer is not None:
                pngs = _renderer.render(jobs)
            else:
                pngs = [
                    kaleido.calc_fig_sync(
                        fig, opts=opts, topojson=topojson_url(), kopts={"mathjax": False}
                    )
                    for fig, opts in jobs
                ]
    except Exception as exc:  # kaleido and choreographer raise many kinds
        raise ReadinessError(
            f"could not render a chart image with {os.environ.get('BROWSER_PATH')}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    out = []
    for png in pngs:
        if not isinstance(png, bytes | bytearray) or not bytes(png).startswith(b"\x89PNG"):
            raise ReadinessError("the chart renderer returned no PNG image")
        out.append(bytes(png))
    return out


__all__ = [
    "browser_path",
    "configure_plotly",
    "figure_png",
    "figure_pngs",
    "image_server",
    "keep_png",
    "keep_warm",
    "kept_png",
    "release_warm",
    "topojson_url",
]
