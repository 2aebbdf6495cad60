"""`--extra FILE` on the gap commands: user values change the group figures and are counted."""

from __future__ import annotations

import io

import pandas as pd

from readiness.paths import REPO_ROOT

GOOD = REPO_ROOT / "tests" / "fixtures" / "uploads" / "good_tidy_bom_semicolon.csv"
BAD = REPO_ROOT / "tests" / "fixtures" / "uploads" / "bad_duplicate.csv"


def _csv(result) -> pd.DataFrame:
    assert result.code == 0, result.err
    return pd.read_csv(io.StringIO(result.out))


def test_country_gaps_use_and_count_the_users_values(cli):
    base = _csv(cli("gaps", "--country", "KOR", "--year", "2024", "--format", "csv"))
    extra = _csv(
        cli("gaps", "--country", "KOR", "--year", "2024", "--extra", str(GOOD), "--format", "csv")
    )
    assert "user_values" not in base
    row = extra.set_index("code").loc["internet_use"]
    assert row["user_values"] == 1
    # The file gives KOR 97.9% for 2024; the gap to 100% follows it.
    assert row["value"] == 97.9
    assert extra.set_index("code").loc["coverage_4g", "user_values"] == 0


def test_invalid_extra_file_stops_the_gap_commands(cli):
    for command in (["gaps", "--group", "LDC"], ["peers", "--country", "KEN"], ["datagaps"]):
        result = cli(*command, "--extra", str(BAD))
        assert result.code == 2, command
        assert "Traceback" not in result.err
        assert "bad_duplicate.csv" in result.err and "given 2 times" in result.err
