"""Shared sections: gap rows as text, the method bullets."""

from __future__ import annotations

import math

import pandas as pd

from readiness.reports.sections import gap_rows


def _frame(**extra) -> pd.DataFrame:
    row = {
        "code": "internet_use",
        "name_indicator": "Internet use",
        "value": 35.0,
        "target": 100.0,
        "target_direction": 1,
        "gap": 65.0,
        "band": "Low",
        "trend": 2.46,
        "trend_from": 2019,
        "trend_to": 2024,
        "reach_year": 2051,
        "outlook": "off track",
    }
    row.update(extra)
    return pd.DataFrame([row])


def test_gap_rows_are_text_with_years_to_target():
    (row,) = gap_rows(_frame(), 2024, "value", False).to_dict("records")
    assert row["Value"] == "35.0"
    assert row["Target"] == "100.0"
    assert row["Trend per year"] == "+2.46"
    assert row["Trend years"] == "2019\u20132024"
    assert row["Reach year"] == "2051"
    assert row["Years to target"] == "27"
    assert row["Outlook"] == "off track"


def test_gap_rows_mark_user_data_and_ceilings():
    frame = _frame(target_direction=-1, trend=math.nan, reach_year=math.nan, outlook="")
    (row,) = gap_rows(frame, 2024, "value", False, frozenset({"internet_use"})).to_dict("records")
    assert row["Value"] == "35.0 (user data)"
    assert row["Target"].startswith("<= ")
    assert row["Trend per year"] == "" and row["Years to target"] == ""
    assert row["Trend years"] == ""
