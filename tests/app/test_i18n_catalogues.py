"""The six catalogues: every English key in every language, the same placeholders.

Nothing is left in English unless readiness/locales/same/<lang>.txt says why, and ITU's terms
(terminology.csv) are used wherever the English text has them.
"""

from __future__ import annotations

import csv
import re
import string

import pytest

from readiness.i18n import LOCALES_DIR, UN_LANGUAGES, messages

OTHERS = [lang for lang in UN_LANGUAGES if lang != "en"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def same_on_purpose(lang: str) -> dict[str, str]:
    """Key -> reason, from same/<lang>.txt (key, a tab, the reason)."""
    path = LOCALES_DIR / "same" / f"{lang}.txt"
    if not path.exists():
        return {}
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row[0].strip(): row[1].strip() if len(row) > 1 else "" for row in rows}


def terminology() -> list[dict[str, str]]:
    with (LOCALES_DIR / "terminology.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_un_language_has_a_catalogue():
    for lang in UN_LANGUAGES:
        assert messages(lang), f"readiness/locales/{lang}.yaml is missing or empty"


@pytest.mark.parametrize("lang", OTHERS)
def test_every_english_key_is_translated(lang):
    english, other = messages("en"), messages(lang)
    missing = sorted(set(english) - set(other))
    assert not missing, f"{lang}: {len(missing)} keys missing, e.g. {missing[:10]}"
    extra = sorted(set(other) - set(english))
    assert not extra, f"{lang}: keys English lacks (typos?): {extra[:10]}"


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_are_the_same(lang):
    english, other = messages("en"), messages(lang)
    wrong = {
        key: (sorted(placeholders(text)), sorted(placeholders(other[key])))
        for key, text in english.items()
        if key in other and placeholders(text) != placeholders(other[key])
    }
    assert not wrong, f"{lang}: placeholders differ (en, {lang}): {wrong}"


@pytest.mark.parametrize("lang", OTHERS)
def test_nothing_left_in_english_unless_listed(lang):
    english, other = messages("en"), messages(lang)
    listed = same_on_purpose(lang)
    same = sorted(k for k, text in english.items() if other.get(k) == text and k not in listed)
    assert not same, f"{lang}: identical to English and not in same/{lang}.txt: {same}"
    stale = sorted(k for k in listed if k in other and other[k] != english.get(k))
    assert not stale, f"same/{lang}.txt lists keys that are translated now: {stale}"
    assert all(listed.values()), f"same/{lang}.txt: every key needs a reason"


@pytest.mark.parametrize("lang", OTHERS)
def test_itu_terms_are_used_where_english_has_them(lang):
    english, other = messages("en"), messages(lang)
    misses = []
    for term in terminology():
        pattern = re.compile(rf"(?<!\w){re.escape(term['en'])}(?!\w)", re.IGNORECASE)
        wanted = term[lang].casefold()
        for key, text in english.items():
            if pattern.search(text) and wanted not in other.get(key, "").casefold():
                misses.append((term["key"], key))
    assert not misses, f"{lang}: ITU term not used (term, key): {misses}"


def test_terminology_table_has_every_language():
    rows = terminology()
    assert rows
    for row in rows:
        for lang in UN_LANGUAGES:
            assert row[lang].strip(), (row["key"], lang)
