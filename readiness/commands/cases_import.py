"""`cases import FILE`: studies from a CSV in the library's columns or a JSON export, checked row
by row (every problem with its row; nothing stored unless every row is valid), coded to the
factor vocabulary by the documented rule, and stored as published, origin imported."""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from readiness.commands.cases import add_editor, economy_label
from readiness.commands.city import add_db_option, editor_name, open_db
from readiness.errors import ReadinessError

REQUIRED = (
    "case_id", "economies", "sectors", "stage", "summary", "source_title",
)  # fmt: skip
TEXT_LIMIT = {"summary": 2000, "outcomes": 2000}
FIELD_LIMIT = 500  # characters of any other field (sources may list several)
PHRASES = 20  # phrases per side at most
PHRASE_LIMIT = 300
MAX_ROWS = 5000
MAX_SHOWN = 30  # problems listed before "and N more"
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
YEAR = re.compile(r"(\d{4})(-\d{4})?")
URL = re.compile(r"https?://\S+", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def register_import(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "import",
        help="import studies from a CSV (library columns) or JSON export, all or nothing",
        description=(
            "Read studies from a CSV in the library's columns (data/cases/case_studies.csv, "
            "as `cases export` writes them) or a JSON export; check every row (each problem "
            "is listed with its row; exit 2 and nothing stored when there is any); code each "
            "enabling and limiting phrase to the factor vocabulary by the keyword rule; store "
            "them all in one transaction as published, origin imported."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help="studies.csv or studies.json")
    add_editor(p)
    add_db_option(p)
    p.set_defaults(handler=_import)


def read_studies(path: Path) -> pd.DataFrame:
    """The file's rows as text (every cell a str), in its own column names."""
    from readiness.commands.extra import read_file

    data = read_file(path, "study file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            doc = json.loads(data.decode("utf-8-sig"))
            rows = doc.get("studies") if isinstance(doc, dict) else doc
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ReadinessError(
                    f"{path.name}: expected a list of studies, or an object with `studies`"
                )
            frame = pd.DataFrame(rows, dtype=object)
        elif suffix == ".csv":
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                encoding="utf-8-sig", comment=None)  # fmt: skip
        else:
            raise ReadinessError(f"{path.name}: the file name must end in .csv or .json")
    except (UnicodeDecodeError, json.JSONDecodeError, pd.errors.ParserError) as error:
        raise ReadinessError(f"{path.name} cannot be read as {suffix[1:]}: {error}") from None
    frame = frame.rename(columns=lambda c: _unquoted(str(c).strip()))
    return frame.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                     else _unquoted(str(v).strip()))  # fmt: skip


def _unquoted(text: str) -> str:
    """A cell as written before an export made it safe for spreadsheets (a quote before = + - @)."""
    from readiness.uploads.safe import FORMULA_PREFIXES

    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _row_problems(row: dict[Any, Any], known: set[str]) -> list[str]:
    from readiness.experiences.coding import code_phrase
    from readiness.experiences.vocabulary import SECTORS, STAGES

    out: list[str] = []
    if not CASE_ID.fullmatch(row["case_id"]):
        out.append(f"case_id {row['case_id']!r} must be 1-40 letters, digits, '-', '_' or '.'")
    codes = [c.strip().upper() for c in row["economies"].split(";") if c.strip()]
    unknown = [c for c in codes if c not in known]
    if not codes or unknown:
        which = f" ({', '.join(unknown)} unknown)" if unknown else ""
        out.append(f"economies {row['economies']!r}: give ';'-joined ISO3 codes of known "
                   f"economies{which}")  # fmt: skip
    sectors = [s.strip() for s in row["sectors"].split(";") if s.strip()]
    bad = [s for s in sectors if s not in SECTORS]
    if not sectors or bad:
        out.append(f"sectors {row['sectors']!r}: use one or more of {', '.join(SECTORS)}")
    if row["stage"] not in STAGES:
        out.append(f"stage {row['stage']!r}: use one of {', '.join(STAGES)}")
    if row["year"] and not YEAR.fullmatch(row["year"]):
        out.append(f"year {row['year']!r}: give a year (2021), a span (2019-2022) or nothing")
    for url in (u.strip() for u in row["source_url"].split(" ; ") if u.strip()):
        if not URL.fullmatch(url):
            out.append(f"source_url {url[:80]!r} is not an http(s) address")
    for column in ("summary", "source_title"):
        if not row[column]:
            out.append(f"{column} is empty")
    for column, text in row.items():
        limit = TEXT_LIMIT.get(column, FIELD_LIMIT)
        if column not in ("enabling", "limiting") and len(text) > limit:
            out.append(f"{column} has {len(text)} characters; at most {limit}")
        if CONTROL.search(text):
            out.append(f"{column} holds control characters")
    for side in ("enabling", "limiting"):
        phrases = [p.strip() for p in row[side].split(";") if p.strip()]
        if len(phrases) > PHRASES:
            out.append(f"{side}: {len(phrases)} phrases; at most {PHRASES}")
        out += [f"{side} phrase {p[:40]!r}...: at most {PHRASE_LIMIT} characters"
                for p in phrases if len(p) > PHRASE_LIMIT]  # fmt: skip
        out += [f"{side} phrase {p!r} matches no factor of the vocabulary "
                "(data/cases/factors.yaml): use its words, e.g. 'mobile money', 'funding'"
                for p in phrases
                if not code_phrase(p, case_id=row["case_id"], side=side)]  # fmt: skip
    return out


def check_studies(frame: pd.DataFrame, stored: set[str], name: str) -> pd.DataFrame:
    """The file's studies in STUDY_COLUMNS, or a ReadinessError listing every problem by row."""
    from readiness.experiences.studies import STUDY_COLUMNS

    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ReadinessError(
            f"{name}: missing column(s) {', '.join(missing)}; use the library's columns "
            f"({', '.join(STUDY_COLUMNS)}), as `cases export` writes them"
        )
    if frame.empty:
        raise ReadinessError(f"{name} holds no study")
    if len(frame) > MAX_ROWS:
        raise ReadinessError(f"{name} holds {len(frame)} studies; at most {MAX_ROWS} at once")
    studies = frame.reindex(columns=list(STUDY_COLUMNS), fill_value="")
    known = set(_countries()["iso3"])
    problems: list[str] = []
    seen: dict[str, int] = {}
    csv = name.lower().endswith(".csv")
    for i, row in enumerate(studies.to_dict("records"), start=2 if csv else 1):
        where = f"row {i}" if csv else f"study {i}"
        found = _row_problems(row, known)
        key = row["case_id"]
        if key in seen:
            found.append(f"case_id {key} is also in {where.split()[0]} {seen[key]}")
        elif key in stored:
            found.append(f"case_id {key} is already stored; give the study a new id")
        seen.setdefault(key, i)
        problems += [f"{where} ({key or 'no id'}): {p}" for p in found]
    if problems:
        shown = problems[:MAX_SHOWN]
        more = [f"  ... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else []
        lines = "\n".join([*(f"  - {p}" for p in shown), *more])
        raise ReadinessError(f"{name} has {len(problems)} problem(s); nothing was stored:\n{lines}")
    return _normalised(studies)


def _normalised(studies: pd.DataFrame) -> pd.DataFrame:
    out = studies.copy()
    out["economies"] = [";".join(c.strip().upper() for c in e.split(";") if c.strip())
                        for e in out["economies"]]  # fmt: skip
    out["sectors"] = [
        ";".join(p.strip() for p in v.split(";") if p.strip()) for v in out["sectors"]
    ]
    for column in ("enabling", "limiting"):  # as the library writes them
        out[column] = ["; ".join(p.strip() for p in v.split(";") if p.strip()) for v in out[column]]
    out["stage_detail"] = [d or s for d, s in zip(out["stage_detail"], out["stage"], strict=True)]
    out["origin"], out["status"] = "imported", "published"
    return out


def _countries() -> pd.DataFrame:
    from readiness.commands.cases import _snapshot

    return _snapshot().countries


def _stored_ids(store: Any) -> set[str]:
    return set(store.cases.studies(status=None)["case_id"])


def _import(args: argparse.Namespace) -> int:
    from readiness.experiences.coding import code_studies

    editor = editor_name(args)
    frame = read_studies(args.file)
    with open_db(args) as store:
        studies = check_studies(frame, _stored_ids(store), args.file.name)
        coding = code_studies(studies)
        written = store.cases.import_studies(studies, coding, editor=editor)
    economies = sorted({c for e in studies["economies"] for c in e.split(";")})
    print(f"{written} imported from {args.file.name} ({len(coding)} coded factor(s); "
          f"{', '.join(economy_label(c) for c in economies[:5])}"
          f"{' ...' if len(economies) > 5 else ''}; editor: {editor})")  # fmt: skip
    return 0
