"""The Cities page in a real browser: an editor signs in, creates Karmøy by hand, uploads the
filled template through the page's file uploader, and sees the KPI table and the scores.

The server is started as tests/browser/conftest.py starts it (its helpers are reused), with a
store and an editor account of this module's own: an empty SQLite file and one local account
whose argon2id hash is made here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readiness.cities.template import template_frame
from readiness.store.accounts import ENV_ACCOUNTS, hash_password
from tests.browser.conftest import Visit, serve_with_store, visiting
from tests.cities.karmoy import fill, read_sample

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
SHOT = Path(__file__).resolve().parents[1] / ".artifacts" / "cities.png"  # gitignored


@pytest.fixture(scope="module")
def cities_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`streamlit run app.py` on a free local port, with an empty store and one editor."""
    accounts = {ENV_ACCOUNTS: f"ana:{hash_password(PASSWORD)}"}
    with serve_with_store(tmp_path_factory, "cities", accounts) as served:
        yield served


@pytest.fixture
def city_visit(browser: object, cities_server: tuple[str, Path]) -> Iterator[Visit]:
    base, _ = cities_server
    with visiting(browser, base, timeout=30_000) as v:
        yield v


def test_an_editor_creates_karmoy_and_imports_its_values(city_visit, cities_server, raw_dir):
    _, folder = cities_server
    filled = folder / "karmoy.csv"
    filled.write_bytes(
        fill(template_frame("en"), read_sample(raw_dir)).to_csv(index=False).encode()
    )
    visit = city_visit
    page = visit.page
    visit.open("cities")
    page.get_by_text("No city is stored yet.").wait_for()

    side = page.locator("[data-testid=stSidebar]")
    side.get_by_label("Name", exact=True).fill("ana")
    side.get_by_label("Password", exact=True).fill(PASSWORD)
    side.get_by_role("button", name="Sign in").click()
    side.get_by_text("Signed in as ana (editor)").wait_for()

    # Karmøy by hand: it is not in the GeoNames master (places of 15,000 people or more).
    page.get_by_label("Name", exact=True).fill("Karmøy")
    page.get_by_label("Country", exact=True).click()
    page.keyboard.type("Norway")
    page.keyboard.press("Enter")
    for label, value in (
        ("Latitude (−90 to 90)", "59.2833"),
        ("Longitude (−180 to 180)", "5.2833"),
    ):
        box = page.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Tab")
    page.get_by_role("button", name="Add the city").click()
    page.get_by_text("Karmøy was added.").wait_for()

    page.get_by_role("tab", name="Import values").click()
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(filled))
    page.get_by_text("karmoy.csv").wait_for()
    page.get_by_role("button", name="Check and import").click()
    page.get_by_text("14 values imported into Karmøy.").wait_for()
    visit.wait_idle()

    def metric(label: str) -> str:
        box = page.locator("[data-testid=stMetric]").filter(has_text=label).first
        return box.locator("[data-testid=stMetricValue]").inner_text()

    assert page.locator("h2").first.inner_text() == "Karmøy (Norway)"
    assert metric("KPIs reported") == "13 of 91"
    assert metric("KPIs scored") == "5"
    assert metric("Economy") == "100.0%"
    assert page.get_by_role("tab", name="Economy").count() == 1
    assert page.locator("[data-testid=stDataFrame]").count() >= 2  # KPIs, national matches
    page.get_by_text("National context: Norway").wait_for()
    visit.shoot_clean(SHOT, height=3400)  # the city's sections in one image
