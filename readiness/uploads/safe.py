"""Safe output of untrusted labels: spreadsheets (formula injection), HTML, Office XML and PDF.

Any text may come from a user's upload, so every writer passes labels through one of these.
"""

from __future__ import annotations

import html
import io
import re

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 forbids (C0 controls but tab, newline, CR; lone surrogates; U+FFFE/FFFF):
# Word and PowerPoint files holding them will not open.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Controls that have no place in a one-line label anywhere (keeps tab and newline).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading quote; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column labels cannot run as spreadsheet formulas."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    if any(isinstance(c, str) and safe_cell(c) != c for c in out.columns):
        out.columns = [safe_cell(c) for c in out.columns]
    return out


def html_text(value: object) -> str:
    """Text for HTML (including attribute values): markup characters escaped."""
    return html.escape(_CONTROLS.sub("", str(value)), quote=True)


def office_text(value: object) -> str:
    """Text for Word, PowerPoint or Excel XML: characters XML 1.0 forbids removed.

    python-docx and python-pptx escape <, > and & themselves but raise on control characters.
    """
    return _XML_ILLEGAL.sub("", str(value))


def pdf_text(value: object, unicode_font: bool = True) -> str:
    """Text for a PDF cell: controls removed; outside latin-1 replaced when the font is a core one.

    Use with plain `cell`/`multi_cell` (markdown=False); never pass labels to `write_html`.
    """
    text = _CONTROLS.sub("", _XML_ILLEGAL.sub("", str(value)))
    if not unicode_font:
        text = text.encode("latin-1", errors="replace").decode("latin-1")
    return text


def markdown_text(value: object) -> str:
    """Text for st.markdown or st.caption: markdown syntax escaped, so a label stays a label."""
    text = _CONTROLS.sub("", str(value)).replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx of `frame` in which no cell is a formula or a link, and no label breaks the XML."""
    clean = neutralise_formulas(frame)
    for column in clean.columns:
        if clean[column].dtype == object or pd.api.types.is_string_dtype(clean[column]):
            clean[column] = clean[column].map(lambda v: office_text(v) if isinstance(v, str) else v)
    clean.columns = [office_text(c) if isinstance(c, str) else c for c in clean.columns]
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as xl:
        clean.to_excel(xl, sheet_name=office_text(sheet_name)[:31] or "data", index=False)
    return buffer.getvalue()


__all__ = [
    "FORMULA_PREFIXES",
    "html_text",
    "markdown_text",
    "neutralise_formulas",
    "office_text",
    "pdf_text",
    "safe_cell",
    "to_excel_bytes",
]
