"""Views built from shared inputs only are built once and shared by every session, read-only."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.io as pio
from streamlit.testing.v1 import AppTest

from dashboard import state
from readiness.index.engine import score_snapshot
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
    # The map the page draws (Vega-Lite) hovers and ticks its numbers as French writes them.
    tips = {r["iso3"]: r["tip"] for r in _records(french.spec)}
    kenya = f"{score_snapshot(snapshot=snapshot).index['KEN']:.1f}"
    assert tips["KEN"]["Valeur"] == kenya.replace(".", ",") != kenya
    assert french.spec["config"]["locale"]["number"]["decimal"] == ","
    assert english.spec["config"]["locale"]["number"]["decimal"] == "."


def _records(spec: dict) -> list[dict]:
    """The map's records, each with `tip`: the hover the browser draws for it."""
    from tests.figures.test_vega_maps import hover_of

    shapes = next(lay for lay in spec["layer"] if lay.get("params"))
    return [
        {**r, "tip": hover_of(spec, r)} for r in shapes["transform"][0]["from"]["data"]["values"]
    ]


def test_the_map_image_is_the_same_map_drawn_by_plotly(snapshot):
    """The PNG a user downloads: Plotly's figure of the map the page draws, as a real image."""
    from dashboard.downloads import IMAGE_SIZE, image_png

    view = state._shared_view(
        state.BASE_TOKEN, "world_map", KEY, "en", ("INDEX", snapshot.latest_year, "SIDS",
        "highlight"), snapshot,
    )  # fmt: skip
    valued = {r["iso3"] for r in _records(view.spec) if r["status"] == "value"}
    members = {r["iso3"] for r in _records(view.spec) if r.get("member")}
    trace = next(t for t in view.figure.data if t.name == "Value")
    assert set(trace.locations) == valued
    widths = dict(zip(trace.locations, trace.marker.line.width, strict=True))
    assert {c for c, w in widths.items() if w > 1} == members & valued
    png = image_png(view.figure)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    w, h, scale = IMAGE_SIZE
    assert (width, height) == (int(w * scale), int(h * scale))


def test_a_page_run_leaves_the_shared_figure_as_built(snapshot):
    before = pio.to_json(shared_map(snapshot).figure, validate=False)
    spec_before = json.dumps(shared_map(snapshot).spec, sort_keys=True)
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        assert not at.exception
    shown = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert pio.to_json(shared_map(snapshot).figure, validate=False) == before
    assert json.dumps(shared_map(snapshot).spec, sort_keys=True) == spec_before
    assert shown["title"]["text"] == shared_map(snapshot).spec["title"]["text"]
    assert shown["layer"] == shared_map(snapshot).spec["layer"]


def test_the_profile_headline_is_written_in_the_views_language(snapshot):
    """Score, rank, interval, tier and pillars: formatted once, as the language writes them."""
    from readiness.i18n import translate

    year = snapshot.latest_year
    result = score_snapshot(snapshot=snapshot)
    head = {
        lang: state._shared_view(
            state.BASE_TOKEN, "profile_headline", KEY, lang, ("KEN", year), snapshot
        )
        for lang in ("en", "fr")
    }
    score = f"{result.index['KEN']:.1f}"
    assert not head["en"].not_scored
    assert head["en"].index[0].value == score
    assert head["fr"].index[0].value == score.replace(".", ",") != score
    en_tier, fr_tier = head["en"].index[-1], head["fr"].index[-1]
    tier = str(result.tiers["KEN"])
    assert en_tier.label == "Tier" and fr_tier.label == translate("fr", "profile.tier")
    assert fr_tier.value == translate("fr", f"term.tier.{tier.replace(' ', '_')}") != tier
    pillars = result.framework.pillars
    assert len(head["fr"].pillars) == len(pillars)
    for m, code in zip(head["fr"].pillars, pillars, strict=True):
        assert m.value == f"{result.scores.loc['KEN', code]:.1f}".replace(".", ",")
        rank, of = int(result.ranks.loc["KEN", code]), int(result.scores[code].notna().sum())
        assert m.delta == translate("fr", "profile.rank_of", rank=rank, of=of)
