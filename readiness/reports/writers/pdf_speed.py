"""Three costs of fpdf2's PDF layout removed: font parsing, double table layout, line widths.

`add_font` registers a font from a per-process template: fpdf2 parses a TrueType file (every
glyph's width and id) each time a document adds it, about 0.1 s a report for DejaVu alone. The
template is copied per document with a fresh fontTools font, because writing the file subsets
that font in place, and with fresh per-document state (glyph subset, missing glyphs, sizes).

`FastTable` is fpdf2's table measuring a cell that fits on one line without breaking its text
into lines: fpdf2 lays out every cell twice, once to find the row heights and once to draw it.
The pages drawn are the same; the order of glyphs in the font subsets is not (the dry run
picked them first), so the bytes differ.

`install_font_subsets` keeps the subset fpdf2 cuts from a TrueType font when it writes a file,
keyed by the font and the set of glyphs used: a batch's reports use the same few hundred glyphs,
and fontTools' subsetting cost about 0.08 s a report. A document's font is a stand-in for
fontTools' TTFont (`SubsetFont`) that hands fpdf2 the kept subset's bytes and glyph ids, the same
bytes a fresh subset gives (tests/reports/test_pdf_speed.py compares whole files).

`install_line_widths` makes fpdf2's line breaking linear: its current line re-measures every
fragment from its first character each time a character is added, so a line of n characters
cost n^2/2 glyph-width look-ups (a third of a report's layout time). The patched width adds
only the characters appended since the last call. It applies only to unshaped text in a
TrueType font (shaped widths are not sums) and falls back to fpdf2's own code otherwise.
It also breaks a line of one plain fragment (`_fast_line`: word wrapping, no shaping, spacing,
line break or soft hyphen) by summing glyph widths in a float loop, where fpdf2 builds and
measures its line one character object at a time: the same lines, and the PDF writer's time
a report falls from 0.63 s to 0.28 s (LDC members). `tests/reports/test_pdf_speed.py` checks
that fonts, line widths and line breaking leave the file byte for byte the same, and that the
table draws the same pages (pdftoppm).
"""

from __future__ import annotations

import copy
import functools
import re
import threading
import types
from pathlib import Path
from typing import Any

import fpdf
import fpdf.image_parsing
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf.enums import Align, WrapMode
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from fpdf.line_break import (
    BREAKING_SPACE_SYMBOLS_STR,
    FORM_FEED,
    NBSP,
    NEWLINE,
    SOFT_HYPHEN,
    CurrentLine,
    Fragment,
    MultiLineBreak,
    TextLine,
)
from fpdf.table import Cell, Table
from fpdf.util import FloatTolerance, Padding

# The fpdf2 versions whose CurrentLine.width, Fragment.get_width and font subsetting (in
# fpdf.output.OutputProducer._add_fonts) this module reproduces.
TESTED_FPDF = ("2.8.",)
_lock = threading.RLock()


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
    if template.is_cff or not _subsets_installed:
        font.ttfont = TTFont(str(path), recalcTimestamp=False, fontNumber=number, lazy=True)
    else:
        font.ttfont = SubsetFont(str(path), number)
    font._hbfont = None  # HarfBuzz font objects carry a size: one per document
    font.cw = template.cw.copy()  # a defaultdict: looking up a missing code inserts it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


# Subsets kept per process: (font file, number, glyph names, options) -> (file bytes, glyph ids).
SUBSETS_KEPT = 32
_subsets: dict[tuple[str, int, frozenset[str], str], tuple[bytes, dict[str, int]]] = {}
_subsets_installed = False


class SubsetFont:
    """What fpdf2 asks of a document's TTFont, with its subset kept for the next document.

    fpdf2 reads a document's font only when it writes the file: it subsets it (`subset_to`,
    through `_Subsetter`), asks the glyph ids of the subset (`getGlyphID`) and saves it (`save`).
    Anything else goes to a real TTFont opened on first use.
    """

    def __init__(self, path: str, number: int) -> None:
        self._path, self._number = path, number
        self._real: TTFont | None = None
        self._subset: tuple[bytes, dict[str, int]] | None = None

    def _font(self) -> TTFont:
        if self._real is None:
            self._real = TTFont(self._path, recalcTimestamp=False, fontNumber=self._number,
                                lazy=True)  # fmt: skip
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._font(), name)

    def __contains__(self, tag: str) -> bool:
        return tag in self._font()

    def __getitem__(self, tag: str) -> Any:
        return self._font()[tag]

    def subset_to(self, glyphs: list[str], options: Any) -> None:
        """Cut the subset of `glyphs` (fontTools' Subsetter with fpdf2's `options`), or take
        the one kept for the same font, glyphs and options."""
        key = (self._path, self._number, frozenset(glyphs), repr(sorted(vars(options).items())))
        with _lock:
            kept = _subsets.get(key)
        if kept is None:
            from io import BytesIO

            font = TTFont(self._path, recalcTimestamp=False, fontNumber=self._number, lazy=True)
            subsetter = ftsubset.Subsetter(options)
            subsetter.populate(glyphs=glyphs)
            subsetter.subset(font)
            ids = {name: k for k, name in enumerate(font.getGlyphOrder())}
            buffer = BytesIO()
            font.save(buffer)
            font.close()
            kept = (buffer.getvalue(), ids)
            with _lock:
                if len(_subsets) >= SUBSETS_KEPT:
                    del _subsets[next(iter(_subsets))]
                _subsets[key] = kept
        self._subset = kept

    def getGlyphID(self, name: str) -> int:
        if self._subset is not None:
            return self._subset[1][name]
        return int(self._font().getGlyphID(name))

    def save(self, file: Any) -> None:
        if self._subset is not None:
            file.write(self._subset[0])
        else:
            self._font().save(file)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()


class _Subsetter:
    """fontTools' Subsetter as fpdf2's writer calls it; a SubsetFont subsets through its cache."""

    def __init__(self, options: Any) -> None:
        self._options = options
        self._glyphs: list[str] = []
        self._more: dict[str, Any] = {}

    def populate(self, glyphs: Any = (), **more: Any) -> None:
        self._glyphs, self._more = list(glyphs), more

    def subset(self, font: Any) -> None:
        if isinstance(font, SubsetFont) and not self._more:
            font.subset_to(self._glyphs, self._options)
            return
        real = ftsubset.Subsetter(self._options)
        real.populate(glyphs=self._glyphs, **self._more)
        real.subset(font)


def install_font_subsets() -> bool:
    """Route fpdf2's font subsetting through the kept subsets (once per process); False for an
    untested fpdf2."""
    global _subsets_installed
    import fpdf.output

    with _lock:
        if not _subsets_installed and fpdf.__version__.startswith(TESTED_FPDF):
            fpdf.output.ftsubset = types.SimpleNamespace(
                Options=ftsubset.Options, Subsetter=_Subsetter
            )
            _subsets_installed = True
        return _subsets_installed


# Charts parsed per process: (md5 of the PNG, filter, size, zlib level) -> fpdf2's image info.
IMAGES_KEPT = 64  # about 0.1 MB each
_MD5 = re.compile(r"[0-9a-f]{32}")
_images: dict[tuple[str, str, Any, int, str], Any] = {}
_images_installed = False


def _kept_image_info(name: Any, img: Any = None, image_filter: Any = "AUTO", dims: Any = None,
                     **more: Any) -> Any:  # fmt: skip
    """fpdf2's get_img_info, kept for a chart every report of a batch shows (a region's chart):
    decoding a PNG and deflating its pixels again cost about 0.02 s."""
    from fpdf import image_parsing

    if not _MD5.fullmatch(str(name)):  # only images named by their content
        return _FPDF_IMG_INFO(name, img, image_filter, dims, **more)
    level = int(image_parsing.SETTINGS.compression_level)
    key = (str(name), str(image_filter), dims, level, repr(sorted(more.items())))
    with _lock:
        kept = _images.pop(key, None)  # taken out, put back last: the least recent goes first
        if kept is not None:
            _images[key] = kept
    if kept is None:
        kept = _FPDF_IMG_INFO(name, img, image_filter, dims, **more)
        with _lock:
            if len(_images) >= IMAGES_KEPT:
                del _images[next(iter(_images))]
            _images[key] = kept
    return type(kept)(kept)  # a copy: fpdf2 numbers it per document


def install_image_cache() -> bool:
    """Route fpdf2's PNG parsing of `pdf.image` through the kept charts (once per process);
    False for an untested fpdf2. fpdf2 names an image by the md5 of its bytes."""
    global _images_installed
    from fpdf import image_parsing

    with _lock:
        if not _images_installed and fpdf.__version__.startswith(TESTED_FPDF):
            image_parsing.get_img_info = _kept_image_info  # type: ignore[assignment]
            _images_installed = True
        return _images_installed


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


# Characters fpdf2's line breaking treats specially (a break, a hyphen, a space that is not one).
_SPECIAL = frozenset((NEWLINE, FORM_FEED, SOFT_HYPHEN, NBSP))
_SPACES = frozenset(BREAKING_SPACE_SYMBOLS_STR)


def _plain_rest(self: MultiLineBreak) -> list[str] | None:
    """The characters left to break when they are one plain fragment (unshaped TrueType text,
    no character spacing or stretching, no line break, soft hyphen or no-break space)."""
    if self.skip_leading_spaces or self.fragment_index != len(self.fragments) - 1:
        return None
    fragment = self.fragments[self.fragment_index]
    font = fragment.font
    if (
        type(fragment) is not Fragment
        or not isinstance(font, TTFFont)
        or font.is_symbol
        or fragment.text_shaping_parameters
        or fragment.char_spacing != 0
        or fragment.font_stretching != 100
        or not FloatTolerance.greater_than(fragment.font_size, 0)
        or self.wrapmode != WrapMode.WORD
    ):
        return None
    chars = fragment.characters[self.character_index :]
    return chars if chars and _SPECIAL.isdisjoint(chars) else None


def _fast_line(self: MultiLineBreak) -> TextLine | None:
    """The line fpdf2's get_line returns for a plain fragment (`_plain_rest`) in word wrapping,
    found with a loop of float additions instead of fpdf2's per-character objects: the rest
    when it fits, else the words before the last space ahead of the first character that does
    not fit. None when fpdf2 must decide (a word longer than the line, say)."""
    chars = _plain_rest(self)
    if chars is None:
        return None
    fragment = self.fragments[self.fragment_index]
    cw: Any = fragment.font.cw  # indexed by code point, as fpdf2's get_text_width does
    size, k = fragment.font_size_pt, fragment.k
    height = fragment.font_size
    first = self._is_first_line
    self.get_width(0)
    max_width = self.get_width(height)
    room = max_width
    for margin in self.margins:
        room -= float(margin)
    if first:
        room -= self.first_line_indent
    # get_line's test before adding a character: the line's width so far (CurrentLine.width,
    # a sum of glyph widths scaled once) plus the character's (Fragment.get_character_width).
    total: float = 0  # an int for fonts whose widths are ints, as in fpdf2's sum
    end, space, tolerance = len(chars), -1, FloatTolerance.TOLERANCE
    for j, c in enumerate(chars):
        w = cw[ord(c)]
        if (total * size * 0.001 / k + w * size * 0.001 / k) - room > tolerance:
            end = j
            break
        if c in _SPACES:
            space = j
        total += w
    if end == 0 or total == 0:
        return None  # no character fits, or none has a width: fpdf2's own code
    take, skip = end, 0  # characters on the line; characters dropped after it
    if end < len(chars):
        if chars[end] in _SPACES:
            skip = 1
        elif space > 0:
            take, skip = space, 1
        else:
            return None  # a forced break or a line of spaces: fpdf2's own code
    align = self.align if end < len(chars) else (Align.L if self.align == Align.J else self.align)
    self.idx_last_forced_break = None
    line = CurrentLine(max_width=max_width, print_sh=self.print_sh,
                       indent=self.first_line_indent if first else 0)  # fmt: skip
    line.height = height * self.line_height
    line.fragments.append(fragment.clone(characters=chars[:take], link=fragment.link))
    line.number_of_spaces = sum(1 for c in chars[:take] if c in _SPACES)
    self._is_first_line = False
    if take + skip == len(chars):
        self.fragment_index += 1
        self.character_index = 0
    else:
        self.character_index += take + skip
    return line.manual_break(align)


def _get_line(self: MultiLineBreak) -> TextLine | None:
    line = _fast_line(self)
    return line if line is not None else _FPDF_GET_LINE(self)


_FPDF_WIDTH = CurrentLine.__dict__["width"]  # fpdf2's own, for the tests' comparison
_FPDF_GET_LINE = MultiLineBreak.__dict__["get_line"]
_FPDF_IMG_INFO = fpdf.image_parsing.get_img_info
_installed = False


def install_line_widths() -> bool:
    """Patch fpdf2's CurrentLine.width and MultiLineBreak.get_line (once per process); False
    for an untested fpdf2."""
    global _installed
    with _lock:
        if not _installed and fpdf.__version__.startswith(TESTED_FPDF):
            CurrentLine.width = property(_line_width)  # type: ignore[method-assign,assignment]
            MultiLineBreak.get_line = _get_line  # type: ignore[method-assign]
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
