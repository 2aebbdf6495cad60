"""Three costs of fpdf2's PDF layout removed: font parsing, double table layout, line widths.

`add_font` registers a font from a per-process template: fpdf2 parses a TrueType file (every
glyph's width and id) each time a document adds it, about 0.1 s a report for DejaVu alone. The
template is copied per document with a fresh fontTools font, because writing the file subsets
that font in place, and with fresh per-document state (glyph subset, missing glyphs, sizes).

`FastTable` is fpdf2's table measuring a cell that fits on one line without breaking its text
into lines: fpdf2 lays out every cell twice, once to find the row heights and once to draw it.
The pages drawn are the same; the order of glyphs in the font subsets is not (the dry run
picked them first), so the bytes differ.

`install_line_widths` makes fpdf2's line breaking linear: its current line re-measures every
fragment from its first character each time a character is added, so a line of n characters
cost n^2/2 glyph-width look-ups (a third of a report's layout time). The patched width adds
only the characters appended since the last call. It applies only to unshaped text in a
TrueType font (shaped widths are not sums) and falls back to fpdf2's own code otherwise;
`tests/reports/test_pdf_speed.py` checks that fonts and line widths leave the file byte for
byte the same, and that the table draws the same pages (pdftoppm).
"""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path
from typing import Any

import fpdf
from fontTools.ttLib import TTFont
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from fpdf.line_break import CurrentLine, Fragment
from fpdf.table import Cell, Table
from fpdf.util import Padding

# The fpdf2 versions whose CurrentLine.width and Fragment.get_width this module reproduces.
TESTED_FPDF = ("2.8.",)


@functools.cache
def _template(family: str, style: str, path: str, number: int) -> TTFFont:
    return TTFFont(fpdf.FPDF(), Path(path), f"{family.lower()}{style}", style,
                   collection_font_number=number)  # fmt: skip


def add_font(pdf: fpdf.FPDF, family: str, style: str, path: Path, number: int = 0) -> None:
    """pdf.add_font(family, style, path, collection_font_number=number), from a cached parse."""
    fontkey = f"{family.lower()}{style}"
    if fontkey in pdf.fonts:
        return
    template = _template(family, style, str(path), number)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(str(path), recalcTimestamp=False, fontNumber=number, lazy=True)
    font._hbfont = None  # HarfBuzz font objects carry a size: one per document
    font.cw = template.cw.copy()  # a defaultdict: looking up a missing code inserts it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


# Where a fragment keeps (its character list, font, characters measured, sum of widths, length).
_MEMO = "_readiness_width"


def _fragment_width(fragment: Fragment, initial_cs: bool) -> float:
    """fragment.get_width(initial_cs=initial_cs), adding only characters new since last time."""
    font = fragment.font
    if (
        type(fragment) is not Fragment
        or not isinstance(font, TTFFont)
        or font.is_symbol
        or fragment.text_shaping_parameters
    ):
        return fragment.get_width(initial_cs=initial_cs)
    chars = fragment.characters
    total: float  # an int for fonts whose widths are ints, as in fpdf2's sum
    memo: tuple[list[str], Any, int, float, int] | None = getattr(fragment, _MEMO, None)
    if memo is not None and memo[0] is chars and memo[1] is font and memo[2] <= len(chars):
        _, _, done, total, char_len = memo
    else:
        done, total, char_len = 0, 0, 0
    if done < len(chars):
        cw = font.cw
        text = "".join(chars[done:])
        for c in text:
            total += cw[ord(c)]
        char_len += len(text)
        setattr(fragment, _MEMO, (chars, font, len(chars), total, char_len))
    size = fragment.font_size_pt
    if size > font.biggest_size_pt:
        font.biggest_size_pt = size
    # The rest is Fragment.get_width's arithmetic, in its order.
    w = total * size * 0.001
    char_spacing = fragment.char_spacing
    if fragment.font_stretching != 100:
        w *= fragment.font_stretching * 0.01
        char_spacing *= fragment.font_stretching * 0.01
    if fragment.char_spacing != 0:
        w += char_spacing * (char_len if initial_cs else char_len - 1)
    return w / fragment.k


def _line_width(self: CurrentLine) -> float:
    width: float = 0
    for i, fragment in enumerate(self.fragments):
        width += _fragment_width(fragment, i > 0)
    return width


_FPDF_WIDTH = CurrentLine.__dict__["width"]  # fpdf2's own, for the tests' comparison
_installed = False
_lock = threading.Lock()


def install_line_widths() -> bool:
    """Patch fpdf2's CurrentLine.width (once per process); False for an untested fpdf2."""
    global _installed
    with _lock:
        if not _installed and fpdf.__version__.startswith(TESTED_FPDF):
            CurrentLine.width = property(_line_width)  # type: ignore[method-assign,assignment]
            _installed = True
        return _installed


class FastTable(Table):
    """fpdf2's Table; a one-line cell's height is found from its width, not from a dry run."""

    def _render_table_cell(
        self, i: int, j: int, cell: Cell, row_height: float, cell_height_info: Any = None,
        cell_x_positions: Any = None, **kwargs: Any,
    ) -> tuple[bool, float, float]:  # fmt: skip
        if cell_height_info is None and not kwargs:
            height = self._one_line_height(i, j, cell, row_height)
            if height is not None:
                return False, 0, height
        return super()._render_table_cell(
            i, j, cell, row_height, cell_height_info, cell_x_positions, **kwargs
        )

    def _one_line_height(self, i: int, j: int, cell: Cell, row_height: float) -> float | None:
        """What fpdf2's dry run returns for a cell whose text fits its column, else None."""
        pdf = self._fpdf
        text = cell.text
        if (
            not text
            or cell.img
            or cell.colspan != 1
            or cell.rowspan != 1
            or self._markdown
            or pdf.text_shaping
            or any(ch in text for ch in "\n\f\u00ad")
        ):
            return None
        # The cell's style, as Table._render_table_cell combines it.
        style = self._initial_style
        assert style is not None
        if self._cell_fill_mode.should_fill_cell(i, j) and self._cell_fill_color:
            style = style.replace(fill_color=self._cell_fill_color)
        if i < self._num_heading_rows:
            style = FontFace.combine(style, self._headings_style)
        style = FontFace.combine(style, self.rows[i].style)
        style = FontFace.combine(style, cell.style)
        padding = Padding.new(cell.padding) if cell.padding else self._padding
        room = self._get_col_width(i, j, cell.colspan) - padding.left - padding.right
        if not (padding.left and padding.right):
            return None  # fpdf2 then keeps clearance margins too
        assert style is not None
        with pdf.use_font_face(style):
            width = pdf.get_string_width(text)
        if width > room - 0.01:  # a margin for rounding: fpdf2 decides close calls
            return None
        return row_height + padding.top + padding.bottom
