"""A shared link in Arabic or Chinese opens the dashboard in that language, Arabic right to left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readiness.data.snapshot import load_snapshot
from readiness.i18n import translate

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("READINESS_SCREENSHOTS")  # a folder to keep the screenshots in


def open_in(visit, path: str, lang: str) -> None:
    """Open the page of a link and wait for its footer, which the script draws last."""
    sep = "&" if "?" in path else "?"
    visit.page.goto(f"{visit.base}/{path}{sep}lang={lang}")
    visit.page.get_by_text(translate(lang, "layout.citations")).wait_for(timeout=90_000)


def shot(visit, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def test_arabic_link_gives_a_right_to_left_page_with_arabic_navigation(visit):
    open_in(visit, "", "ar")
    page = visit.page
    page.wait_for_function("() => document.documentElement.dir === 'rtl'", timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("h1").first.inner_text() == translate("ar", "map.title")
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    for key in ("nav.map", "nav.profile", "nav.gaps", "nav.data"):
        assert translate("ar", key) in nav
    direction = page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=stMain]')).direction"
    )
    assert direction == "rtl"
    visit.wait_map()
    shot(visit, "map-ar")
    assert page.locator("[data-testid=stException]").count() == 0
    assert not visit.external(), visit.external()


def test_chinese_link_shows_chinese_country_names(visit):
    names = load_snapshot().countries.set_index("iso3")["name_zh"]
    open_in(visit, "profile?economy=KEN", "zh")
    page = visit.page
    assert page.locator("h1").first.inner_text() == translate("zh", "profile.title")
    assert page.get_by_role("heading", name=names["KEN"]).count() >= 1
    # The page's script sets lang and dir; it may run just after the headings are drawn.
    page.wait_for_function(
        "() => document.documentElement.lang === 'zh' && document.documentElement.dir === 'ltr'",
        timeout=30_000,
    )
    shot(visit, "profile-zh")
    assert page.locator("[data-testid=stException]").count() == 0
    assert not visit.external(), visit.external()


def test_switching_back_to_english_runs_left_to_right_again(visit):
    open_in(visit, "profile?economy=KEN", "ar")
    page = visit.page
    page.wait_for_function("() => document.documentElement.dir === 'rtl'", timeout=30_000)
    shot(visit, "profile-ar")
    picker = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first
    picker.click()
    page.get_by_role("option", name="English").click()
    page.get_by_text("Sources and citations").wait_for(timeout=90_000)
    page.wait_for_function("() => document.documentElement.dir === 'ltr'", timeout=30_000)
    assert page.locator("h1").first.inner_text() == "Country profile"
    assert "lang=" not in page.url


def test_map_in_chinese(visit):
    open_in(visit, "", "zh")
    page = visit.page
    visit.wait_map()
    assert page.locator("h1").first.inner_text() == translate("zh", "map.title")
    shot(visit, "map-zh")
