"""`readiness cases ...` on a real store holding the 50 committed studies: filters against the
raw file, factor counts against factor_counts, show, import (all or nothing) and its round trip
through export, moderation, poll results, one-line errors, and the same on PostgreSQL."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from readiness.experiences.coding import code_phrase, code_studies, split_phrases
from readiness.experiences.counts import factor_counts
from readiness.experiences.studies import STUDY_COLUMNS, filter_studies, load_library
from readiness.experiences.vocabulary import FACTORS, factor_label
from readiness.store.engine import open_store
from tests.commands.cli_support import Out, cli, ok

RAW = Path("case_studies/case_studies.csv")
EDITOR = "Ana Lima"
COUNT_COLUMNS = ["key", "factor", "side", "studies", "n_studies", "share"]


def failed(*args: str) -> Out:
    """A user error: exit 2 and one line on stderr naming the command."""
    result = cli(*args)
    assert result.code == 2, result
    assert result.err.startswith("python -m readiness cases: error: "), result.err
    return result


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def raw(raw_dir: Path) -> pd.DataFrame:
    return pd.read_csv(raw_dir / RAW, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new SQLite store: opening it loads the committed library."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'readiness.sqlite3'}"
    open_store(url).close()
    return url


@pytest.fixture(scope="module")
def library() -> tuple[pd.DataFrame, pd.DataFrame]:
    studies = load_library()
    return studies, code_studies(studies)


def fresh(tmp_path: Path, name: str = "fresh.sqlite3") -> str:
    return f"sqlite:///{tmp_path / name}"


def ids(result: Out) -> list[str]:
    return table(result.out)["case_id"].tolist()


def raw_ids(raw: pd.DataFrame, mask: pd.Series) -> list[str]:
    return raw.loc[mask, "case_id"].tolist()


# --- list ----------------------------------------------------------------------------------------


def test_list_country_gives_exactly_its_studies(db, raw):
    kenya = raw_ids(raw, raw["country_iso3"].str.split(";").map(lambda c: "KEN" in c))
    assert len(kenya) >= 2
    by_code = ok("cases", "list", "--country", "KEN", "--format", "csv", "--db", db)
    assert ids(by_code) == kenya
    assert list(table(by_code.out).columns) == list(STUDY_COLUMNS)
    assert by_code.err.strip() == f"{len(kenya)} published studies of Kenya (KEN)"
    assert ids(ok("cases", "list", "--country", "kenya", "--format", "csv", "--db", db)) == kenya
    # a name in another UN language, and the multi-country study under each of its economies
    togo = raw_ids(raw, raw["country_iso3"].str.contains("TGO"))
    assert ids(ok("cases", "list", "--country", "Togo", "--format", "csv", "--db", db)) == togo


def test_list_unknown_country_says_what_it_may_be(db):
    bad = failed("cases", "list", "--country", "Kenia", "--db", db)
    assert "did you mean Kenya (KEN)" in bad.err and len(bad.err.splitlines()) == 1


def test_list_groups_and_regions_follow_the_raw_flags(db, raw):
    flags = raw["country_groups"].str.split(";")
    ldc = raw_ids(
        raw, flags.map(lambda parts: any("LDC" in p.split(":")[1].split("+") for p in parts))
    )
    got = ids(ok("cases", "list", "--group", "LDC", "--format", "csv", "--db", db))
    assert got == ldc and len(ldc) >= 10
    africa = raw_ids(raw, raw["itu_region"] == "AFR")
    for name in ("Africa", "AFR", "ITU_AFR"):
        assert ids(ok("cases", "list", "--group", name, "--format", "csv", "--db", db)) == africa
    bad = failed("cases", "list", "--group", "LCD", "--db", db)
    assert "did you mean" in bad.err and "LDC" in bad.err


def test_list_sector_stage_text_and_factor(db, raw, library):
    studies, coding = library
    water = raw_ids(raw, raw["sector"].str.split(";").map(lambda s: "water" in map(str.strip, s)))
    assert ids(ok("cases", "list", "--sector", "water", "--format", "csv", "--db", db)) == water
    scaled = studies.loc[studies["stage"] == "scaled", "case_id"].tolist()
    assert ids(ok("cases", "list", "--stage", "scaled", "--format", "csv", "--db", db)) == scaled
    money = raw_ids(raw, raw.drop(columns="verified_by").apply(
        lambda r: "mobile money" in " ".join(r).lower(), axis=1))  # fmt: skip
    got = ids(ok("cases", "list", "--text", "Mobile Money", "--format", "csv", "--db", db))
    assert set(money) <= set(got) and got
    expected = sorted(set(coding[(coding.factor == "payments") & (coding.side == "enabling")]
                          ["case_id"]))  # fmt: skip
    for name in ("payments", factor_label("payments", "en")):
        found = ok("cases", "list", "--factor", name, "--side", "enabling", "--format", "csv",
                   "--db", db)  # fmt: skip
        assert sorted(ids(found)) == expected and expected
    assert "did you mean" in failed("cases", "list", "--sector", "watr", "--db", db).err


def test_list_table_and_json(db, raw):
    shown = ok("cases", "list", "--country", "GHA", "--db", db)
    lines = shown.out.splitlines()
    assert lines[0].split()[:3] == ["case_id", "economies", "city_or_region"]
    ghana = raw_ids(raw, raw["country_iso3"].str.contains("GHA"))
    assert [line.split()[0] for line in lines[1:]] == ghana
    doc = json.loads(ok("cases", "list", "--format", "json", "--db", db).out)
    assert [d["case_id"] for d in doc] == raw["case_id"].tolist()
    assert {d["status"] for d in doc} == {"published"} and {d["origin"] for d in doc} == {"library"}


# --- show ----------------------------------------------------------------------------------------


def test_show_gives_the_study_its_factors_and_source(db, raw, library):
    _, coding = library
    row = raw[raw["case_id"] == "CS047"].iloc[0]
    text = ok("cases", "show", "CS047", "--db", db).out
    assert text.startswith("CS047: Senegal (SEN); Ghana (GHA); Togo (TGO)\n")
    assert row["summary"] in text and row["source_url"] in text and row["source_title"] in text
    mine = coding[coding["case_id"] == "CS047"]
    for r in mine.to_dict("records"):
        line = f'  - {factor_label(r["factor"], "en")} ({r["factor"]}): "{r["phrase"]}"; rule: '
        assert line + r["rule"] in text
    for side, column in (("enabling", "enabling_factors"), ("limiting", "limiting_factors")):
        assert set(split_phrases(row[column])) == set(mine.loc[mine.side == side, "phrase"])
    doc = json.loads(ok("cases", "show", "cs047", "--format", "json", "--db", db).out)
    assert doc["economy_names"] == {"SEN": "Senegal", "GHA": "Ghana", "TGO": "Togo"}
    assert len(doc["factors"]) == len(mine) and row["source_url"] in doc["citation"]


def test_show_unknown_case_exits_2(db):
    bad = failed("cases", "show", "CS999", "--db", db)
    assert "CS999" in bad.err and len(bad.err.splitlines()) == 1


# --- factors -------------------------------------------------------------------------------------


def expected_counts(library, group=None, by=None) -> pd.DataFrame:
    studies, coding = library
    if group:
        studies = filter_studies(studies, factors=coding, group=group)
    coding = coding[coding["case_id"].isin(studies["case_id"])]
    counts = factor_counts(studies, coding, by=by)[COUNT_COLUMNS].copy()
    counts["share"] = counts["share"].astype(float).round(4)
    return counts.reset_index(drop=True)


def as_counts(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"key": str})


@pytest.mark.parametrize(("group", "by"), [("LDC", None), ("Africa", None), (None, "region"),
                                           (None, "sector"), ("SIDS", "group")])  # fmt: skip
def test_factor_counts_agree_with_factor_counts(db, library, group, by):
    args = ["cases", "factors", "--format", "csv", "--db", db]
    args += ["--group", group] if group else []
    args += ["--by", by] if by else []
    got = as_counts(ok(*args).out)
    want = expected_counts(library, group, by)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert set(got["factor"]) == set(FACTORS) and (got["studies"] >= 0).all()


def test_factor_table_names_factors_enabling_beside_limiting(db, library):
    out = ok("cases", "factors", "--group", "LDC", "--db", db).out.splitlines()
    want = expected_counts(library, "LDC")
    n = int(want["n_studies"].iloc[0])
    assert out[0] == f"factors cited by {n} published studies of Least developed countries (LDC)"
    assert out[1].split() == ["factor", "enabling", "limiting"]
    assert len(out) == 2 + len(FACTORS)
    for line, code in zip(out[2:], FACTORS, strict=True):
        assert line.strip().startswith(factor_label(code, "en"))
        cells = want[want["factor"] == code].set_index("side")
        for side in ("enabling", "limiting"):
            k, share = int(cells.loc[side, "studies"]), float(cells.loc[side, "share"])
            assert f"{k} ({share:.0%})" in line
    region = ok("cases", "factors", "--region", "AFR", "--side", "limiting", "--format", "json",
                "--db", db)  # fmt: skip
    doc = json.loads(region.out)
    assert {d["side"] for d in doc} == {"limiting"} and len(doc) == len(FACTORS)
    assert "not an ITU-D region" in failed("cases", "factors", "--region", "LDC", "--db", db).err


# --- import and export ---------------------------------------------------------------------------


def counts_in(url: str) -> tuple[int, int]:
    with open_store(url) as store:
        return len(store.cases.studies(status="published")), len(store.audit(limit=100_000))


def renamed(studies: pd.DataFrame, prefix: str = "IMP-") -> pd.DataFrame:
    out = studies.copy()
    out["case_id"] = prefix + out["case_id"]
    return out


def codable(studies: pd.DataFrame) -> pd.Series:
    """Whether every phrase of a study is coded by the keywords alone (no per-study override)."""
    return studies.apply(
        lambda r: all(code_phrase(p, case_id=r["case_id"], side=side)
                      for side in ("enabling", "limiting") for p in split_phrases(r[side])),
        axis=1,
    )  # fmt: skip


def test_a_bad_import_file_stores_nothing(tmp_path, library):
    url = fresh(tmp_path)
    before = counts_in(url)
    bad = renamed(library[0].head(4))
    bad.loc[0, "economies"] = "KEN;XXX"
    bad.loc[1, "sectors"] = "water;mining"
    bad.loc[2, "source_url"] = "javascript:alert(1)"
    bad.loc[3, "case_id"] = bad.loc[2, "case_id"]
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    result = cli("cases", "import", str(path), "--editor", EDITOR, "--db", url)
    assert result.code == 2
    assert "bad.csv has 4 problem(s); nothing was stored" in result.err
    assert "row 2 (IMP-CS001): economies 'KEN;XXX'" in result.err and "XXX unknown" in result.err
    assert "row 3 (IMP-CS002): sectors 'water;mining'" in result.err
    assert "row 4 (IMP-CS003): source_url 'javascript:alert(1)'" in result.err
    assert "row 5 (IMP-CS003): case_id IMP-CS003 is also in row 4" in result.err
    clash = library[0].head(1)
    clash.to_csv(path, index=False)
    again = cli("cases", "import", str(path), "--editor", EDITOR, "--db", url)
    assert again.code == 2 and "CS001 is already stored" in again.err
    assert counts_in(url) == before


def test_phrases_no_rule_codes_are_refused_by_row(tmp_path, library):
    """Overrides belong to a study: the library's studies under new ids keep only the keyword
    rule, so those with a phrase only an override codes are refused, each named."""
    url = fresh(tmp_path)
    studies = renamed(library[0])
    path = tmp_path / "all.csv"
    studies.to_csv(path, index=False)
    uncodable = studies[~codable(studies)]
    result = cli("cases", "import", str(path), "--editor", EDITOR, "--db", url)
    if uncodable.empty:
        assert result.code == 0 and result.out.startswith(f"{len(studies)} imported")
        return
    assert result.code == 2 and "matches no factor of the vocabulary" in result.err
    for case_id in uncodable["case_id"].head(5):
        assert f"({case_id}): " in result.err


def test_export_then_import_into_a_fresh_store_gives_the_same_studies(tmp_path, library):
    first = fresh(tmp_path, "first.sqlite3")
    studies = renamed(library[0])
    studies = studies[codable(studies)]
    path = tmp_path / "studies.csv"
    studies.to_csv(path, index=False)
    done = ok("cases", "import", str(path), "--editor", EDITOR, "--db", first)
    assert done.out.startswith(f"{len(studies)} imported from studies.csv")
    listed = table(ok("cases", "list", "--origin", "imported", "--format", "csv",
                      "--db", first).out)  # fmt: skip
    assert listed["case_id"].tolist() == studies["case_id"].tolist()
    keep = [c for c in STUDY_COLUMNS if c not in ("origin", "submitted_at")]
    pd.testing.assert_frame_equal(listed[keep[:-2]], studies[keep[:-2]].reset_index(drop=True))
    for fmt in ("csv", "json"):
        out = tmp_path / f"export.{fmt}"
        ok("cases", "export", "--origin", "imported", "--out", str(out), "--db", first)
        second = fresh(tmp_path, f"second_{fmt}.sqlite3")
        again = ok("cases", "import", str(out), "--editor", EDITOR, "--db", second)
        assert again.out.startswith(f"{len(studies)} imported")
        with open_store(first) as a, open_store(second) as b:
            pa, pb = a.cases.studies(), b.cases.studies()
            fa, fb = a.cases.factors(), b.cases.factors()
        pd.testing.assert_frame_equal(pa[keep].reset_index(drop=True),
                                      pb[keep].reset_index(drop=True))  # fmt: skip
        pd.testing.assert_frame_equal(fa.reset_index(drop=True), fb.reset_index(drop=True))


def test_export_formats_carry_citations(db, tmp_path, library):
    out = ok("cases", "export", "--country", "KEN", "--db", db)
    assert "citation" in out.out.splitlines()[0]
    xlsx = tmp_path / "kenya.xlsx"
    done = ok("cases", "export", "--country", "KEN", "--out", str(xlsx), "--db", db)
    assert xlsx.stat().st_size > 0 and f"wrote {xlsx}" in done.out
    assert "exists" in failed("cases", "export", "--out", str(xlsx), "--db", db).err
    assert "does not end in .json" in failed("cases", "export", "--format", "json", "--out",
                                             str(tmp_path / "a.csv"), "--db", db).err  # fmt: skip


# --- moderation and polls ------------------------------------------------------------------------


def test_a_submission_is_pending_until_an_editor_publishes_it(tmp_path):
    from readiness.experiences.questionnaire import validate_submission

    url = fresh(tmp_path)
    fields = {
        "economies": ["KEN"], "city_or_region": "Kisumu", "sectors": ["water"],
        "technology": '=HYPERLINK("http://x.example","LoRaWAN")', "year": "2024", "stage": "pilot",
        "summary": "<script>alert(1)</script> meters read by LoRaWAN", "outcomes": "",
        "enabling": ["payments"], "limiting": ["power"], "enabling_words": {},
        "limiting_words": {}, "source_title": "Workshop notes", "source_publisher": "City",
        "source_year": "2024", "source_url": "", "source_type": "own account",
        "role": "city", "language": "en",
    }  # fmt: skip
    with open_store(url) as store:
        case_id = store.cases.submit(validate_submission(fields), session_key="s1")
    listed = ids(ok("cases", "list", "--country", "KEN", "--format", "csv", "--db", url))
    assert case_id not in listed
    pending = ok("cases", "list", "--status", "pending", "--format", "csv", "--db", url)
    assert ids(pending) == [case_id]
    assert table(pending.out)["technology"].tolist() == [
        '\'=HYPERLINK("http://x.example","LoRaWAN")'
    ]
    assert "no stored study" in failed("cases", "publish", "SUB-999999", "--editor", EDITOR,
                                       "--db", url).err  # fmt: skip
    assert ok("cases", "publish", case_id, "--editor", EDITOR, "--db", url).out == (
        f"published {case_id} (editor: {EDITOR})\n"
    )
    after = ids(ok("cases", "list", "--country", "KEN", "--format", "csv", "--db", url))
    assert after[-1] == case_id
    shown = ok("cases", "show", case_id, "--db", url).out
    assert "<script>alert(1)</script> meters read by LoRaWAN" in shown  # text, as given
    assert "rule: chosen by submitter" in shown
    with open_store(url) as store:
        assert store.audit(limit=5)["editor"].iloc[0] == EDITOR


def test_poll_results(tmp_path):
    from readiness.experiences.questionnaire import validate_poll_answer

    url = fresh(tmp_path)
    with open_store(url) as store:
        code = store.polls.open_poll("Barriers in Kigali", editor=EDITOR)["code"]
        choices = [(["finance", "power"], "RWA"), (["finance"], "KEN"), (["skills"], "FJI")]
        for i, (factors, iso3) in enumerate(choices):
            answer = validate_poll_answer(factors, iso3, "government", 3)
            store.polls.answer(code, answer, session_key=f"s{i}")
        tally = store.polls.tally(code)
    got = table(ok("cases", "poll", code.lower(), "--format", "csv", "--db", url).out)
    assert got["factor"].tolist() == list(FACTORS)
    assert got["answers"].astype(int).tolist() == tally["answers"].tolist()
    assert dict(zip(got["factor"], got["rank1"].astype(int), strict=True))["finance"] == 2
    shown = ok("cases", "poll", code, "--db", url).out.splitlines()
    assert shown[0] == f"poll {code}: Barriers in Kigali (barriers, open), 3 participant(s)"
    by = table(ok("cases", "poll", code, "--by", "region", "--format", "csv", "--db", url).out)
    assert set(by["key"]) == {"Africa", "Asia-Pacific"}
    out = tmp_path / "poll.json"
    assert "3 participant(s)" in ok("cases", "poll", code, "--out", str(out), "--db", url).out
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["workshop"]["code"] == code and len(doc["answers"]) == 3
    book = tmp_path / "poll.xlsx"
    ok("cases", "poll", code, "--out", str(book), "--db", url)
    sheets = pd.read_excel(book, sheet_name=None)
    assert sheets["tally"]["answers"].tolist() == tally["answers"].tolist()
    assert "no poll has the code" in failed("cases", "poll", "ZZZZZZ", "--db", url).err


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_url(postgres_server) -> str:
    """A database on a throwaway PostgreSQL server (loopback)."""
    return str(postgres_server.create_database("cases_cli"))


def test_the_same_answers_on_postgresql(db, pg_url):
    for args in (("list", "--country", "KEN"), ("factors", "--group", "LDC"),
                 ("factors", "--by", "region"), ("show", "CS010")):  # fmt: skip
        fmt = () if args[0] == "show" else ("--format", "csv")
        assert ok("cases", *args, *fmt, "--db", pg_url).out == ok("cases", *args, *fmt,
                                                                  "--db", db).out  # fmt: skip


def test_as_a_user_runs_it(db):
    """`python -m readiness cases ...` in a fresh process: exit codes and streams."""
    import subprocess
    import sys

    from readiness.paths import REPO_ROOT

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        return subprocess.run([sys.executable, "-m", "readiness", "cases", *args, "--db", db],
                              capture_output=True, text=True, cwd=REPO_ROOT, env=env,
                              timeout=300, check=False)  # fmt: skip

    shown = run("show", "CS001")
    assert shown.returncode == 0 and shown.stdout.startswith("CS001: Ghana (GHA)\n")
    unknown = run("show", "NOPE-1")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert (
        unknown.stderr == "python -m readiness cases: error: no stored study has the id 'NOPE-1'\n"
    )
