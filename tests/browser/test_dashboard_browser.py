"""The dashboard in a real browser: pages load, the map draws offline, state survives a link."""

from __future__ import annotations

import re

import pytest

from readiness.index.engine import score_snapshot

pytestmark = pytest.mark.browser

PAGES = {
    "": "World map",
    "profile": "Country profile",
    "compare": "Compare",
    "gaps": "Developing-country gaps",
    "method": "Method what-if",
    "data": "Data and sources",
    "upload": "Your data",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_without_error_and_offline(visit, path):
    visit.open(path)
    page = visit.page
    assert page.locator("h1").first.inner_text() == PAGES[path]
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert not visit.external(), visit.external()


def test_the_map_draws_every_economy_offline(visit):
    visit.open("")
    assert visit.wait_map() >= 180
    # Every scored economy is drawn: by its shape, or by its marker where it is too small for
    # a 110m shape (economies' shapes are the layer with the most; markers are Vega symbols).
    drawn = visit.page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.vega-embed g.mark-shape')]
                .map(g => g.childElementCount))
            + document.querySelectorAll('.vega-embed g.mark-symbol path').length"""
    )
    scored = int(score_snapshot().index.notna().sum())
    assert drawn >= scored
    assert any("/app/static/topojson/world_110m.json" in u for u in visit.requests)
    assert not visit.external(), visit.external()


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text()


def test_changing_a_weight_changes_the_ranking_shown(visit):
    visit.open("method")
    page = visit.page
    assert _metric(page, "Ranks changed") == "0"
    before = page.locator("[data-testid=stTable]").first.inner_text()
    box = page.get_by_label("Policy, regulation & trust")
    box.fill("4")
    box.press("Enter")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid=stMetric]')]
            .some(m => m.innerText.includes('Ranks changed') &&
                       !/\\n0$/.test(m.innerText.trim()))""",
        timeout=60_000,
    )
    page.wait_for_url(re.compile(r"method=.*POLICY"), timeout=30_000)
    after = page.locator("[data-testid=stTable]").first.inner_text()
    assert int(_metric(page, "Ranks changed")) > 0
    assert after != before
    assert not visit.external(), visit.external()


def test_a_shared_link_reopens_the_same_economy(visit, browser):
    visit.open("profile?economy=NPL")
    page = visit.page
    assert page.locator("h2").first.inner_text() == "Nepal"
    page.get_by_label("Economy", exact=True).first.click()
    page.keyboard.type("Ghana")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"economy=GHA"), timeout=30_000)
    page.locator("h2", has_text="Ghana").first.wait_for()
    link = page.url
    assert "/profile" in link
    other = browser.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(link)
        fresh.locator("h2", has_text="Ghana").first.wait_for(timeout=60_000)
        assert fresh.locator("h2").first.inner_text() == "Ghana"
    finally:
        other.close()


def test_clicking_an_economy_on_the_map_opens_its_profile(visit):
    visit.open("")
    page = visit.page
    visit.wait_map()
    point = _centre_of_a_large_economy(page)
    assert point, "no shape can be clicked at its centre"
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/profile\?.*economy=[A-Z]{3}"), timeout=60_000)
    iso3 = re.search(r"economy=([A-Z]{3})", page.url).group(1)
    names = dict(zip(snapshot_names().index, snapshot_names(), strict=True))
    page.locator("h2", has_text=names[iso3]).first.wait_for(timeout=60_000)


def _centre_of_a_large_economy(page) -> dict | None:
    # A large economy's shape (the layer with the most shapes: not the sea, not land that is no
    # economy) whose centre is on the shape itself (not, say, Canada's Hudson Bay).
    return page.evaluate(
        """() => {
            const layer = [...document.querySelectorAll('.vega-embed g.mark-shape')]
                .sort((a, b) => b.childElementCount - a.childElementCount)[0];
            const shapes = [...layer.querySelectorAll('path')]
                .map(p => [p, p.getBoundingClientRect()])
                .filter(([p, r]) => r.width > 15 && r.height > 15)
                .sort((a, b) => b[1].width * b[1].height - a[1].width * a[1].height);
            for (const [p] of shapes) {
                const box = p.getBBox();
                const centre = new DOMPoint(box.x + box.width / 2, box.y + box.height / 2);
                if (!p.isPointInFill(centre)) continue;
                const screen = centre.matrixTransform(p.getScreenCTM());
                return {x: screen.x, y: screen.y};
            }
            return null;
        }"""
    )


def test_hovering_an_economy_shows_its_value_rank_year_and_source(visit):
    visit.open("")
    page = visit.page
    visit.wait_map()
    point = _centre_of_a_large_economy(page)
    assert point
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    page.mouse.move(point["x"], point["y"], steps=5)
    tip = page.locator("#vg-tooltip-element")
    tip.locator("h2").wait_for(timeout=30_000)
    name = tip.locator("h2").inner_text()
    lines = dict(
        zip(
            tip.locator("td.key").all_inner_texts(),
            tip.locator("td.value").all_inner_texts(),
            strict=True,
        )
    )
    assert name in set(snapshot_names())
    assert {"Value", "Rank", "Data year", "Source"} <= set(lines)
    assert not any(v in ("undefined", "null", "nan", "") for v in lines.values()), lines


def snapshot_names():
    from readiness.data.snapshot import load_snapshot

    return load_snapshot().countries.set_index("iso3")["name_en"]
