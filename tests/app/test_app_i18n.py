"""Every user-facing string goes through t(); the English catalogue has every key used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dashboard.i18n import country_names, messages
from readiness.index.method import AGGREGATIONS, IMPUTATION_GROUPS, IMPUTATIONS, NORMALISATIONS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")),
           *sorted((ROOT / "dashboard").glob("*.py"))]  # fmt: skip
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_][\w.]*)["']""")
TEMPLATE = re.compile(r"""\b(?:t\(\s*f|option_label\(\s*f?)["']([a-z_][\w.]*?)[{"']""")


def test_every_literal_key_exists():
    english = messages("en")
    missing = [
        (path.name, key)
        for path in SOURCES
        for key in LITERAL.findall(path.read_text(encoding="utf-8"))
        if key not in english
    ]
    assert not missing


def test_every_templated_key_family_exists():
    english = messages("en")
    prefixes = {p for path in SOURCES for p in TEMPLATE.findall(path.read_text(encoding="utf-8"))}
    assert prefixes, "the pages build some keys from option codes"
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in english), prefix
    for registry, prefix in (
        (NORMALISATIONS, "method.normalisation_"),
        (AGGREGATIONS, "method.aggregation_"),
        (IMPUTATIONS, "method.imputation_"),
        (IMPUTATION_GROUPS, "method.imputation_group_"),
    ):
        for code in registry:
            assert f"{prefix}{code}" in english


def test_group_and_status_labels_cover_every_code(snapshot):
    from readiness.data.groups import standard_groups
    from readiness.gaps.datagaps import STATUSES

    english = messages("en")
    for code in standard_groups(snapshot.countries):
        assert f"group.{code}" in english
    for status in STATUSES:
        assert f"profile.status.{status.replace(' ', '_')}" in english
    for group in standard_groups(snapshot.countries).values():
        assert f"profile.kind.{group.kind}" in english
    for role in ("focus", "peer"):
        assert f"profile.role.{role}" in english


def test_catalogue_has_no_duplicate_keys():
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
        dupes = {k for k in keys if keys.count(k) > 1}
        assert not dupes, f"duplicate keys {dupes}"
        return loader.construct_mapping(node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load((ROOT / "readiness" / "locales" / "en.yaml").read_text(encoding="utf-8"), Strict)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_country_names_come_from_the_master(snapshot, lang):
    names = country_names(snapshot.countries, lang)
    master = snapshot.countries.set_index("iso3")[f"name_{lang}"]
    assert names["KEN"] == master["KEN"]
    assert names.index.tolist() == snapshot.countries["iso3"].tolist()


def test_another_language_with_english_fallback(tmp_path, monkeypatch):
    """A partial catalogue translates what it has; the rest falls back to English."""
    import shutil

    from streamlit.testing.v1 import AppTest

    import readiness.i18n as i18n
    from tests.app.test_app_map import APP, TIMEOUT

    shutil.copy(i18n.LOCALES_DIR / "en.yaml", tmp_path / "en.yaml")
    (tmp_path / "fr.yaml").write_text("map:\n  title: Carte du monde\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["lang"] = "fr"
        at.run()
        assert not at.exception
        assert at.title[0].value == "Carte du monde"
        assert at.selectbox(key="_w_map_indicator").label == "Show"  # English fallback
        economy = at.selectbox(key="_w_map_economy")
        assert "Allemagne" in economy.options  # names from the master's French column
        assert at.selectbox(key="lang_picker").options == ["English", "Français"]
    finally:
        i18n.messages.cache_clear()
