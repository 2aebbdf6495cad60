"""The city master (data/u4ssc/cities.csv: GeoNames places of 15,000 people or more, CC BY 4.0)
and the name search over it, blind to case, accents and apostrophes ("Tromso" finds Tromsø).

Population is GeoNames' own figure, of mixed vintage: a label for telling places apart, not a
statistic to compare cities with.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import pandas as pd

from readiness.errors import SnapshotError
from readiness.paths import DATA_DIR

CITIES_FILE = DATA_DIR / "u4ssc" / "cities.csv"
CITY_COLUMNS = ("geonameid", "name", "iso3", "latitude", "longitude", "population")
# Letters Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t",
     "ı": "i", "þ": "th", "ß": "ss"}
)  # fmt: skip
# Apostrophes and okinas are dropped ("Nuku‘alofa" is "Nukualofa"); dashes become spaces.
_MARKS = str.maketrans({c: "" for c in "'’‘ʻʼ`´"} | {c: " " for c in "-‐‑–—_.,"})


def fold(name: object) -> str:
    """A name for comparison: lower case, no accents or apostrophes, single spaces."""
    text = unicodedata.normalize("NFKD", str(name or "").casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.translate(_LETTERS).translate(_MARKS).split())


@functools.cache
def _cities(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise SnapshotError([f"{path.name}: file missing (data/u4ssc/)"])
    frame = pd.read_csv(
        path,
        dtype={"geonameid": "int64", "name": "str", "iso3": "str", "population": "int64"},
        keep_default_na=False,
        encoding="utf-8",
    )
    missing = [c for c in CITY_COLUMNS if c not in frame.columns]
    if missing:
        raise SnapshotError([f"u4ssc/cities.csv: missing column(s) {missing}"])
    frame = frame[list(CITY_COLUMNS)]
    frame["folded"] = frame["name"].map(fold)
    return frame


def load_cities() -> pd.DataFrame:
    """Every place of the master: CITY_COLUMNS, by ISO3 and then population (largest first)."""
    return _cities(CITIES_FILE)[list(CITY_COLUMNS)].copy()


def find_cities(name: str, iso3: str | None = None, limit: int | None = 50) -> pd.DataFrame:
    """Places whose name matches `name` (case, accents and apostrophes ignored), in `iso3` if
    given: exact matches first, then names that start with it, then names that contain it,
    each by population (largest first). Columns: CITY_COLUMNS and `match` (exact, prefix,
    contains). Empty when nothing matches."""
    frame = _cities(CITIES_FILE)
    if iso3:
        frame = frame[frame["iso3"] == str(iso3).strip().upper()]
    wanted = fold(name)
    columns = [*CITY_COLUMNS, "match"]
    if not wanted:
        return pd.DataFrame(columns=columns)
    folded = frame["folded"]
    exact = folded == wanted
    prefix = ~exact & folded.str.startswith(wanted)
    contains = ~exact & ~prefix & folded.str.contains(wanted, regex=False)
    parts = [
        frame[mask].assign(match=label)
        for mask, label in ((exact, "exact"), (prefix, "prefix"), (contains, "contains"))
    ]
    ordered = [p.sort_values(["population", "geonameid"], ascending=[False, True]) for p in parts]
    found = pd.concat(ordered)[columns].reset_index(drop=True)
    return found.head(limit) if limit is not None else found


__all__ = ["CITIES_FILE", "CITY_COLUMNS", "find_cities", "fold", "load_cities"]
