"""Files in hand matched to their place in the raw set, checked, and merged without writing
through a hard link to the committed raw files (which are only read)."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from readiness.data.build.sources import read_itu_datahub
from readiness.refresh.handfiles import EGDI_2024_NAMES, apply, describe, plan
from readiness.refresh.run import link_tree

I99H = "itu_datahub/individuals_using_internet.csv"
I992B = "itu_datahub/fixed_broadband_subscriptions.csv"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _export(raw: Path, rel: str, series: str, iso3: tuple[str, ...]) -> list[list[str]]:
    rows = _rows(raw / rel)
    return [rows[0], *[r for r in rows[1:] if r[1] == series and r[6] in iso3]]


def test_files_are_placed_by_path_or_by_content(committed_raw, tmp_path):
    hand = tmp_path / "hand"
    both = (
        _export(committed_raw, I99H, "i99H", ("KEN",))
        + _export(committed_raw, I992B, "i992b", ("KEN",))[1:]
    )
    _write(hand / "two series.csv", both)
    hand.joinpath("sub").mkdir()
    shutil.copy(committed_raw / "classifications/WB_CLASS_FY2026.xlsx", hand / "CLASS.xlsx")
    shutil.copy(committed_raw / "classifications/WB_OGHIST.xlsx", hand / "sub" / "hist.xlsx")
    shutil.copy(committed_raw / "egdi/EGOV_DATA_2022.csv", hand / "egov.csv")
    egdi24 = pd.read_csv(committed_raw / "egdi/EGOV_DATA_2024_modified-headers.csv", dtype=str)
    inverse = {new: old for old, new in EGDI_2024_NAMES.items()}
    egdi24.rename(columns=inverse).to_csv(hand / "egdi 2024 export.csv", index=False)
    (hand / "smartphones").mkdir()
    same = hand / "itu_datahub" / "smartphone_ownership.csv"
    same.parent.mkdir()
    shutil.copy(committed_raw / "itu_datahub/smartphone_ownership.csv", same)
    (hand / ".DS_Store").write_bytes(b"\0")  # hidden files are skipped
    found = plan(hand, committed_raw)
    assert found.ok, found.problems
    placed = {(p.source.name, p.target) for p in found.placements}
    assert placed == {
        ("two series.csv", I99H), ("two series.csv", I992B),
        ("CLASS.xlsx", "classifications/WB_CLASS_FY2026.xlsx"),
        ("hist.xlsx", "classifications/WB_OGHIST.xlsx"),
        ("egov.csv", "egdi/EGOV_DATA_2022.csv"),
        ("egdi 2024 export.csv", "egdi/EGOV_DATA_2024_modified-headers.csv"),
    }  # fmt: skip
    assert "1 file(s) identical to the raw set's, left as they are" in found.notes
    line = (
        "two series.csv -> itu_datahub/individuals_using_internet.csv (ITU DataHub export of i99H)"
    )
    assert line in describe(found)
    # the EGDI 2024 export is written in the layout the build reads
    raw = link_tree(committed_raw, tmp_path / "raw") and tmp_path / "raw"
    apply(found, raw)
    again = pd.read_csv(raw / "egdi/EGOV_DATA_2024_modified-headers.csv", dtype=str)
    assert again.equals(egdi24[list(again.columns)])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.__setitem__(1, "i99H_new"), "series i99H_new in no itu_datahub/ file"),
        (
            lambda r: r.__setitem__(4, "count"),
            "series i99H in units ['%', 'count'], the raw set's in ['%']",
        ),
        (lambda r: r.__setitem__(9, "20X4"), "dataYear not a year: '20X4'"),
        (lambda r: r.__setitem__(8, "n/a"), "dataValue not a number: 'n/a'"),
        (lambda r: r.__setitem__(6, "Kenya"), "entityIso not a 3-letter code: 'Kenya'"),
    ],
)
def test_a_datahub_export_is_checked_before_use(committed_raw, tmp_path, change, message):
    rows = _export(committed_raw, I99H, "i99H", ("KEN",))
    change(rows[-1])
    _write(tmp_path / "hand" / "export.csv", rows)
    found = plan(tmp_path / "hand", committed_raw)
    assert not found.ok
    assert found.problems[0].startswith("export.csv: ") and message in found.problems[0]


def test_what_cannot_be_placed_is_reported_never_guessed(committed_raw, tmp_path):
    hand = tmp_path / "hand"
    rows = _export(committed_raw, I99H, "i99H", ("KEN",))
    _write(hand / "dup.csv", [*rows, rows[-1]])
    _write(hand / "prices.csv", [["country", "price"], ["KEN", "3"]])
    shutil.copy(committed_raw / "classifications/WB_CLASS_FY2026.xlsx", hand / "a.xlsx")
    shutil.copy(committed_raw / "classifications/WB_CLASS_FY2026.xlsx", hand / "b.xlsx")
    egdi = pd.read_csv(committed_raw / "egdi/EGOV_DATA_2022.csv", dtype=str)
    egdi.head(20).assign(**{"Survey Year": "2030"}).to_csv(hand / "egdi2030.csv", index=False)
    _write(hand / I992B, _export(committed_raw, I992B, "i992b", ("KEN",)))  # lacks i4213tfbb
    found = plan(hand, committed_raw)
    problems = "\n".join(found.problems)
    assert "dup.csv: 2 rows repeat a series, economy and year" in problems
    assert "prices.csv: not recognised" in problems
    assert "both take the place of classifications/WB_CLASS_FY2026.xlsx" in problems
    assert "egdi2030.csv: EGDI 2030: 20 countries (the survey covers 193)" in problems
    assert f"{I992B}: lacks series i4213tfbb that the current file holds" in problems
    assert len(found.problems) == 5
    empty = tmp_path / "empty"
    empty.mkdir()
    assert plan(empty, committed_raw).problems == (f"--from {empty}: no files found",)


def test_an_export_merges_into_its_file_and_the_committed_file_stays(committed_raw, tmp_path):
    rows = _export(committed_raw, I99H, "i99H", ("KEN",))
    for row in rows[1:]:
        if row[9] == "2024":
            row[8] = "40.5"
    rows.append([*rows[-1][:9], "2026", *rows[-1][10:]])  # a year the raw set lacks
    _write(tmp_path / "hand" / "ken.csv", rows)
    raw = tmp_path / "raw"
    link_tree(committed_raw, raw)
    committed_sha = hashlib.sha256((committed_raw / I99H).read_bytes()).hexdigest()
    assert (raw / I99H).stat().st_ino == (committed_raw / I99H).stat().st_ino  # a hard link
    assert apply(plan(tmp_path / "hand", committed_raw), raw) == [I99H]
    assert hashlib.sha256((committed_raw / I99H).read_bytes()).hexdigest() == committed_sha
    assert (raw / I99H).stat().st_ino != (committed_raw / I99H).stat().st_ino
    before = read_itu_datahub(committed_raw, ["i99H"])
    after = read_itu_datahub(raw, ["i99H"])
    assert len(after) == len(before) + 1  # every other row kept, one year added
    ken = after[after["code"] == "KEN"].set_index("year")["value"]
    assert ken[2024] == 40.5 and 2026 in ken.index
    others = after[after["code"] != "KEN"].reset_index(drop=True)
    assert others.equals(before[before["code"] != "KEN"].reset_index(drop=True))


def test_a_whole_raw_set_in_hand_places_only_what_differs(committed_raw, tmp_path):
    hand = tmp_path / "hand"
    link_tree(committed_raw, hand)
    rows = _rows(committed_raw / I99H)
    rows[1][8] = "15.5"
    (hand / I99H).unlink()
    _write(hand / I99H, rows)
    found = plan(hand, committed_raw)
    assert found.ok and found.targets() == [I99H]
    assert found.placements[0].how == "same path"


def test_a_later_egdi_survey_is_placed_and_read_by_the_build(committed_raw, tmp_path):
    """A Data Center export of a survey after 2024 lands at egdi/EGOV_DATA_<year>.csv, which the
    build reads. The test relabels the 2022 survey as 2026: a fixture only, never shown."""
    from readiness.data.build.sources import read_un_egdi

    hand = tmp_path / "hand"
    hand.mkdir()
    egdi = pd.read_csv(committed_raw / "egdi/EGOV_DATA_2022.csv", dtype=str)
    egdi.assign(**{"Survey Year": "2026"}).to_csv(hand / "egov 2026.csv", index=False)
    found = plan(hand, committed_raw)
    assert not found.problems
    assert [p.target for p in found.placements] == ["egdi/EGOV_DATA_2026.csv"]
    raw = tmp_path / "raw"
    link_tree(committed_raw, raw)
    apply(found, raw)
    tidy = read_un_egdi(raw, ["osi"])
    assert set(tidy["year"]) >= {2022, 2024, 2026}
    assert (tidy["year"] == 2026).sum() == (tidy["year"] == 2022).sum()
