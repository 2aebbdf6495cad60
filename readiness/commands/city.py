"""City commands: `city list|create|template|import|score|compare|export|report|log|delete` on the
store of cities and their U4SSC KPI values (readiness.store; docs/CITIES.md, "Command line").

Every command takes `--db URL` (default READINESS_DB_URL, else the SQLite file in the state
directory). A command that writes (create, import, delete) names its editor in the audit log:
--editor, else READINESS_EDITOR, else the login name of whoever runs it. The CLI has no sign-in:
whoever can run it against a database may write to it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from readiness.commands.common import add_format_option, emit
from readiness.errors import ReadinessError
from readiness.i18n import UN_LANGUAGES
from readiness.store.cities import City, Store

EDITOR_ENV_VAR = "READINESS_EDITOR"
MASTER = "the city master (GeoNames places of 15,000 people or more)"
CANDIDATES = 5  # places listed when a name is ambiguous or unknown
EDITOR_HELP = (
    "who makes the change, written to the audit log with the time (UTC): this option, else "
    f"the {EDITOR_ENV_VAR} environment variable, else your login name. The command line has "
    "no sign-in: anyone who can run it against the database may write"
)
EPILOG = (
    "Every city command takes --db URL (default: the READINESS_DB_URL environment variable, "
    "else a SQLite file in the state directory). Writes (create, import, delete) are logged "
    f"with the editor's name: --editor, else {EDITOR_ENV_VAR}, else your login name."
)


@dataclass(frozen=True)
class Place:
    """Where a new city is: from the master (geonameid set) or given by hand."""

    name: str
    iso3: str
    latitude: float
    longitude: float
    geonameid: int | None = None
    population: int | None = None

    @property
    def origin(self) -> str:
        if self.geonameid is None:
            return f"by hand at {self.latitude:.4f}, {self.longitude:.4f}"
        people = f", population {self.population:,}" if self.population else ""
        where = f"{self.latitude:.4f}, {self.longitude:.4f}"
        return f"from GeoNames {self.geonameid} at {where}{people}"


def register(sub: argparse._SubParsersAction) -> None:
    from readiness.commands.city_output import register_output

    p = sub.add_parser(
        "city",
        help="cities and their U4SSC KPI values in the store (list, create, import, score, ...)",
        description=(
            "Cities and their U4SSC key performance indicators (Recommendation ITU-T Y.4903), "
            "kept in the store. See docs/CITIES.md."
        ),
        epilog=EPILOG,
    )
    actions = p.add_subparsers(dest="city_command", required=True, metavar="ACTION")
    _register_list(actions)
    _register_create(actions)
    _register_template(actions)
    _register_import(actions)
    register_output(actions)
    _register_log(actions)
    _register_delete(actions)


# --- options shared by the sub-commands --------------------------------------------------------


def add_db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="database URL, e.g. sqlite:///path/readiness.sqlite3 or "
        "postgresql://user:password@host/db (default: READINESS_DB_URL, else the SQLite file "
        "in the state directory)",
    )


def add_city_key(p: argparse.ArgumentParser, many: bool = False) -> None:
    if many:
        p.add_argument("names", nargs="+", metavar="NAME", help="stored cities: names or ids")
    else:
        p.add_argument("name", metavar="NAME", help="a stored city: its name (accents and case "
                       "aside) or its id from `city list`")  # fmt: skip
    p.add_argument(
        "--country",
        default=None,
        metavar="ISO3",
        help="the city's country, where cities of one name are stored in several",
    )


def add_lang_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--lang", choices=UN_LANGUAGES, default="en", help=f"language of {what}")


def _add_editor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--editor", default=None, metavar="NAME", help=EDITOR_HELP)


def _add_place(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lat", type=float, default=None, help="latitude, -90..90 (by hand)")
    p.add_argument("--lon", type=float, default=None, help="longitude, -180..180 (by hand)")
    p.add_argument(
        "--geonameid",
        type=int,
        default=None,
        metavar="N",
        help="the place's GeoNames id in the city master, where several share the name",
    )


def editor_name(args: argparse.Namespace) -> str:
    """--editor, else READINESS_EDITOR, else the login name of whoever runs the command."""
    given = (getattr(args, "editor", None) or os.environ.get(EDITOR_ENV_VAR) or "").strip()
    if given:
        return given
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        raise ReadinessError(
            f"who is writing? give --editor NAME or set {EDITOR_ENV_VAR}"
        ) from None


def open_db(args: argparse.Namespace) -> Store:
    from readiness.store.engine import open_store

    return open_store(args.db)


@cache
def _countries() -> dict[str, str]:
    """ISO3 -> English name: the economies of data/countries.csv and the master's territories."""
    from readiness.cities.master import load_cities
    from readiness.paths import DATA_DIR

    frame = pd.read_csv(
        DATA_DIR / "countries.csv", usecols=["iso3", "name_en"], dtype=str, keep_default_na=False
    )
    names = dict(zip(frame["iso3"], frame["name_en"], strict=True))
    return {code: names.get(code, code) for code in {*names, *load_cities()["iso3"]}}


def country(iso3: str | None) -> str | None:
    """The ISO3 code upper-cased; ReadinessError when it names no known economy or territory."""
    if iso3 is None:
        return None
    code = str(iso3).strip().upper()
    if code not in _countries():
        raise ReadinessError(
            f"unknown country code {iso3!r}: use an ISO 3166 alpha-3 code such as NOR (Norway)"
        )
    return code


def country_label(code: str) -> str:
    return f"{_countries().get(code, code)} ({code})"


def stored_city(store: Store, key: str, iso3: str | None) -> City:
    """The stored city named (or numbered) `key`, in `iso3` if given."""
    return store.get_city(key, iso3=country(iso3))


# --- list --------------------------------------------------------------------------------------


def _register_list(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "list",
        help="the stored cities: id, name, country, coordinates, values, last change",
        description=(
            "One row per stored city: id, name, iso3, latitude, longitude, GeoNames id (empty "
            "when entered by hand), number of values, and the last change (UTC) with its editor."
        ),
    )
    p.add_argument("--country", default=None, metavar="ISO3", help="only the cities of a country")
    p.add_argument(
        "--verbose", action="store_true", help="also name the database (password masked) on stderr"
    )
    add_db_option(p)
    add_format_option(p)
    p.set_defaults(handler=_list)


def _last_changes(store: Store) -> pd.DataFrame:
    """Per city: the time (UTC) and editor of its latest audit-log entry."""
    from sqlalchemy import func, select

    from readiness.store.schema import AuditRow

    latest = (
        select(func.max(AuditRow.id))
        .where(AuditRow.entity.like("city:%"))
        .group_by(AuditRow.entity)
    )
    query = select(AuditRow.entity, AuditRow.at, AuditRow.editor).where(AuditRow.id.in_(latest))
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["entity", "last_change", "last_editor"])
    frame["id"] = frame["entity"].str.removeprefix("city:").astype("int64")
    frame["last_change"] = utc_text(frame["last_change"])
    return frame.drop(columns="entity")


def show(table: pd.DataFrame, fmt: str) -> None:
    """emit(), except that an empty table prints nothing as a table (CSV keeps its header)."""
    if not (table.empty and fmt == "table"):
        emit(table, fmt)


def utc_text(times: pd.Series) -> pd.Series:
    """Times as ISO 8601 text in UTC, to the second: 2020-09-30T12:00:00Z."""
    stamps = pd.to_datetime(times, utc=True)
    return stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("")


def _list(args: argparse.Namespace) -> int:
    iso3 = country(args.country)
    with open_db(args) as store:
        if args.verbose:
            print(f"store: {store.url}", file=sys.stderr)
        cities = store.list_cities()
        changes = _last_changes(store)
    if iso3 is not None:
        cities = cities[cities["iso3"] == iso3]
    table = cities.merge(changes, on="id", how="left").rename(columns={"value_count": "values"})
    columns = ["id", "name", "iso3", "latitude", "longitude", "geonameid", "values"]
    table = table[[*columns, "last_change", "last_editor"]].fillna(
        {"last_change": "", "last_editor": ""}
    )
    show(table.reset_index(drop=True), args.format)
    if table.empty:
        where = f" for {country_label(iso3)}" if iso3 else ""
        print(
            f"no city is stored{where} yet: add one with `city create NAME --country ISO3` "
            "or `city import FILE --city NAME --country ISO3` (see `city template`)",
            file=sys.stderr,
        )
    return 0


# --- create ------------------------------------------------------------------------------------


def _register_create(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "create",
        help="store a new city, from the city master or by hand with --lat and --lon",
        description=(
            f"Store a new city. Without coordinates, NAME is looked up in {MASTER} of the "
            "country, blind to case and accents: one exact match gives its name, coordinates, "
            "GeoNames id and population; several ask for --geonameid; none ask for --lat and "
            "--lon (a municipality or district under 15,000 people, such as Karmøy, is created "
            "by hand)."
        ),
        epilog=EPILOG,
    )
    p.add_argument("name", metavar="NAME", help="the city's name")
    p.add_argument("--country", required=True, metavar="ISO3", help="its country, e.g. NOR")
    _add_place(p)
    _add_editor(p)
    add_db_option(p)
    p.set_defaults(handler=_create)


def _candidates(found: pd.DataFrame) -> str:
    shown = found.head(CANDIDATES)
    items = [
        f"{r['name']} (population {int(r['population']):,}, GeoNames id {int(r['geonameid'])})"
        for r in shown.to_dict("records")
    ]
    more = f" and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
    return ", ".join(items) + more


def _master_place(name: str, iso3: str, geonameid: int | None) -> Place:
    """The place of the master that `name` (or `geonameid`) names in `iso3`; else why not."""
    from readiness.cities.master import find_cities, load_cities

    where = country_label(iso3)
    if geonameid is not None:
        master = load_cities()
        rows = master[master["geonameid"] == geonameid]
        if rows.empty:
            raise ReadinessError(f"no place of {MASTER} has the GeoNames id {geonameid}")
        if rows.iloc[0]["iso3"] != iso3:
            other = rows.iloc[0]
            raise ReadinessError(
                f"GeoNames id {geonameid} is {other['name']} in {country_label(other['iso3'])}, "
                f"not in {where}"
            )
        return _place_of(rows.iloc[0])
    found = find_cities(name, iso3, limit=None)
    exact = found[found["match"] == "exact"]
    if len(exact) == 1:
        return _place_of(exact.iloc[0])
    if len(exact) > 1:
        raise ReadinessError(
            f"{len(exact)} places in {where} are called {name!r}: {_candidates(exact)}; choose "
            "one with --geonameid N, or give --lat and --lon"
        )
    similar = f" (similar names: {_candidates(found)})" if not found.empty else ""
    raise ReadinessError(
        f"no place called {name!r} in {where} in {MASTER}{similar}; to create it by hand, give "
        "its coordinates with --lat and --lon"
    )


def _place_of(row: pd.Series) -> Place:
    return Place(
        name=str(row["name"]),
        iso3=str(row["iso3"]),
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        geonameid=int(row["geonameid"]),
        population=int(row["population"]),
    )


def new_place(args: argparse.Namespace, name: str, iso3: str) -> Place:
    """The place a new city gets: by hand with --lat and --lon, else from the master."""
    by_hand = (args.lat, args.lon)
    if by_hand.count(None) == 1:
        raise ReadinessError("give both --lat and --lon, or neither")
    if args.lat is not None:
        if args.geonameid is not None:
            raise ReadinessError("give --geonameid or --lat and --lon, not both")
        return Place(name.strip(), iso3, float(args.lat), float(args.lon))
    return _master_place(name, iso3, args.geonameid)


def create_city(store: Store, place: Place, editor: str) -> City:
    return store.create_city(
        place.name,
        place.iso3,
        place.latitude,
        place.longitude,
        geonameid=place.geonameid,
        population=place.population,
        editor=editor,
    )


def _create(args: argparse.Namespace) -> int:
    iso3 = country(args.country)
    assert iso3 is not None
    place = new_place(args, args.name, iso3)
    editor = editor_name(args)
    with open_db(args) as store:
        city = create_city(store, place, editor)
    print(f"created {city.label}, id {city.id}, {place.origin} (editor: {editor})")
    return 0


# --- template ----------------------------------------------------------------------------------


def _register_template(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "template",
        help="write the import template (CSV or .xlsx): one row per U4SSC KPI and data point",
        description=(
            "Write the template to fill in: one row per KPI and data point (112 rows for the "
            "91 KPIs), with year, value, source, data quality, note and an optional target. "
            "The format follows the file name (.csv or .xlsx); headers, names and units are in "
            "the --lang language, and `city import` reads them in any of the six."
        ),
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="kpis.csv or kpis.xlsx")
    add_lang_option(p, "the headers, KPI names and units")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(handler=_template)


def out_path(path: Path, suffixes: tuple[str, ...], force: bool) -> str:
    """The output format (the suffix without its dot), once the path is fit to write."""
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise ReadinessError(
            f"{path.name}: the file name must end in {' or '.join(suffixes)} (it sets the format)"
        )
    if not path.parent.is_dir():
        raise ReadinessError(f"folder {path.parent} does not exist; create it or choose another")
    if path.exists() and not force:
        raise ReadinessError(f"{path} exists: add --force to overwrite it")
    return suffix[1:]


def write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a failure never leaves half a file under the name."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _template(args: argparse.Namespace) -> int:
    from readiness.cities.template import template_bytes, template_frame

    fmt = out_path(args.out, (".csv", ".xlsx"), args.force)
    data = template_bytes("xlsx" if fmt == "xlsx" else "csv", args.lang)
    write_bytes(args.out, data)
    rows = len(template_frame(args.lang))
    print(f"wrote {args.out} ({rows} rows, one per KPI and data point; {len(data):,} bytes)")
    return 0


# --- import ------------------------------------------------------------------------------------


def _register_import(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "import",
        help="import a filled template into a city (created if missing), all or nothing",
        description=(
            "Check the file (every problem listed with its row; exit 2 and nothing stored when "
            "there is any), create the city if it is not stored (as `city create` does: from "
            "the city master, or by hand with --lat and --lon), then store every value in one "
            "transaction. A value already stored for the same KPI, data point and year is "
            "replaced; other stored values are kept. Targets in the file are set too."
        ),
        epilog=EPILOG,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the filled template (CSV or .xlsx)")
    p.add_argument("--city", required=True, metavar="NAME", help="the city's name")
    p.add_argument("--country", required=True, metavar="ISO3", help="its country, e.g. NOR")
    _add_place(p)
    p.add_argument(
        "--no-replace",
        action="store_true",
        help="refuse the whole file if a value is already stored for one of its keys",
    )
    add_lang_option(p, "the file's problems")
    _add_editor(p)
    add_db_option(p)
    p.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from readiness.cities.template import read_city_values
    from readiness.commands.extra import read_file
    from readiness.store.errors import StoreError
    from readiness.store.frames import clean_values

    iso3 = country(args.country)
    assert iso3 is not None
    values = read_city_values(read_file(args.file), args.file.name, lang=args.lang)
    clean = clean_values(values)  # the store's own checks, before anything is written
    editor = editor_name(args)
    with open_db(args) as store:
        try:
            city, place = store.get_city(args.city, iso3=iso3), None
        except StoreError:
            place = new_place(args, args.city, iso3)
            city = create_city(store, place, editor)
        stored = store.values(city.id)
        keys = {(r["kpi_code"], r["data_point"], r["year"]) for r in clean.values}
        had = set(zip(stored["kpi_code"], stored["data_point"], stored["year"], strict=True))
        try:
            written = store.import_values(city.id, values, editor=editor,
                                          replace=not args.no_replace)  # fmt: skip
        except BaseException:
            if place is not None:  # the city was made for this import: take it away again
                store.delete_city(city.id, editor=editor)
            raise
    if place is not None:
        print(f"created {city.label}, id {city.id}, {place.origin}")
    elif args.lat is not None or args.geonameid is not None:
        print(f"note: {city.label} is stored already; its coordinates are kept", file=sys.stderr)
    replaced = len(keys & had)
    print(
        f"imported {written} value(s) of {len({k[0] for k in keys})} KPI(s) from "
        f"{args.file.name} into {city.label}, id {city.id}: {written - replaced} new, "
        f"{replaced} replaced; {len(clean.targets)} target(s) set (editor: {editor})"
    )
    return 0


# --- log and delete ----------------------------------------------------------------------------


def _register_log(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "log",
        help="the cities' audit log: who changed what, and when (UTC), latest first",
        description="The store's audit log of cities, latest first: when (UTC), editor, action, "
        "what.",
    )
    p.add_argument("--limit", type=int, default=50, help="entries to show (default 50)")
    p.add_argument("--city", default=None, metavar="NAME", help="only the entries of one city")
    p.add_argument("--country", default=None, metavar="ISO3", help="the city's country")
    add_db_option(p)
    add_format_option(p)
    p.set_defaults(handler=_log)


def _log(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ReadinessError(f"--limit must be at least 1, got {args.limit}")
    with open_db(args) as store:
        entity = None
        if args.city is not None:
            entity = f"city:{stored_city(store, args.city, args.country).id}"
        log = store.audit(args.limit, entity=entity, kind="city")
    table = pd.DataFrame(
        {
            "at_utc": utc_text(log["at"]),
            "editor": log["editor"],
            "action": log["action"],
            "entity": log["entity"],
            "detail": log["detail"],
        }
    )
    show(table, args.format)
    if table.empty:
        print("the audit log is empty: nothing was written to this store yet", file=sys.stderr)
    return 0


def _register_delete(actions: argparse._SubParsersAction) -> None:
    p = actions.add_parser(
        "delete",
        help="remove a stored city with its values and targets (needs --yes)",
        description="Remove a city with all its values and targets; the audit log keeps a line.",
        epilog=EPILOG,
    )
    add_city_key(p)
    p.add_argument("--yes", action="store_true", help="confirm: the values are lost for good")
    _add_editor(p)
    add_db_option(p)
    p.set_defaults(handler=_delete)


def _delete(args: argparse.Namespace) -> int:
    editor = editor_name(args)
    with open_db(args) as store:
        city = stored_city(store, args.name, args.country)
        values, targets = len(store.values(city.id)), len(store.targets(city.id))
        what = f"{city.label}, id {city.id}, with {values} value(s) and {targets} target(s)"
        if not args.yes:
            raise ReadinessError(f"this deletes {what} for good: add --yes to confirm")
        store.delete_city(city.id, editor=editor)
    print(f"deleted {what} (editor: {editor})")
    return 0
