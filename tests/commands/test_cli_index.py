"""`python -m readiness scores` and `score-framework`, run as a user would, including bad input."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from readiness.index.engine import build_index
from readiness.index.framework import load_framework
from readiness.index.inputs import data_from_wide, read_wide
from readiness.index.method import Method

ASEM = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference" / "coinr-asem"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"
TINY_META = str(FIXTURES / "tiny_meta.csv")
TINY_DATA = str(FIXTURES / "tiny_data.csv")


def csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def test_scores(cli, snapshot):
    out = cli("scores", "--format", "csv")
    assert out.code == 0, out.err
    table = csv(out.out)
    # five pillars since issue 20 added IOT (IoT networks & data infrastructure), 23 indicators
    assert list(table.columns) == [
        "iso3", "name", "year", "index", "CONN", "BBAF", "POLICY", "ENABLE", "IOT",
        "rank", "tier", "coverage", "indicators",
    ]  # fmt: skip
    assert table["indicators"].str.endswith("/23").all()
    assert table["IOT"].dropna().between(0, 100).all() and table["IOT"].notna().sum() >= 190
    ldc = table[table["iso3"].isin(snapshot.countries.loc[snapshot.countries["ldc"], "iso3"])]
    assert len(ldc) == 44 and ldc["rank"].notna().all()  # every LDC is scored
    assert len(table) == len(snapshot.countries) and table["iso3"].is_unique
    assert (table["year"] == snapshot.latest_year).all()
    ranked = table.dropna(subset=["rank"])
    assert ranked["rank"].is_monotonic_increasing and ranked["rank"].iloc[0] == 1
    assert (table.loc[table["index"].isna(), "tier"] == "Not scored").all()
    assert table["index"].dropna().between(0, 100).all()


def test_scores_with_year_method_and_uncertainty(cli, tmp_path):
    method = tmp_path / "m.yaml"
    method.write_text("normalisation: minmax\n")
    out = cli(
        "scores", "--year", "2023", "--method", str(method), "--uncertainty", "200",
        "--format", "csv",
    )  # fmt: skip
    assert out.code == 0, out.err
    table = csv(out.out)
    assert {"median_rank", "rank_p05", "rank_p95"} <= set(table.columns)
    assert (table["year"] == 2023).all()
    scored = table.dropna(subset=["rank"])
    assert (scored["rank_p05"] <= scored["rank_p95"]).all()


def test_score_framework_matches_the_engine(cli):
    if not ASEM.is_dir():
        pytest.skip("ASEM reference data not present")
    out = cli(
        "score-framework", "--data", str(ASEM / "iData.csv"), "--framework",
        str(ASEM / "iMeta.csv"), "--format", "csv",
    )  # fmt: skip
    assert out.code == 0, out.err
    table = csv(out.out)
    assert table.columns[0] == "uCode" and len(table) == 51
    assert {"Physical", "Physical_rank", "Conn", "Conn_rank", "Index", "Index_rank"} <= set(
        table.columns
    )
    framework = load_framework(ASEM / "iMeta.csv")
    res = build_index(
        data_from_wide(read_wide(ASEM / "iData.csv"), framework),
        framework,
        Method(normalisation="minmax", imputation_group=None, pillar_coverage=0, index_coverage=0),
    )
    np.testing.assert_allclose(table["Index"], res.index.to_numpy(), rtol=1e-12)
    assert table["Index_rank"].tolist() == res.rank.tolist()


def test_score_framework_options(cli):
    out = cli(
        "score-framework", "--data", TINY_DATA, "--framework", TINY_META,
        "--normalise", "goalposts", "--bounds", "0,100", "--coverage", "0.67,0.75",
        "--impute", "mean", "--impute-by", "region", "--format", "csv",
    )  # fmt: skip
    assert out.code == 0, out.err
    table = csv(out.out).set_index("uCode")
    # B's i4 is imputed from A (the North mean, 5 -> 25 on goalposts 0-20), so B is scored
    assert table.loc["B", "P2"] == pytest.approx((50 + 2 * 25) / 3)
    assert table.loc["C", "IDX_rank"] == 1


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


BAD_FRAMEWORKS = {
    "missing parent": (
        "iCode,Parent,Level,Weight,Direction\ni1,P1,1,1,1\ni2,P1,1,1,1\ni3,PX,1,1,1\ni4,P2,1,1,1\n"
        "P1,IDX,2,1,1\nP2,IDX,2,1,1\nIDX,,3,1,1\n",
        "parent PX does not exist",
    ),
    "cycle": (
        "iCode,Parent,Level,Weight,Direction\ni1,P1,1,1,1\ni2,P1,1,1,1\ni3,P2,1,1,1\ni4,P2,1,1,1\n"
        "P1,P2,2,1,1\nP2,P1,2,1,1\n",
        "cycle in parents",
    ),
    "negative weight": (
        "iCode,Parent,Level,Weight,Direction\ni1,P1,1,-1,1\ni2,P1,1,1,1\ni3,P2,1,1,1\ni4,P2,1,1,1\n"
        "P1,IDX,2,1,1\nP2,IDX,2,1,1\nIDX,,3,1,1\n",
        "Weight must be >= 0",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FRAMEWORKS))
def test_bad_framework_one_line_exit_2(cli, tmp_path, case):
    text, message = BAD_FRAMEWORKS[case]
    meta = write(tmp_path / "meta.csv", text)
    out = cli("score-framework", "--data", TINY_DATA, "--framework", meta, "--format", "csv")
    assert out.code == 2 and out.out == ""
    assert message in out.err and len(out.err.strip().splitlines()) == 1
    assert "Traceback" not in out.err


def test_non_numeric_value_exit_2(cli, tmp_path):
    data = write(
        tmp_path / "data.csv",
        "uCode,i1,i2,i3,i4\nA,10,1,0,5\nB,twenty,3,50,\nC,40,2,100,15\n",
    )
    out = cli("score-framework", "--data", data, "--framework", TINY_META, "--format", "csv")
    assert out.code == 2
    assert "non-numeric value(s) in i1: B='twenty'" in out.err
    assert len(out.err.strip().splitlines()) == 1


def test_geometric_over_non_positive_exit_2(cli):
    out = cli(
        "score-framework", "--data", TINY_DATA, "--framework", TINY_META,
        "--aggregate", "geometric", "--format", "csv",
    )  # fmt: skip
    assert out.code == 2 and "geometric mean needs scores > 0" in out.err
    ok = cli(
        "score-framework", "--data", TINY_DATA, "--framework", TINY_META,
        "--aggregate", "geometric", "--bounds", "1,100", "--format", "csv",
    )  # fmt: skip
    assert ok.code == 0, ok.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--bounds", "0-100"), "--bounds must be two numbers"),
        (("--normalise", "goalposts", "--impute", "mean", "--impute-by", "nope"), "'nope'"),
        (("--normalise", "l2"), "invalid choice"),
    ],
)
def test_bad_options_exit_2(cli, args, message):
    out = cli("score-framework", "--data", TINY_DATA, "--framework", TINY_META, *args)
    assert out.code == 2 and message in out.err


def test_bad_method_file_and_year_exit_2(cli, tmp_path):
    method = write(tmp_path / "m.json", '{"normalization": "minmax"}')
    out = cli("scores", "--method", method)
    assert out.code == 2 and "unknown setting 'normalization'" in out.err
    out = cli("scores", "--year", "1990")
    assert out.code == 2 and "choose a year from" in out.err
