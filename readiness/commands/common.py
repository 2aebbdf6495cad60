"""Helpers shared by the sub-commands: output formats and safe text for spreadsheets."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import pandas as pd

# Moved to readiness.uploads.safe; re-exported so existing imports keep working.
from readiness.uploads.safe import neutralise_formulas

FORMATS = ("csv", "json", "table")

__all__ = ["FORMATS", "add_format_option", "emit", "neutralise_formulas"]


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format")


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
