"""Colour-blind-safe colours shared by the dashboard and the reports (Okabe-Ito, cividis)."""

from __future__ import annotations

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
CATEGORICAL: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
# Cividis is perceptually uniform and readable with deuteranopia; its dark end is navy, so the
# lowest value never looks like the light grey that means "no data".
SEQUENTIAL = "Cividis"
# Gaps: larger is worse; a light-to-dark orange-red scale, reversed from nothing to far.
GAP_SCALE = "Oranges"
DIVERGING = "RdBu"
NO_DATA = "#d9d9d9"
NO_DATA_LINE = "#8c8c8c"
OUTSIDE_GROUP = "#f4f4f4"
HIGHLIGHT_LINE = "#000000"
BORDER = "#ffffff"
TEXT = "#222222"

# ITU progress bands for the 2030 targets, from furthest to met, plus no data.
BANDS: dict[str, str] = {
    "Limited": "#D55E00",
    "Satisfactory": "#E69F00",
    "Advanced": "#56B4E9",
    "Target met": "#009E73",
    "No data": NO_DATA,
}


def colour(i: int) -> str:
    """The i-th categorical colour, cycling."""
    return CATEGORICAL[i % len(CATEGORICAL)]
