"""The experiences' figures on the real library: the counts chart puts limiting beside enabling
with every factor (0 shown as 0), and the map counts each economy's studies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.snapshot import load_snapshot
from readiness.experiences.charts import economy_counts, factor_chart, studies_map
from readiness.experiences.coding import code_studies
from readiness.experiences.counts import factor_counts
from readiness.experiences.studies import load_library
from readiness.experiences.vocabulary import FACTORS, factor_label, side_label
from readiness.i18n import UN_LANGUAGES, translate


@pytest.fixture(scope="module")
def library() -> tuple[pd.DataFrame, pd.DataFrame]:
    studies = load_library()
    return studies, code_studies(studies)


def cited(studies: pd.DataFrame, coding: pd.DataFrame, side: str) -> list[int]:
    """Distinct studies citing each factor on `side`, counted here from the coding itself."""
    rows = coding[coding["side"] == side]
    return [rows.loc[rows["factor"] == f, "case_id"].nunique() for f in FACTORS]


def test_the_counts_chart_has_every_factor_limiting_beside_enabling(library):
    studies, coding = library
    counts = factor_counts(studies, coding)
    fig = factor_chart(counts, "en", title="All")
    limiting, enabling = fig.data
    assert [limiting.xaxis, enabling.xaxis] == ["x", "x2"]  # left panel, right panel
    assert list(enabling.y) == [factor_label(f, "en") for f in FACTORS]
    assert list(enabling.x) == cited(studies, coding, "enabling")
    assert list(limiting.x) == cited(studies, coding, "limiting")
    # Every factor has its bar's number; a factor no study cites says 0, never nothing.
    assert list(enabling.text) == [str(n) for n in cited(studies, coding, "enabling")]
    assert sum(enabling.x) > 0 and sum(limiting.x) > 0
    # The limiting panel grows to the left, so the two sides meet in the middle.
    assert fig.layout.xaxis.range[0] > fig.layout.xaxis.range[1]
    assert fig.layout.xaxis2.range[0] < fig.layout.xaxis2.range[1]
    k = FACTORS.index("payments")
    n = cited(studies, coding, "enabling")[k]
    assert f"{n} of {len(studies)} studies" in enabling.hovertext[k]


def test_a_factor_cited_by_nobody_in_a_key_shows_0(library):
    studies, coding = library
    counts = factor_counts(studies, coding, by="sector")
    rows = counts[counts["key"] == "education"]
    fig = factor_chart(rows, "en")
    zero = [i for i, n in enumerate(fig.data[1].x) if n == 0]
    assert zero, "education's few studies cannot cite every factor"
    assert all(fig.data[1].text[i] == "0" for i in zero)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_chart_speaks_the_language(library, lang):
    studies, coding = library
    fig = factor_chart(factor_counts(studies, coding), lang, title="<b>x</b>")
    assert list(fig.data[0].y) == [factor_label(f, lang) for f in FACTORS]
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [side_label("limiting", lang), side_label("enabling", lang)]
    assert fig.layout.title.text == "&lt;b&gt;x&lt;/b&gt;"  # a title is text, never markup


def test_the_map_counts_each_economys_studies_and_0_where_none(library):
    studies, _ = library
    names = dict(load_snapshot().countries.set_index("iso3")["name_en"])
    counts = economy_counts(studies, names).set_index("iso3")
    by_hand = pd.Series([c for f in studies["economies"] for c in f.split(";") if c]).value_counts()
    assert counts.loc["KEN", "value"] == by_hand["KEN"] > 0
    for iso in ("SEN", "GHA", "TGO"):  # the three-country research row counts for each
        assert counts.loc[iso, "value"] == by_hand[iso]
    assert counts["value"].sum() == by_hand.sum()
    assert counts.loc["FRA", "value"] == 0  # no study: 0, not missing
    assert counts["value"].notna().all()


def test_the_map_draws_every_economy_with_its_count_and_escapes_names(library):
    studies, _ = library
    names = dict(load_snapshot().countries.set_index("iso3")["name_en"])
    names["KEN"] = "<img src=x onerror=alert(1)>"
    counts = economy_counts(studies, names)
    fig = studies_map(counts, "fr")
    valued = next(t for t in fig.data if t.type == "choropleth" and t.coloraxis)
    z = dict(zip(valued.locations, np.asarray(valued.z), strict=True))
    assert z["KEN"] == counts.set_index("iso3").loc["KEN", "value"]
    assert z["FRA"] == 0
    hover = dict(zip(valued.locations, (c[1] for c in valued.customdata), strict=True))
    assert "<img" not in hover["KEN"] and "&lt;img" in hover["KEN"]
    assert translate("fr", "experiences_page.map_value") in hover["KEN"]
    assert fig.layout.geo.resolution == 110
