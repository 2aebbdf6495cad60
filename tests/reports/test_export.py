"""Offline chart export: PNGs from kaleido with Debian chromium and the local topojson."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from readiness.errors import ReadinessError
from readiness.reports import export

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="chart images need Debian chromium (make browser)",
)


@pytest.fixture(autouse=True)
def _no_warm_browser():
    """Each test starts without a browser held warm by an earlier test (dashboard reports)."""
    export.release_warm()
    yield
    export.release_warm()


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
    rendered = []
    real = export._render

    def counting(jobs):
        rendered.extend(jobs)
        return real(jobs)

    monkeypatch.setattr(export, "_render", counting)
    fig = go.Figure(go.Bar(x=["a", "b"], y=[3, 1]))
    with export.image_server():
        renderer = export._renderer
        first = export.figure_png(fig, 300, 200, 1)
        with export.image_server():  # nested: the same server and cache
            assert export._renderer is renderer
            second = export.figure_png(fig, 300, 200, 1)
        other = export.figure_png(go.Figure(go.Bar(x=["a", "b"], y=[1, 3])), 300, 200, 1)
    assert len(rendered) == 2
    assert first == second and other != first
    assert export._cache is None and export._renderer is None  # closed with the outer block
    assert not renderer.browser._thread.is_alive()


def test_a_batch_renders_side_by_side_in_order():
    figs = [
        go.Figure(go.Bar(x=["a", "b"], y=[v, v], marker_color=c), {"margin": {"t": 10, "b": 10}})
        for v, c in ((1, "#ff0000"), (2, "#00ff00"), (3, "#0000ff"))
    ]
    with export.image_server(tabs=2):
        pngs = export.figure_pngs([(f, 300, 300) for f in figs], scale=1)
    for png, channel in zip(pngs, (0, 1, 2), strict=True):
        pixels = _pixels(png).reshape(-1, 3)
        spread = pixels.max(axis=1) - pixels.min(axis=1)
        coloured = pixels[spread > 120]  # the bar, not the white page or grey text
        assert len(coloured) > 300
        assert np.bincount(coloured.argmax(axis=1), minlength=3).argmax() == channel


def test_tabs_are_reused_without_a_reload_and_draw_the_same_bytes(monkeypatch):
    monkeypatch.setattr(export, "RENDERS_PER_RELOAD", 3)
    map_fig = go.Figure(go.Choropleth(locations=["KEN", "TZA"], z=[1, 2], locationmode="ISO-3"))
    map_fig.update_geos(resolution=50, fitbounds="locations")
    figs = [map_fig, *(go.Figure(go.Bar(x=["a", "b"], y=[v, 1])) for v in range(4))]
    fresh = [export.figure_png(f, 300, 200, 1) for f in figs[:2]]  # a browser each
    with export.image_server():
        warm = [export.figure_png(f, 300, 200, 1) for f in (*figs, map_fig)]
        kaleido = export._renderer.browser._kaleido if export._renderer else None
        assert kaleido is not None and kaleido._renders == len(figs)  # the repeat was cached
    assert warm[:2] == fresh  # byte for byte what a browser of its own draws


def test_a_batchs_server_reloads_its_tab_as_often_as_it_is_told(monkeypatch):
    """image_server(reload_every=N) reloads the page after every N figures (a batch: rarely);
    without it, every RENDERS_PER_RELOAD (a dashboard's long-lived browser)."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    reloads = []
    real_reload = _KaleidoTab.reload

    async def counted(self):
        reloads.append(1)
        return await real_reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    monkeypatch.setattr(export, "RENDERS_PER_RELOAD", 3)
    figs = [go.Figure(go.Bar(x=["a", "b"], y=[v, 1])) for v in range(5)]
    with export.image_server(reload_every=2):
        batch = [export.figure_png(f, 300, 200, 1) for f in figs]
    assert len(reloads) == 2  # after figures 2 and 4
    reloads.clear()
    with export.image_server():
        default = [export.figure_png(f, 300, 200, 1) for f in figs]
    assert len(reloads) == 1  # after figure 3
    assert batch == default  # a reload does not change what is drawn


def test_keep_warm_holds_one_browser_until_it_cools():
    export.keep_warm(60)
    renderer = export._renderer
    assert renderer is not None
    with export.image_server():
        assert export._renderer is renderer
        assert export.figure_png(go.Figure(go.Bar(x=["a"], y=[1])), 200, 100, 1)
    assert export._renderer is renderer  # held after the report
    export.keep_warm(0.3)  # extended (shortened here): still the same browser
    assert export._renderer is renderer
    deadline = time.monotonic() + 30
    while (export._renderer or renderer.browser._thread.is_alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert export._renderer is None and not renderer.browser._thread.is_alive()
    export.keep_warm(60)
    export.release_warm()
    assert export._renderer is None


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


def test_image_servers_in_two_threads_share_one_browser_until_both_end():
    import threading

    figs = [go.Figure(go.Bar(x=["a", "b"], y=[k, 1])) for k in range(6)]
    results: dict[int, list[bytes]] = {}
    errors: list[BaseException] = []
    started = threading.Barrier(2)

    def session(k: int) -> None:
        try:
            with export.image_server():
                started.wait(timeout=60)
                # The first thread to finish must not close the browser under the other.
                results[k] = [export.figure_png(f, 200, 150, 1) for f in figs[k::2]]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not errors
    assert all(len(v) == 3 and all(p.startswith(b"\x89PNG") for p in v) for v in results.values())
    assert export._renderer is None and export._users == 0


def _bar() -> go.Figure:
    return go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2]))


def test_a_browser_that_never_starts_is_replaced_and_the_chart_still_drawn(monkeypatch):
    """Under load chromium once left kaleido waiting for ever for a tab to load: a batch hung."""
    opened = export._Browser._open
    calls = []

    async def first_start_hangs(self, tabs):
        calls.append(tabs)
        if len(calls) == 1:
            await export.asyncio.sleep(3600)
        await opened(self, tabs)

    monkeypatch.setattr(export, "START_TIMEOUT", 3.0)
    monkeypatch.setattr(export._Browser, "_open", first_start_hangs)
    started = time.monotonic()
    with export.image_server():
        png = export.figure_png(_bar(), 300, 200, scale=1)
        assert export._renderer is not None and export._renderer.restarts == 1
    assert png.startswith(b"\x89PNG") and len(calls) == 2
    assert time.monotonic() - started < 40


def test_a_browser_that_stops_answering_is_replaced(monkeypatch):
    monkeypatch.setattr(export, "START_TIMEOUT", 2.0)  # the stuck browser is noticed in 6 s
    monkeypatch.setattr(export, "FIGURE_TIMEOUT", 2.0)
    replace = export._Renderer._replace

    def with_room(self, stuck):
        # Its replacement gets the default room to start and draw: with 2 s, a slow runner's
        # fresh chromium was still starting (one CI run failed so).
        monkeypatch.setattr(export, "START_TIMEOUT", 30.0)
        monkeypatch.setattr(export, "FIGURE_TIMEOUT", 30.0)
        replace(self, stuck)

    monkeypatch.setattr(export._Renderer, "_replace", with_room)
    with export.image_server():
        renderer = export._renderer
        assert renderer is not None
        first = renderer.browser
        first._opened.result(30)

        async def no_answer(*args, **kwargs):
            await export.asyncio.sleep(3600)

        first._kaleido.calc_fig = no_answer
        pngs = export.figure_pngs([(_bar(), 300, 200), (_bar(), 200, 100)], scale=1)
        assert renderer.browser is not first and renderer.restarts == 1
        assert not first._thread.is_alive()  # the stuck browser's loop is stopped
    assert [Image.open(io.BytesIO(p)).size for p in pngs] == [(300, 200), (200, 100)]


def test_a_browser_that_never_answers_gives_a_clear_error(monkeypatch):
    async def never(self, tabs):
        await export.asyncio.sleep(3600)

    monkeypatch.setattr(export, "START_TIMEOUT", 1.0)
    monkeypatch.setattr(export._Browser, "_open", never)
    with export.image_server(), pytest.raises(ReadinessError, match="chromium did not draw"):
        export.figure_png(_bar(), 300, 200, scale=1)
