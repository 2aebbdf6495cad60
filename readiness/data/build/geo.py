"""Map data for offline maps: Plotly's topojson, ITU-D regions dissolved, small-state points."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

# Degrees; keeps region outlines readable at world scale and the file small.
REGION_SIMPLIFY = 0.05
COORD_DECIMALS = 3
# Shapes smaller than this (square degrees) vanish on a world map, so they also get a marker.
SMALL_AREA = 1.0


def build_geo(raw: Path, countries: pd.DataFrame) -> dict[str, bytes]:
    """The geo files, keyed by their path under static/ (topojson/) or data/ (geo/)."""
    files: dict[str, bytes] = {}
    for res in ("50m", "110m"):
        files[f"topojson/world_{res}.json"] = (
            raw / "geo" / "plotly" / f"world_{res}.json"
        ).read_bytes()
    shapes = gpd.read_file(raw / "geo" / "visionscarto_world_50m.topo.json", layer="countries")
    shapes = shapes.rename(columns={"a3": "iso3"})[["iso3", "geometry"]]
    shapes = shapes[shapes["iso3"].isin(set(countries["iso3"]))].copy()
    shapes["geometry"] = shapely.make_valid(shapes.geometry.values)
    files["geo/itu_regions.geojson"] = _regions(shapes, countries)
    files["geo/points.csv"] = _points(raw, shapes, countries)
    return files


def _regions(shapes: gpd.GeoDataFrame, countries: pd.DataFrame) -> bytes:
    joined = shapes.merge(countries[["iso3", "itu_region"]], on="iso3").dropna(
        subset=["itu_region"]
    )
    regions = joined.dissolve(by="itu_region", as_index=False)[["itu_region", "geometry"]]
    regions["geometry"] = regions.geometry.simplify(REGION_SIMPLIFY, preserve_topology=True)
    regions["geometry"] = shapely.set_precision(regions.geometry.values, 10**-COORD_DECIMALS)
    features = [
        {
            "type": "Feature",
            "id": row.itu_region,
            "properties": {"itu_region": row.itu_region},
            "geometry": json.loads(shapely.to_geojson(row.geometry)),
        }
        for row in regions.sort_values("itu_region").itertuples()
    ]
    doc = {"type": "FeatureCollection", "features": features}
    return (json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def _points(raw: Path, shapes: gpd.GeoDataFrame, countries: pd.DataFrame) -> bytes:
    """A marker per SIDS, per economy with a tiny shape, and per economy the 50m map lacks."""
    topo = json.loads((raw / "geo" / "plotly" / "world_50m.json").read_text(encoding="utf-8"))
    plotly_ids = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    centres = {
        g["id"]: g["properties"]["ct"]
        for g in topo["objects"]["countries"]["geometries"]
        if g.get("id") and "ct" in (g.get("properties") or {})
    }
    area = shapes.assign(area=shapes.geometry.area).groupby("iso3")["area"].sum()
    largest = shapes.assign(area=shapes.geometry.area).sort_values("area").groupby("iso3").last()
    inner = gpd.GeoSeries(largest["geometry"]).representative_point()
    rows = []
    for econ in countries.itertuples():
        reasons = []
        if econ.sids:
            reasons.append("SIDS")
        if econ.iso3 not in plotly_ids:
            reasons.append("no shape on the 50m map")
        elif area.get(econ.iso3, 0.0) < SMALL_AREA:
            reasons.append("small on the map")
        if not reasons:
            continue
        if econ.iso3 in centres:
            lon, lat = centres[econ.iso3]
        elif econ.iso3 in inner.index:
            lon, lat = inner[econ.iso3].x, inner[econ.iso3].y
        else:
            continue
        rows.append(
            {
                "iso3": econ.iso3,
                "lon": round(float(lon), COORD_DECIMALS),
                "lat": round(float(lat), COORD_DECIMALS),
                "reason": "; ".join(reasons),
            }
        )
    frame = pd.DataFrame(rows, columns=["iso3", "lon", "lat", "reason"])
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
