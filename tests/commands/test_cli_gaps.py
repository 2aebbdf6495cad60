"""The gaps, peers, datagaps and targets commands, run as a user would."""

from __future__ import annotations

import io
from typing import NamedTuple

import pandas as pd
import pytest

from readiness.commands.cli import main
from readiness.gaps.analysis import gap_table
from readiness.gaps.cube import gap_inputs


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


@pytest.fixture
def run(capsys):
    """The same commands in this process (the snapshot is already loaded): fast."""

    def call(*args: str) -> CliResult:
        code = main(list(args))
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return call


def test_gaps_for_ldcs(cli, snapshot):
    res = cli("gaps", "--group", "LDC", "--year", "2023", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out)
    inputs = gap_inputs(snapshot)
    assert list(table["code"]) == list(inputs.codes)  # indicators, pillars, then the index
    assert {"weighted", "simple", "coverage", "target", "gap", "band", "trend", "reach_year",
            "outlook", "required_pace"} <= set(table.columns)  # fmt: skip
    row = table.set_index("code").loc["internet_use"]
    ours = gap_table(inputs, ["LDC"], [2023]).set_index("code").loc["internet_use"]
    assert row["weighted"] == pytest.approx(ours["weighted"], abs=1e-4)
    assert row["coverage"] == ours["coverage"] and row["band"] == ours["band"]
    assert row["outlook"] == ours["outlook"] and row["reach_year"] == ours["reach_year"]


def test_gaps_for_a_user_defined_group(run):
    res = run("gaps", "--group", "MYDEV", "--members", "KEN,UGA,TZA", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out)
    assert set(table["group"]) == {"MYDEV"} and set(table["coverage"]) <= {
        "0/3",
        "1/3",
        "2/3",
        "3/3",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gaps", "--group", "LDCs"), "unknown group 'LDCs'; did you mean LDC"),
        (("gaps", "--group", "LDC", "--year", "1990"), "choose a year from"),
        (("peers", "--country", "ZZZ"), "unknown economy 'ZZZ'"),
        (("gaps", "--group", "X", "--members", "KEN,QQQ"), "unknown economy code(s) ['QQQ']"),
    ],
)
def test_unknown_groups_and_economies_are_one_line_and_exit_2(run, args, message):
    res = run(*args)
    assert res.code == 2
    assert message in res.err and len(res.err.strip().splitlines()) == 1
    assert res.out == ""


def test_peers_command(run):
    res = run(
        "peers", "--country", "KEN", "--features", "gni_per_capita,region", "--n", "5",
        "--year", "2023", "--format", "csv",
    )  # fmt: skip
    assert res.code == 0, res.err
    table = _csv(res.out)
    assert len(table) == 6 and table.loc[0, "iso3"] == "KEN"
    assert {"distance", "gni_per_capita", "region", "trend", "progress_rank"} <= set(table.columns)


def test_peers_command_prints_the_years_each_trend_rests_on(run, snapshot):
    from readiness.gaps.peers import find_peers

    res = run("peers", "--country", "KEN", "--n", "5", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out).set_index("iso3")
    assert (table.loc["KEN", "trend_from"], table.loc["KEN", "trend_to"]) == (2019, 2024)
    ours = find_peers("KEN", n=5, inputs=gap_inputs(snapshot)).table.set_index("iso3")
    assert list(table.index) == list(ours.index)
    for col in ("trend_from", "trend_to"):
        assert table[col].tolist() == ours[col].astype(float).tolist()


def test_datagaps_and_targets_commands(run, snapshot):
    res = run("datagaps", "--group", "SIDS", "--year", "2023", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out)
    # one row per index indicator: 17 before issue 20, 23 with the IoT pillar (the six new
    # IoT indicators; secure_servers moved pillar, so it is not counted twice)
    n_index = len(snapshot.catalogue.index_indicators())
    assert n_index == 23 and (table["N"] == 48).all() and len(table) == n_index
    assert {"ipv6_capable", "lpwa_networks", "ixp_density"} <= set(table["indicator"])
    lpwa = table.set_index("indicator").loc["lpwa_networks"]
    assert lpwa["missing"] > 40  # the Band Atlas lists few SIDS: unknown, shown as missing
    res = run("targets", "--format", "csv")
    assert res.code == 0 and "internet_use" in res.out and "Broadband Commission" in res.out


def test_an_unknown_group_from_a_fresh_process(cli):
    res = cli("gaps", "--group", "NOPE", "--format", "csv")
    assert res.code == 2 and res.out == ""
    assert res.err.strip().splitlines() == [res.err.strip()] and "unknown group 'NOPE'" in res.err


def test_gaps_for_one_economy(run, snapshot):
    res = run("gaps", "--country", "ken", "--year", "2023", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out).set_index("code")
    assert list(table.index) == [t.indicator for t in gap_inputs(snapshot).targets.targets]
    v = snapshot.values
    ken = v[(v["iso3"] == "KEN") & (v["indicator"] == "coverage_4g") & (v["year"] == 2023)]
    assert table.loc["coverage_4g", "value"] == pytest.approx(ken["value"].iloc[0])
    assert run("gaps", "--country", "XXX").code == 2


def test_iot_gaps_for_development_groups(run, snapshot):
    from readiness.gaps.iot import IOT_COLUMNS, iot_gaps, iot_groups

    res = run("gaps", "--iot", "--group", "LDC,lldc,SIDS", "--year", "2025", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out)
    assert list(table.columns) == ["group", "year", *IOT_COLUMNS[1:]]
    assert list(dict.fromkeys(table["group"])) == ["LDC", "LLDC", "SIDS"]
    rows = table.set_index(["group", "measure"])
    lpwa = rows.loc[("LDC", "lpwa_share")]
    assert (lpwa["known"], lpwa["unknown"], lpwa["members"]) == (1, 43, 44)
    ours = iot_gaps(snapshot, 2025, iot_groups(snapshot, 2025, ["LDC"])).set_index("measure")
    for measure in ("ixp_share", "ipv6_median", "facilities_per_million"):
        assert rows.loc[("LDC", measure), "value"] == pytest.approx(
            ours.loc[measure, "value"], abs=1e-4
        )
    assert pd.isna(rows.loc[("LLDC", "cable_share"), "value"])  # landlocked: not applicable


def test_iot_gaps_default_groups_and_json(run):
    from readiness.gaps.iot import DEFAULT_IOT_GROUPS, IOT_MEASURES

    res = run("gaps", "--iot", "--format", "json")
    assert res.code == 0, res.err
    table = pd.read_json(io.StringIO(res.out))
    assert list(dict.fromkeys(table["group"])) == list(DEFAULT_IOT_GROUPS)
    assert len(table) == len(DEFAULT_IOT_GROUPS) * len(IOT_MEASURES)
    assert set(table["year"]) == {2025}
    world = table[(table["group"] == "WORLD") & (table["measure"] == "ixp_share")].iloc[0]
    assert world["members"] == 218 and world["value"] == pytest.approx(world["world"])


def test_iot_gaps_over_all_years_and_for_a_user_group(run):
    res = run("gaps", "--iot", "--group", "LDC", "--all-years", "--format", "csv")
    assert res.code == 0, res.err
    table = _csv(res.out)
    assert sorted(set(table["year"])) == list(range(2015, 2026))
    early = table[(table["year"] == 2020) & (table["measure"] == "ixp_share")].iloc[0]
    assert pd.isna(early["value"]) and early["unknown"] == 44  # no PCH count before 2023
    res = run("gaps", "--iot", "--group", "MYDEV", "--members", "MWI,NPL", "--format", "csv")
    assert res.code == 0, res.err
    lpwa = _csv(res.out).set_index("measure").loc["lpwa_share"]
    assert pd.isna(lpwa["value"]) and (lpwa["known"], lpwa["unknown"]) == (0, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gaps", "--iot", "--group", "LDCs"), "unknown group 'LDCs'; did you mean LDC"),
        (("gaps", "--iot", "--year", "2031"), "choose a year from 2015 to 2025"),
        (("gaps", "--iot", "--country", "KEN"), "--iot compares groups"),
        (("gaps", "--iot", "--group", ","), "at least one group code"),
        (("gaps", "--iot", "--group", "LDC", "--members", "KEN"), "LDC is a standard group"),
        (("gaps", "--iot", "--group", "A,B", "--members", "KEN"), "--members defines one group"),
        (("gaps",), "give --group CODE, --country ISO3 or --iot"),
    ],
)
def test_iot_gaps_errors_are_one_line_and_exit_2(run, args, message):
    res = run(*args)
    assert res.code == 2 and res.out == ""
    assert message in res.err and len(res.err.strip().splitlines()) == 1
