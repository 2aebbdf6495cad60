"""Offline chart export: PNGs from kaleido with Debian chromium and the local topojson."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from readiness import export
from readiness.errors import ReadinessError

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="chart images need Debian chromium (make browser)",
)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def test_topojson_url_points_at_the_local_files():
    url = export.topojson_url()
    assert url.startswith("file://") and url.endswith("/")
    assert (export.TOPOJSON_DIR / "world_50m.json").exists()


def test_a_map_is_drawn_offline_at_the_requested_size():
    fig = go.Figure(
        go.Choropleth(
            locations=["KEN", "TZA", "UGA"],
            z=[10, 50, 90],
            locationmode="ISO-3",
            colorscale=[[0, "#ff0000"], [1, "#0000ff"]],
            showscale=False,
        )
    )
    fig.update_geos(resolution=50, fitbounds="locations", visible=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    png = export.figure_png(fig, width=400, height=300, scale=1)
    assert png.startswith(b"\x89PNG")
    pixels = _pixels(png)
    assert pixels.shape == (300, 400, 3)
    # Without the topojson only the background would be drawn: the countries' fills must show.
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    blue = (pixels[..., 2] > 200) & (pixels[..., 0] < 80) & (pixels[..., 1] < 80)
    assert red.mean() > 0.01 and blue.mean() > 0.005


def test_scale_multiplies_the_pixels():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    assert _pixels(export.figure_png(fig, 200, 100, scale=2)).shape == (200, 400, 3)


def test_the_image_server_renders_identical_figures_once(monkeypatch):
    import kaleido

    calls = []
    real = kaleido.calc_fig_sync

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(kaleido, "calc_fig_sync", counting)
    fig = go.Figure(go.Bar(x=["a", "b"], y=[3, 1]))
    with export.image_server():
        first = export.figure_png(fig, 300, 200, 1)
        with export.image_server():  # nested: the same server and cache
            second = export.figure_png(fig, 300, 200, 1)
        other = export.figure_png(go.Figure(go.Bar(x=["a", "b"], y=[1, 3])), 300, 200, 1)
    assert len(calls) == 2
    assert first == second and other != first
    assert export._cache is None  # closed with the outermost block
    assert not kaleido._global_server.is_running()


def test_a_missing_browser_path_is_a_readiness_error(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    with pytest.raises(ReadinessError, match="BROWSER_PATH points to /nonexistent/chrome"):
        export.figure_png(go.Figure(go.Bar(x=[1], y=[1])))


def test_no_browser_at_all_says_how_to_install_one(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(export, "CHROMIUM_CANDIDATES", ())
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReadinessError, match="apt-get install -y chromium"):
        export.browser_path()
