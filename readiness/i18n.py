"""Translation catalogues of the six UN languages (readiness/locales/*.yaml): load and look up.

English is complete; every other language has the same keys (a test fails on a missing key).
The dashboard and the reports both translate through `translate`, so a sentence reads the same
on a page and in a file.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
UN_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
RTL_LANGUAGES = frozenset({"ar"})
# The language tags files carry (Word's w:lang, PowerPoint's lang, PDF's /Lang).
LANGUAGE_TAGS = {
    "en": "en-GB",
    "fr": "fr-FR",
    "es": "es-ES",
    "ru": "ru-RU",
    "zh": "zh-CN",
    "ar": "ar-SA",
}


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
    """The flattened catalogue of one language ({} when there is no file for it); in a
    right-to-left language every text has its number-and-unit runs marked (mark_ltr_runs)."""
    import yaml

    path = LOCALES_DIR / f"{language}.yaml"
    if not path.exists():
        return {}
    # libyaml's loader where PyYAML has it: 0.01-0.03 s a catalogue against 0.09-0.17 s, paid
    # by every process that prints a text (a batch's writers too); both give the same tree.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    flat = _flatten(yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {})
    if language in RTL_LANGUAGES:
        flat = {k: mark_ltr_runs(v) if isinstance(v, str) else v for k, v in flat.items()}
    return flat


# A number and its Latin unit in right-to-left text ("(5 GB)", "256 kbit/s"): the bidi algorithm
# parts the number from the unit and prints "(GB 5)". A left-to-right mark before the number
# joins them into one left-to-right run. LRM rather than the isolates U+2066-2069: every font of
# the PDF writer has a zero-width glyph for it, and Word and PowerPoint honour it.
LRM = "\u200e"
_NUMBER_UNIT = re.compile(r"(?<![\w.,/\u200e-])\d[\d.,]*\s+[A-Za-z]")


def mark_ltr_runs(text: str) -> str:
    """Right-to-left text with an LRM before each number that a Latin unit follows ("5 GB")."""

    def mark(found: re.Match[str]) -> str:
        before = text[: found.start()].rstrip()
        latin = before[-1:].isascii() and before[-1:].isalnum()  # "CC BY 4.0" is one run already
        return found[0] if latin else LRM + found[0]

    return _NUMBER_UNIT.sub(mark, text)


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


def translate_term(lang: str, family: str, value: object) -> str:
    """A method term (a tier, a progress band) in `lang`; as is when the catalogue lacks it."""
    key = f"term.{family}.{str(value).replace(' ', '_')}"
    return translate(lang, key) if has(key) else str(value)


def direction(lang: str) -> str:
    """ "rtl" for a right-to-left language (Arabic), else "ltr"."""
    return "rtl" if normal_language(lang) in RTL_LANGUAGES else "ltr"


@functools.cache
def sort_key(lang: str) -> Callable[[str], Any]:
    """A key that orders text as the language does (ICU collation: pinyin for Chinese, ...).

    PyICU draws on CLDR's rules; without it (a notebook that lacks the package) names are
    ordered by their letters with accents folded, which is right for English only.
    """
    try:
        import icu
    except ImportError:
        return _folded
    collator = icu.Collator.createInstance(icu.Locale(normal_language(lang)))
    return collator.getSortKey


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sorted_texts(texts: Iterable[str], lang: str) -> list[str]:
    """The texts in the language's alphabetical order."""
    return sorted(texts, key=sort_key(lang))


def _with_decimals(pattern: str, digits: int) -> str:
    """The locale's number pattern with exactly `digits` decimals."""
    head, _, tail = pattern.partition(";")[0].partition(".")
    if tail:  # "#,##0.###" -> keep what follows the decimals (a % sign, a space)
        tail = tail.lstrip("#0")
    else:
        cut = head.rfind("0") + 1
        head, tail = head[:cut], head[cut:]
    return head + ("." + "0" * digits if digits > 0 else "") + tail


MISSING = "\u2014"  # an em dash: a missing value is shown as missing, never as 0


@functools.cache
def _decimal_format(lang: str, digits: int) -> tuple[Any, Any]:
    """The Babel locale and its number pattern with `digits` decimals (parsed once per pair:
    a table formats thousands of cells)."""
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(normal_language(lang))
    return locale, parse_pattern(_with_decimals(locale.decimal_formats[None].pattern, digits))


def format_number(value: float | Decimal, lang: str, digits: int = 1, grouping: bool = True) -> str:
    """A number with `digits` decimals, grouped and punctuated as the locale writes it (Babel).

    Without `grouping` the thousands are not separated (a year: 2023, never "2 023").
    """
    locale, pattern = _decimal_format(lang, digits)
    return pattern.apply(value, locale, group_separator=grouping)


def number_cell(value: object, lang: str, digits: int = 1, grouping: bool = True) -> str:
    """A table cell: `format_number`, or MISSING for a missing value (None, NaN, pd.NA)."""
    import pandas as pd

    if pd.isna(value):  # type: ignore[call-overload]
        return MISSING
    return _cell_text(float(value), normal_language(lang), digits, grouping)  # type: ignore[arg-type]


# The same tables are drawn on every rerun and for every session: a cell's text is kept.
@functools.lru_cache(maxsize=2**15)
def _cell_text(value: float, lang: str, digits: int, grouping: bool) -> str:
    return format_number(value, lang, digits, grouping)


@functools.lru_cache(maxsize=16)
def printf_writes_like(lang: str) -> bool:
    """Whether the locale writes numbers as printf's "%,.1f" does: "." decimal mark, ","
    between groups of three digits (Babel's symbols and pattern), as English does."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    lang = normal_language(lang)
    grouping = Locale.parse(lang).decimal_formats[None].grouping
    return (get_decimal_symbol(lang), get_group_symbol(lang), grouping) == (".", ",", (3, 3))


def plotly_separators(lang: str) -> str:
    """Plotly's `layout.separators` for the locale: its decimal mark, then its group mark."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    lang = normal_language(lang)
    return get_decimal_symbol(lang) + get_group_symbol(lang)


def vega_number_locale(lang: str) -> dict[str, object]:
    """Vega's number locale (d3-format) for the language: its decimal and group marks."""
    marks = plotly_separators(lang)
    return {"decimal": marks[0], "thousands": marks[1:], "grouping": [3], "currency": ["", ""]}


def format_percent(share: float | Decimal, lang: str, digits: int = 0) -> str:
    """A share (0.42) as a percentage in the locale's way ("42 %" in French)."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    locale = Locale.parse(normal_language(lang))
    pattern = _with_decimals(locale.percent_formats[None].pattern, digits)
    return babel_percent(share, format=pattern, locale=locale)


# A number as the report builders write it in English: an optional sign, digits grouped by ","
# in threes, "." decimals, an optional % sign. Only numbers with decimals, groups or a % sign are
# rewritten: a bare integer (a year, a rank, a count) reads the same in every language. Not a
# licence's version ("CC BY 4.0", "CC BY-NC-SA 3.0 IGO") nor a part of a dotted code ("5.1.1").
_ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])(?<!BY )(?<!SA )([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)(?![\w]|[.,]\d)"
)


def local_numbers(text: str, lang: str) -> str:
    """English-written numbers in `text` ("54.4", "1,234", "+2.50", "35.0%") as the language
    writes them (Babel: "54,4", "1 234", "+2,50", "35,0 %" in French); the rest as it is."""
    lang = normal_language(lang)
    if lang == DEFAULT_LANGUAGE or not text:
        return text

    def local(found: re.Match[str]) -> str:
        sign, whole, decimals, percent = found.groups()
        if not (decimals or percent or "," in whole):
            return found[0]
        digits = len(decimals or "")
        value = Decimal(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
        if percent:
            return sign + format_percent(value / 100, lang, digits)
        return sign + format_number(value, lang, digits)

    return _ENGLISH_NUMBER.sub(local, text)


def flag_text(lang: str, flag: str, detail: object = "") -> str:
    """A flag of data/flags.csv as its sentence in `lang` (term.flag.<flag>), the detail's
    numbers and codes said in that language: low_sample "1594;572" -> "1,594 samples, 572 in
    a later measurement"."""
    text = "" if detail is None or detail != detail else str(detail)  # NaN: no detail
    if flag == "low_sample" and text:
        counts = [format_number(int(c), lang, 0) for c in text.split(";")]
        key = "term.flag.detail.samples_later" if len(counts) > 1 else "term.flag.detail.samples"
        text = translate(lang, key, count=counts[0], later=counts[-1])
    elif flag == "partial_year" and has(f"term.flag.detail.{text}"):
        text = translate(lang, f"term.flag.detail.{text}")
    elif flag == "later_scrape":
        text = str(local_figure(text, lang))
    return translate(lang, f"term.flag.{flag}", detail=text)


def local_figure(value: object, lang: str) -> object:
    """A value that is one English-written number ("35.0%", "+2.46") as the language writes it;
    any other value as it is (a name, a sentence: its own numbers are written already)."""
    if isinstance(value, str) and _ENGLISH_NUMBER.fullmatch(value):
        return local_numbers(value, lang)
    return value


def format_date(day: object, lang: str) -> str:
    """A date (or datetime) in the locale's medium form ("3 déc. 2026")."""
    from babel.dates import format_date as babel_date

    return babel_date(day, format="medium", locale=normal_language(lang))  # type: ignore[arg-type]
