"""The upload corpus: every good file validates to the values it holds; every bad file is refused
with its expected message; limits are enforced with a clear message."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from readiness.uploads import limits
from readiness.uploads.reading import read_upload
from readiness.uploads.tables import UploadError
from readiness.uploads.upload import validate_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
EXPECTED = {r["file"]: r for r in csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8"))}


def _validate(snapshot, name, meta=None):
    meta_bytes = (CORPUS / meta).read_bytes() if meta else None
    return validate_file((CORPUS / name).read_bytes(), name, snapshot, meta_bytes, meta)


def _values(result):
    rows = result.overlay.rows
    return {(r.iso3, r.indicator, int(r.year)): r.value for r in rows.itertuples()}


def test_corpus_is_what_the_generator_writes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = module.files()
    for name, data in generated.items():
        assert (CORPUS / name).read_bytes() == data, f"{name} differs: rerun make_corpus.py"
    assert set(EXPECTED) == set(module.EXPECTED)
    assert set(EXPECTED) <= set(generated)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_with_its_message(snapshot, name):
    result = _validate(snapshot, name)
    assert not result.ok
    assert result.overlay is None
    expected = EXPECTED[name]
    hits = [p for p in result.errors if p.code == expected["problem"]]
    assert hits, [p.line() for p in result.problems]
    assert any(expected["message"] in p.message for p in hits), [p.line() for p in hits]


def test_tidy_bom_semicolon_decimal_comma_and_aliases(snapshot):
    parsed = read_upload((CORPUS / "good_tidy_bom_semicolon.csv").read_bytes(), "x.csv")
    assert (parsed.encoding, parsed.delimiter, parsed.kind) == ("utf-8-sig", ";", "csv")
    result = _validate(snapshot, "good_tidy_bom_semicolon.csv")
    assert result.ok and result.layout == "tidy"
    assert _values(result) == {
        ("VNM", "internet_use", 2024): 81.5,
        ("CIV", "internet_use", 2024): 41.2,
        ("TUR", "internet_use", 2024): 87.0,
        ("KOR", "internet_use", 2024): 97.9,
        ("KEN", "internet_use", 2024): 44.1,
    }  # the empty value of KEN 2023 is missing, not zero


def test_utf16_tab(snapshot):
    parsed = read_upload((CORPUS / "good_utf16_tab.csv").read_bytes(), "x.csv")
    assert parsed.encoding == "utf-16" and parsed.delimiter == "\t"
    result = _validate(snapshot, "good_utf16_tab.csv")
    assert _values(result) == {
        ("KEN", "fixed_broadband", 2022): 1.5,
        ("TUR", "fixed_broadband", 2022): 22.1,
        ("IND", "gci", 2022): 98.5,
    }


def test_latin1_names_with_accents(snapshot):
    parsed = read_upload((CORPUS / "good_latin1_accents.csv").read_bytes(), "x.csv")
    assert parsed.encoding in ("cp1252", "latin-1")
    result = _validate(snapshot, "good_latin1_accents.csv")
    assert {k[0] for k in _values(result)} == {"CIV", "CUW", "STP"}


def test_french_and_spanish_names_and_headers(snapshot):
    result = _validate(snapshot, "good_french_spanish.csv")
    assert result.ok and result.layout == "wide"
    values = _values(result)
    assert values[("DEU", "internet_use", 2024)] == 93.5
    assert values[("ESP", "coverage_4g", 2024)] == 99.8
    assert values[("MEX", "internet_use", 2024)] == 81.2
    assert values[("SEN", "coverage_4g", 2024)] == 86.0
    assert ("GBR", "coverage_4g", 2024) not in values  # empty cell: missing
    assert len(values) == 9


def test_wide_workbook_with_indicators_sheet(snapshot):
    result = _validate(snapshot, "good_wide_tracker.xlsx")
    assert result.ok, [p.line() for p in result.problems]
    (ind,) = result.overlay.indicators
    assert ind.code == "g5_test" and ind.role == "index" and ind.pillar == "POLICY"
    assert ind.source == "USER" and ind.licence == "as supplied by the user"
    assert (ind.goalposts.lo, ind.goalposts.hi, ind.direction) == (0.0, 100.0, 1)
    values = _values(result)
    assert values[("VNM", "g5_test", 2023)] == 70.25
    assert values[("SEN", "internet_use", 2023)] == 60.1
    assert len(values) == 6
    assert any("README" in p.message for p in result.warnings)


def test_wide_csv_with_separate_metadata(snapshot):
    result = _validate(snapshot, "good_wide_new_indicator.csv", meta="good_meta.csv")
    assert result.ok
    assert _values(result) == {("KEN", "g5_test", 2024): 62.0, ("SEN", "g5_test", 2024): 57.0}
    assert not _validate(snapshot, "good_wide_new_indicator.csv").ok  # undeclared without it


def test_every_problem_is_reported_at_once(snapshot):
    text = (
        "economy,year,indicator,value\n"
        "Vietnan,2024,internet_use,50\n"
        "KEN,1890,internet_use,50\n"
        "KEN,2023,nonsense,50\n"
        "KEN,2023,internet_use,abc\n"
        "KEN,2022,internet_use,150\n"
        "SEN,2022,internet_use,50\n"
        "Senegal,2022,internet_use,51\n"
    )
    result = validate_file(text.encode(), "many.csv", snapshot)
    found = {(p.code, p.row, p.column) for p in result.errors}
    assert found == {
        ("unknown_economy", 2, "economy"),
        ("year_out_of_range", 3, "year"),
        ("unknown_indicator", 4, "indicator"),
        ("not_numeric", 5, "value"),
        ("out_of_range", 6, "value"),
        ("duplicate", 8, "economy"),
    }


def test_oversize_file_is_refused_unread(snapshot):
    data = b"economy,year,indicator,value\n" + b"KEN,2023,internet_use,1\n" * (
        limits.MAX_BYTES // 24 + 10
    )
    assert len(data) > limits.MAX_BYTES
    with pytest.raises(UploadError, match=r"limit is 20 MB"):
        read_upload(data, "big.csv")
    result = validate_file(data, "big.csv", snapshot)
    assert not result.ok and "limit is 20 MB" in result.errors[0].message


def test_row_limit(monkeypatch, snapshot):
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    data = "economy,year,indicator,value\n" + "KEN,2023,internet_use,1\n" * 1200
    with pytest.raises(UploadError, match="more than 50 rows"):
        read_upload(data.encode(), "long.csv")


def _workbook(rows, dimension=None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:C2"/>', dimension)
            dst.writestr(info, data)
    return out.getvalue()


def test_forged_sheet_dimension_does_not_pad_rows(snapshot):
    rows = [["economy", "year", "internet_use"], ["KEN", 2023, 40.5]]
    data = _workbook(rows, dimension=b'<dimension ref="A1:XFD1048576"/>')
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    parsed = read_upload(data, "forged.xlsx")
    assert parsed.data.header == ("economy", "year", "internet_use")
    assert parsed.data.cells.shape == (1, 3)


def test_formula_cells_are_never_evaluated(snapshot):
    rows = [["economy", "year", "internet_use"], ["KEN", 2023, "=1+1"]]
    result = validate_file(_workbook(rows), "formula.xlsx", snapshot)
    # openpyxl saved no cached value, so the cell is empty: nothing is computed, a note says why.
    assert any("never evaluated" in p.message for p in result.warnings)
    assert result.overlay is None and any(p.code == "no_values" for p in result.errors)


def test_extension_does_not_decide_the_format(snapshot):
    data = (CORPUS / "good_wide_tracker.xlsx").read_bytes()
    assert validate_file(data, "renamed.csv", snapshot).ok
    text = (CORPUS / "good_latin1_accents.csv").read_bytes()
    result = validate_file(text, "renamed.xlsx", snapshot)
    assert not result.ok and "not an .xlsx workbook" in result.errors[0].message


def test_metadata_labels_lose_control_characters(snapshot):
    meta = (
        "code,name,unit,direction,pillar,goalpost_lo,goalpost_hi\n"
        'g5_x,"G5 \x1b[31mred\u202e",score 0-100,1,context,0,100\n'
    )
    result = validate_file(
        b"economy,year,g5_x\nKEN,2023,5\n", "x.csv", snapshot, meta.encode(), "m.csv"
    )
    assert result.ok, [p.line() for p in result.problems]
    assert result.overlay.indicators[0].name == "G5 [31mred"


def test_file_names_become_plain_labels(snapshot):
    result = validate_file(
        b"economy,year,internet_use\nKEN,2023,5\n", "../[x](http:evil)*.csv", snapshot
    )
    assert result.overlay.provenance.filename == "_x_(http_evil)_.csv"
