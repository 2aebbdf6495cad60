"""Case-study commands: `cases list|show|import|export|factors|poll|publish|reject` on the
library of country experiences in the store (readiness.store.cases; docs/EXPERIENCES.md).

Every command takes `--db URL` (default READINESS_DB_URL, else the SQLite file in the state
directory), the same store as the dashboard's Experiences page. Writes (import, publish,
reject) name their editor in the audit log: --editor, else READINESS_EDITOR, else the login
name of whoever runs the command. Filters are options: `cases list --country KEN`,
`cases factors --group LDC`.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from readiness.commands.city import add_db_option, editor_name, open_db, write_bytes
from readiness.commands.common import emit
from readiness.errors import ReadinessError

STATUSES = ("published", "pending", "rejected", "all")
ORIGINS = ("library", "submitted", "imported")
LIST_COLUMNS = (
    "case_id", "economies", "city_or_region", "sectors", "stage", "year", "technology",
    "source_publisher", "source_year",
)  # fmt: skip
WIDTH = 36  # characters of a free-text cell in a terminal table
EDITOR_HELP = (
    "who makes the change, written to the audit log with the time (UTC): this option, else "
    "the READINESS_EDITOR environment variable, else your login name"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def register(sub: argparse._SubParsersAction) -> None:
    from readiness.commands.cases_output import register_output

    p = sub.add_parser(
        "cases",
        help="country experiences: case studies of IoT uptake and the factors behind it",
        description=(
            "The library of case studies (50 committed studies, plus those submitted and "
            "imported) in the store, their enabling and limiting factors coded to the factor "
            "vocabulary, and the results of workshop polls. See docs/EXPERIENCES.md."
        ),
        epilog="Every cases command takes --db URL (default: READINESS_DB_URL, else the SQLite "
        "file in the state directory).",
    )
    actions = p.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    _register_list(actions)
    _register_show(actions)
    register_output(actions)
    _register_moderation(actions)


# --- options and filters -------------------------------------------------------------------------


def add_filters(p: argparse.ArgumentParser, status: bool = True) -> None:
    from readiness.experiences.vocabulary import SIDES, STAGES

    p.add_argument("--country", default=None, metavar="ISO3|NAME",
                   help="studies of one economy: ISO3 code or name in a UN language")  # fmt: skip
    add_group_option(p)
    add_sector_option(p)
    p.add_argument("--technology", default=None, metavar="WORDS",
                   help="words in the technology, e.g. LoRaWAN")  # fmt: skip
    p.add_argument("--factor", default=None, metavar="F",
                   help="studies citing a factor: code (payments) or English name")  # fmt: skip
    p.add_argument(
        "--side",
        choices=SIDES,
        default=None,
        help="with --factor: cited as enabling or limiting; alone: studies reporting any "
        "factor on that side",
    )
    p.add_argument("--stage", choices=STAGES, default=None, help="stage of the project")
    p.add_argument("--text", default=None, metavar="WORDS", help="words anywhere in the study")
    if status:
        p.add_argument("--status", choices=STATUSES, default="published",
                       help="default: published; pending and rejected are submissions")  # fmt: skip
        p.add_argument("--origin", choices=ORIGINS, default=None,
                       help="library (committed), submitted (questionnaire), imported")  # fmt: skip
    add_db_option(p)


def add_group_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--group", default=None, metavar="G",
                   help="LDC, LLDC, SIDS, an ITU-D region (Africa or ITU_AFR, ...) or an income "
                   "group (LIC, LMC, UMC, HIC)")  # fmt: skip


def add_sector_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sector", default=None, metavar="S",
                   help="health, agriculture, transport, energy, water, environment, "
                   "government, education or other")  # fmt: skip


def add_editor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--editor", default=None, metavar="NAME", help=EDITOR_HELP)


def _snapshot() -> Any:
    from readiness.data.snapshot import load_snapshot

    return load_snapshot()


def economy_code(text: str) -> str:
    """The ISO3 code a user's country text names; ReadinessError with close names if none."""
    from readiness.uploads.checks import name_index

    snapshot = _snapshot()
    index = name_index(snapshot)
    code = index.find(text)
    if code is not None:
        return code
    names: list[str] = []
    for key in index.suggest(text):
        hit = index.lookup.get(key)
        if hit and (label := f"{snapshot.name(hit)} ({hit})") not in names:
            names.append(label)
    hint = f": did you mean {' or '.join(names)}?" if names else ""
    raise ReadinessError(
        f"unknown economy {text!r}{hint} Give an ISO3 code such as KEN or the name in a UN language"
    )


def economy_label(code: str) -> str:
    names = _economy_names()
    return f"{names.get(code, code)} ({code})"


@cache
def _economy_names() -> dict[str, str]:
    countries = _snapshot().countries
    return dict(zip(countries["iso3"], countries["name_en"], strict=True))


def find_group(text: str) -> Any:
    """A standard group by code (LDC, ITU_AFR, AFR, LMC) or label (Africa, Low income)."""
    from readiness.experiences.studies import find_group as by_name

    key = text.strip().upper()
    regions = {"AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}
    return by_name(f"ITU_{key}" if key in regions else text, _snapshot().countries)


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", "_", text.casefold()).strip("_")


def vocabulary_code(text: str, codes: Iterable[str], what: str, label: Any = None) -> str:
    """A vocabulary code given as the code or (with `label`) its English name, whole or up to
    its parenthesis ("Payments" for "Payments (mobile money, pay-as-you-go)")."""
    codes = tuple(codes)
    wanted = _key(text)
    names = {c: c for c in codes}
    if label is not None:
        for code in codes:
            name = label(code, "en")
            names |= {_key(name): code, _key(name.split(" (")[0]): code}
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(dict.fromkeys(names[c] for c in close))}?" if close else ""
    raise ReadinessError(f"unknown {what} {text!r}{hint} Known: {', '.join(codes)}")


def sector_code(text: str | None) -> str | None:
    from readiness.experiences.vocabulary import SECTORS

    return None if text is None else vocabulary_code(text, SECTORS, "sector")


def factor_code(text: str | None) -> str | None:
    from readiness.experiences.vocabulary import FACTORS, factor_label

    return None if text is None else vocabulary_code(text, FACTORS, "factor", factor_label)


@dataclass(frozen=True)
class Selection:
    """The studies a command's filters chose, their coding, and the words that say so."""

    studies: pd.DataFrame
    factors: pd.DataFrame
    status: str
    qualifiers: str

    def line(self) -> str:
        """E.g. "9 published studies of Kenya (KEN)"."""
        n = len(self.studies)
        return f"{n} {self.status} stud{'y' if n == 1 else 'ies'}{self.qualifiers}"


def _status_frames(store: Any, status: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    wanted = None if status == "all" else status
    return store.cases.studies(status=wanted), store.cases.factors(status=wanted)


def select(store: Any, args: argparse.Namespace) -> Selection:
    """The stored studies (and their coding) that the command line's filters choose."""
    from readiness.experiences.studies import filter_studies

    status = getattr(args, "status", "published")
    economy = economy_code(args.country) if args.country else None
    group = find_group(args.group) if args.group else None
    sector, factor = sector_code(args.sector), factor_code(args.factor)
    studies, factors = _status_frames(store, status)
    if getattr(args, "origin", None):
        studies = studies[studies["origin"] == args.origin]
    chosen = filter_studies(
        studies, factors=factors, economy=economy, group=group.code if group else None,
        sector=sector, technology=args.technology, factor=factor, side=args.side,
        stage=args.stage, text=args.text, countries=_snapshot().countries,
    )  # fmt: skip
    chosen = chosen.reset_index(drop=True)
    coding = factors[factors["case_id"].isin(chosen["case_id"])].reset_index(drop=True)
    words: list[str] = []
    if economy:
        words.append(f"of {economy_label(economy)}")
    if group is not None:
        words.append(f"of {group.label.removeprefix('ITU-D region: ')} ({group.code})")
    origin = getattr(args, "origin", None)
    for name, value in (("sector", sector), ("factor", factor), ("side", args.side),
                        ("stage", args.stage), ("technology", args.technology),
                        ("text", args.text), ("origin", origin)):  # fmt: skip
        if value:
            words.append(f"{name} {value!r}" if name in ("technology", "text") else
                          f"{name} {value}")  # fmt: skip
    said = (" " + ", ".join(words)) if words else ""
    return Selection(chosen, coding, status if status != "all" else "stored", said)


def plain(text: object, width: int | None = None) -> str:
    """User text for a terminal: control characters (escape sequences) dropped, cut to width."""
    out = _CONTROL.sub("", "" if text is None or text is pd.NA else str(text))
    out = " ".join(out.split()) if width else out
    if width and len(out) > width:
        out = out[: width - 1] + "…"
    return out


def terminal_table(frame: pd.DataFrame, width: int = WIDTH) -> str:
    """A table to print: cells plain, cut to `width` characters; text left, numbers right."""
    columns = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    cells = [[plain(v, width) for v in frame[c]] for c in frame.columns]
    sizes = [
        max([len(name), *map(len, column)]) for name, column in zip(columns, cells, strict=True)
    ]

    def row(values: list[str]) -> str:
        parts = [v.rjust(n) if num else v.ljust(n)
                 for v, n, num in zip(values, sizes, numeric, strict=True)]  # fmt: skip
        return "  ".join(parts).rstrip()

    lines = [row(columns), *(row(list(r)) for r in zip(*cells, strict=True))]
    return "\n".join(lines) + "\n"


def output(frame: pd.DataFrame, fmt: str, out: Path | None, width: int = WIDTH) -> None:
    """A table in csv, json or table format on stdout, or written to --out."""
    import io

    buffer = io.StringIO()
    if fmt == "table":
        buffer.write(terminal_table(frame, width))
    else:
        emit(frame, fmt, buffer)
    if out is None:
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
    else:
        write_bytes(out, buffer.getvalue().encode("utf-8"))


def check_out(path: Path | None, force: bool) -> None:
    if path is None:
        return
    if not path.parent.is_dir():
        raise ReadinessError(f"folder {path.parent} does not exist; create it or choose another")
    if path.exists() and not force:
        raise ReadinessError(f"{path} exists: add --force to overwrite it")


# --- list ----------------------------------------------------------------------------------------


def _register_list(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "list",
        help="the case studies the filters choose (default: all published)",
        description=(
            "One row per study. The table shows id, economies, city or region, sectors, stage, "
            "year, technology and source; CSV and JSON carry every column (summary, outcomes, "
            "enabling and limiting factors in the source's words, the full citation); .xlsx "
            "(with --out) is the export with citations."
        ),
    )
    add_filters(p)
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help="default: table")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    from readiness.experiences.studies import STUDY_COLUMNS

    if args.format == "xlsx" and args.out is None:
        raise ReadinessError("--format xlsx needs --out FILE.xlsx")
    check_out(args.out, args.force)
    with open_db(args) as store:
        chosen = select(store, args)
    if args.format == "xlsx":
        from readiness.experiences.exports import export_studies

        data = export_studies(chosen.studies, chosen.factors, "xlsx")
        write_bytes(args.out, data)
    else:
        columns = LIST_COLUMNS if args.format == "table" else STUDY_COLUMNS
        table = chosen.studies[list(columns)]
        if args.format != "table" or not table.empty:
            output(table, args.format, args.out)
    where = f"; wrote {args.out}" if args.out is not None else ""
    print(f"{chosen.line()}{where}", file=sys.stderr)
    return 0


# --- show ----------------------------------------------------------------------------------------


def _register_show(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "show",
        help="one study in full: text, economies, factors with the source's words, source",
        description=(
            "One study in full: economies with their names, city or region, sectors, "
            "technology, year, stage, summary, outcomes; each enabling and limiting factor "
            "with the source's words and the coding rule that gave it; the source's citation."
        ),
    )
    p.add_argument("case_id", metavar="CASE_ID", help="the study's id, e.g. CS001")
    p.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    add_db_option(p)
    p.set_defaults(handler=_show)


def citation(study: Any) -> str:
    """Title. Publisher, year. URL (type): the study's source as the exports cite it."""
    from readiness.experiences.exports import citation as cited

    return plain(cited(study))


def _show_lines(study: dict[str, Any], coding: pd.DataFrame) -> list[str]:
    from readiness.experiences.vocabulary import SIDES, factor_label

    economies = [economy_label(c) for c in str(study["economies"]).split(";") if c]
    stage = plain(study["stage"])
    if study.get("stage_detail") and study["stage_detail"] != study["stage"]:
        stage += f" ({plain(study['stage_detail'])})"
    lines = [
        f"{plain(study['case_id'])}: {'; '.join(economies)}",
        f"city or region: {plain(study['city_or_region']) or '(not stated)'}",
        f"sectors: {plain(study['sectors']).replace(';', ', ')}",
        f"technology: {plain(study['technology'])}",
        f"year: {plain(study['year']) or '(not stated)'}",
        f"stage: {stage}",
        f"summary: {plain(study['summary'])}",
        f"outcomes: {plain(study['outcomes']) or '(none stated by the source)'}",
    ]
    for side in SIDES:
        rows = coding[coding["side"] == side]
        lines.append(f"{side} factors:" if not rows.empty else
                     f"{side} factors: none reported by the source")  # fmt: skip
        for r in rows.to_dict("records"):
            words = f'"{plain(r["phrase"])}"' if r["phrase"] else "(no words given)"
            lines.append(f"  - {factor_label(r['factor'], 'en')} ({r['factor']}): {words}; "
                         f"rule: {plain(r['rule'])}")  # fmt: skip
    lines.append(f"source: {citation(study)}")
    status = f"status: {plain(study.get('status'))}, origin {plain(study.get('origin'))}"
    if study.get("workshop"):
        status += f", workshop {plain(study['workshop'])}"
    lines.append(status)
    return lines


def stored_study(store: Any, case_id: str) -> dict[str, Any]:
    """The stored study of this id (as typed, else upper-cased); StoreError if none."""
    from readiness.store.errors import StoreError

    key = case_id.strip()
    try:
        return dict(store.cases.get(key))
    except StoreError:
        if key.upper() == key:
            raise
        return dict(store.cases.get(key.upper()))


def _show(args: argparse.Namespace) -> int:
    import json

    with open_db(args) as store:
        study = stored_study(store, args.case_id)
    coding = pd.DataFrame(study.pop("coding"), columns=["side", "phrase", "factor", "rule"])
    if args.format == "json":
        doc = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in study.items()}
        doc["economy_names"] = {c: _economy_names().get(c, c)
                                for c in str(study["economies"]).split(";") if c}  # fmt: skip
        doc["factors"] = coding.to_dict("records")
        doc["citation"] = citation(study)
        print(json.dumps(doc, ensure_ascii=False, indent=1, default=str))
        return 0
    print("\n".join(_show_lines(study, coding)))
    return 0


# --- publish and reject --------------------------------------------------------------------------


def _register_moderation(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "publish",
        help="publish a pending submission (editors)",
        description="Publish a pending study: it then shows on the page, in reports and lists.",
    )
    p.add_argument("case_id", metavar="CASE_ID", help="the submission's id, e.g. SUB-000001")
    add_editor(p)
    add_db_option(p)
    p.set_defaults(handler=_publish)
    p = actions.add_parser(
        "reject",
        help="reject a pending submission (editors)",
        description="Reject a pending study: it stays in the store, marked rejected.",
    )
    p.add_argument("case_id", metavar="CASE_ID", help="the submission's id, e.g. SUB-000001")
    p.add_argument("--reason", default="", help="why, for the audit log")
    add_editor(p)
    add_db_option(p)
    p.set_defaults(handler=_reject)


def _publish(args: argparse.Namespace) -> int:
    editor = editor_name(args)
    with open_db(args) as store:
        store.cases.publish(args.case_id.strip(), editor=editor)
    print(f"published {args.case_id.strip()} (editor: {editor})")
    return 0


def _reject(args: argparse.Namespace) -> int:
    editor = editor_name(args)
    with open_db(args) as store:
        store.cases.reject(args.case_id.strip(), editor=editor, reason=args.reason)
    print(f"rejected {args.case_id.strip()} (editor: {editor})")
    return 0
