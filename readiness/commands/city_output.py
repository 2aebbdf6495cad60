"""City commands that read a city out: `city score`, `compare`, `export` and `report`."""

from __future__ import annotations

import argparse
import io
import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from readiness.commands.city import (
    add_city_key,
    add_db_option,
    add_lang_option,
    country_label,
    open_db,
    out_path,
    stored_city,
    utc_text,
    write_bytes,
)
from readiness.commands.common import add_format_option, emit, neutralise_formulas
from readiness.errors import ReadinessError
from readiness.store.cities import City, Store

LEVELS = ("kpi", "category", "sub_dimension", "dimension")
COMPARED = ("score", "reported", "reported_core", "reported_advanced", "scored")
KPI_OUTPUT = (
    "code", "data_point", "name", "category", "core_advanced", "value", "unit", "year", "target",
    "direction", "target_source", "target_reference", "percent_of_target", "band", "reason",
    "data_quality", "source",
)  # fmt: skip
EXPORT_COLUMNS = (
    "kpi_code", "data_point", "kpi_name", "unit", "year", "value", "source", "data_quality",
    "note", "target", "target_direction", "target_source",
)  # fmt: skip
ABOUT_SHEET, TARGETS_SHEET = "about", "targets"
Y4903 = "Recommendation ITU-T Y.4903 (Key performance indicators for smart sustainable cities)"


def register_output(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "score",
        help="a city's U4SSC scores, with the KPIs reported and scored (core, advanced)",
        description=(
            "Score a stored city as U4SSC does: each KPI's percent of target to a band of 1-4 "
            "points, then % scores per category, sub-dimension and dimension, each with the "
            "KPIs reported and scored (core and advanced). Targets: the city's stored targets, "
            "else the documented reference targets; a KPI with neither is shown, not scored."
        ),
    )
    add_city_key(p)
    p.add_argument("--year", type=int, default=None, help="latest values at or before this year")
    p.add_argument("--level", choices=LEVELS, default="category", help="default: category")
    p.add_argument("--reported", action="store_true", help="--level kpi: only KPIs with a value")
    add_lang_option(p, "the names of KPIs and levels")
    add_db_option(p)
    add_format_option(p)
    p.set_defaults(handler=_score)

    p = actions.add_parser(
        "compare",
        help="several cities' scores side by side",
        description="Scores of two or more stored cities side by side, with the KPIs counted.",
    )
    add_city_key(p, many=True)
    p.add_argument("--level", choices=LEVELS[1:], default="dimension", help="default: dimension")
    p.add_argument("--year", type=int, default=None, help="latest values at or before this year")
    add_lang_option(p, "the names of the levels")
    add_db_option(p)
    add_format_option(p)
    p.set_defaults(handler=_compare)

    p = actions.add_parser(
        "export",
        help="a city's values and targets with their sources (CSV, .xlsx or JSON)",
        description=(
            "Write a city's values (year, source, data quality, note) and targets with their "
            "sources, after a block (CSV: rows marked # at the top; .xlsx: the sheet `about`; "
            "JSON: `about`) citing U4SSC (ITU-T Y.4903) and the city's data sources. A CSV or "
            ".xlsx export is a filled template: `city import` reads it back. Without --out, "
            "CSV on stdout."
        ),
    )
    add_city_key(p)
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="FILE.csv|.xlsx|.json")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_db_option(p)
    p.set_defaults(handler=_export)

    p = actions.add_parser(
        "report",
        help="a city report (Word or PDF) in one of the six languages",
        description="Write the report of a stored city; the format follows FILE (.docx or .pdf).",
    )
    add_city_key(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.docx or .pdf")
    add_lang_option(p, "the report")
    p.add_argument("--year", type=int, default=None, help="latest values at or before this year")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_db_option(p)
    p.set_defaults(handler=_report)


# --- score and compare -------------------------------------------------------------------------


def city_score(store: Store, city: City, year: int | None) -> Any:
    """The city's CityScore: its stored values against its stored targets, else references."""
    from readiness.cities.scoring import TARGET_INPUT_COLUMNS, score_city

    values, targets = store.values(city.id), store.targets(city.id)
    return score_city(values, targets[list(TARGET_INPUT_COLUMNS)], year=year)


def _named(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    from readiness.cities.kpis import level_name

    out = table.copy()
    for level in ("dimension", "sub_dimension", "category"):
        if level in out.columns:
            out[level] = [level_name(level, name, lang) for name in out[level]]
    return out


def _level_table(score: Any, level: str) -> pd.DataFrame:
    table = {
        "category": score.categories,
        "sub_dimension": score.sub_dimensions,
        "dimension": score.dimensions,
    }[level].copy()
    table["points"] = table["points"].round(2)
    table["score"] = table["score"].round(1)
    return table


def _kpi_table(score: Any, lang: str, reported: bool) -> pd.DataFrame:
    from readiness.cities.kpis import kpi_name, unit_label

    table = score.kpis.copy()
    if reported:
        table = table[table["value"].notna()]
    table["name"] = [kpi_name(code, lang) for code in table["code"]]
    table["unit"] = [unit_label(unit, lang) for unit in table["unit"]]
    table["percent_of_target"] = table["percent_of_target"].round(1)
    return _named(table[list(KPI_OUTPUT)], lang).reset_index(drop=True)


def _summary(city: City, score: Any) -> str:
    kpis = score.kpis
    reported = kpis.loc[kpis["value"].notna(), "code"].nunique()
    banded = kpis[kpis["band"].notna()]
    by = banded["target_source"].value_counts()
    when = f"latest values up to {score.year}" if score.year else "latest values"
    return (
        f"{city.label}: {reported} KPI(s) reported, {banded['code'].nunique()} scored "
        f"({by.get('reference', 0)} data point(s) against a reference target, "
        f"{by.get('user', 0)} against the city's own); {when}"
    )


def _score(args: argparse.Namespace) -> int:
    with open_db(args) as store:
        city = stored_city(store, args.name, args.country)
        score = city_score(store, city, args.year)
    if args.level == "kpi":
        table = _kpi_table(score, args.lang, args.reported)
    else:
        table = _named(_level_table(score, args.level), args.lang)
    emit(table, args.format)
    print(_summary(city, score), file=sys.stderr)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from readiness.cities.scoring import LEVEL_KEYS

    if len(args.names) < 2:
        raise ReadinessError("compare needs at least two cities")
    keys = list(LEVEL_KEYS[args.level])
    table: pd.DataFrame | None = None
    with open_db(args) as store:
        cities = [stored_city(store, name, args.country) for name in args.names]
        if len({c.id for c in cities}) < len(cities):
            raise ReadinessError("the same city is named twice; name each city once")
        for city in cities:
            part = _level_table(city_score(store, city, args.year), args.level)
            part = part[[*keys, *COMPARED]].rename(
                columns={c: f"{city.label}: {c}" for c in COMPARED}
            )
            table = part if table is None else table.merge(part, on=keys, how="outer", sort=False)
    assert table is not None
    emit(_named(table, args.lang), args.format)
    return 0


# --- export ------------------------------------------------------------------------------------


def export_frame(values: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The city's values as a filled template (EXPORT_COLUMNS), each row with its KPI's target."""
    from readiness.cities.kpis import kpi_name
    from readiness.cities.template import known_direction

    given = targets.rename(columns={"direction": "target_direction", "source": "target_source"})
    given = given[["kpi_code", "data_point", "target", "target_direction", "target_source"]]
    frame = values.merge(given, on=["kpi_code", "data_point"], how="left")
    stated = [
        (way or known_direction(code, point) or "") if pd.notna(target) else ""
        for code, point, target, way in zip(
            frame["kpi_code"], frame["data_point"], frame["target"],
            frame["target_direction"].fillna(""), strict=True,
        )
    ]  # fmt: skip
    frame["target_direction"] = stated
    frame["target_source"] = frame["target_source"].fillna("")
    frame["kpi_name"] = [kpi_name(code) for code in frame["kpi_code"]]
    return frame[list(EXPORT_COLUMNS)].reset_index(drop=True)


def about(city: City, values: pd.DataFrame, targets: pd.DataFrame) -> list[tuple[str, str]]:
    """The export's metadata: what the KPIs are, whose city, where its values come from."""
    from readiness.data.catalogue import load_catalogue

    u4ssc = load_catalogue().source("U4SSC_KPIS")
    place = f"{city.latitude:.4f}, {city.longitude:.4f}"
    origin = (
        f"GeoNames id {city.geonameid} (GeoNames, geonames.org, CC BY 4.0)"
        if city.geonameid is not None
        else "entered by hand"
    )
    sources = list(dict.fromkeys(s for s in values["source"] if s))
    years = sorted(set(values["year"]))
    span = "none" if not years else "-".join(dict.fromkeys(str(y) for y in (years[0], years[-1])))
    rows = [
        ("framework", f"U4SSC key performance indicators for smart sustainable cities (ITU, "
                      f"UNECE, UN-Habitat), {Y4903}"),
        ("citation", f"{u4ssc.citation} {u4ssc.url}"),
        ("city", f"{city.name}, {country_label(city.iso3)}; id {city.id}; {place}, {origin}"),
        ("values", f"{len(values)} value(s) of {values['kpi_code'].nunique()} KPI(s); "
                   f"years {span}"),
        *(("data source", source) for source in sources),
        *(("target", _target_line(t)) for t in targets.to_dict("records")),
        ("exported", f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} by `readiness city export`"),
        ("re-import", f"readiness city import FILE --city {shlex.quote(city.name)} "
                      f"--country {city.iso3}"),
    ]  # fmt: skip
    return rows


def _target_line(target: dict[Any, Any]) -> str:
    kpi = f"{target['kpi_code']} {target['data_point']}".strip()
    way = f"{target['direction']} is better" if target["direction"] else "the KPI's direction"
    return f"{kpi}: {float(target['target']):g} ({way}); source: {target['source']}"


def _csv(frame: pd.DataFrame, lines: list[tuple[str, str]]) -> bytes:
    """A filled template whose first rows (kpi_code `#`) carry the metadata; import skips them."""
    block = pd.DataFrame([{"kpi_code": "#", "kpi_name": f"{k}: {v}"} for k, v in lines])
    table = pd.concat([block, frame], ignore_index=True)[list(EXPORT_COLUMNS)]
    table["year"] = table["year"].astype("Int64")
    buffer = io.StringIO()
    neutralise_formulas(table).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(frame: pd.DataFrame, lines: list[tuple[str, str]], targets: pd.DataFrame) -> bytes:
    """Sheets `data` (the filled template, read back by import), `about` and `targets`."""
    import xlsxwriter

    from readiness.cities.template import SHEET

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    targets = targets.assign(updated_at=utc_text(targets["updated_at"]))
    sheets = (
        (SHEET, frame),
        (ABOUT_SHEET, pd.DataFrame(lines, columns=["item", "text"])),
        (TARGETS_SHEET, targets),
    )
    for title, table in sheets:
        sheet = book.add_worksheet(title)
        for k, column in enumerate(table.columns):
            sheet.write_string(0, k, str(column), bold)
            sheet.set_column(k, k, 60 if column in ("text", "source", "note") else 16)
        for i, row in enumerate(table.itertuples(index=False), start=1):
            for k, cell in enumerate(row):
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    if pd.notna(cell):
                        sheet.write_number(i, k, float(cell))
                elif cell is not None and not (isinstance(cell, float) and pd.isna(cell)):
                    sheet.write_string(i, k, str(cell))
    book.close()
    return buffer.getvalue()


def _json(
    city: City, frame: pd.DataFrame, lines: list[tuple[str, str]], targets: pd.DataFrame
) -> bytes:
    about_items: dict[str, Any] = {}
    for key, text in lines:
        about_items.setdefault(key, []).append(text)
    doc = {
        "about": {k: v[0] if len(v) == 1 else v for k, v in about_items.items()},
        "city": {
            "id": city.id, "name": city.name, "iso3": city.iso3, "latitude": city.latitude,
            "longitude": city.longitude, "geonameid": city.geonameid,
            "population": city.population,
        },
        "values": json.loads(frame.to_json(orient="records", force_ascii=False)),
        "targets": json.loads(
            targets.assign(updated_at=utc_text(targets["updated_at"])).to_json(
                orient="records", force_ascii=False
            )
        ),
    }  # fmt: skip
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _export(args: argparse.Namespace) -> int:
    fmt = "csv" if args.out is None else out_path(args.out, (".csv", ".xlsx", ".json"), args.force)
    with open_db(args) as store:
        city = stored_city(store, args.name, args.country)
        values, targets = store.values(city.id), store.targets(city.id)
    frame = export_frame(values, targets)
    lines = about(city, values, targets)
    if fmt == "xlsx":
        data = _xlsx(frame, lines, targets)
    elif fmt == "json":
        data = _json(city, frame, lines, targets)
    else:
        data = _csv(frame, lines)
    if args.out is None:
        sys.stdout.write(data.decode("utf-8-sig"))
        return 0
    write_bytes(args.out, data)
    print(
        f"wrote {args.out}: {len(values)} value(s) and {len(targets)} target(s) of "
        f"{city.label}, id {city.id}"
    )
    return 0


# --- report ------------------------------------------------------------------------------------


def _report(args: argparse.Namespace) -> int:
    fmt = out_path(args.out, (".docx", ".pdf"), args.force)
    try:
        from readiness.reports.city import city_report_bytes
    except ModuleNotFoundError as error:
        if error.name != "readiness.reports.city":
            raise
        raise ReadinessError("city reports are not available in this version") from None
    with open_db(args) as store:
        city = stored_city(store, args.name, args.country)
        data = city_report_bytes(store, city.id, fmt, args.lang, year=args.year)
    write_bytes(args.out, data)
    print(f"wrote {args.out} ({len(data):,} bytes): the report of {city.label} in {args.lang}")
    return 0
