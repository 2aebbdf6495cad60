"""The map of studies per economy: how many of the studies shown name each economy."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import downloads, frozen, state
from dashboard.experiences.reader import Reader
from dashboard.i18n import language, t
from readiness.experiences.charts import economy_counts, studies_map
from readiness.i18n import translate


def map_table(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The economies with at least one study shown, most studies first, columns labelled."""
    named = counts[counts["value"] > 0].sort_values(["value", "name"], ascending=[False, True])
    table = pd.DataFrame(
        {"iso3": named["iso3"], "economy": named["name"], "studies": named["value"].astype(int)}
    ).reset_index(drop=True)
    return table.rename(columns=lambda c: translate(lang, f"experiences_page.col.{c}"))


def show(reader: Reader, studies: pd.DataFrame, key: tuple) -> None:
    """The world map, its table one tab away, and how many economies it names."""
    lang = language()
    names = state.name_map()

    def build() -> tuple:
        counts = economy_counts(studies, names, state.all_economies())
        fig = studies_map(counts, lang, points=state.small_state_points())
        table = map_table(counts, lang)
        frozen.share(fig)
        frozen.share(table)
        return fig, table

    fig, table = reader.shared("map", lang, key, build=build)
    st.caption(t("experiences_page.map_note", economies=len(table)))
    downloads.figure(fig, table, t("experiences_page.map_name"), key="exp_map")


__all__ = ["map_table", "show"]
