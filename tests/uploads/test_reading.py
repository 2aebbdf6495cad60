"""Reading: encodings, delimiters, text tables and workbook cells, by the module owning each."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from readiness.uploads import limits
from readiness.uploads.csvfile import decode, sniff_delimiter
from readiness.uploads.reading import clean_filename, read_upload
from readiness.uploads.tables import UploadError, is_formula, to_table
from readiness.uploads.workbook import cell_text, check_zip


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("économie".encode(), "utf-8"),
        ("\ufeffé".encode(), "utf-8-sig"),
        ("é".encode("utf-16"), "utf-16"),
        ("economy,year".encode("utf-16-le"), "utf-16-le"),
        ("€conomie".encode("cp1252"), "cp1252"),
    ],
)
def test_decode_finds_the_encoding(data, encoding):
    assert decode(data, "f.csv")[1] == encoding


def test_decode_refuses_binary():
    with pytest.raises(UploadError, match="neither text"):
        decode(b"\x00\x00\x01\x01" * 100, "f.csv")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniff_delimiter(delimiter):
    text = "\n".join(delimiter.join(r) for r in [("a", "b", "c"), ("1", "2", "3")])
    assert sniff_delimiter(text) == delimiter


def test_to_table_skips_blank_rows_and_padding():
    frame = pd.DataFrame(
        [["", "", ""], ["economy", "year", ""], ["KEN", " 2023 ", ""], ["", "", ""]]
    )
    table = to_table(frame, "data", "f.csv")
    assert table.header == ("economy", "year")
    assert table.header_row == 2
    assert table.rows.tolist() == [3]
    assert table.cells.iloc[0].tolist() == ["KEN", "2023"]


def test_to_table_reads_the_limits_module(monkeypatch):
    monkeypatch.setattr(limits, "MAX_COLUMNS", 2)
    with pytest.raises(UploadError, match="the limit is 2"):
        to_table(pd.DataFrame([["a", "b", "c"]]), "data", "f.csv")


def test_clean_filename():
    assert clean_filename("../../etc/<b>x</b>.csv") == "b_.csv"
    assert clean_filename("C:\\Users\\me\\data (1).csv") == "data (1).csv"
    assert clean_filename(None) == "upload"


@pytest.mark.parametrize(
    ("text", "formula"), [("=1+1", True), ("@SUM(A1)", True), ("-12", False), ("-x", True)]
)
def test_is_formula(text, formula):
    assert is_formula(text) is formula


@pytest.mark.parametrize(
    ("value", "text"), [(None, ""), (True, "TRUE"), (2023.0, "2023"), (0.1, "0.1"), (7, "7")]
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def test_check_zip_refuses_entities_before_any_parser():
    data = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><w/>',
        }
    )
    with pytest.raises(UploadError, match="DOCTYPE or ENTITY"):
        check_zip(data, "bomb.xlsx")


def test_check_zip_notes_formulas_and_links():
    data = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<w/>",
            "xl/worksheets/sheet1.xml": b"<c><f>A1+1</f><v>2</v></c>",
            "xl/externalLinks/externalLink1.xml": b"<e/>",
        }
    )
    archive, notes = check_zip(data, "f.xlsx")
    archive.close()
    assert any("formulas" in n for n in notes) and any("links" in n for n in notes)


def test_read_upload_by_content_not_name():
    parsed = read_upload(b"economy;year;internet_use\nKEN;2023;81,5\n", "data.txt")
    assert (parsed.kind, parsed.delimiter) == ("csv", ";")
    with pytest.raises(UploadError, match="named like a spreadsheet"):
        read_upload(b"economy,year\n", "data.xlsx")
