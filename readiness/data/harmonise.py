"""Country-name harmonisation: one table maps names and aliases in any UN language to ISO3."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from readiness.paths import MANUAL_DIR

ALIASES_FILE = MANUAL_DIR / "name_aliases.csv"
NAME_COLUMNS = ("name_en", "name_fr", "name_es", "name_ru", "name_zh", "name_ar", "name_wb")

_DROP_WORDS = re.compile(r"\b(the|of|and|le|la|les|de|du|des|el|los|las|y|et)\b")


def normalise_name(name: str) -> str:
    """Fold case, accents, punctuation and filler words so spellings of one name compare equal."""
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`´]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    text = _DROP_WORDS.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class NameIndex:
    """Looks up ISO3 codes by name; ambiguous keys are refused rather than guessed."""

    lookup: Mapping[str, str]
    ambiguous: frozenset[str] = field(default_factory=frozenset)

    def find(self, name: str) -> str | None:
        """The ISO3 code for a name, ISO3 code or alias, or None when unknown or ambiguous."""
        raw = str(name).strip()
        if re.fullmatch(r"[A-Za-z]{3}", raw) and raw.upper() in self.lookup.values():
            return raw.upper()
        key = normalise_name(raw)
        if key in self.ambiguous:
            return None
        return self.lookup.get(key)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Close known names, for error messages."""
        return difflib.get_close_matches(normalise_name(name), list(self.lookup), n=n, cutoff=0.6)


def build_name_index(countries: pd.DataFrame, aliases: pd.DataFrame | None = None) -> NameIndex:
    """Index every name column of the country master plus the alias table."""
    pairs: list[tuple[str, str]] = []
    for column in NAME_COLUMNS:
        if column in countries:
            pairs += [(n, c) for n, c in zip(countries[column], countries["iso3"], strict=True)]
    if aliases is None:
        aliases = load_aliases()
    pairs += list(zip(aliases["alias"], aliases["iso3"], strict=True))
    return _index(pairs)


def load_aliases() -> pd.DataFrame:
    """The hand-kept alias table (alias, iso3, note)."""
    return pd.read_csv(ALIASES_FILE, dtype=str, keep_default_na=False)


def _index(pairs: Iterable[tuple[object, object]]) -> NameIndex:
    seen: dict[str, set[str]] = {}
    for name, code in pairs:
        if not isinstance(name, str) or not name.strip() or not isinstance(code, str):
            continue
        seen.setdefault(normalise_name(name), set()).add(code)
    lookup = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    ambiguous = frozenset(k for k, v in seen.items() if len(v) > 1)
    return NameIndex(lookup=lookup, ambiguous=ambiguous)
