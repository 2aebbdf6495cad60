"""`python -m readiness validate FILE` and `scores --extra FILE`, run as a user would."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def _table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), keep_default_na=False)


def test_validate_good_file(cli):
    out = cli("validate", str(CORPUS / "good_wide_tracker.xlsx"))
    assert out.code == 0, out.err
    table = _table(out.out)
    assert list(table.columns) == ["severity", "sheet", "row", "column", "problem", "message"]
    assert set(table["severity"]) == {"warning"}
    assert "valid (wide), 6 value(s) for 2 indicator(s) (1 new) and 5 economies" in out.err


def test_validate_bad_file_lists_every_problem(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "economy,year,indicator,value\nVietnan,2024,internet_use,50\nKEN,1890,internet_use,x\n",
        encoding="utf-8",
    )
    out = cli("validate", str(bad), "--format", "csv")
    assert out.code == 2
    table = _table(out.out)
    assert table[["row", "column", "problem"]].values.tolist() == [
        [2, "economy", "unknown_economy"],
        [3, "year", "year_out_of_range"],
        [3, "value", "not_numeric"],
    ]
    assert "Traceback" not in out.err and "invalid, 3 error(s)" in out.err


def test_validate_hostile_file_is_one_problem(cli):
    out = cli("validate", str(CORPUS / "bad_xxe.xlsx"), "--format", "json")
    assert out.code == 2
    assert "DOCTYPE or ENTITY" in out.out and "Traceback" not in out.err


def test_validate_with_meta_and_preview(cli):
    out = cli(
        "validate",
        str(CORPUS / "good_wide_new_indicator.csv"),
        "--meta",
        str(CORPUS / "good_meta.csv"),
        "--preview",
        "--year",
        "2024",
    )
    assert out.code == 0, out.err
    ranks = _table(out.out)
    assert {"iso3", "rank_before", "rank_after", "moved"} <= set(ranks.columns)
    assert "2 values added" in out.err.replace("value(s)", "values")


def test_missing_file_is_one_line(cli):
    out = cli("validate", "no/such/file.csv")
    assert out.code == 2
    assert out.err.strip().count("\n") == 0 and "not found" in out.err


def test_scores_with_extra_marks_user_data(cli):
    out = cli("scores", "--year", "2024", "--extra", str(CORPUS / "good_tidy_bom_semicolon.csv"))
    assert out.code == 0, out.err
    table = _table(out.out).set_index("iso3")
    assert table.loc["VNM", "user_values"] == 1 and table.loc["NLD", "user_values"] == 0
    base = _table(cli("scores", "--year", "2024").out)
    assert "user_values" not in base.columns


def test_scores_with_bad_extra_lists_problems(cli):
    out = cli(
        "scores",
        "--extra",
        str(CORPUS / "bad_unknown_economy.csv"),
        "--extra",
        str(CORPUS / "bad_year_1890.csv"),
    )
    assert out.code == 2 and out.out == ""
    assert "--extra data has 2 problem(s)" in out.err
    assert "bad_unknown_economy.csv: error: data, row 2, column 'economy'" in out.err
    assert "bad_year_1890.csv: error: data, row 2, column 'year'" in out.err
