"""Shared views of the IoT gaps of groups (the gaps page), built once per key for every session.

Each takes a `Shared` (dashboard/state.py) and the page's choices and returns a labelled table
or a Chart; the numbers are readiness.gaps.iot's, unchanged (the page holds no arithmetic).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.shared_views import Chart
from readiness.figures import charts
from readiness.gaps.iot import IOT_CHART_TOPICS, IOT_COLUMNS

if TYPE_CHECKING:
    from dashboard.state import Shared

# The table's columns as shown: the group's and measure's names, then the measure's unit.
_SHOWN = ("group", "measure", "unit", *IOT_COLUMNS[2:])
_REFERENCE = ("WORLD", "HIC")  # drawn beside the groups in the chart


def _table(shared: Shared, groups: Sequence[str], year: int) -> pd.DataFrame:
    """readiness.gaps.iot's table for these groups, with names and units in the language."""
    every = shared.iot_gaps(year)  # all standard groups, computed once per data and year
    order = {g: k for k, g in enumerate(groups)}
    table = every[every["group"].isin(order)]
    table = table.iloc[table["group"].map(order).argsort(kind="stable")].reset_index(drop=True)
    return table.assign(
        group_label=table["group"].map(lambda g: shared.t(f"group.{g}")),
        measure_name=table["measure"].map(lambda m: shared.t(f"iot_gaps.measure.{m}")),
        unit=table["measure"].map(lambda m: shared.t(f"iot_gaps.unit.{m}")),
    )


def _labelled(shared: Shared, table: pd.DataFrame) -> pd.DataFrame:
    shown = table.drop(columns=["group", "measure"]).rename(
        columns={"group_label": "group", "measure_name": "measure"}
    )[list(_SHOWN)]
    return shown.rename(columns=lambda c: shared.t(f"iot_gaps.col.{c}"))


def iot_gap_table(shared: Shared, groups: Sequence[str], year: int) -> pd.DataFrame:
    """The IoT gaps of `groups` in `year`: one row per group and measure (labelled), with the
    members, how many have a value and how many are unknown, the data year and the source."""
    return _labelled(shared, _table(shared, groups, year))


def iot_gap_chart(shared: Shared, groups: Sequence[str], year: int, topic: str) -> Chart:
    """Bars of one topic's measures (IOT_CHART_TOPICS) per group, with the world and high
    income beside them; the note names the groups whose LTE-M/NB-IoT status is unknown."""
    shown = [*dict.fromkeys([*groups, *_REFERENCE])]
    measures = IOT_CHART_TOPICS[topic]
    table = _table(shared, shown, year)
    rows = table[table["measure"].isin(measures)]
    fig = charts.bars(
        rows, category="group_label", value="value", series="measure_name",
        title=shared.t("iot_gaps.chart_title", topic=shared.t(f"iot_gaps.topic_{topic}"),
                       year=year),
        unit=shared.t(f"iot_gaps.topic_unit_{topic}"), digits=2 if topic == "density" else 1,
    )  # fmt: skip
    return Chart(fig, _labelled(shared, rows), _note(shared, rows, year))


def _note(shared: Shared, rows: pd.DataFrame, year: int) -> str:
    if rows["value"].isna().all():
        return shared.t("iot_gaps.no_data", year=year)
    lpwa = rows[(rows["measure"] == "lpwa_share") & (rows["unknown"] > 0)]
    if lpwa.empty:
        return ""
    parts = [
        shared.t("iot_gaps.unknown_of", group=r.group_label, unknown=r.unknown, members=r.members)
        for r in lpwa.itertuples()
    ]
    return shared.t("iot_gaps.lpwa_unknown", groups="; ".join(parts))
