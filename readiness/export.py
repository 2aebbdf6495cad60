"""Plotly figure -> PNG bytes, offline: kaleido with Debian chromium, local topojson, no MathJax.

One export starts a chromium (about 2-3 s). `image_server()` keeps one chromium open for a batch
(about 0.2 s per bar chart, 0.6 s per 50m map), and identical figures are rendered only once
per server session (a batch of country reports shares its region maps).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import warnings
from collections.abc import Iterator
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


def _kaleido_options() -> dict[str, Any]:
    return {"mathjax": False}


@contextlib.contextmanager
def image_server() -> Iterator[None]:
    """Keep one chromium open for every export inside the block (nested blocks share it)."""
    global _cache
    import kaleido

    os.environ.setdefault("BROWSER_PATH", browser_path())
    if _cache is not None:  # already inside an image_server(): reuse it
        yield
        return
    kaleido.start_sync_server(**_kaleido_options(), silence_warnings=True)
    _cache = {}
    try:
        yield
    finally:
        _cache = None
        kaleido.stop_sync_server(silence_warnings=True)


def figure_png(fig: Any, width: int = 900, height: int = 500, scale: float = 1.5) -> bytes:
    """Render a plotly Figure to PNG bytes offline; ReadinessError when no image can be made."""
    import kaleido

    os.environ.setdefault("BROWSER_PATH", browser_path())
    opts = {"format": "png", "width": int(width), "height": int(height), "scale": float(scale)}
    key = ""
    if _cache is not None:
        key = hashlib.sha1((fig.to_json() + repr(sorted(opts.items()))).encode("utf-8")).hexdigest()
        hit = _cache.get(key)
        if hit is not None:
            return hit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if _cache is not None:
                png = kaleido.calc_fig_sync(fig, opts=opts, topojson=topojson_url())
            else:
                png = kaleido.calc_fig_sync(
                    fig, opts=opts, topojson=topojson_url(), kopts=_kaleido_options()
                )
    except Exception as exc:  # kaleido and choreographer raise many kinds
        raise ReadinessError(
            f"could not render a chart image with {os.environ.get('BROWSER_PATH')}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(png, bytes | bytearray) or not bytes(png).startswith(b"\x89PNG"):
        raise ReadinessError("the chart renderer returned no PNG image")
    png = bytes(png)
    if _cache is not None:
        _cache[key] = png
    return png


__all__ = ["browser_path", "configure_plotly", "figure_png", "image_server", "topojson_url"]
