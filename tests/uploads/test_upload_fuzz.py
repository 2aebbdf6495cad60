"""Property-based fuzzing: whatever the bytes, the reader and validator answer with problems,
never with a traceback."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.data.snapshot import load_snapshot
from readiness.errors import ReadinessError
from readiness.uploads.reading import read_upload
from readiness.uploads.safe import office_text
from readiness.uploads.tables import UploadError
from readiness.uploads.upload import validate_file

FUZZ = settings(max_examples=150, deadline=None)

cell = st.one_of(
    st.sampled_from(
        ["KEN", "Viet Nam", "Côte d'Ivoire", "", "2023", "1890", "internet_use", "g5", "=1+1",
         "12,5", "1e308", "inf", "nan", "-5", "\"", "'", "..", "é", "\t", "economy", "year"]
    ),
    st.text(max_size=12),
)  # fmt: skip
delimiter = st.sampled_from([",", ";", "\t", "|"])
encoding = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


def _check(data: bytes, name: str = "fuzz.csv") -> None:
    snapshot = load_snapshot()  # cached; not a test argument, so failures print short
    try:
        read_upload(data, name)
    except UploadError as exc:
        assert str(exc)  # a message, not a crash
    result = validate_file(data, name, snapshot)  # must not raise anything
    assert all(p.message for p in result.problems)
    assert result.ok == (result.overlay is not None)
    if result.overlay is not None:
        rows = result.overlay.rows
        assert not rows.duplicated(["iso3", "indicator", "year"]).any()
        assert set(rows["iso3"]) <= set(snapshot.countries["iso3"])


@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(data):
    _check(data)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["economy", "year", "indicator", "value", "internet_use", "pays", "", "x"]),
        min_size=1,
        max_size=5,
    ),
    rows=st.lists(st.lists(cell, min_size=0, max_size=6), max_size=8),
    sep=delimiter,
    enc=encoding,
)
def test_arbitrary_small_csv(header, rows, sep, enc):
    text = "\n".join(sep.join(r) for r in [header, *rows])
    try:
        data = text.encode(enc)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _check(data)


@FUZZ
@given(
    members=st.lists(
        st.tuples(
            st.sampled_from(
                ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                 "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/sharedStrings.xml", "x.bin"]
            ),
            st.binary(max_size=300),
        ),
        max_size=7,
        unique_by=lambda member: member[0],
    )
)  # fmt: skip
def test_arbitrary_zip_members(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    _check(buffer.getvalue(), "fuzz.xlsx")


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.one_of(cell, st.floats(allow_nan=True), st.integers(), st.none()), max_size=5),
        max_size=6,
    )
)
def test_arbitrary_workbook_cells(rows):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["economy", "year", "internet_use"])
    for row in rows:
        # The writer's own limits: no formulas, no XML-illegal characters (the reader's job is
        # what comes back, not what openpyxl can write).
        book.active.append([_writable(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    _check(buffer.getvalue(), "fuzz.xlsx")


def _writable(value):
    if not isinstance(value, str):
        return value
    text = office_text(value)
    return "'" + text if text.startswith("=") else text


def test_upload_error_is_a_readiness_error():
    assert issubclass(UploadError, ReadinessError)
