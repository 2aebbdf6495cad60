"""What changed between two snapshots: new years, revised values, groups, tiers and ranks,
coverage; as tables, as text for the terminal, and as a Markdown or CSV file.

A value counts as revised when the same economy, indicator and year moves by more than BOTH the
absolute tolerance (default 1e-5, ten times the snapshot's rounding to 6 decimals) and the
relative one (default 0.1 % of the old value): rounding never shows, and a tiny value must still
move by a real amount. Tiers and ranks are those of the index of each snapshot's latest year under
the default method (what the tool shows first); an economy is listed when its tier changed
(including to or from "Not scored") or its rank moved by more than `rank_moves` places.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from readiness.data.snapshot import BOOL_COLUMNS, Snapshot
from readiness.errors import ReadinessError
from readiness.index.engine import build_index
from readiness.index.framework import Framework
from readiness.index.inputs import data_for_year, panel_from_snapshot
from readiness.index.method import Method
from readiness.refresh.snapshots import describe, load_current

RANK_MOVES = 5
GROUP_FIELDS = ("income_group", "ldc", "lldc", "sids")
KEY = ["iso3", "indicator", "year"]
TABLES = ("new_years", "revised", "groups", "ranks", "coverage")
_TITLES = {
    "new_years": "New years",
    "revised": "Revised values",
    "groups": "Economies that changed group",
    "ranks": "Tier or rank",
    "coverage": "Coverage fell",
}


@dataclass(frozen=True)
class Tolerance:
    """A revision is a move beyond both: |new - old| > absolute and > relative * |old|."""

    relative: float = 0.001
    absolute: float = 1e-5

    def text(self) -> str:
        return f"{self.relative:.2%} and {self.absolute:g}"


@dataclass(frozen=True)
class Changes:
    """The five tables of what changed from `old` to `new` (each possibly empty)."""

    old: str
    new: str
    old_year: int
    new_year: int
    tolerance: Tolerance
    rank_moves: int
    new_years: pd.DataFrame  # indicator, iso3, economy, old_year, new_year
    revised: pd.DataFrame  # indicator, iso3, economy, year, old, new, change
    groups: pd.DataFrame  # iso3, economy, field, old, new
    ranks: pd.DataFrame  # iso3, economy, old_rank, new_rank, move, old_tier, new_tier, ...
    coverage: pd.DataFrame  # indicator, old_in_window, new_in_window, old_any, new_any
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return all(getattr(self, name).empty for name in TABLES)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in TABLES}


def changes(
    old: Path | Snapshot,
    new: Path | Snapshot,
    tolerance: Tolerance | None = None,
    rank_moves: int = RANK_MOVES,
) -> Changes:
    """Compare two snapshot folders (or loaded snapshots): what a user of the new one should
    know. `rank_moves`: list a rank change only beyond this many places."""
    tolerance = tolerance or Tolerance()
    if tolerance.relative < 0 or tolerance.absolute < 0 or rank_moves < 0:
        raise ReadinessError("tolerances and rank moves must be zero or more")
    before, after = _snapshot(old), _snapshot(new)
    names = _names(before, after)
    old_scores, new_scores = index_table(before), index_table(after)
    return Changes(
        old=describe(before.data_dir),
        new=describe(after.data_dir),
        old_year=before.latest_year,
        new_year=after.latest_year,
        tolerance=tolerance,
        rank_moves=rank_moves,
        new_years=_with_names(new_years(before.values, after.values), names),
        revised=_with_names(revised(before.values, after.values, tolerance), names),
        groups=_with_names(group_changes(before.countries, after.countries), names),
        ranks=_with_names(rank_changes(old_scores, new_scores, rank_moves), names),
        coverage=coverage_fell(before.coverage, after.coverage),
    )


def _snapshot(item: Path | Snapshot) -> Snapshot:
    return item if isinstance(item, Snapshot) else load_current(Path(item))


def _names(*snaps: Snapshot) -> dict[str, str]:
    out: dict[str, str] = {}
    for snap in snaps:
        out.update(zip(snap.countries["iso3"], snap.countries["name_en"], strict=True))
    return out


def _with_names(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Insert an `economy` column (English name) after iso3."""
    out = frame.reset_index(drop=True)
    out.insert(list(out.columns).index("iso3") + 1, "economy", out["iso3"].map(names))
    return out


def new_years(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """(indicator, economy) pairs whose latest year is later in `new` (or new altogether)."""
    last_old = old.groupby(["indicator", "iso3"])["year"].max().rename("old_year")
    last_new = new.groupby(["indicator", "iso3"])["year"].max().rename("new_year")
    both = pd.concat([last_old, last_new], axis=1, join="outer").reset_index()
    gained = both["new_year"].notna() & (
        both["old_year"].isna() | (both["new_year"] > both["old_year"])
    )
    out = both[gained].astype({"old_year": "Int64", "new_year": "Int64"})
    return out[["indicator", "iso3", "old_year", "new_year"]].sort_values(["indicator", "iso3"])


def revised(old: pd.DataFrame, new: pd.DataFrame, tolerance: Tolerance) -> pd.DataFrame:
    """Values present in both whose move passes both tolerances (module docstring)."""
    cols = [*KEY, "value"]
    joined = old[cols].merge(new[cols], on=KEY, suffixes=("_old", "_new"))
    a = joined["value_old"].to_numpy(dtype=float)
    b = joined["value_new"].to_numpy(dtype=float)
    diff = np.abs(b - a)
    moved = (diff > tolerance.absolute) & (diff > tolerance.relative * np.abs(a))
    out = joined[moved].rename(columns={"value_old": "old", "value_new": "new"})
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (out["new"] - out["old"]) / out["old"].abs()
    out = out.assign(change=change.replace([np.inf, -np.inf], np.nan))
    return out[["indicator", "iso3", "year", "old", "new", "change"]].sort_values(KEY)


def group_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Economies whose income group or LDC, LLDC or SIDS flag differs; economies added or gone."""
    rows: list[dict[str, object]] = []
    a, b = old.set_index("iso3"), new.set_index("iso3")
    for iso3 in sorted(set(b.index) - set(a.index)):
        rows.append({"iso3": iso3, "field": "economy", "old": "", "new": "added"})
    for iso3 in sorted(set(a.index) - set(b.index)):
        rows.append({"iso3": iso3, "field": "economy", "old": "present", "new": "removed"})
    common = sorted(set(a.index) & set(b.index))
    for name in GROUP_FIELDS:
        before, after = _text(a.loc[common, name], name), _text(b.loc[common, name], name)
        for iso3 in before.index[before != after]:
            rows.append({"iso3": iso3, "field": name, "old": before[iso3], "new": after[iso3]})
    frame = pd.DataFrame(rows, columns=["iso3", "field", "old", "new"])
    return frame.sort_values(["iso3", "field"])


def _text(column: pd.Series, name: str) -> pd.Series:
    if name in BOOL_COLUMNS:
        return column.astype(bool).map({True: "yes", False: "no"})
    return column.astype("string").fillna("(none)").astype(str)


def index_table(snap: Snapshot, method: Method | None = None) -> pd.DataFrame:
    """The index of the snapshot's latest year: iso3, score, rank, tier (without the per-process
    cache of score_snapshot, which holds the served snapshot)."""
    method = method or Method()
    framework = Framework.from_catalogue(snap.catalogue)
    panel = panel_from_snapshot(snap, framework)
    result = build_index(
        data_for_year(panel, framework, method, snap.latest_year), framework, method
    )
    return pd.DataFrame(
        {"score": result.index, "rank": result.rank, "tier": result.tiers}
    ).rename_axis("iso3")


def scored(table: pd.DataFrame) -> int:
    """How many economies have an index score."""
    return int(table["score"].notna().sum())


def rank_changes(old: pd.DataFrame, new: pd.DataFrame, rank_moves: int) -> pd.DataFrame:
    """Economies whose tier changed or whose rank moved by more than `rank_moves` places."""
    both = old.add_suffix("_old").join(new.add_suffix("_new"), how="outer")
    both[["tier_old", "tier_new"]] = both[["tier_old", "tier_new"]].fillna("Not scored")
    move = both["rank_old"].astype("Float64") - both["rank_new"].astype("Float64")
    tier = both["tier_old"] != both["tier_new"]
    far = move.abs().fillna(0) > rank_moves
    out = pd.DataFrame(
        {
            "old_rank": both["rank_old"].astype("Int64"),
            "new_rank": both["rank_new"].astype("Int64"),
            "move": move.round().astype("Int64"),
            "old_tier": both["tier_old"].astype(str),
            "new_tier": both["tier_new"].astype(str),
            "old_score": both["score_old"].round(2),
            "new_score": both["score_new"].round(2),
        }
    )[(tier | far).to_numpy()]
    return out.rename_axis("iso3").reset_index().sort_values("iso3")


def coverage_fell(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Indicators with fewer economies in the latest window or with any value (coverage.csv)."""
    cols = ["indicator", "economies_in_window", "economies_any_year"]
    both = old[cols].merge(new[cols], on="indicator", how="left", suffixes=("_old", "_new"))
    both = both.fillna({"economies_in_window_new": 0, "economies_any_year_new": 0})
    fell = (both["economies_in_window_new"] < both["economies_in_window_old"]) | (
        both["economies_any_year_new"] < both["economies_any_year_old"]
    )
    out = both[fell].rename(
        columns={
            "economies_in_window_old": "old_in_window",
            "economies_in_window_new": "new_in_window",
            "economies_any_year_old": "old_any_year",
            "economies_any_year_new": "new_any_year",
        }
    )
    order = ["indicator", "old_in_window", "new_in_window", "old_any_year", "new_any_year"]
    return out[order].astype({c: "int64" for c in order[1:]}).reset_index(drop=True)


# --- output ------------------------------------------------------------------------------------
def _line(name: str, row: pd.Series) -> str:
    if name == "new_years":
        was = "no value" if pd.isna(row["old_year"]) else str(row["old_year"])
        return f"{row['indicator']} {row['iso3']} ({row['economy']}): {was} -> {row['new_year']}"
    if name == "revised":
        pct = "" if pd.isna(row["change"]) else f" ({row['change']:+.1%})"
        return (
            f"{row['indicator']} {row['iso3']} {row['year']}: "
            f"{row['old']:.6g} -> {row['new']:.6g}{pct}"
        )
    if name == "groups":
        return f"{row['iso3']} ({row['economy']}) {row['field']}: {row['old']} -> {row['new']}"
    if name == "ranks":
        return (
            f"{row['iso3']} ({row['economy']}): rank {_na(row['old_rank'])} -> "
            f"{_na(row['new_rank'])}, tier {row['old_tier']} -> {row['new_tier']}"
        )
    return (
        f"{row['indicator']}: economies in the latest window {row['old_in_window']} -> "
        f"{row['new_in_window']}, with any value {row['old_any_year']} -> {row['new_any_year']}"
    )


def _na(value: object) -> str:
    return "-" if _missing(value) else str(value)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _heading(changes: Changes, name: str) -> str:
    n = len(getattr(changes, name))
    if name == "new_years":
        k = getattr(changes, name)["indicator"].nunique()
        return f"{_TITLES[name]}: {n} economy-indicator pair(s) in {k} indicator(s)"
    if name == "revised":
        return f"{_TITLES[name]} (beyond {changes.tolerance.text()}): {n}"
    if name == "ranks":
        return (
            f"{_TITLES[name]} (index {changes.old_year} -> {changes.new_year}, default method; "
            f"tier changed or rank moved by more than {changes.rank_moves}): {n}"
        )
    return f"{_TITLES[name]}: {n}"


def render_text(changes: Changes, limit: int = 10) -> str:
    """The terminal summary: one heading per table and at most `limit` lines under each."""
    lines = [f"What changed: {changes.old} -> {changes.new}"]
    if changes.empty:
        lines.append("  nothing: no new year, revision, group, tier, rank or coverage change")
    for name in TABLES:
        frame = getattr(changes, name)
        if frame.empty:
            continue
        lines.append(f"  {_heading(changes, name)}")
        lines += [f"    {_line(name, row)}" for _, row in frame.head(limit).iterrows()]
        if len(frame) > limit:
            lines.append(f"    ... and {len(frame) - limit} more (see the report file)")
    lines += [f"  note: {note}" for note in changes.notes]
    return "\n".join(lines) + "\n"


def long_table(changes: Changes) -> pd.DataFrame:
    """Every change as one row: change, iso3, economy, indicator, year, old, new, detail."""
    columns = ["change", "iso3", "economy", "indicator", "year", "old", "new", "detail"]
    parts = []
    for name in TABLES:
        frame = getattr(changes, name)
        if frame.empty:
            continue
        rows = pd.DataFrame(index=frame.index, columns=columns, dtype=object)
        rows["change"] = name
        for col in ("iso3", "economy", "indicator", "year"):
            if col in frame.columns:
                rows[col] = frame[col]
        rows["detail"] = [_line(name, row) for _, row in frame.iterrows()]
        old, new = _old_new(name)
        rows["old"], rows["new"] = frame[old], frame[new]
        parts.append(rows)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _old_new(name: str) -> tuple[str, str]:
    return {
        "new_years": ("old_year", "new_year"),
        "ranks": ("old_rank", "new_rank"),
        "coverage": ("old_in_window", "new_in_window"),
    }.get(name, ("old", "new"))


def render_markdown(changes: Changes) -> str:
    """The report file: a heading per table and every row (no limit)."""
    out = [f"# What changed\n\nFrom {changes.old} to {changes.new}.\n"]
    for name in TABLES:
        frame = getattr(changes, name)
        out.append(f"## {_heading(changes, name)}\n")
        out.append(_md_table(frame) if not frame.empty else "None.\n")
    out += [f"Note: {note}\n" for note in changes.notes]
    return "\n".join(out)


def _md_table(frame: pd.DataFrame) -> str:
    def cell(value: object) -> str:
        text = "" if _missing(value) else (f"{value:.6g}" if isinstance(value, float) else value)
        return str(text).replace("|", "\\|")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines) + "\n"


def write(changes: Changes, path: Path) -> Path:
    """Write the report: CSV (the long table) for a .csv path, else Markdown."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        long_table(changes).to_csv(buffer, index=False, lineterminator="\n")
        path.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        path.write_text(render_markdown(changes), encoding="utf-8")
    return path
