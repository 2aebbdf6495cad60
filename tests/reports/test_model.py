"""The report model's formatting: the one place numbers become text."""

from __future__ import annotations

import math

import pytest

from readiness.reports.model import (
    MISSING,
    Citation,
    Subject,
    format_count,
    format_interval,
    format_rank,
    format_share,
    format_value,
    is_missing,
    to_float,
)


@pytest.mark.parametrize("x", [None, math.nan, "text", float("nan")])
def test_missing_cells_are_missing(x):
    assert is_missing(x)
    assert math.isnan(to_float(x))


def test_ranks_intervals_shares_and_counts():
    assert format_rank(3.0) == "3"
    assert format_rank(None) == MISSING
    assert format_interval(12.4, 19.6) == "12\u201320"
    assert format_interval(1, None) == MISSING
    assert format_share(0.456) == "46%"
    assert format_count(3, 44) == "3/44"


@pytest.mark.parametrize(
    ("x", "text"), [(1234.5, "1,234"), (35.04, "35.0"), (2.345, "2.35"), (None, "no data")]
)
def test_values_get_a_precision_that_suits_their_size(x, text):
    assert format_value(x) == text


def test_subjects_normalise_their_code():
    assert Subject.economy(" ken ") == Subject("economy", "KEN")
    assert Subject.group(" LDC ") == Subject("group", "LDC")


def test_user_data_citations_say_so():
    c = Citation("USER1", "survey", "me", "mine", "my survey", user=True)
    assert c.title == "User data: survey"
    assert Citation("ITU", "ITU data", "ITU", "CC", "cite").title == "ITU data"
