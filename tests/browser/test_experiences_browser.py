"""The Experiences page in a real browser: a visitor filters the studies to the least developed
countries, reads how many of the library's studies remain, and finds a source's link.

The server is started as tests/browser/conftest.py starts it, with a store of this module's
own (an empty SQLite file that open_store() fills with the committed library).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readiness.data.snapshot import load_snapshot
from readiness.experiences.studies import load_library
from tests.browser.conftest import Visit, serve_with_store, visiting

pytestmark = pytest.mark.browser

SHOT = Path(__file__).resolve().parents[1] / ".artifacts" / "experiences.png"  # gitignored


@pytest.fixture(scope="module")
def experiences_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free local port with a store of its own."""
    with serve_with_store(tmp_path_factory, "experiences") as (base, _):
        yield base


@pytest.fixture
def visit(browser: object, experiences_server: str) -> Iterator[Visit]:
    with visiting(browser, experiences_server) as v:
        yield v


def test_filtering_to_ldcs_shows_the_count_and_a_source_link(visit):
    library = load_library()
    countries = load_snapshot().countries
    ldc = set(countries.loc[countries["ldc"].fillna(False).astype(bool), "iso3"])
    kept = library[library["economies"].map(lambda f: bool(set(f.split(";")) & ldc))]
    assert 0 < len(kept) < len(library)
    page = visit.page
    visit.open("experiences")
    metric = page.locator("[data-testid=stMetric]").filter(has_text="Studies shown")
    value = metric.locator("[data-testid=stMetricValue]")
    assert value.inner_text() == f"{len(library)} of {len(library)} studies"

    page.locator(".st-key-exp_f_group").click()
    page.get_by_role("option", name="Least developed countries (LDC)").click()
    page.get_by_text(f"{len(kept)} of {len(library)} studies").first.wait_for()
    visit.wait_idle()
    assert value.inner_text() == f"{len(kept)} of {len(library)} studies"
    assert "in=LDC" in page.url  # the link reopens the filter

    # The first LDC study in full, with its source as a real link.
    first = kept.iloc[0]
    link = page.get_by_role("link", name="Open the source").first
    link.wait_for()
    assert link.get_attribute("href") == first["source_url"].split(" ; ")[0]
    page.get_by_text(first["summary"]).wait_for()
    visit.shoot_clean(SHOT, height=2600)
