"""Two costs of fpdf2 removed without changing a byte of its output: font parsing, line widths.

`add_font` registers a font from a per-process template: fpdf2 parses a TrueType file (every
glyph's width and id) each time a document adds it, about 0.1 s a report for DejaVu alone. The
template is copied per document with a fresh fontTools font, because writing the file subsets
that font in place, and with fresh per-document state (glyph subset, missing glyphs, sizes).

`install_line_widths` makes fpdf2's line breaking linear: its current line re-measures every
fragment from its first character each time a character is added, so a line of n characters
cost n^2/2 glyph-width look-ups (a third of a report's layout time). The patched width adds
only the characters appended since the last call. It applies only to unshaped text in a
TrueType font (shaped widths are not sums) and falls back to fpdf2's own code otherwise;
`tests/reports/test_pdf_speed.py` checks that the files are byte for byte the same.
"""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path
from typing import Any

import fpdf
from fontTools.ttLib import TTFont
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.line_break import CurrentLine, Fragment

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
