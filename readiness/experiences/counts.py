"""Factor counts (enabling beside limiting) by region, group or sector, and related studies.

A study counts once per factor and side, however many of its phrases name the factor. A study
of several economies counts once in each region or group that any of its economies belongs to
(so the counts of several regions may add up to more than the studies), and once in each of its
sectors. `share` is studies citing the factor / studies in the key; no studies, no share (NaN).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from readiness.data.groups import ITU_REGION_CODES, standard_groups
from readiness.errors import ReadinessError
from readiness.experiences.studies import _countries, economies_of, find_group, list_field
from readiness.experiences.vocabulary import FACTORS, SECTORS, SIDES

COUNT_COLUMNS = ("key", "factor", "side", "studies", "n_studies", "share")
BY = (None, "region", "group", "sector")
# The groups `by="group"` counts in: development status, ITU-D region, income (current).
GROUP_KEYS = ("LDC", "LLDC", "SIDS", *ITU_REGION_CODES, "LIC", "LMC", "UMC", "HIC")


def study_keys(
    studies: pd.DataFrame, by: str | None, countries: pd.DataFrame | None = None
) -> tuple[list[str], pd.DataFrame]:
    """The keys of `by` in display order and one row per (case_id, key) a study falls in."""
    if by is None:
        pairs = pd.DataFrame({"case_id": studies["case_id"].astype(str), "key": "all"})
        return ["all"], pairs
    if by == "sector":
        rows = [(str(c), s) for c, f in zip(studies["case_id"], studies["sectors"], strict=True)
                for s in list_field(f)]  # fmt: skip
        return list(SECTORS), pd.DataFrame(rows, columns=["case_id", "key"])
    if by not in BY:
        raise ReadinessError(f"count by '{by}'? use region, group, sector or nothing")
    keys = list(ITU_REGION_CODES) if by == "region" else list(GROUP_KEYS)
    groups = standard_groups(_countries(countries))
    member_of = pd.DataFrame(
        [(iso, k) for k in keys for iso in groups[k].members], columns=["iso3", "key"]
    )
    pairs = economies_of(studies).merge(member_of, on="iso3")[["case_id", "key"]]
    return keys, pairs.drop_duplicates().reset_index(drop=True)


def factor_counts(
    studies: pd.DataFrame,
    factors: pd.DataFrame,
    *,
    by: str | None = None,
    countries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """COUNT_COLUMNS: for every key, side (enabling, limiting) and vocabulary factor, the
    distinct studies citing it (0 when none), the studies in the key and their share."""
    keys, pairs = study_keys(studies, by, countries)
    ids = set(studies["case_id"].astype(str))
    coded = factors.loc[factors["case_id"].isin(ids), ["case_id", "side", "factor"]]
    cited = coded.drop_duplicates().merge(pairs, on="case_id")
    n = cited.groupby(["key", "side", "factor"])["case_id"].nunique()
    totals = pairs.groupby("key")["case_id"].nunique()
    grid = pd.MultiIndex.from_product([keys, SIDES, FACTORS], names=["key", "side", "factor"])
    out = grid.to_frame(index=False)
    out["studies"] = n.reindex(grid, fill_value=0).to_numpy().astype(int)
    out["n_studies"] = totals.reindex(out["key"], fill_value=0).to_numpy().astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = out["studies"] / out["n_studies"].where(out["n_studies"] > 0)
    out["share"] = share.astype(float)
    return out[list(COUNT_COLUMNS)]


def top_factors(counts: pd.DataFrame, key: str, side: str, n: int = 5) -> pd.DataFrame:
    """The `n` factors most cited on `side` in `key` (ties in vocabulary order), none at 0."""
    rows = counts[(counts["key"] == key) & (counts["side"] == side) & (counts["studies"] > 0)]
    order = rows["factor"].map(FACTORS.index)
    rows = rows.assign(_order=order).sort_values(["studies", "_order"], ascending=[False, True])
    return rows.drop(columns="_order").head(n).reset_index(drop=True)


def related_studies(
    iso3: str,
    studies: pd.DataFrame,
    *,
    peers: Iterable[str] = (),
    region: str | None = None,
    countries: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The economy's own studies, then its peers', then its region's, none repeated.

    region: a group code or label (ITU_AFR, Africa); by default the economy's ITU-D region."""
    iso = iso3.strip().upper()
    table = _countries(countries)
    if region is None:
        match = table.loc[table["iso3"] == iso, "itu_region"]
        name = str(match.iloc[0]) if len(match) and isinstance(match.iloc[0], str) else None
    else:
        name = region
    members = find_group(name, table).members if name else ()
    return split_related(studies, iso, peers=peers, region_members=members)


def split_related(
    studies: pd.DataFrame,
    iso3: str,
    *,
    peers: Iterable[str] = (),
    region_members: Iterable[str] = (),
    economies: pd.Series | None = None,
) -> dict[str, pd.DataFrame]:
    """`related_studies` with the region's members given: the economy's own studies, then its
    peers', then the rest of the region's, none repeated. `economies`: each study's economies
    as sets, when the caller keeps them (a report batch), else read from the studies."""
    if economies is None:
        economies = studies["economies"].map(lambda f: frozenset(list_field(f)))
    iso = iso3.strip().upper()
    own = economies.map(lambda e: iso in e)
    peer_set = {p.strip().upper() for p in peers} - {iso}
    of_peers = economies.map(lambda e: bool(e & peer_set)) & ~own
    members = set(region_members)
    of_region = economies.map(lambda e: bool(e & members)) & ~own & ~of_peers
    return {"own": studies[own], "peers": studies[of_peers], "region": studies[of_region]}
