"""Helpers shared by the sub-commands: output formats and safe text for spreadsheets."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import pandas as pd

FORMATS = ("csv", "json", "table")

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_safe_cell)
    return out


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def emit(frame: pd.DataFrame, fmt: str, stream: TextIO | None = None) -> None:
    """Write a table to stdout in the chosen format."""
    stream = stream or sys.stdout
    if fmt == "csv":
        neutralise_formulas(frame).to_csv(stream, index=False, lineterminator="\n")
    elif fmt == "json":
        stream.write(frame.to_json(orient="records", force_ascii=False, indent=1))
        stream.write("\n")
    else:
        stream.write(frame.to_string(index=False))
        stream.write("\n")
