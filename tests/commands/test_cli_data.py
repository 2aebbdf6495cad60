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
    assert list(frame.columns) == [
        "iso3", "indicator", "year", "value", "source", "estimate", "flag", "detail",
    ]  # fmt: skip
    assert frame["flag"].isna().all()  # no 5G value is flagged: the columns stay empty


def test_values_carry_their_flags(cli, snapshot):
    result = cli(
        "values", "--indicator", "ipv6_capable", "--country", "RUS", "--country", "CAF",
        "--country", "KEN", "--country", "FRA", "--format", "csv",
    )  # fmt: skip
    assert result.code == 0, result.err
    frame = pd.read_csv(io.StringIO(result.out), keep_default_na=False).set_index("iso3")
    flags = snapshot.flags_of("ipv6_capable").set_index("iso3")
    assert frame.loc["RUS", "flag"] == "low_sample"
    assert frame.loc["RUS", "detail"] == flags.loc["RUS", "detail"]
    assert frame.loc["KEN", "flag"] == "later_scrape" and frame.loc["KEN", "detail"] == "18.1"
    # two flags on one value: both, in the same order as their details
    caf = flags.loc[["CAF"]].set_index("flag")["detail"]
    assert frame.loc["CAF", "flag"] == "later_scrape | low_sample"
    assert frame.loc["CAF", "detail"] == f"{caf['later_scrape']} | {caf['low_sample']}"
    assert frame.loc["FRA", "flag"] == "" and frame.loc["FRA", "detail"] == ""
    assert len(frame) == 4 and (frame["year"] == 2025).all()


def test_every_flag_of_a_value_reaches_the_values_command(snapshot):
    from readiness.commands.data import with_flags

    out = with_flags(snapshot.values, snapshot.flags)
    assert len(out) == len(snapshot.values) and out.index.equals(snapshot.values.index)
    flagged = out[out["flag"] != ""]
    on_values = snapshot.flags[snapshot.flags["flag"] != "not_applicable"]
    keys = ["iso3", "indicator", "year"]
    assert len(flagged) == len(on_values.drop_duplicates(keys))
    assert flagged["flag"].str.count(" [|] ").sum() == len(on_values) - len(flagged)


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
