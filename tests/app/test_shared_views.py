"""Views built from shared inputs only are built once and shared by every session, read-only."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.io as pio
from streamlit.testing.v1 import AppTest

from dashboard import state
from readiness.index.method import Method

APP = str(Path(__file__).resolve().parents[2] / "app.py")
KEY = state.method_key(Method())


def shared_map(snapshot, lang: str = "en", year: int | None = None):
    year = snapshot.latest_year if year is None else year
    args = ("INDEX", year, "", "highlight")
    return state._shared_view(state.BASE_TOKEN, "world_map", KEY, lang, args, snapshot)


def test_two_sessions_get_one_build(snapshot):
    assert shared_map(snapshot) is shared_map(snapshot)


def test_the_language_is_part_of_the_key(snapshot):
    state._shared_view.clear()  # type: ignore[attr-defined]  # another test swaps catalogues
    english, french = shared_map(snapshot, "en"), shared_map(snapshot, "fr")
    assert english is not french
    assert english.note != french.note
    assert list(english.table.columns) != list(french.table.columns)
    hover = english.figure.data[-1].customdata[0][1], french.figure.data[-1].customdata[0][1]
    assert hover[0] != hover[1]


def test_a_page_run_leaves_the_shared_figure_as_built(snapshot):
    before = pio.to_json(shared_map(snapshot).figure, validate=False)
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        assert not at.exception
    shown = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert pio.to_json(shared_map(snapshot).figure, validate=False) == before
    assert shown["layout"]["title"]["text"] == shared_map(snapshot).figure.layout.title.text
