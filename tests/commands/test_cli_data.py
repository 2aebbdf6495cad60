"""The data commands as a user runs them: output, and one-line errors with exit code 2."""

from __future__ import annotations

import io

import pandas as pd


def test_countries_csv(cli):
    result = cli("countries", "--format", "csv")
    assert result.code == 0, result.err
    frame = pd.read_csv(io.StringIO(result.out), dtype={"m49": str})
    assert len(frame) == 218
    assert frame.loc[frame["iso3"] == "KEN", "itu_region"].item() == "Africa"


def test_values_for_one_indicator(cli, snapshot):
    result = cli("values", "--indicator", "coverage_5g", "--format", "csv")
    assert result.code == 0, result.err
    frame = pd.read_csv(io.StringIO(result.out))
    assert set(frame["indicator"]) == {"coverage_5g"}
    assert len(frame) == len(snapshot.indicator_values("coverage_5g"))
    assert list(frame.columns) == ["iso3", "indicator", "year", "value", "source", "estimate"]


def _one_line_error(result) -> str:
    assert result.code == 2
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


def test_unknown_indicator(cli):
    line = _one_line_error(cli("values", "--indicator", "nope", "--format", "csv"))
    assert "unknown indicator 'nope'" in line


def test_unknown_country(cli):
    line = _one_line_error(cli("values", "--country", "ZZZ"))
    assert "ZZZ" in line


def test_wrong_option_and_format(cli):
    assert "unrecognized arguments" in _one_line_error(cli("countries", "--bogus"))
    assert "invalid choice" in _one_line_error(cli("countries", "--format", "xml"))
    assert "invalid choice" in _one_line_error(cli("no-such-command"))


def test_build_with_missing_raw_folder(cli, tmp_path):
    line = _one_line_error(cli("build-data", "--raw", str(tmp_path / "nowhere")))
    assert "not found" in line
