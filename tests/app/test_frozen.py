"""Shared views are converted for display once: tables to Arrow, figures to a dict."""

from __future__ import annotations

import gc
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from dashboard import frozen


@dataclass(frozen=True)
class View:
    table: pd.DataFrame
    note: str = ""


def test_a_shared_table_is_converted_once_and_read_back_the_same():
    frame = pd.DataFrame({"ISO3": ["KEN", "NPL"], "Value": [54.4, None], "Year": [2025, 2024]})
    frame["Year"] = frame["Year"].astype("Int64")
    frozen.share(View(frame))
    first = frozen.for_display(frame)
    assert isinstance(first, pa.Table)
    assert frozen.for_display(frame) is first  # not converted again
    pd.testing.assert_frame_equal(first.to_pandas(), frame, check_dtype=False)
    assert first.column("Value").null_count == 1  # missing stays missing


def test_a_table_of_one_run_is_left_to_streamlit():
    frame = pd.DataFrame({"a": [1.0]})
    assert frozen.for_display(frame) is frame
    assert frozen.for_display(frame.copy()) is not frame


def test_a_copy_goes_with_its_table():
    gc.collect()  # tables earlier tests left unreferenced go first, not during the count below
    before = frozen.shared_count()
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    frozen.share(frame)
    frozen.for_display(frame)
    assert frozen.shared_count() == before + 1
    del frame
    gc.collect()
    assert frozen.shared_count() == before


def test_a_shared_figure_is_turned_into_a_dict_once():
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure(go.Bar(x=["KEN", "NPL"], y=[54.4, 54.6]), layout={"title": {"text": "Index"}})
    before = pio.to_json(fig, validate=False)
    shared_view = View(pd.DataFrame({"a": [1.0]}))
    frozen.share(shared_view)
    frozen.share(fig)
    assert isinstance(fig, frozen.SharedFigure)
    assert fig.to_dict() is fig.to_dict()  # made once
    assert pio.to_json(fig, validate=False) == before  # what Streamlit sends is unchanged
