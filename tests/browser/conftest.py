"""A live `streamlit run` on a free port and Debian chromium driven by Playwright.

Never runs `playwright install`: the browser is the system's chromium (scripts/ensure-chromium.sh
installs it for `make test`). Every request the page makes is recorded, so a test can assert that
nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest

from readiness.store.errors import DB_ENV_VAR

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
START_TIMEOUT = 90  # seconds for the server to answer its health check on a slow runner


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free local port (its output in `log`); yields the base URL
    once the health check answers, and stops the server on the way out."""
    port = _free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; log:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def serve_with_store(
    tmp_path_factory: pytest.TempPathFactory, name: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path]]:
    """`serve` with a store of its own (an empty SQLite file in a new folder `name`, plus `env`);
    yields the base URL and the folder. Skips when there is no chromium to drive it."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}; run scripts/ensure-chromium.sh")
    folder = tmp_path_factory.mktemp(name)
    env = {**os.environ, DB_ENV_VAR: f"sqlite:///{folder / f'{name}.sqlite3'}", **(env or {})}
    with serve(folder / "server.log", env) as base:
        yield base, folder


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the dashboard served by `streamlit run app.py` on a free local port."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}; run scripts/ensure-chromium.sh")
    with serve(tmp_path_factory.mktemp("streamlit") / "server.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One chromium for the whole session. Playwright's sync API owns this thread's event loop
    while it runs, so a second `sync_playwright()` in the same thread fails: every test opens
    contexts of this one (`visiting`), and code that needs its own runs in a thread of its own
    (tests/deploy/test_cluster.py)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}; run scripts/ensure-chromium.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@dataclass
class Visit:
    """A fresh browser context on the dashboard, with every request URL it made."""

    page: object
    base: str
    requests: list[str] = field(default_factory=list)
    # The world map's shapes as the browser's Vega draws them (SVG paths of its geoshape marks),
    # and how many make a world (every economy with a 110m shape, and other land).
    MAP_SHAPES: ClassVar[str] = ".vega-embed g.mark-shape path"
    WORLD: ClassVar[int] = 180

    def open(self, path: str = "") -> None:
        self.page.goto(f"{self.base}/{path}")  # type: ignore[attr-defined]
        self.wait_idle()

    def wait_idle(self, timeout: float = 90_000) -> None:
        """Wait until the page's script has run to its end (the footer is drawn last)."""
        self.page.get_by_text("Sources and citations").wait_for(timeout=timeout)  # type: ignore[attr-defined]

    def wait_map(self, timeout: float = 60_000) -> int:
        """Wait until the world map's shapes are drawn; returns how many there are."""
        self.page.wait_for_function(  # type: ignore[attr-defined]
            f"() => document.querySelectorAll('{self.MAP_SHAPES}').length >= {self.WORLD}",
            timeout=timeout,
        )
        return int(self.page.locator(self.MAP_SHAPES).count())  # type: ignore[attr-defined]

    def external(self) -> list[str]:
        return [
            u for u in self.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))
        ]

    def shoot_clean(self, shot: Path, height: int) -> None:
        """No exception on the page; a screenshot of it in `shot` (Streamlit scrolls inside the
        page: a window `height` pixels tall shows it in one image); nothing left 127.0.0.1."""
        page: Any = self.page
        assert page.locator("[data-testid=stException]").count() == 0
        page.set_viewport_size({"width": 1400, "height": height})
        page.locator("h1").first.scroll_into_view_if_needed()
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        assert not self.external(), self.external()


@contextmanager
def visiting(browser: Any, base: str, timeout: float = 60_000) -> Iterator[Visit]:
    """A Visit of `base` in a fresh context of the session's chromium (`browser`)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.set_default_timeout(timeout)
    v = Visit(page, base)
    page.on("request", lambda r: v.requests.append(r.url))
    try:
        yield v
    finally:
        context.close()


@pytest.fixture
def visit(browser: object, server: str) -> Iterator[Visit]:
    with visiting(browser, server) as v:
        yield v
