"""Every page in every UN language: it runs without an exception, in that language, from a link.

One run per page and language (the link's `?lang=` is read before the router names the pages);
a key missing from the English catalogue raises KeyError, so it shows up here as an exception.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from readiness.i18n import UN_LANGUAGES, sort_key, translate
from tests.app.test_app_map import APP, TIMEOUT

PAGES = {
    "map": "app_pages/map.py",
    "profile": "app_pages/profile.py",
    "compare": "app_pages/compare.py",
    "gaps": "app_pages/gaps.py",
    "method": "app_pages/method.py",
    "data": "app_pages/data_sources.py",
    "upload": "app_pages/upload.py",
    "cities": "app_pages/cities.py",
    "experiences": "app_pages/experiences.py",
    "poll": "app_pages/poll.py",
}
TITLE_KEYS = {"cities": "cities_page.title", "experiences": "experiences_page.title"}


def open_in(lang: str, page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    if page == "data":  # before a first run AppTest finds a page by file name, not url_path
        at.run()
    at.switch_page(PAGES[page])
    at.run()
    return at


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_page_runs_in_every_language(lang, page, tmp_path, monkeypatch):
    if page in {"cities", "experiences", "poll"}:  # a store of its own, never the checkout's var/
        from dashboard.cities.store import clear
        from dashboard.experiences.reader import clear as clear_reads

        clear_reads()

        monkeypatch.setenv("READINESS_DB_URL", f"sqlite:///{tmp_path / 'cities.sqlite3'}")
        clear()
    at = open_in(lang, page, peers="KEN,GHA")
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == translate(lang, TITLE_KEYS.get(page, f"{page}.title"))
    assert at.selectbox(key="lang_picker").value == lang
    assert at.query_params.get("lang") == (lang if lang != "en" else None)


def test_country_names_in_the_language_and_its_order(snapshot):
    at = open_in("zh", "profile")
    options = at.selectbox(key="_w_profile_economy").options
    master = snapshot.countries.set_index("iso3")
    assert master.loc["CHN", "name_zh"] in options
    assert master.loc["KEN", "name_zh"] in options
    assert options == sorted(options, key=sort_key("zh"))
    assert options[0].startswith("阿")  # pinyin order: a- first (阿尔巴尼亚, Albania)


def test_an_unknown_language_in_the_link_is_reported_and_english_shown():
    at = open_in("xx", "map")
    assert not at.exception
    assert at.title[0].value == translate("en", "map.title")
    assert any("lang=xx" in w.value for w in at.warning)


def test_download_names_keep_letters_of_every_script():
    from dashboard.downloads import _slug

    assert _slug("map INDEX 2025") == "map-index-2025"
    assert _slug("خريطة المؤشر 2025") == "خريطة-المؤشر-2025"
    assert _slug("地图 2025") == "地图-2025"
    assert _slug("Carte : données/été") == "carte-données-été"
    assert _slug("القُطرية") == "القُطرية"  # a vowel mark is part of the word
    assert _slug("?!") == "table"
