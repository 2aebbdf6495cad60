"""Build the snapshot: load each source, harmonise codes, check, write data/ deterministically."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from readiness.data.build import cases, geo, iot, u4ssc
from readiness.data.build.countries import build_countries, read_income_history, read_wb_class
from readiness.data.build.sources import READERS as SOURCE_READERS
from readiness.data.build.sources import read_un_egdi
from readiness.data.catalogue import Catalogue, load_catalogue
from readiness.data.harmonise import NameIndex, _index, load_aliases
from readiness.data.snapshot import denominators
from readiness.errors import ReadinessError
from readiness.paths import DATA_DIR, STATIC_DIR

FIRST_YEAR = 2000
READERS = {**SOURCE_READERS, **iot.READERS}
VALUE_COLUMNS = ["iso3", "indicator", "year", "value", "source", "estimate"]
# Values are stored to 6 decimals: far below any published precision, and stable across runs.
DECIMALS = 6


@dataclass(frozen=True)
class BuildReport:
    files: dict[str, int]
    seconds: float


def build_snapshot(
    raw: Path, data_dir: Path = DATA_DIR, static_dir: Path = STATIC_DIR,
    log: Callable[[str], None] = print,
) -> BuildReport:  # fmt: skip
    """Read ../shared/data/raw (or `raw`) and write every snapshot file; returns what it wrote."""
    start = time.perf_counter()
    if not raw.is_dir():
        raise ReadinessError(
            f"raw data folder {raw} not found; pass --raw DIR or set READINESS_RAW_DIR"
        )
    catalogue = load_catalogue()
    names = _source_name_index(raw)
    un_members = _un_members(raw, names)
    log(f"UN members found in the E-Government Survey 2024: {len(un_members)}")

    tidy = _read_all(raw, catalogue)
    tidy["iso3"] = _harmonise_codes(tidy["code"], names)
    population = tidy.loc[tidy["indicator"] == "population", ["iso3", "year", "value"]].rename(
        columns={"iso3": "code"}
    )
    countries = build_countries(raw, un_members, population)
    universe = set(countries["iso3"])
    tidy = _absent_as_zero(tidy, catalogue, universe - iot.NO_ISO_CODE)
    tidy = _per_capita(tidy, catalogue)
    flags = iot.flags(raw, universe)
    not_applicable = flags[flags["flag"] == "not_applicable"]
    tidy = _drop_pairs(tidy, not_applicable)
    values = _finalise_values(tidy, universe)
    income_history = read_income_history(raw, universe)
    coverage = coverage_table(values, catalogue)

    files: dict[str, bytes] = {
        "values.csv": _csv(values),
        "flags.csv": _csv(flags),
        "countries.csv": _csv(countries),
        "income_history.csv": _csv(income_history),
        "coverage.csv": _csv(coverage),
        "NOTICE.md": notice(catalogue).encode("utf-8"),
    }
    files.update(u4ssc.build_u4ssc(raw))  # data/u4ssc/: the U4SSC KPIs and the city master
    files.update(cases.build_cases(raw, universe))  # data/cases/: the case-study library
    geo_files = geo.build_geo(raw, countries)
    written: dict[str, int] = {}
    for name, payload in files.items():
        written[f"data/{name}"] = _write(data_dir / name, payload)
    for name, payload in geo_files.items():
        base = static_dir if name.startswith("topojson/") else data_dir
        prefix = "static" if base is static_dir else "data"
        written[f"{prefix}/{name}"] = _write(base / name, payload)
    log(
        f"{len(values):,} values for {values['iso3'].nunique()} economies and "
        f"{values['indicator'].nunique()} indicators, {FIRST_YEAR}-{values['year'].max()}"
    )
    return BuildReport(files=written, seconds=time.perf_counter() - start)


def _read_all(raw: Path, catalogue: Catalogue) -> pd.DataFrame:
    frames = []
    for source, reader in READERS.items():
        wanted = {i.series: i.code for i in catalogue.indicators if i.source == source}
        if not wanted:
            continue
        rows = reader(raw, sorted(wanted))
        missing = sorted(set(wanted) - set(rows["series"]))
        if missing:
            raise ReadinessError(f"{source}: series {missing} not found in {raw}")
        rows["indicator"] = rows["series"].map(wanted)
        rows["source"] = source
        frames.append(rows)
    undeclared = {i.source for i in catalogue.indicators} - set(READERS)
    if undeclared:
        raise ReadinessError(f"no reader for source(s) {sorted(undeclared)}")
    return pd.concat(frames, ignore_index=True)


def _absent_as_zero(tidy: pd.DataFrame, catalogue: Catalogue, universe: set[str]) -> pd.DataFrame:
    """For sources that list every economy (sources.yaml `absence: zero`), an economy of the
    master missing from a series-year the source publishes gets a real 0 (`universe`: the
    economies such a source could list; Kosovo, with no ISO 3166 code, stays unknown)."""
    zero_sources = {s.id for s in catalogue.sources if s.absence == "zero"}
    listed = tidy[tidy["source"].isin(zero_sources)]
    fills = []
    for key, rows in listed.groupby(["source", "series", "year"]):
        source, series, year = (str(k) for k in key)
        absent = sorted(universe - set(rows["iso3"]))
        fill = pd.DataFrame({"code": absent, "iso3": absent})
        fill["series"], fill["year"], fill["source"] = series, int(year), source
        fill["value"], fill["estimate"] = 0.0, False
        fill["indicator"] = rows["indicator"].iloc[0]
        fills.append(fill)
    return pd.concat([tidy, *fills], ignore_index=True)


def _per_capita(tidy: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Counts with `per` divided by that indicator (population) of the same economy and year, or
    of its latest earlier year (snapshot.denominators); without one the value is unknown."""
    out = tidy
    for ind in catalogue.indicators:
        if ind.per is None:
            continue
        counts = out.loc[out["indicator"] == ind.code]
        ratio = counts["value"] / denominators(out, ind.per.by, counts) * ind.per.scale
        out = pd.concat(
            [out.drop(index=counts.index), counts.assign(value=ratio).dropna(subset=["value"])],
            ignore_index=True,
        )
    return out


def _drop_pairs(tidy: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Rows of (economy, indicator) flagged not applicable are removed: never a 0."""
    key = tidy["iso3"] + "|" + tidy["indicator"]
    drop = set(pairs["iso3"] + "|" + pairs["indicator"])
    return tidy[~key.isin(drop)]


def _source_name_index(raw: Path) -> NameIndex:
    """Names from country-codes (six languages) and the World Bank, plus the alias table."""
    codes = pd.read_csv(raw / "classifications" / "country-codes.csv", dtype=str).dropna(
        subset=["ISO3166-1-Alpha-3"]
    )
    pairs: list[tuple[object, object]] = []
    for col in codes.columns:
        if "name" in col.lower() or col.startswith("UNTERM"):
            pairs += list(zip(codes[col], codes["ISO3166-1-Alpha-3"], strict=True))
    economies, _ = read_wb_class(raw)
    pairs += list(zip(economies["Economy"], economies["Code"], strict=True))
    aliases = load_aliases()
    pairs += list(zip(aliases["alias"], aliases["iso3"], strict=True))
    return _index(pairs)


def _un_members(raw: Path, names: NameIndex) -> set[str]:
    """The 193 UN member states, as covered by the UN E-Government Survey 2024."""
    egdi = read_un_egdi(raw, ["egdi"])
    latest = egdi[egdi["year"] == 2024]
    codes = _harmonise_codes(latest["code"], names)
    members = set(codes)
    if len(members) != 193:
        raise ReadinessError(f"expected 193 UN members in EGDI 2024, found {len(members)}")
    return members


def _harmonise_codes(codes: pd.Series, names: NameIndex) -> pd.Series:
    """ISO3 for each row: codes pass through, `name:` rows are looked up; unknown names fail."""
    is_name = codes.str.startswith("name:")
    out = codes.copy()
    looked_up = codes[is_name].str.slice(5).map(names.find)
    unknown = sorted(set(codes[is_name][looked_up.isna()].str.slice(5)))
    if unknown:
        raise ReadinessError(
            "names not matched to ISO3; add them to data/manual/name_aliases.csv: "
            + "; ".join(f"{n!r} (close: {names.suggest(n)})" for n in unknown)
        )
    out[is_name] = looked_up
    return out


def _finalise_values(tidy: pd.DataFrame, universe: set[str]) -> pd.DataFrame:
    values = tidy[tidy["iso3"].isin(universe) & (tidy["year"] >= FIRST_YEAR)].copy()
    values = values[np.isfinite(values["value"])]
    values["value"] = values["value"].round(DECIMALS)
    dup = values.duplicated(["iso3", "indicator", "year"], keep=False)
    if dup.any():
        sample = values.loc[dup, ["iso3", "indicator", "year"]].head(5).to_dict("records")
        raise ReadinessError(f"{int(dup.sum())} duplicate economy-indicator-year rows: {sample}")
    values["estimate"] = values["estimate"].astype(int)
    return values[VALUE_COLUMNS].sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)


def coverage_table(values: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Per indicator: economies with any value and in the latest window, median year, estimates."""
    latest = int(values["year"].max())
    rows = []
    for ind in catalogue.indicators:
        v = values[values["indicator"] == ind.code]
        in_window = v[v["year"] > latest - ind.window]
        last = in_window.sort_values("year").groupby("iso3").last()
        rows.append(
            {
                "indicator": ind.code,
                "role": ind.role,
                "economies_any_year": v["iso3"].nunique(),
                "window_end": latest,
                "economies_in_window": len(last),
                "median_year": float(last["year"].median()) if len(last) else np.nan,
                "first_year": int(v["year"].min()) if len(v) else pd.NA,
                "last_year": int(v["year"].max()) if len(v) else pd.NA,
                "estimate_share": round(float(v["estimate"].mean()), 4) if len(v) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def notice(catalogue: Catalogue) -> str:
    """The data NOTICE: licences and the citations each source requires."""
    lines = [
        "# Data notice",
        "",
        "This snapshot is derived from public data. Each value keeps its source and year; ITU",
        "estimates are flagged, and so are low-sample, partial-year and not-applicable values",
        "(flags.csv). Derived files carry the licence of their sources: data from ITU is",
        "CC BY-NC-SA 3.0 IGO (non-commercial use, share alike, with citation); World Bank data are",
        "CC BY 4.0; the PCH exchange counts and the TeleGeography cable counts are CC BY-NC-SA",
        "3.0 and the Ookla speeds CC BY-NC-SA 4.0, so the snapshot as a whole is for",
        "non-commercial use with attribution and share-alike. PeeringDB data are used only as",
        "counts of facilities per economy, under PeeringDB's Acceptable Use Policy (Internet",
        "research and analysis); no PeeringDB record is redistributed. The project's code is",
        "separate from these terms.",
        "",
        "| source | producer | licence | an economy the source does not list |",
        "|---|---|---|---|",
    ]
    absence = {"zero": "has a real 0", "unknown": "is unknown (no value)"}
    used = {i.source for i in catalogue.indicators}
    lines += [
        f"| {s.name} | {s.producer} | {s.licence} | "
        f"{(s.absence_note or absence[s.absence]) if s.id in used else '-'} |"
        for s in catalogue.sources
    ]
    lines += ["", "## Required citations", ""]
    lines += [f"- {s.citation}" for s in catalogue.sources]
    lines += ["", "## Where the copies came from", ""]
    lines += [f"- {s.id}: {s.via}" for s in catalogue.sources if s.via]
    lines.append("")
    return "\n".join(lines)


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _write(path: Path, payload: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != payload:
        path.write_bytes(payload)
    return len(payload)
