"""Shared views' tables are converted to Arrow once; any other table is left as it is."""

from __future__ import annotations

import gc
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from dashboard import arrow_tables


@dataclass(frozen=True)
class View:
    table: pd.DataFrame
    note: str = ""


def test_a_shared_table_is_converted_once_and_read_back_the_same():
    frame = pd.DataFrame({"ISO3": ["KEN", "NPL"], "Value": [54.4, None], "Year": [2025, 2024]})
    frame["Year"] = frame["Year"].astype("Int64")
    arrow_tables.share(View(frame))
    first = arrow_tables.for_display(frame)
    assert isinstance(first, pa.Table)
    assert arrow_tables.for_display(frame) is first  # not converted again
    pd.testing.assert_frame_equal(first.to_pandas(), frame, check_dtype=False)
    assert first.column("Value").null_count == 1  # missing stays missing


def test_a_table_of_one_run_is_left_to_streamlit():
    frame = pd.DataFrame({"a": [1.0]})
    assert arrow_tables.for_display(frame) is frame
    assert arrow_tables.for_display(frame.copy()) is not frame


def test_a_copy_goes_with_its_table():
    before = arrow_tables.shared_count()
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    arrow_tables.share(frame)
    arrow_tables.for_display(frame)
    assert arrow_tables.shared_count() == before + 1
    del frame
    gc.collect()
    assert arrow_tables.shared_count() == before
