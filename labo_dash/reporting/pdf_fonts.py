"""The fonts of the app's PDFs (monthly report, badges): one set-up so that every character is drawn.

- Text: DejaVu Sans (Debian package fonts-dejavu-core): Latin, Greek, Cyrillic, Arabic, Hebrew, many
  symbols (€, « », –, ✓, ⚠).
- Fallback fonts for what the text font lacks: Noto Color Emoji (fonts-noto-color-emoji; fpdf2 embeds
  its colour bitmaps), and DejaVu Sans regular for the few characters the bold face lacks.
- Text shaping (fpdf2 with uharfbuzz) for right-to-left and complex scripts: Arabic comes out in the
  right order with its letters joined, combining marks are placed, emoji sequences are joined.
- A character no font can draw is replaced by a visible « □ » (:data:`MISSING`), never dropped.

Every string goes through :meth:`PdfFonts.text` before it is drawn: it makes the replacements and adds
what the string needs to the document, when it first needs it (a fallback font, text shaping). A
document of plain French text so costs neither the 10 MB emoji font nor shaping (which doubled the time
of the monthly report's tables).

The Makefile installs the Debian packages (``make run`` and ``make test``). Without DejaVu, the PDF still
comes out in a core font (Latin-1): the few typographic characters it lacks are spelled out (``–`` as
``-``, ``€`` as ``EUR``) and anything else becomes « ? ».
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import pandas as pd
from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
EMOJI_FONTS = [Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
               Path("/usr/share/fonts/noto/NotoColorEmoji.ttf")]
MISSING = "□"  # U+25A1 WHITE SQUARE, in DejaVu Sans
_CORE_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "€": "EUR", "’": "'", "œ": "oe", "Œ": "OE",
                                    "…": "...", "\u202f": " ", "✓": "x", "⚠": "!"})
# Invisible characters that act on the text around them: no font needs a glyph for them.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}
# What text shaping is needed for: combining marks, joiners and variation selectors (emoji sequences).
_SHAPED_CATEGORIES = {"Mn", "Mc", "Me", "Cf"}
_RIGHT_TO_LEFT = {"R", "AL", "AN"}


def _variation_selector(code: int) -> bool:
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _needs_shaping(char: str) -> bool:
    category = unicodedata.category(char)
    return category in _SHAPED_CATEGORIES or unicodedata.bidirectional(char) in _RIGHT_TO_LEFT


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    """Return the code points a font file has a glyph for (read once per process)."""
    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def text_font_files() -> tuple[Path, Path] | None:
    """Return DejaVu Sans regular and bold, or None when the system lacks them."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


def emoji_font_file() -> Path | None:
    """Return the colour emoji font, or None when the system lacks it."""
    return next((path for path in EMOJI_FONTS if path.exists()), None)


class PdfFonts:
    """The fonts set up on one PDF document (see :func:`set_up`): ``family`` is the text font's name."""

    def __init__(self, pdf: FPDF, family: str, files: tuple[Path, Path] | None) -> None:
        self.pdf, self.family, self.files = pdf, family, files
        self.unicode = files is not None
        self._emoji = emoji_font_file() if files else None
        self._fallbacks: list[str] = []

    def text(self, value: object) -> str:
        """Return ``value`` as text every character of which the PDF draws (None and NaN give "").

        With the Unicode fonts, a character no font has becomes « □ »; with a core font, typographic
        characters are spelled out and the rest of what Latin-1 lacks becomes « ? ».
        """
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        if self.files is None:  # a core font
            return text.translate(_CORE_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")
        if text.isascii():
            return text
        return "".join(self._drawable(char, self.files) for char in text)

    def _drawable(self, char: str, files: tuple[Path, Path]) -> str:
        """Return ``char`` after adding what drawing it needs to the document (the Unicode fonts
        ``files``: regular, bold), or « □ »."""
        regular, bold = files
        code = ord(char)
        if _needs_shaping(char) and self.pdf.text_shaping is None:
            self.pdf.set_text_shaping(True)
        if code in _cmap(regular):
            if code not in _cmap(bold):
                self._fallback("Regular", regular)
            return char
        if self._emoji is not None and code in _cmap(self._emoji):
            self._fallback("Emoji", self._emoji)
            return char
        if unicodedata.category(char) in _INVISIBLE or _variation_selector(code):
            return char
        return MISSING

    def _fallback(self, name: str, path: Path) -> None:
        """Add a fallback font to the document the first time a character needs it."""
        family = f"{self.family}{name}"
        if family in self._fallbacks:
            return
        self.pdf.add_font(family, "", str(path))
        self._fallbacks.append(family)
        self.pdf.set_fallback_fonts(self._fallbacks, exact_match=False)


def set_up(pdf: FPDF, family: str = "Texte") -> PdfFonts:
    """Add the text font (regular and bold) to ``pdf`` as ``family``; return its :class:`PdfFonts`.

    Every string drawn on ``pdf`` goes through the returned ``text``. Falls back on the core font
    Helvetica when DejaVu Sans is missing (then ``family`` is "Helvetica").
    """
    files = text_font_files()
    if files is None:
        return PdfFonts(pdf, "Helvetica", None)
    pdf.add_font(family, "", str(files[0]))
    pdf.add_font(family, "B", str(files[1]))
    return PdfFonts(pdf, family, files)
