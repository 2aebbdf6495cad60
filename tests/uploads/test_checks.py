"""The value checks one by one, on tiny files whose answer can be checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from readiness.data.catalogue import Goalposts, Indicator, Transform
from readiness.uploads.checks import (
    Cells,
    check_economies,
    check_numbers,
    check_years,
    last_year,
    rows_note,
    value_limits,
)
from readiness.uploads.layout import Long, factorise, to_long
from readiness.uploads.problems import Collector, Problem
from readiness.uploads.reading import read_upload


def _long(text: str) -> Long:
    out = Collector()
    long, _ = to_long(read_upload(text.encode(), "f.csv").data, out)
    assert long is not None and not out.items
    return long


def test_missing_cells_are_dropped_before_any_check():
    long = _long("economy,year,a,b\nKEN,2023,NA,1\nKEN,2024,..,n/a\n")
    cells = Cells.of(long)
    assert cells.text.tolist() == ["1"]
    assert cells.rows.tolist() == [2]


def test_check_economies_names_codes_and_suggestions(snapshot):
    cells = Cells.of(_long("economy,year,x\nkenya,2023,1\nken,2023,2\nVietnan,2023,3\n"))
    out = Collector()
    iso = check_economies(cells, snapshot, out)
    assert iso.tolist() == ["KEN", "KEN", ""]
    (problem,) = out.items
    assert problem.code == "unknown_economy" and "VNM" in problem.message and problem.row == 4


def test_check_years_one_problem_per_spelling():
    cells = Cells.of(_long("economy,year,x\nKEN,1890,1\nKEN,1890,2\nKEN,20x3,3\nKEN,2023,4\n"))
    out = Collector()
    years = check_years(cells, out)
    assert np.isnan(years[:3]).all() and years[3] == 2023
    assert [(p.code, p.row) for p in out.items] == [("year_out_of_range", 2), ("bad_year", 4)]
    assert "(also row 3)" in out.items[0].message
    assert str(last_year()) in out.items[0].message


def test_check_numbers_decimal_comma_only_with_semicolons():
    long = _long("economy;year;x\nKEN;2023;81,5\nKEN;2024;12 %\n")
    out = Collector()
    numbers = check_numbers(Cells.of(long), ";", out)
    assert numbers[0] == 81.5 and np.isnan(numbers[1])
    assert [p.code for p in out.items] == ["not_numeric"]


def _indicator(unit: str, source: str = "ITU") -> Indicator:
    return Indicator(
        code="x", name="x", description="", unit=unit, source=source, series="", licence="",
        role="index", pillar="CONN", direction=1, weight=1.0, transform=Transform(),
        goalposts=Goalposts(0, 100, ""), window=5,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("unit", "source", "lo", "hi"),
    [
        ("% of population", "ITU", 0.0, 100.5),
        ("% of GNI per capita", "ITU", 0.0, np.inf),
        ("score 0-5", "ITU", 0.0, 5.0005),
        ("score 1-7", "USER", 1.0, 7.0007),
        ("USD", "USER", -np.inf, np.inf),
    ],
)
def test_value_limits(unit, source, lo, hi):
    found = value_limits(_indicator(unit, source))
    assert found[0] == lo and found[1] == pytest.approx(hi)


def test_rows_note():
    assert rows_note(np.array([2])) == ""
    assert rows_note(np.array([2, 3])) == " (also row 3)"
    assert rows_note(np.arange(2, 9)) == " (also rows 3, 4, 5 and 3 more)"


def test_collector_counts_beyond_the_limit(monkeypatch):
    from readiness.uploads import limits

    monkeypatch.setattr(limits, "MAX_PROBLEMS", 2)
    out = Collector()
    for k in range(5):
        out.add(Problem("x", str(k), severity="warning"))
    assert len(out.items) == 2 and out.omitted == 3 and out.errors and not out.room


def test_factorise_keeps_first_seen_order():
    codes, uniques = factorise(np.array(["b", "a", "b"], dtype=object))
    assert codes.tolist() == [0, 1, 0] and uniques.tolist() == ["b", "a"]
