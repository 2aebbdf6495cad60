"""Translation catalogues of the six UN languages (readiness/locales/*.yaml): load and look up.

English is complete; every other language has the same keys (a test fails on a missing key).
The dashboard and the reports both translate through `translate`, so a sentence reads the same
on a page and in a file.
"""

from __future__ import annotations

import functools
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
UN_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
RTL_LANGUAGES = frozenset({"ar"})


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value)
    return out


@functools.cache
def messages(language: str) -> dict[str, str]:
    """The flattened catalogue of one language ({} when there is no file for it)."""
    import yaml

    path = LOCALES_DIR / f"{language}.yaml"
    if not path.exists():
        return {}
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def available_languages() -> tuple[str, ...]:
    """The UN languages that have a catalogue, in the UN's order."""
    return tuple(lang for lang in UN_LANGUAGES if (LOCALES_DIR / f"{lang}.yaml").exists())


def normal_language(lang: str | None) -> str:
    """`lang` when it is one of the six UN languages, else English."""
    return lang if lang in UN_LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, /, **values: object) -> str:
    """The text for `key` in `lang`, English as fallback, filled with values.

    An unknown key raises KeyError: a missing string is a bug the tests must catch.
    """
    text = messages(normal_language(lang)).get(key)
    if text is None:
        text = messages(DEFAULT_LANGUAGE)[key]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """Whether the English catalogue defines `key`."""
    return key in messages(DEFAULT_LANGUAGE)
