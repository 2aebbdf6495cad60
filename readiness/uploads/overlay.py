"""User data as an overlay: applied to a snapshot it gives a NEW snapshot; data/ is never touched.

An Overlay holds validated tidy rows, the new indicators it declares and where it came from.
`apply_overlays(snapshot, overlays)` merges them: a user value replaces the snapshot's value for
the same economy, indicator and year, and every user row carries the source id USER, so tables,
maps and citations can tell user data apart. `preview` scores before and after.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from readiness.data.catalogue import Catalogue, Indicator, Source
from readiness.data.snapshot import Snapshot
from readiness.index.method import Method

USER_SOURCE = "USER"
USER_LICENCE = "as supplied by the user"
ROW_COLUMNS = ("iso3", "indicator", "year", "value")
KEY = ["iso3", "indicator", "year"]


@dataclass(frozen=True)
class Provenance:
    """Where an overlay came from: the file's name and SHA-256, and when it was uploaded (UTC)."""

    filename: str
    sha256: str
    uploaded_at: str


@dataclass(frozen=True, eq=False)
class Overlay:
    """Validated user values (iso3, indicator, year, value), new indicators, and provenance.

    Build overlays with `readiness.uploads.upload.validate_upload` (or a scenario import),
    which checks them; the rows are stored sorted with fixed dtypes so equal content compares equal.
    """

    rows: pd.DataFrame
    indicators: tuple[Indicator, ...]
    provenance: Provenance

    def __post_init__(self) -> None:
        iso3 = _text_array(self.rows["iso3"])
        indicator = _text_array(self.rows["indicator"])
        year = self.rows["year"].to_numpy(dtype="int64")
        value = self.rows["value"].to_numpy(dtype="float64")
        order = _key_order(iso3, indicator, year)
        rows = pd.DataFrame(
            {
                "iso3": pd.Series(iso3[order], dtype=object),
                "indicator": pd.Series(indicator[order], dtype=object),
                "year": year[order],
                "value": value[order],
            }
        )
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "indicators", tuple(self.indicators))
        object.__setattr__(self, "_token", _token(rows, self.indicators, self.provenance))

    @property
    def token(self) -> str:
        """A SHA-256 of the content (rows, indicators, file name and hash): a cache key."""
        return str(self.__dict__["_token"])

    @property
    def codes(self) -> tuple[str, ...]:
        """The indicator codes this overlay holds values for."""
        return tuple(pd.unique(self.rows["indicator"]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Overlay):
            return NotImplemented
        return (
            self.token == other.token
            and self.provenance == other.provenance
            and self.indicators == other.indicators
            and self.rows.equals(other.rows)
        )

    def __hash__(self) -> int:
        return hash(self.token)


def _text_array(column: pd.Series) -> np.ndarray:
    values = column.to_numpy(dtype=object)
    if len(values) and not all(isinstance(v, str) for v in values[:1000]):
        values = np.array([str(v) for v in values], dtype=object)
    return values


def _key_order(iso3: np.ndarray, indicator: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Row order by (iso3, indicator, year), sorted by Arrow (fast on a million rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.table(
        {
            "iso3": pa.array(iso3, type=pa.string()),
            "indicator": pa.array(indicator, type=pa.string()),
            "year": pa.array(year),
        }
    )
    keys = [("iso3", "ascending"), ("indicator", "ascending"), ("year", "ascending")]
    return np.asarray(pc.sort_indices(table, sort_keys=keys))


def _token(rows: pd.DataFrame, indicators: Sequence[Indicator], prov: Provenance) -> str:
    digest = hashlib.sha256()
    head = {"indicators": [asdict(i) for i in indicators], "file": [prov.filename, prov.sha256]}
    digest.update(json.dumps(head, sort_keys=True, default=str).encode())
    for column in ("iso3", "indicator"):
        digest.update("\x1f".join(rows[column].tolist()).encode())
    digest.update(rows["year"].to_numpy(dtype="<i8").tobytes())
    digest.update(rows["value"].to_numpy(dtype="<f8").tobytes())
    return digest.hexdigest()


def overlays_token(overlays: Sequence[Overlay]) -> str:
    """One cache key for a sequence of overlays ("" for none)."""
    if not overlays:
        return ""
    return hashlib.sha256("".join(o.token for o in overlays).encode()).hexdigest()


def user_source(overlays: Sequence[Overlay]) -> Source:
    """The USER source entry: names each file, its hash and upload time, for citations."""
    files = "; ".join(
        f"{o.provenance.filename} (sha256 {o.provenance.sha256[:12]}, uploaded "
        f"{o.provenance.uploaded_at})"
        for o in overlays
    )
    return Source(
        id=USER_SOURCE,
        name=f"User data: {', '.join(o.provenance.filename for o in overlays)}",
        producer="the user (not checked by ITU or the project)",
        url="",
        licence=USER_LICENCE,
        citation=f"User-supplied data: {files}. Not part of the published snapshot.",
        raw="",
        via="upload",
    )


def apply_overlay(snapshot: Snapshot, overlay: Overlay) -> Snapshot:
    """A new snapshot with one overlay applied (see apply_overlays)."""
    return apply_overlays(snapshot, [overlay])


def apply_overlays(snapshot: Snapshot, overlays: Sequence[Overlay]) -> Snapshot:
    """A NEW snapshot: user rows replace the same economy-indicator-year, later overlays win.

    New indicators join the catalogue (index role in their pillar, or context) with the USER
    source; the snapshot passed in and the files under data/ are left unchanged.
    """
    overlays = list(overlays)
    if not overlays:
        return snapshot
    user = pd.concat([o.rows for o in overlays], ignore_index=True)
    if len(overlays) > 1:
        user = user[~_keys(user).duplicated(keep="last").to_numpy()]
    base = snapshot.values
    # Only user rows of catalogue indicators can replace a value; new indicators only add.
    overriding = user[user["indicator"].isin(set(base["indicator"].unique())).to_numpy()]
    replaced = _keys(base).isin(set(_keys(overriding))).to_numpy()
    dtype = base["iso3"].dtype
    added = pd.DataFrame(
        {
            "iso3": _string_array(user["iso3"], dtype),
            "indicator": _string_array(user["indicator"], base["indicator"].dtype),
            "year": user["year"].to_numpy(dtype="int64"),
            "value": user["value"].to_numpy(dtype="float64"),
            "source": _repeat(USER_SOURCE, len(user), base["source"].dtype),
            "estimate": np.zeros(len(user), dtype=bool),
        }
    )
    # The snapshot's rows keep their order (minus replaced ones); user rows follow in key order.
    kept = base.loc[~replaced]
    values = pd.concat([kept, added], ignore_index=True)
    catalogue = _catalogue(snapshot.catalogue, overlays)
    touched = set(user["indicator"].unique())
    # Coverage input: the touched indicators' remaining snapshot rows (as object text) and the
    # user rows, which are object text already: no round trip of a million Arrow strings.
    others = kept[kept["indicator"].isin(touched).to_numpy()]
    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    "iso3": others["iso3"].to_numpy(dtype=object),
                    "indicator": others["indicator"].to_numpy(dtype=object),
                    "year": others["year"].to_numpy(),
                    "estimate": others["estimate"].to_numpy(dtype=float),
                }
            ),
            user[["iso3", "indicator", "year"]].assign(estimate=0.0),
        ],
        ignore_index=True,
    )
    latest = int(values["year"].max())
    coverage = _coverage(snapshot, rows, catalogue, touched, latest)
    flags = _flags_kept(snapshot.flags, user)
    return replace(snapshot, values=values, catalogue=catalogue, coverage=coverage, flags=flags)


def _flags_kept(flags: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's flags less those of values the user replaced, and less 'not applicable'
    for an economy and indicator the user gives a value (the user's value is shown as given)."""
    if flags.empty or user.empty:
        return flags
    pairs = set(user["iso3"].astype(str) + "|" + user["indicator"].astype(str))
    flag_pairs = flags["iso3"].astype(str) + "|" + flags["indicator"].astype(str)
    drop = _keys(flags).isin(set(_keys(user))) | (
        (flags["flag"] == "not_applicable") & flag_pairs.isin(pairs)
    )
    return flags.loc[~drop.to_numpy()].reset_index(drop=True)


def _keys(frame: pd.DataFrame) -> pd.Series:
    """One text key per row: iso3|indicator|year."""
    return (
        frame["iso3"].astype(str)
        + "|"
        + frame["indicator"].astype(str)
        + "|"
        + frame["year"].astype(str)
    ).astype(object)


def _repeat(text: str, n: int, dtype: Any) -> Any:
    """`text` n times as the snapshot's string dtype."""
    import pyarrow as pa

    return pd.array(
        pa.array([text], type=pa.string()).take(np.zeros(n, dtype=np.int64)), dtype=dtype
    )


def _string_array(column: pd.Series, dtype: Any) -> Any:
    """Text as the snapshot's string dtype, built through Arrow (fast on a million rows)."""
    import pyarrow as pa

    return pd.array(pa.array(column.to_numpy(dtype=object), type=pa.string()), dtype=dtype)


def _catalogue(catalogue: Catalogue, overlays: Sequence[Overlay]) -> Catalogue:
    new: dict[str, Indicator] = {}
    for overlay in overlays:
        for ind in overlay.indicators:
            new[ind.code] = ind
    known = set(catalogue.codes)
    indicators = catalogue.indicators + tuple(i for c, i in new.items() if c not in known)
    sources = tuple(s for s in catalogue.sources if s.id != USER_SOURCE)
    return replace(catalogue, indicators=indicators, sources=(*sources, user_source(overlays)))


def _coverage(
    snapshot: Snapshot, sub: pd.DataFrame, catalogue: Catalogue, touched: set[str], latest: int
) -> pd.DataFrame:
    """The coverage table with the touched indicators' rows recomputed (as the build does).

    `sub` holds every row of the touched indicators (iso3, indicator, year, estimate as float);
    `latest` is the latest year of all values, the end of every window.
    """
    codes = [i.code for i in catalogue.indicators if i.code in touched]
    windows = {i.code: i.window for i in catalogue.indicators}
    role = {i.code: i.role for i in catalogue.indicators}
    # Integer codes for indicator and economy: grouping a million rows stays cheap.
    ind_id, ind_names = pd.factorize(sub["indicator"].to_numpy(dtype=object))
    iso_id = pd.factorize(sub["iso3"].to_numpy(dtype=object))[0]
    year = sub["year"].to_numpy()
    cutoff = latest - np.array([windows[str(c)] for c in ind_names])
    frame = pd.DataFrame({"ind": ind_id, "iso": iso_id, "year": year})
    frame["estimate"] = sub["estimate"].to_numpy(dtype=float)
    grouped = frame.groupby("ind")
    in_window = frame[year > cutoff[ind_id]]
    last = in_window.groupby(["ind", "iso"])["year"].max().groupby(level=0)
    ids = pd.Index(ind_names.astype(object)).get_indexer(codes)
    fresh = pd.DataFrame(
        {
            "indicator": codes,
            "role": [role[c] for c in codes],
            "economies_any_year": grouped["iso"].nunique().reindex(ids).to_numpy(dtype=int),
            "window_end": latest,
            "economies_in_window": last.size().reindex(ids).fillna(0).to_numpy(dtype=int),
            "median_year": last.median().reindex(ids).to_numpy(dtype=float),
            # every touched indicator has user rows, so first and last years exist
            "first_year": grouped["year"].min().reindex(ids).to_numpy(dtype="int64"),
            "last_year": grouped["year"].max().reindex(ids).to_numpy(dtype="int64"),
            "estimate_share": grouped["estimate"].mean().reindex(ids).round(4).to_numpy(),
        }
    )
    fresh = fresh.astype({"indicator": base_dtype(snapshot, "indicator")})
    fresh = fresh.astype({"role": base_dtype(snapshot, "role")})
    base = snapshot.coverage
    kept = base[~base["indicator"].isin(touched)]
    order = {c: n for n, c in enumerate(catalogue.codes)}
    out = pd.concat([kept, fresh])
    out = out.sort_values("indicator", key=lambda s: s.map(order), kind="stable")
    return out.reset_index(drop=True)


def base_dtype(snapshot: Snapshot, column: str) -> Any:
    return snapshot.coverage[column].dtype


def user_mask(values: pd.DataFrame) -> pd.Series:
    """True for rows that came from a user's upload."""
    return values["source"].astype(str).eq(USER_SOURCE)


def has_user_data(snapshot: Snapshot) -> bool:
    return bool(user_mask(snapshot.values).any())


# --- preview ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Preview:
    """What applying overlays changes: values added or overridden, economies, ranks."""

    year: int
    added: int
    overridden: int
    unchanged: int
    changes: pd.DataFrame  # iso3, name, indicator, year, before, after, change
    economies: tuple[str, ...]
    new_indicators: tuple[str, ...]
    ranks: pd.DataFrame  # iso3, name, index_before, index_after, rank_before, rank_after, moved

    def summary(self) -> str:
        moved = int((self.ranks["moved"].fillna(0) != 0).sum()) if len(self.ranks) else 0
        return (
            f"{self.added:,} value(s) added, {self.overridden:,} overridden "
            f"({self.unchanged:,} identical); {_count(len(self.economies), 'economy')} affected; "
            f"{len(self.new_indicators)} new indicator(s); {_count(moved, 'economy')} change "
            f"rank in {self.year}"
        )


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n:,} {noun if n == 1 else plural}"


def preview(
    snapshot: Snapshot,
    overlays: Overlay | Sequence[Overlay],
    year: int | None = None,
    method: Method | None = None,
) -> Preview:
    """Compare the snapshot with and without the overlays, values and ranks, for one year."""
    overlays = [overlays] if isinstance(overlays, Overlay) else list(overlays)
    after = apply_overlays(snapshot, overlays)
    user = pd.concat([o.rows for o in overlays], ignore_index=True).drop_duplicates(
        KEY, keep="last"
    )
    base = snapshot.values[["iso3", "indicator", "year", "value"]].astype({"iso3": str})
    base["indicator"] = base["indicator"].astype(str)
    merged = user.merge(base, on=KEY, how="left", suffixes=("", "_before"))
    changes = pd.DataFrame(
        {
            "iso3": merged["iso3"],
            "name": merged["iso3"].map(snapshot._names()),
            "indicator": merged["indicator"],
            "year": merged["year"],
            "before": merged["value_before"],
            "after": merged["value"],
        }
    )
    changes["change"] = np.where(
        changes["before"].isna(),
        "added",
        np.where(changes["before"] == changes["after"], "same", "overridden"),
    )
    year = after.latest_year if year is None else year
    method = method or Method()
    before_res, after_res = _score(snapshot, year, method), _score(after, year, method)
    units = before_res.index.index
    ranks = pd.DataFrame(
        {
            "iso3": units.astype(str),
            "index_before": before_res.index.to_numpy(dtype=float),
            "index_after": after_res.index.reindex(units).to_numpy(dtype=float),
            "rank_before": before_res.rank.to_numpy(),
            "rank_after": after_res.rank.reindex(units).to_numpy(),
        }
    )
    for column in ("rank_before", "rank_after"):
        ranks[column] = ranks[column].astype("Int64")
    ranks.insert(1, "name", ranks["iso3"].map(snapshot._names()))
    ranks["moved"] = (ranks["rank_before"] - ranks["rank_after"]).astype("Int64")
    diff = (ranks["index_before"] - ranks["index_after"]).abs() > 1e-9
    diff |= ranks["index_before"].isna() != ranks["index_after"].isna()
    ranks = ranks[diff | (ranks["moved"].fillna(0) != 0)]
    ranks = ranks.sort_values("rank_after", na_position="last", kind="stable")
    known = set(snapshot.catalogue.codes)
    new_codes = tuple(c for o in overlays for c in o.codes if c not in known)
    return Preview(
        year=int(year),
        added=int((changes["change"] == "added").sum()),
        overridden=int((changes["change"] == "overridden").sum()),
        unchanged=int((changes["change"] == "same").sum()),
        changes=changes.reset_index(drop=True),
        economies=tuple(sorted(set(user["iso3"]))),
        new_indicators=tuple(dict.fromkeys(new_codes)),
        ranks=ranks.reset_index(drop=True),
    )


def _score(snapshot: Snapshot, year: int, method: Method) -> Any:
    """Score with explicit inputs: the engine's one-snapshot cache is left alone."""
    from readiness.index.engine import build_index
    from readiness.index.framework import Framework
    from readiness.index.inputs import data_for_year, panel_from_snapshot

    framework = Framework.from_catalogue(snapshot.catalogue)
    panel = panel_from_snapshot(snapshot, framework)
    return build_index(data_for_year(panel, framework, method, year), framework, method)


__all__ = [
    "USER_LICENCE",
    "USER_SOURCE",
    "Overlay",
    "Preview",
    "Provenance",
    "apply_overlay",
    "apply_overlays",
    "has_user_data",
    "overlays_token",
    "preview",
    "user_mask",
    "user_source",
]
