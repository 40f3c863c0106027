"""The visible signature box: where it goes, its short text, and a font that can draw it.

pyHanko's default font is a PDF base font (Courier): it draws ASCII only. Japanese text needs
an OpenType font embedded in the PDF; the system's Noto Sans CJK (Debian's
``fonts-noto-cjk``) is used when it is installed. Its files are TrueType collections, which
pyHanko cannot open directly, so the Japanese face is taken out of the collection once per
process. Without such a font the box shows the text with its non-ASCII characters replaced,
and the result says so.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import os
import tempfile
from dataclasses import dataclass
from enum import StrEnum, unique
from pathlib import Path

from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from .errors import PdfInputError

__all__ = [
    "CJK_FONT_CANDIDATES",
    "MAX_TEXT_CHARS",
    "Appearance",
    "FontChoice",
    "VisibleSignature",
    "plan_appearance",
]

CJK_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
"""Where Debian's ``fonts-noto-cjk`` puts the collections that hold a Japanese face."""

MAX_TEXT_CHARS = 200
"""The longest text a signature box takes: it is a box, not a page."""

_JAPANESE_FACE = "JP"
_FONT_SIZE = 10


@unique
class FontChoice(StrEnum):
    """How the text of a visible signature was drawn."""

    BUILTIN = "builtin"
    """ASCII text in pyHanko's default font."""
    NOTO_CJK = "noto-cjk"
    """Japanese (or any) text in the system's Noto Sans CJK JP, embedded as a subset."""
    ASCII_FALLBACK = "ascii-fallback"
    """No font for Japanese was found: non-ASCII characters were replaced by ``?``."""


@dataclass(frozen=True, slots=True)
class VisibleSignature:
    """A visible signature box.

    :param page: the page, counting from 0.
    :param box: lower-left x, lower-left y, upper-right x, upper-right y, in PDF points.
    :param text: a short text shown in the box (the signing time is added below it).
    :param font: an OpenType font or collection to draw it with; ``None`` looks for Noto CJK.
    """

    page: int
    box: tuple[int, int, int, int]
    text: str
    font: Path | None = None

    def __post_init__(self) -> None:
        x1, y1, x2, y2 = self.box
        if x2 <= x1 or y2 <= y1 or min(self.box) < 0:
            raise PdfInputError(f"signature box {self.box} is not x1,y1,x2,y2 with x1<x2, y1<y2")
        if self.page < 0:
            raise PdfInputError(f"page {self.page}: pages count from 0")
        if len(self.text) > MAX_TEXT_CHARS:
            raise PdfInputError(
                f"the signature box text has {len(self.text)} characters; at most {MAX_TEXT_CHARS}"
            )


@dataclass(frozen=True, slots=True)
class Appearance:
    """What will be drawn: the pyHanko stamp style, the text as drawn and the font used."""

    style: TextStampStyle
    text: str
    font: FontChoice


def plan_appearance(visible: VisibleSignature) -> Appearance:
    """Choose the font for the box's text and build pyHanko's stamp style."""
    text = visible.text
    # pyHanko's stamp text is a %-template: the user's text must not be read as one.
    template = "{}\n%(ts)s"
    if text.isascii():
        style = TextStampStyle(stamp_text=template.format(_escape(text)))
        return Appearance(style, text, FontChoice.BUILTIN)
    font_file = _find_font(visible.font)
    if font_file is None:
        drawn = "".join(ch if ch.isascii() else "?" for ch in text)
        style = TextStampStyle(stamp_text=template.format(_escape(drawn)))
        return Appearance(style, drawn, FontChoice.ASCII_FALLBACK)
    factory = GlyphAccumulatorFactory(font_file=font_file, font_size=_FONT_SIZE)
    style = TextStampStyle(
        stamp_text=template.format(_escape(text)),
        text_box_style=TextBoxStyle(font=factory),
    )
    return Appearance(style, text, FontChoice.NOTO_CJK)


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def _find_font(given: Path | None) -> str | None:
    candidates = (given,) if given is not None else CJK_FONT_CANDIDATES
    for candidate in candidates:
        if candidate.is_file():
            return _single_face(str(candidate))
    return None


@functools.cache
def _single_face(path: str) -> str:
    """A font file pyHanko can open: the file itself, or the JP face of a collection."""
    from fontTools.ttLib import TTCollection, TTFont  # type: ignore[import-untyped]

    with open(path, "rb") as stream:
        is_collection = stream.read(4) == b"ttcf"
    if not is_collection:
        return path
    collection = TTCollection(path, lazy=True)
    index = 0
    for number, face in enumerate(collection.fonts):
        family = str(face["name"].getDebugName(1) or "")
        if family.endswith(f" {_JAPANESE_FACE}") and "Mono" not in family:
            index = number
            break
    buffer = io.BytesIO()
    TTFont(path, fontNumber=index, lazy=True).save(buffer)
    handle, extracted = tempfile.mkstemp(prefix="jpki-font-", suffix=".otf")
    with os.fdopen(handle, "wb") as out:
        out.write(buffer.getvalue())
    atexit.register(_remove, extracted)
    return extracted


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
