"""Every write the Cities page makes, each behind the editor check.

Each function asks `require_editor()` itself when it is called (a visitor who is not signed in
gets the "sign in" message and the run stops before anything is written) and passes that name
to the store, which logs it with the change in one transaction. The forms (dashboard/cities/
forms.py, entries.py) call nothing else that writes.
"""

from __future__ import annotations

import pandas as pd

from dashboard.auth import NotAnEditor, editor_for_write
from dashboard.cities.store import store
from dashboard.i18n import language
from readiness.cities.cityfile import read_city_values
from readiness.store.cities import City


def _editor() -> str:
    """The signed-in editor; for anyone else the run stops here, with the sign-in message."""
    return editor_for_write("only a signed-in editor may change the store")


def create_city(
    name: str,
    iso3: str,
    latitude: float,
    longitude: float,
    *,
    geonameid: int | None = None,
    population: int | None = None,
) -> City:
    """Store a new city in the signed-in editor's name."""
    editor = _editor()
    return store().create_city(
        name,
        iso3,
        latitude,
        longitude,
        geonameid=geonameid,
        population=population,
        editor=editor,
    )


def import_file(city_id: int, data: bytes, filename: str, *, replace: bool = True) -> int:
    """Read a filled template (CityFileError listing every problem) and store all its values in
    one transaction, or none; the number of values stored."""
    editor = _editor()
    values = read_city_values(data, filename, lang=language())
    return store().import_values(int(city_id), values, editor=editor, replace=replace)


def save_value(city_id: int, entry: dict[str, object]) -> None:
    """Enter or correct one value (the template's columns), checked as a file's row is."""
    editor = _editor()
    row = {c: "" if v is None else str(v) for c, v in entry.items()}
    data = pd.DataFrame([row]).to_csv(index=False).encode("utf-8")
    (value,) = read_city_values(data, "form.csv", lang=language()).to_dict("records")
    text = {c: str(value[c]) for c in ("data_point", "unit", "source", "data_quality", "note")}
    store().set_value(
        int(city_id),
        str(value["kpi_code"]),
        int(value["year"]),
        float(value["value"]),
        **text,
        editor=editor,
    )


def remove_value(city_id: int, kpi_code: str, year: int, *, data_point: str = "") -> None:
    """Remove one stored value."""
    editor = _editor()
    store().delete_value(int(city_id), kpi_code, int(year), data_point=data_point, editor=editor)


def save_target(
    city_id: int,
    kpi_code: str,
    target: float | None,
    *,
    data_point: str = "",
    source: str = "",
    direction: str = "",
) -> None:
    """Set a target with its source (None removes the city's own target)."""
    editor = _editor()
    store().set_target(
        int(city_id),
        kpi_code,
        target,
        data_point=data_point,
        source=source,
        direction=direction,
        editor=editor,
    )


def delete_city(city_id: int) -> None:
    """Remove a city with its values and targets."""
    editor = _editor()
    store().delete_city(int(city_id), editor=editor)


__all__ = [
    "NotAnEditor",
    "create_city",
    "delete_city",
    "import_file",
    "remove_value",
    "save_target",
    "save_value",
]
