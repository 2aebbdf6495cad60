"""The stored cities on a world map: a marker per city, drawn offline from the topojson the
dashboard serves itself (charts.plotly_config), as the world map page's Plotly image is."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import downloads, frozen, state
from dashboard.cities.store import Reader
from dashboard.cities.views import col
from dashboard.i18n import language, t
from readiness.figures import charts, palette
from readiness.figures.maps import world_geos
from readiness.i18n import format_number, plotly_separators, translate
from readiness.uploads.safe import html_text

RESOLUTION = 110  # the screen map's shapes (dashboard/shared_views.SCREEN_RESOLUTION)
PAD = 12.0  # degrees around the cities shown
LABELLED = 25  # cities named on the map itself up to here (beyond: on hover only)


def _window(values: pd.Series, low: float, high: float, least: float) -> list[float]:
    lo, hi = float(values.min()) - PAD, float(values.max()) + PAD
    if hi - lo < least:  # one city, or a few close together: a region around them
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
    return [max(low, lo), min(high, hi)]


def city_table(cities: pd.DataFrame, countries: dict[str, str], lang: str) -> pd.DataFrame:
    """The map's table: each stored city, its country, coordinates and values stored."""
    return pd.DataFrame(
        {
            col(lang, "city"): cities["name"],
            col(lang, "country"): cities["iso3"].map(lambda c: countries.get(c, c)),
            col(lang, "latitude"): cities["latitude"].astype(float),
            col(lang, "longitude"): cities["longitude"].astype(float),
            col(lang, "population"): cities["population"].astype("Int64"),
            col(lang, "values_stored"): cities["value_count"].astype("int64"),
        }
    )


def city_map(cities: pd.DataFrame, countries: dict[str, str], lang: str) -> go.Figure:
    """A marker per stored city; names escaped (Plotly reads HTML in its texts)."""
    names = [html_text(n) for n in cities["name"]]
    hover = [
        f"<b>{name}</b><br>{html_text(countries.get(iso3, iso3))}<br>"
        + html_text(translate(lang, "cities_page.map_hover", n=format_number(n, lang, 0)))
        for name, iso3, n in zip(names, cities["iso3"], cities["value_count"], strict=True)
    ]
    fig = go.Figure(
        go.Scattergeo(
            lon=cities["longitude"],
            lat=cities["latitude"],
            mode="markers+text" if len(cities) <= LABELLED else "markers",
            text=names,
            textposition="top center",
            hovertext=hover,
            hoverinfo="text",
            marker={
                "size": 11,
                "color": palette.CATEGORICAL[0],
                "line": {"color": "white", "width": 1.2},
            },
            name=translate(lang, "cities_page.map_legend"),
            showlegend=False,
        )
    )
    world_geos(
        fig,
        RESOLUTION,
        lataxis_range=_window(cities["latitude"], -57, 84, 30),
        lonaxis_range=_window(cities["longitude"], -180, 180, 50),
    )
    fig.update_layout(separators=plotly_separators(lang), dragmode=False)
    return charts.layout(fig, height=440)


def show(reader: Reader) -> None:
    """The map section: the stored cities, with their table one tab away."""
    lang = language()
    st.subheader(t("cities_page.map_title"))
    countries = state.name_map()

    def build() -> tuple[go.Figure, pd.DataFrame]:
        cities = reader.cities()
        built = (city_map(cities, countries, lang), city_table(cities, countries, lang))
        frozen.share(built[0])
        frozen.share(built[1])
        return built

    fig, table = reader.shared("map", lang, build=build)
    downloads.figure(fig, table, t("cities_page.map_name"), key="cities_map")


__all__ = ["city_map", "city_table", "show"]
