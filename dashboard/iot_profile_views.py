"""Shared views of an economy's IoT networks and data infrastructure (the profile page).

Built once per data token, method, language, economy and year for every session that shows
them (dashboard.state.view); the tables and texts come from readiness.figures.iot_views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.shared_views import Metric
from readiness.errors import ReadinessError
from readiness.figures import iot_views
from readiness.i18n import MISSING, flag_text, format_number

if TYPE_CHECKING:
    from dashboard.state import Shared

# Columns the IoT table writes with two decimals (a value of 0.05 per million is not 0.1).
VALUE_COLUMNS = ("value", "peers_median", "region_median")
OWN_COLUMNS = ("note", "peers_median", "peers_with_data", "region_median", "region_with_data")


@dataclass(frozen=True)
class IotProfile:
    """The profile's IoT section: the pillar beside the peers and region, who the peers are,
    each measure's table, and what the peers have (labelled, in the view's language)."""

    pillar: tuple[Metric, ...]
    peers_note: str
    table: pd.DataFrame  # numbers as numbers; `digits` says how many decimals to show
    has: pd.DataFrame  # texts only ("3 of 10 (2 unknown)")
    digits: dict[str, int]


def _peers(shared: Shared, iso3: str, year: int) -> list[str]:
    try:
        found = shared.peers(iso3, year)
    except ReadinessError:  # too few comparison features known (the Channel Islands)
        return []
    return [str(c) for c in found.table.loc[found.table["role"] == "peer", "iso3"]]


def _region(shared: Shared, iso3: str, year: int) -> tuple[str, list[str]]:
    """The economy's ITU-D region: its name in the language and its members."""
    for code, group in shared.groups(year).items():
        if group.kind == "itu_region" and iso3 in group.members:
            return shared.t(f"group.{code}"), list(group.members)
    return "", []


def _pillar_metrics(shared: Shared, standing: dict[str, float], region: str) -> tuple:
    def number(value: float) -> str:
        return MISSING if pd.isna(value) else format_number(value, shared.lang, 1)

    def scored(n: float, of: int) -> str:
        return shared.t("iot_profile.scored", n=int(n), of=of)

    own = (
        shared.t("profile.rank_of", rank=int(standing["rank"]), of=int(standing["of"]))
        if not pd.isna(standing["rank"])
        else shared.t("profile.not_scored_short")
    )
    metrics = [Metric(shared.t("iot_profile.pillar_score"), number(standing["score"]), own)]
    if standing["peers_total"]:
        metrics.append(
            Metric(
                shared.t("iot_profile.peers_median_score"), number(standing["peers_median"]),
                scored(standing["peers_scored"], int(standing["peers_total"])),
            )
        )  # fmt: skip
    if region:
        metrics.append(
            Metric(
                shared.t("iot_profile.region_median_score", region=region),
                number(standing["region_median"]),
                scored(standing["region_scored"], int(standing["region_total"])),
            )
        )
    return tuple(metrics)


def _has_table(shared: Shared, counts: dict, name: str, region: str) -> pd.DataFrame:
    def own(item: str, count: iot_views.Count) -> str:
        if count.unknown:
            if item == "lpwa":
                return flag_text(shared.lang, "not_listed")
            return shared.t("iot_profile.no_data")
        return shared.t("iot_profile.has.yes" if count.have else "iot_profile.has.no")

    def among(count: iot_views.Count) -> str:
        if not count.total:
            return MISSING
        key = "iot_profile.count_unknown" if count.unknown else "iot_profile.count"
        return shared.t(key, k=count.have, n=count.total, unknown=count.unknown)

    rows = [
        {
            shared.t("iot_profile.col.item"): shared.t(f"iot_profile.has.{item}"),
            name: own(item, mine),
            shared.t("iot_profile.col.peers"): among(peers),
            **({region: among(members)} if region else {}),
        }
        for item, (mine, peers, members) in counts.items()
    ]
    return pd.DataFrame(rows)


def profile_iot(shared: Shared, iso3: str, year: int) -> IotProfile:
    """An economy's IoT measures and pillar, with what its peers and ITU-D region have."""
    result, catalogue, snap = shared.result(year), shared.catalogue(), shared.snap
    names = shared.names()
    peers = _peers(shared, iso3, year)
    region, members = _region(shared, iso3, year)
    standing = {
        **iot_views.pillar_standing(result, iso3, peers, members),
        "peers_total": float(len(peers)),
        "region_total": float(len(members)),
    }
    table = iot_views.iot_table(
        catalogue, snap.values, snap.flags, result, iso3, peers, members, shared.lang
    )
    table["role"] = shared.translated(table["role"], "iot_profile.role")
    if not region:  # a territory outside the ITU-D regions (Aruba, the Channel Islands)
        table = table.drop(columns=["region_median", "region_with_data"])
    own = {c: shared.t(f"iot_profile.col.{c}", region=region) for c in OWN_COLUMNS}
    labelled = shared.labelled(table.rename(columns=own))
    counts = iot_views.has_counts(catalogue, snap.values, year, iso3, peers, members)
    if peers:
        peer_names = ", ".join(str(names.get(c, c)) for c in peers)
        note = shared.t("iot_profile.peers", n=len(peers), economy=names[iso3], names=peer_names)
    else:
        note = shared.t("iot_profile.no_peers", economy=names[iso3])
    digits = {
        shared.t(f"col.{c}") if c == "value" else own[c]: 2 for c in VALUE_COLUMNS if c in table
    }
    return IotProfile(
        _pillar_metrics(shared, standing, region),
        note,
        labelled,
        _has_table(shared, counts, str(names[iso3]), region),
        digits,
    )
