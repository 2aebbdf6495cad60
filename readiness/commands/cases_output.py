"""Case-study commands that read out: `cases export`, `cases factors` and `cases poll`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from readiness.commands.cases import (
    add_filters,
    add_group_option,
    add_sector_option,
    check_out,
    find_group,
    output,
    plain,
    sector_code,
    select,
)
from readiness.commands.city import add_db_option, open_db, utc_text, write_bytes
from readiness.commands.common import FORMATS
from readiness.errors import ReadinessError
from readiness.i18n import UN_LANGUAGES

EXPORT_FORMATS = ("csv", "xlsx", "json")
BY = ("region", "group", "sector")
COUNT_COLUMNS = ("key", "factor", "side", "studies", "n_studies", "share")


def register_output(actions: argparse._SubParsersAction) -> None:
    from readiness.commands.cases_import import register_import

    register_import(actions)
    _register_export(actions)
    _register_factors(actions)
    _register_poll(actions)


def _add_lang(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--lang", choices=UN_LANGUAGES, default="en", help=f"language of {what}")


def export_format(out: Path | None, fmt: str | None) -> str:
    """The format of an export: --format, else FILE's suffix, else csv; both must agree."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    if fmt is None:
        if out is None:
            return "csv"
        if suffix not in EXPORT_FORMATS:
            raise ReadinessError(f"{out.name}: the file name must end in .csv, .xlsx or .json")
        return suffix
    if out is not None and suffix != fmt:
        raise ReadinessError(f"{out.name} does not end in .{fmt}: name the file FILE.{fmt}")
    if fmt == "xlsx" and out is None:
        raise ReadinessError("--format xlsx needs --out FILE.xlsx")
    return fmt


def emit_bytes(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(data.decode("utf-8-sig"))
    else:
        write_bytes(out, data)


# --- export --------------------------------------------------------------------------------------


def _register_export(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "export",
        help="the studies the filters choose, with citations (CSV, .xlsx or JSON)",
        description=(
            "Write the chosen studies, one row each, with their source and a `citation` "
            "column, and their coded factors; .xlsx and JSON also carry the licence and "
            "attribution note. `cases import` reads a CSV or JSON export back. Without --out, "
            "CSV (or JSON) on stdout."
        ),
    )
    add_filters(p)
    p.add_argument("--format", choices=EXPORT_FORMATS, default=None,
                   help="default: from FILE's suffix, else csv")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="FILE.csv|.xlsx|.json")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    _add_lang(p, "the column headers and factor names")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from readiness.experiences.exports import export_studies

    fmt = export_format(args.out, args.format)
    check_out(args.out, args.force)
    with open_db(args) as store:
        chosen = select(store, args)
    data = export_studies(chosen.studies, chosen.factors, fmt, lang=args.lang)
    emit_bytes(data, args.out)
    where = f"wrote {args.out}: " if args.out is not None else ""
    print(f"{where}{chosen.line()} ({fmt})",
          file=sys.stderr if args.out is None else sys.stdout)  # fmt: skip
    return 0


# --- factors -------------------------------------------------------------------------------------


def _register_factors(actions: argparse._SubParsersAction) -> None:
    from readiness.experiences.vocabulary import SIDES

    p = actions.add_parser(
        "factors",
        help="how many published studies cite each factor, enabling beside limiting",
        description=(
            "For each factor of the vocabulary: the published studies citing it as enabling "
            "and as limiting (0 is shown as 0), out of the studies chosen, and the share. "
            "--group and --region choose the studies' economies; --by splits the counts by "
            "ITU-D region, group or sector. The table names factors in English; CSV and JSON "
            "give their codes (key, factor, side, studies, n_studies, share)."
        ),
    )
    add_group_option(p)
    p.add_argument("--region", default=None, metavar="R",
                   help="an ITU-D region: Africa, Americas, Arab States, Asia-Pacific, CIS, "
                   "Europe (or AFR, ITU_AFR ...)")  # fmt: skip
    add_sector_option(p)
    p.add_argument("--by", choices=BY, default=None, help="split the counts by this")
    p.add_argument("--side", choices=SIDES, default=None, help="only one side")
    p.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_db_option(p)
    p.set_defaults(handler=_factors)


def _counted(args: argparse.Namespace) -> tuple[pd.DataFrame, str, int]:
    """factor_counts of the chosen published studies; the words naming them; how many."""
    from readiness.experiences.counts import factor_counts
    from readiness.experiences.studies import filter_studies

    groups = [find_group(g) for g in (args.group, args.region) if g]
    if args.region and groups[-1].kind != "itu_region":
        raise ReadinessError(f"{args.region!r} is not an ITU-D region; use --group for it")
    sector = sector_code(args.sector)
    countries = _countries()
    with open_db(args) as store:
        studies = store.cases.studies(status="published")
        factors = store.cases.factors(status="published")
    for g in groups:
        studies = filter_studies(studies, factors=factors, group=g.code, countries=countries)
    if sector:
        studies = filter_studies(studies, factors=factors, sector=sector, countries=countries)
    factors = factors[factors["case_id"].isin(studies["case_id"])]
    counts = factor_counts(studies, factors, by=args.by, countries=countries)
    if args.side:
        counts = counts[counts["side"] == args.side]
    words = [f"{g.label.removeprefix('ITU-D region: ')} ({g.code})" for g in groups]
    if sector:
        words.append(f"sector {sector}")
    return counts.reset_index(drop=True), " and ".join(words) or "all economies", len(studies)


def _countries() -> pd.DataFrame:
    from readiness.commands.cases import _snapshot

    return _snapshot().countries


def factor_table(counts: pd.DataFrame) -> pd.DataFrame:
    """Enabling beside limiting, factors named in English: `n (share%)` per side."""
    from readiness.experiences.vocabulary import FACTORS, factor_label

    cell = [f"{int(n)} ({s:.0%})" if pd.notna(s) else f"{int(n)}"
            for n, s in zip(counts["studies"], counts["share"], strict=True)]  # fmt: skip
    wide = counts.assign(cell=cell).pivot_table(
        index=["key", "factor"], columns="side", values="cell", aggfunc="first", sort=False
    )
    wide = wide.reset_index()
    order = {code: i for i, code in enumerate(FACTORS)}
    keys = list(dict.fromkeys(counts["key"]))
    wide = wide.sort_values(
        ["key", "factor"], key=lambda s: s.map(order) if s.name == "factor" else s.map(keys.index)
    )
    wide["factor"] = [factor_label(code, "en") for code in wide["factor"]]
    n = counts.drop_duplicates("key").set_index("key")["n_studies"]
    wide.insert(1, "studies", [int(n[k]) for k in wide["key"]])
    wide["key"] = [_key_label(k) for k in wide["key"]]
    wide.columns.name = None
    return wide.reset_index(drop=True)


def _key_label(key: str) -> str:
    """A region's name for its code (ITU_AFR: Africa); other keys (LDC, water) as they are."""
    from readiness.data.groups import ITU_REGION_CODES

    return ITU_REGION_CODES.get(key, key)


def _factors(args: argparse.Namespace) -> int:
    check_out(args.out, args.force)
    counts, who, n = _counted(args)
    if args.format == "table":
        table = factor_table(counts)
        if args.by is None:
            table = table.drop(columns=["key", "studies"])
        head = f"factors cited by {n} published stud{'y' if n == 1 else 'ies'} of {who}"
        if args.out is None:
            print(head)
        output(table, "table", args.out, width=80)
        return 0
    frame = counts[list(COUNT_COLUMNS)].copy()
    frame["share"] = frame["share"].astype(float).round(4)
    output(frame, args.format, args.out)
    return 0


# --- poll ----------------------------------------------------------------------------------------


def _register_poll(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "poll",
        help="the results of a workshop poll: tally, by economy or region, exports",
        description=(
            "The tally of a workshop poll (every factor of the vocabulary, 0 shown as 0): "
            "first choices, all choices, share of participants. --by economy or region "
            "splits it. With --out FILE.csv|.xlsx|.json, the export with the poll's question "
            "and every answer."
        ),
    )
    p.add_argument("code", metavar="CODE", help="the poll's short code, e.g. K7MQ2P")
    p.add_argument("--by", choices=("economy", "region"), default=None, help="split the tally")
    p.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table",
                   help="default: table; xlsx needs --out")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    _add_lang(p, "the export's headers and factor names")
    add_db_option(p)
    p.set_defaults(handler=_poll)


def _poll_table(tally: pd.DataFrame) -> pd.DataFrame:
    from readiness.experiences.vocabulary import factor_label

    out = tally.drop(columns="n_participants", errors="ignore")
    if "key" in out.columns:
        out["key"] = [k or "(not stated)" for k in out["key"]]
    if "factor" in out.columns:
        out["factor"] = [factor_label(code, "en") for code in out["factor"]]
    if "share" in out.columns:
        out["share"] = [f"{s:.0%}" if pd.notna(s) else "" for s in out["share"]]
    return out


def _poll(args: argparse.Namespace) -> int:
    code = args.code.strip().upper()
    check_out(args.out, args.force)
    with open_db(args) as store:
        workshop = store.polls.workshop(code)
        tally = store.polls.tally(code) if args.by is None else store.polls.tally_by(code, args.by)
        answers = store.polls.answers(code)
    code = str(workshop.get("code") or code)
    if args.out is not None and args.by is None:
        from readiness.experiences.exports import export_poll

        fmt = export_format(args.out, None if args.format == "table" else args.format)
        # times as UTC text: Excel holds no time zone, and JSON no datetime
        info = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in workshop.items()}
        answers = answers.assign(answered_at=utc_text(answers["answered_at"]))
        write_bytes(args.out, export_poll(info, tally, answers, fmt, lang=args.lang))
        print(f"wrote {args.out}: poll {code}, {len(answers)} participant(s)")
        return 0
    if args.format == "xlsx":
        raise ReadinessError("--format xlsx needs --out FILE.xlsx (and no --by)")
    if args.format != "table":
        output(tally, args.format, args.out)
        return 0
    state = "open" if workshop.get("is_open") else "closed"
    if args.out is None:
        print(f"poll {code}: {plain(workshop.get('title'))} ({workshop.get('question')}, "
              f"{state}), {len(answers)} participant(s)")  # fmt: skip
    output(_poll_table(tally), "table", args.out, width=80)
    return 0
