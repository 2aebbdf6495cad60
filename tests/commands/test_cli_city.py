"""`readiness city ...` on a real store: Karmøy's 14 published values from the template to the
score, export round trips, files with problems, one-line errors, the audit log, PostgreSQL."""

from __future__ import annotations

import getpass
import importlib.util
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from readiness.cities.columns import TEMPLATE_COLUMNS, column_label
from readiness.cities.kpis import DIMENSIONS, data_point_label, level_name, load_kpis
from readiness.cities.master import find_cities
from readiness.cities.scoring import band
from readiness.cities.targets import load_targets
from readiness.store.engine import open_store
from tests.commands.cli_support import Out, cli, ok

SAMPLE = "cities/u4ssc_city_values_sample.csv"
KARMOY = ("--city", "Karmoy", "--country", "NOR", "--lat", "59.2833", "--lon", "5.2833")
EDITOR = "Ana Lima"
VALUE_KEYS = ["kpi_code", "data_point", "year", "value", "unit", "source", "data_quality", "note"]


def table(result: Out) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(result.out), keep_default_na=False, na_values=[""])


def sqlite(folder: Path, name: str = "readiness.sqlite3") -> str:
    return f"sqlite:///{folder / name}"


def raw_sample(raw_dir: Path) -> pd.DataFrame:
    return pd.read_csv(raw_dir / SAMPLE, dtype=str, keep_default_na=False, encoding="utf-8")


def fill_template(template: Path, raw_dir: Path, out: Path, targets: dict | None = None) -> Path:
    """Write Karmøy's published values into the template as a city officer would: the report's
    year (2020-09: 2020), the value as printed, the report and page as the source."""
    label = {c: column_label(c, "en") for c in TEMPLATE_COLUMNS}
    frame = pd.read_csv(template, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for r in raw_sample(raw_dir).to_dict("records"):
        row = (frame[label["kpi_code"]] == r["kpi_code_mapped"]) & (
            frame[label["data_point"]] == data_point_label(r["data_point"], "en")
        )
        assert row.sum() == 1, r
        frame.loc[row, label["year"]] = r["report_date"][:4]
        frame.loc[row, label["value"]] = r["value"]
        frame.loc[row, label["source"]] = f"{r['report']}, {r['source_url']}"
        for column, text in (targets or {}).get(r["kpi_code_mapped"], {}).items():
            frame.loc[row, label[column]] = text
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    return out


def counts(url: str) -> tuple[int, int, int]:
    """Cities, values and audit-log rows in the store."""
    with open_store(url) as store:
        cities = store.list_cities()
        values = sum(len(store.values(int(i))) for i in cities["id"])
        return len(cities), values, len(store.audit(limit=100_000))


def stored_values(url: str, name: str = "Karmoy") -> pd.DataFrame:
    with open_store(url) as store:
        return store.values(store.get_city(name).id)[VALUE_KEYS]


@pytest.fixture(scope="module")
def karmoy(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> dict:
    """A store holding Karmøy, imported from the filled template by EDITOR."""
    folder = tmp_path_factory.mktemp("karmoy")
    url = sqlite(folder)
    template = ok("city", "template", "--out", str(folder / "kpis.csv"))
    filled = fill_template(folder / "kpis.csv", raw_dir, folder / "karmoy.csv")
    imported = ok("city", "import", str(filled), *KARMOY, "--editor", EDITOR, "--db", url)
    return {"url": url, "folder": folder, "file": filled, "template": template,
            "imported": imported}  # fmt: skip


def test_template_and_import_say_what_they_did(karmoy, raw_dir):
    assert karmoy["template"].out.startswith(f"wrote {karmoy['folder'] / 'kpis.csv'} (112 rows")
    n = len(raw_sample(raw_dir))
    lines = karmoy["imported"].out.splitlines()
    assert lines[0] == "created Karmoy (NOR), id 1, by hand at 59.2833, 5.2833"
    assert f"imported {n} value(s)" in lines[1]
    assert f"{n} new, 0 replaced; 0 target(s) set (editor: {EDITOR})" in lines[1]


def test_list_shows_the_city_with_its_values_and_last_change(karmoy, raw_dir):
    (row,) = table(ok("city", "list", "--db", karmoy["url"])).to_dict("records")
    assert (row["name"], row["iso3"], row["latitude"], row["longitude"]) == (
        "Karmoy", "NOR", 59.2833, 5.2833,
    )  # fmt: skip
    assert row["values"] == len(raw_sample(raw_dir)) and pd.isna(row["geonameid"])
    assert row["last_editor"] == EDITOR and row["last_change"].endswith("Z")
    assert table(ok("city", "list", "--country", "KEN", "--db", karmoy["url"])).empty


def _expected_category(raw_dir: Path, category: str) -> dict[str, float]:
    """Counts and score of a category from the raw sample, the KPI list and the reference
    targets, independently of the scoring code."""
    raw = raw_sample(raw_dir)
    kpis = load_kpis().set_index("code")
    mine = raw[raw["kpi_code_mapped"].map(kpis["category"]) == category]
    refs = load_targets().set_index(["code", "data_point"])
    bands: dict[str, list[int]] = {}
    for r in mine.to_dict("records"):
        key = (r["kpi_code_mapped"], r["data_point"])
        if key in refs.index and refs.loc[key, "direction"] == "higher":
            pct = min(100.0, float(r["value"]) / float(refs.loc[key, "target"]) * 100)
            bands.setdefault(r["kpi_code_mapped"], []).append(band(pct))
    classes = kpis.loc[mine["kpi_code_mapped"].unique(), "core_advanced"]
    points = sum(sum(b) / len(b) for b in bands.values())
    return {
        "reported": mine["kpi_code_mapped"].nunique(),
        "reported_core": int((classes == "Core").sum()),
        "scored": len(bands),
        "score": round(points / (4 * len(bands)) * 100, 1),
    }


def test_score_counts_come_from_the_data(karmoy, raw_dir):
    result = ok("city", "score", "Karmoy", "--db", karmoy["url"])
    scores = table(result)
    row = scores[scores["category"] == "ICT Infrastructure"].iloc[0]
    expected = _expected_category(raw_dir, "ICT Infrastructure")
    assert {k: row[k] for k in expected} == expected
    assert expected["reported"] > expected["scored"] > 0
    nothing = scores[scores["reported"] == 0]
    assert nothing["score"].isna().all() and len(nothing) > 0  # missing is never 0
    assert "Karmoy (NOR): 13 KPI(s) reported" in result.err


def test_score_by_kpi_and_dimension_in_french(karmoy, raw_dir):
    kpis = table(ok("city", "score", "karmøy", "--level", "kpi", "--reported", "--db",
                    karmoy["url"]))  # fmt: skip
    assert len(kpis) == len(raw_sample(raw_dir))
    scored = kpis[kpis["band"].notna()]
    assert set(scored["target_source"]) == {"reference"}
    assert (scored["reason"].isna()).all() and (kpis.loc[kpis["band"].isna(), "reason"] != "").all()
    dims = table(ok("city", "score", "1", "--level", "dimension", "--lang", "fr", "--db",
                    karmoy["url"]))  # fmt: skip
    assert dims["dimension"].tolist() == [level_name("dimension", d, "fr") for d in DIMENSIONS]


def test_export_round_trips_through_import(karmoy, tmp_path):
    before = stored_values(karmoy["url"])
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"karmoy_export.{suffix}"
        ok("city", "export", "Karmoy", "--out", str(path), "--db", karmoy["url"])
        fresh = sqlite(tmp_path, f"fresh_{suffix}.sqlite3")
        ok("city", "import", str(path), *KARMOY, "--editor", EDITOR, "--db", fresh)
        pd.testing.assert_frame_equal(stored_values(fresh), before)
    again = ok("city", "import", str(tmp_path / "karmoy_export.csv"), "--city", "Karmoy",
               "--country", "NOR", "--editor", EDITOR, "--db", karmoy["url"])  # fmt: skip
    assert f"0 new, {len(before)} replaced" in again.out
    pd.testing.assert_frame_equal(stored_values(karmoy["url"]), before)


def test_export_cites_u4ssc_and_the_city_source(karmoy, raw_dir, tmp_path):
    source_url = raw_sample(raw_dir)["source_url"].iloc[0]
    text = ok("city", "export", "Karmoy", "--db", karmoy["url"]).out
    block = [line for line in text.splitlines() if line.startswith("#,")]
    assert any("ITU-T Y.4903" in line for line in block)
    assert any("data source" in line and source_url in line for line in block)
    ok("city", "export", "Karmoy", "--out", str(tmp_path / "k.xlsx"), "--db", karmoy["url"])
    sheets = pd.read_excel(tmp_path / "k.xlsx", sheet_name=None)
    assert list(sheets) == ["data", "about", "targets"]
    assert "ITU-T Y.4903" in " ".join(sheets["about"]["text"])
    ok("city", "export", "Karmoy", "--out", str(tmp_path / "k.json"), "--db", karmoy["url"])
    doc = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert "ITU-T Y.4903" in doc["about"]["framework"] and doc["city"]["iso3"] == "NOR"
    assert len(doc["values"]) == len(raw_sample(raw_dir))
    refused = cli("city", "export", "Karmoy", "--out", str(tmp_path / "k.json"), "--db",
                  karmoy["url"])  # fmt: skip
    assert refused.code == 2 and "add --force" in refused.err


def test_user_targets_override_references_and_travel_with_the_export(karmoy, raw_dir, tmp_path):
    # Targets a city officer might set, named as such: not Karmøy's.
    plan = "hypothetical plan (test)"
    targets = {
        "EC: ICT: ICT: 1C": {"target": "99", "target_source": plan},
        "EC: I: WS: 3C": {"target": "20", "target_direction": "lower", "target_source": plan},
    }
    filled = fill_template(karmoy["folder"] / "kpis.csv", raw_dir, tmp_path / "t.csv", targets)
    url = sqlite(tmp_path)
    assert "2 target(s) set" in ok("city", "import", str(filled), *KARMOY, "--editor", EDITOR,
                                   "--db", url).out  # fmt: skip
    kpis = table(ok("city", "score", "Karmoy", "--level", "kpi", "--reported", "--db", url))
    internet = kpis[kpis["code"] == "EC: ICT: ICT: 1C"].iloc[0]
    assert (internet["target"], internet["target_source"]) == (99.0, "user")
    loss = kpis[kpis["code"] == "EC: I: WS: 3C"].iloc[0]
    assert loss["band"] == band(20 / loss["value"] * 100)
    path = tmp_path / "t_export.csv"
    ok("city", "export", "Karmoy", "--out", str(path), "--db", url)
    assert f"EC: I: WS: 3C: 20 (lower is better); source: {plan}" in path.read_text("utf-8-sig")
    ok("city", "import", str(path), *KARMOY, "--editor", EDITOR, "--db", sqlite(tmp_path, "b"))
    with open_store(url) as a, open_store(sqlite(tmp_path, "b")) as b:
        columns = ["kpi_code", "data_point", "target", "direction", "source"]
        pd.testing.assert_frame_equal(a.targets(1)[columns], b.targets(1)[columns])


def test_a_file_with_problems_exits_2_lists_its_rows_and_stores_nothing(karmoy, tmp_path):
    frame = pd.read_csv(karmoy["file"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    label = {c: column_label(c, "en") for c in TEMPLATE_COLUMNS}
    filled = frame.index[frame[label["value"]] != ""]
    bad = {filled[0]: ("value", "ninety"), filled[1]: ("year", "1850"), filled[2]: ("source", "")}
    for i, (column, text) in bad.items():
        frame.loc[i, label[column]] = text
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    before = counts(karmoy["url"])
    for where in (KARMOY, ("--city", "Kopervik", "--country", "NOR", "--lat", "59.28",
                           "--lon", "5.30")):  # fmt: skip
        result = cli("city", "import", str(path), *where, "--editor", EDITOR, "--db",
                     karmoy["url"])  # fmt: skip
        assert result.code == 2 and result.out == "" and "Traceback" not in result.err
        assert "3 problem(s)" in result.err.splitlines()[0]
        for i in bad:
            assert f"row {i + 2}" in result.err  # the header is row 1
    assert counts(karmoy["url"]) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("city", "score", "Nowhere"), "no stored city is called 'Nowhere'"),
        (("city", "create", "Oslo", "--country", "XXX"), "unknown country code 'XXX'"),
        (("city", "import", "kpis.csv", "--city", "Oslo", "--country", "ZZZ"), "unknown country"),
        (("city", "create", "Springfield", "--country", "USA"), "are called 'Springfield'"),
        (("city", "create", "Karmoy", "--country", "NOR"), "give its coordinates with --lat"),
        (("city", "delete", "Karmoy"), "add --yes to confirm"),
    ],
)
def test_errors_are_one_line_and_exit_2(karmoy, args, needle):
    result = cli(*args, "--db", karmoy["url"])
    assert result.code == 2 and result.out == ""
    assert needle in result.err and len(result.err.strip().splitlines()) == 1


def test_an_ambiguous_name_lists_five_places_with_population(karmoy):
    err = cli("city", "create", "Springfield", "--country", "USA", "--db", karmoy["url"]).err
    places = find_cities("Springfield", "USA", limit=None)
    exact = places[places["match"] == "exact"]
    for r in exact.head(5).to_dict("records"):
        assert f"population {r['population']:,}, GeoNames id {r['geonameid']}" in err
    assert f"and {len(exact) - 5} more; choose one with --geonameid N" in err


def test_create_from_the_master_compare_and_delete(karmoy, raw_dir, tmp_path):
    url = sqlite(tmp_path)
    ok("city", "import", str(karmoy["file"]), *KARMOY, "--editor", EDITOR, "--db", url)
    (place,) = find_cities("Tromsø", "NOR", limit=1).to_dict("records")
    made = ok("city", "create", "tromso", "--country", "nor", "--editor", EDITOR, "--db", url)
    assert made.out.startswith(f"created Tromsø (NOR), id 2, from GeoNames {place['geonameid']}")
    side = table(ok("city", "compare", "Karmoy", "Tromsø", "--db", url))
    economy = side[side["dimension"] == "Economy"].iloc[0]
    assert economy["Karmoy (NOR): reported"] == raw_sample(raw_dir)["kpi_code_mapped"].nunique()
    assert economy["Tromsø (NOR): reported"] == 0 and pd.isna(economy["Tromsø (NOR): score"])
    gone = ok("city", "delete", "Tromso", "--yes", "--editor", EDITOR, "--db", url)
    assert gone.out.startswith("deleted Tromsø (NOR), id 2, with 0 value(s)")
    assert table(ok("city", "list", "--db", url))["name"].tolist() == ["Karmoy"]


def test_the_audit_log_names_the_editor(karmoy):
    log = table(ok("city", "log", "--city", "Karmoy", "--db", karmoy["url"]))
    first = log.iloc[::-1].reset_index(drop=True)  # oldest first
    assert list(first["action"][:2]) == ["create_city", "import_values"]
    assert set(first["editor"][:2]) == {EDITOR} and first["at_utc"].str.endswith("Z").all()
    assert json.loads(first["detail"][1])["rows"] == 14


def test_editor_from_the_environment_else_the_login_name(tmp_path, monkeypatch):
    url = sqlite(tmp_path)
    monkeypatch.setenv("READINESS_EDITOR", "env editor")
    ok("city", "create", "Bergen", "--country", "NOR", "--db", url)
    monkeypatch.delenv("READINESS_EDITOR")
    ok("city", "delete", "Bergen", "--yes", "--db", url)
    log = table(ok("city", "log", "--db", url))
    assert list(log["editor"]) == [getpass.getuser(), "env editor"]


def test_template_xlsx_in_french_and_no_overwrite(tmp_path):
    out = tmp_path / "kpis.xlsx"
    ok("city", "template", "--out", str(out), "--lang", "fr")
    assert zipfile.is_zipfile(out)
    headers = list(pd.read_excel(out, sheet_name="data").columns)
    assert headers == [column_label(c, "fr") for c in TEMPLATE_COLUMNS]
    again = cli("city", "template", "--out", str(out))
    assert again.code == 2 and "exists: add --force" in again.err
    ok("city", "template", "--out", str(out), "--force")
    bad = cli("city", "template", "--out", str(tmp_path / "kpis.txt"))
    assert bad.code == 2 and "must end in .csv or .xlsx" in bad.err


REPORTS = importlib.util.find_spec("readiness.reports.city") is not None


def _first_text(path: Path) -> str:
    if path.suffix == ".docx":
        from docx import Document

        return str(Document(str(path)).paragraphs[0].text)
    from pypdf import PdfReader

    return str(PdfReader(path).pages[0].extract_text()).splitlines()[0]


@pytest.mark.skipif(not REPORTS, reason="readiness/reports/city.py (city_report_bytes) is absent")
@pytest.mark.parametrize(("suffix", "lang"), [("docx", "fr"), ("pdf", "en")])
def test_report_writes_the_city_report(karmoy, tmp_path, suffix, lang):
    out = tmp_path / f"karmoy.{suffix}"
    result = ok("city", "report", "Karmoy", "--out", str(out), "--lang", lang, "--db",
                karmoy["url"])  # fmt: skip
    assert result.out.startswith(f"wrote {out} (")
    assert result.out.rstrip().endswith(f"the report of Karmoy (NOR) in {lang}")
    assert _first_text(out).startswith("Karmoy, ")
    again = cli("city", "report", "Karmoy", "--out", str(out), "--db", karmoy["url"])
    assert again.code == 2 and "add --force" in again.err


def test_help_documents_the_editor():
    text = cli("city", "import", "--help")
    assert text.code == 0
    assert "READINESS_EDITOR" in text.out and "login name" in text.out


# --- the same path on PostgreSQL --------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_url(postgres_server) -> tuple[str, str]:
    """A database on a throwaway PostgreSQL server (loopback) and the server's password."""
    return postgres_server.create_database("city_cli"), postgres_server.password


def test_import_list_score_on_postgresql(karmoy, pg_url, raw_dir):
    url, password = pg_url
    done = ok("city", "import", str(karmoy["file"]), *KARMOY, "--editor", EDITOR, "--db", url)
    listed = ok("city", "list", "--verbose", "--db", url)
    assert table(listed)["values"].tolist() == [len(raw_sample(raw_dir))]
    assert "***" in listed.err and password not in listed.err + listed.out + done.out
    pg = table(ok("city", "score", "Karmoy", "--db", url))
    lite = table(ok("city", "score", "Karmoy", "--db", karmoy["url"]))
    pd.testing.assert_frame_equal(pg, lite)
    pd.testing.assert_frame_equal(stored_values(url), stored_values(karmoy["url"]))
