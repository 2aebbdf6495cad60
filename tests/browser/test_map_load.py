"""Opening the map: one script run, the figure sent once, light shapes, no Plotly; the time to
map is noted.

The time from navigation to the shapes drawn is printed (and recorded as a property of the
test), never asserted: bench/browser.py prints it against its target.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WATCH_MAP = """
(() => {
  new MutationObserver(() => {
    if (!window.__mapDrawn && document.querySelectorAll('%(shapes)s').length >= %(world)d) {
      window.__mapDrawn = performance.now();
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""


def test_the_map_loads_in_one_run_and_sends_its_figure_once(visit, record_property):
    page = visit.page
    sent: list[int] = []
    figures: list[int] = []

    def on_ws(ws) -> None:
        ws.on("framesent", lambda frame: sent.append(len(frame)))
        ws.on(
            "framereceived",
            lambda frame: figures.append(
                (frame if isinstance(frame, bytes) else frame.encode()).count(b'"naturalEarth1"')
            ),
        )

    page.on("websocket", on_ws)
    page.add_init_script(WATCH_MAP % {"shapes": visit.MAP_SHAPES, "world": visit.WORLD})
    visit.open("")
    page.wait_for_function("() => window.__mapDrawn !== undefined", timeout=60_000)
    page.wait_for_timeout(1500)  # a second run, if any, would show up by now
    seconds = float(page.evaluate("window.__mapDrawn")) / 1000
    record_property("time_to_map_s", round(seconds, 2))
    print(f"time to map: {seconds:.2f} s")

    assert len(sent) == 1  # one rerun request: the link's state is restored in the same run
    assert sum(figures) == 1  # the map's spec (its one projection), sent once
    assert not [u for u in visit.requests if "PlotlyChart" in u]  # no Plotly to draw the map
    topojson = [u for u in visit.requests if "/topojson/" in u]
    assert topojson and all(u.endswith("world_110m.json") for u in topojson)
    assert not visit.external(), visit.external()


def test_a_link_with_state_loads_in_one_run(visit):
    page = visit.page
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(len(frame))))
    visit.open("?indicator=internet_use&year=2022&group=SIDS")
    visit.wait_map()
    page.wait_for_timeout(1500)
    assert len(sent) == 1
    assert "2022" in (page.locator(".vega-embed .role-title").first.text_content() or "")


def test_the_map_table_appears_when_its_tab_is_opened(visit):
    page = visit.page
    visit.open("")
    visit.wait_map()
    assert page.locator("[data-testid=stDataFrame]").count() == 0
    page.get_by_role("tab", name="Table").first.click()
    page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=60_000)
    assert page.locator(visit.MAP_SHAPES).count() >= visit.WORLD  # the map stays drawn


def test_the_map_downloads_as_a_png_for_slides(visit):
    """The image button draws Plotly's figure of the map with chromium on the click; the file
    the browser saves is a real PNG of the slide size."""
    from PIL import Image

    page = visit.page
    visit.open("")
    visit.wait_map()
    with page.expect_download(timeout=120_000) as caught:
        page.get_by_role("button", name="Image (PNG)").click()
    download = caught.value
    assert download.suggested_filename == "map-index-2025.png"
    with Image.open(download.path()) as image:
        image.load()
    assert image.format == "PNG" and image.size == (2800, 1400)
    # Drawn, not blank: a world map has many colours.
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50
    assert not visit.external(), visit.external()
