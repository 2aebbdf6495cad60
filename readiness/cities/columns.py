"""The city-values file's columns and codes, and what a user may write for each in any of the six
languages (headers, data points, data-quality codes, directions, units)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from readiness.cities.kpis import kpi_points, slug
from readiness.i18n import UN_LANGUAGES, has, translate

# The template's columns, in order. kpi_name and unit are there to read; the rest are entered.
TEMPLATE_COLUMNS = (
    "kpi_code", "data_point", "kpi_name", "unit", "year", "value", "source", "data_quality",
    "note", "target", "target_direction", "target_source",
)  # fmt: skip
# What read_city_values returns, one row per KPI, data point and year.
VALUE_COLUMNS = (
    "kpi_code", "data_point", "year", "value", "unit", "source", "data_quality", "note",
    "target", "target_direction", "target_source",
)  # fmt: skip
REQUIRED_COLUMNS = ("kpi_code", "year", "value", "source")
# Cells a user fills in; a row with none of them and no value is an untouched template row.
ENTERED_COLUMNS = (
    "year", "source", "data_quality", "note", "target", "target_direction", "target_source",
)  # fmt: skip
# How U4SSC's data template grades the origin of a value.
DATA_QUALITY = (
    "accurate_measurement", "survey_extrapolation", "higher_level_extrapolation", "assumption",
    "personal_estimation", "untraceable",
)  # fmt: skip
TARGET_DIRECTIONS = ("higher", "lower")
FIRST_YEAR = 1990


def last_year() -> int:
    """The latest year a value may carry: next calendar year (UTC), for a target year's plan."""
    return datetime.now(UTC).year + 1


# Direction marks a right-to-left text may carry (the Arabic catalogue adds LRM before numbers).
_BIDI = str.maketrans(
    dict.fromkeys([0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)


def norm(text: object) -> str:
    """A cell for comparison: case-folded, single spaces, no direction marks."""
    return " ".join(str(text or "").translate(_BIDI).casefold().split())


def column_label(column: str, lang: str = "en") -> str:
    """A template column's header in `lang`."""
    return translate(lang, f"u4ssc.column.{column}")


def _in_every_language(key: str) -> set[str]:
    return {norm(translate(lang, key)) for lang in UN_LANGUAGES}


@functools.cache
def header_lookup() -> dict[str, str]:
    """Header as written (normalised) -> column: the code, the code with spaces, six labels."""
    out: dict[str, str] = {}
    for column in TEMPLATE_COLUMNS:
        for text in {column, column.replace("_", " ")} | _in_every_language(
            f"u4ssc.column.{column}"
        ):
            out[norm(text)] = column
    return out


@functools.cache
def data_quality_lookup() -> dict[str, str]:
    """A data-quality code or its label in any language (normalised) -> the code."""
    out = {}
    for code in DATA_QUALITY:
        for text in {code, code.replace("_", " ")} | _in_every_language(
            f"u4ssc.data_quality.{code}"
        ):
            out[norm(text)] = code
    return out


@functools.cache
def direction_lookup() -> dict[str, str]:
    """'higher', 'lower' or their labels in any language (normalised) -> the direction."""
    out = {}
    for direction in TARGET_DIRECTIONS:
        for text in {direction} | _in_every_language(f"u4ssc.direction.{direction}"):
            out[norm(text)] = direction
    return out


@functools.cache
def data_point_lookup() -> dict[str, dict[str, str]]:
    """KPI code -> {data point as written, or its label in any language (normalised) -> point}."""
    out: dict[str, dict[str, str]] = {}
    for code, point in kpi_points()[["code", "data_point"]].itertuples(index=False):
        if not point:
            continue
        names = {point}
        if has(f"u4ssc.data_point.{slug(point)}"):
            names |= _in_every_language(f"u4ssc.data_point.{slug(point)}")
        out.setdefault(code, {}).update({norm(n): point for n in names})
    return out


@functools.cache
def unit_lookup() -> dict[str, str]:
    """A unit as the KPI list writes it, or its label in any language (normalised) -> the
    unit's key (its slug: "Percentage" and "percentage" are one unit)."""
    out: dict[str, str] = {}
    for unit in kpi_points()["unit"].unique():
        out[norm(unit)] = slug(unit)
        if has(f"u4ssc.unit.{slug(unit)}"):
            out.update(dict.fromkeys(_in_every_language(f"u4ssc.unit.{slug(unit)}"), slug(unit)))
    return out


__all__ = [
    "DATA_QUALITY",
    "ENTERED_COLUMNS",
    "FIRST_YEAR",
    "REQUIRED_COLUMNS",
    "TARGET_DIRECTIONS",
    "TEMPLATE_COLUMNS",
    "VALUE_COLUMNS",
    "column_label",
    "data_point_lookup",
    "data_quality_lookup",
    "direction_lookup",
    "header_lookup",
    "last_year",
    "norm",
    "unit_lookup",
]
