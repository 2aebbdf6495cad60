"""Exports of published studies and poll results: CSV, Excel, JSON, each with its citations.

Every study row carries its source (title, publisher, year, URL, type) and a `citation` text;
Excel and JSON also carry the licence and attribution note. Text cells that a spreadsheet would
run as a formula are made safe (readiness.uploads.safe); JSON is UTF-8, not ASCII-escaped.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from readiness.errors import ReadinessError
from readiness.experiences.studies import STUDY_COLUMNS
from readiness.experiences.vocabulary import FACTORS, SIDES
from readiness.i18n import has, normal_language, translate
from readiness.uploads.safe import neutralise_formulas, office_text

FORMATS = ("csv", "xlsx", "json")
LICENCE_NOTE = (
    "Case studies: our own compilation of facts read in each study's cited source (summaries "
    "and factors paraphrased), published under the data snapshot's terms with the source list "
    "(data/NOTICE.md). Cite the study's own source when quoting its figures. Company newsroom "
    "figures are the company's claims. Studies submitted by users are published by an editor "
    "and carry the source the submitter named."
)
POLL_NOTE = (
    "Workshop poll: answers of the participants present, not a representative sample; "
    "each participant chose up to max_choices factors of the vocabulary (data/cases/factors.yaml)."
)
_INTERNAL = ("origin", "status", "submitted_at", "workshop")


def citation(row: Mapping[Any, Any]) -> str:
    """`Title. Publisher, year. URL (type)` from a study's source fields; parts absent dropped."""
    title = str(row.get("source_title", "") or "").strip()
    publisher = str(row.get("source_publisher", "") or "").strip()
    year = str(row.get("source_year", "") or "").strip()
    url = str(row.get("source_url", "") or "").strip()
    kind = str(row.get("source_type", "") or "").strip()
    who = ", ".join(p for p in (publisher, year) if p)
    parts = [p for p in (title, who, url) if p]
    text = ". ".join(parts)
    return f"{text} ({kind})" if kind else text


def study_table(studies: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    """The studies with their coded factors per side (`;`-joined codes) and their citation."""
    out = studies[[c for c in STUDY_COLUMNS if c in studies.columns]].copy()
    for side in SIDES:
        coded = factors[factors["side"] == side]
        codes = coded.groupby("case_id")["factor"].agg(
            lambda f: ";".join(c for c in FACTORS if c in set(f))
        )
        out[f"{side}_factors"] = out["case_id"].map(codes).fillna("")
    out["citation"] = [citation(r) for r in out.to_dict("records")]
    return out.reset_index(drop=True)


def export_studies(
    studies: pd.DataFrame, factors: pd.DataFrame, fmt: str, lang: str = "en"
) -> bytes:
    """The studies as CSV, Excel or JSON bytes, each row with its citation."""
    table = study_table(studies, factors)
    meta = {"licence": LICENCE_NOTE, "studies": len(table), "language": normal_language(lang)}
    return _write(table, fmt, lang, meta, "studies")


def export_poll(
    workshop: Mapping[str, Any],
    tally: pd.DataFrame,
    answers: pd.DataFrame,
    fmt: str,
    lang: str = "en",
) -> bytes:
    """A poll's tally (and, in Excel and JSON, its answers) with the workshop and the notes."""
    info = {str(k): _plain(v) for k, v in workshop.items()}
    meta = {"workshop": info, "note": POLL_NOTE, "licence": LICENCE_NOTE}
    tally = tally.copy()
    if "factor" in tally.columns:
        tally.insert(1, "factor_name", [_label(f, lang) for f in tally["factor"]])
    if fmt == "csv":
        return _write(tally, fmt, lang, meta, "tally")
    return _write(tally, fmt, lang, meta, "tally", extra={"answers": answers})


def _label(code: object, lang: str) -> str:
    key = f"experiences.factor.{code}"
    return translate(lang, key) if has(key) else str(code)


def _write(
    table: pd.DataFrame,
    fmt: str,
    lang: str,
    meta: dict[str, Any],
    name: str,
    extra: Mapping[str, pd.DataFrame] | None = None,
) -> bytes:
    if fmt not in FORMATS:
        raise ReadinessError(f"export format '{fmt}'? use one of {', '.join(FORMATS)}")
    sheets = {name: table, **(extra or {})}
    if fmt == "json":
        doc = {**meta, **{k: _records(v) for k, v in sheets.items()}}
        return json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    safe = {k: neutralise_formulas(_headers(v, lang)) for k, v in sheets.items()}
    if fmt == "csv":
        buffer = io.StringIO()
        safe[name].to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().encode("utf-8")
    return _xlsx(safe, meta)


def _headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column headers in `lang` where the catalogue has experiences.column.<name>."""
    names = {}
    for column in frame.columns:
        key = f"experiences.column.{column}"
        names[column] = translate(lang, key) if has(key) else column
    return frame.rename(columns=names)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, datetime):  # pd.Timestamp too: UTC times as ISO 8601 text
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def _meta_text(value: object) -> object:
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict) else value


def _xlsx(sheets: Mapping[str, pd.DataFrame], meta: Mapping[str, Any]) -> bytes:
    buffer = io.BytesIO()
    notes = pd.DataFrame(
        [(k, office_text(_meta_text(v))) for k, v in meta.items()],
        columns=["item", "text"],
    )  # fmt: skip
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            # Excel holds no time zones: times go out as ISO 8601 text with their UTC offset.
            clean = frame.map(
                lambda v: (
                    office_text(v)
                    if isinstance(v, str)
                    else _plain(v)
                    if isinstance(v, datetime) or v is pd.NaT
                    else v
                )
            )
            clean.to_excel(writer, sheet_name=name[:31], index=False)
        neutralise_formulas(notes).to_excel(writer, sheet_name="notes", index=False)
    return buffer.getvalue()
