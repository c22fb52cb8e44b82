"""Fonts embedded in exported HTML so Arabic-script text shows correctly on any computer.

A reader of a Uyghur statement may have no Uyghur font (older Windows, many phones) and an
export must never fetch anything, so the HTML carries its fonts: each vendored font (see
``app/static/fonts/README.md``) is cut down with fontTools to the characters the document
uses, compressed to WOFF2 and inlined as a ``data:`` URI. A subset keeps only the glyphs of
those characters plus what their joining forms and ligatures reach (the subsetter follows
GSUB), which takes a 100-180 KB font down to a few kilobytes.

Which fonts: by the language's script (an explicit subtag as in ``ug_Latn``, else CLDR's
likely script), so a Latin or Cyrillic script variant of Uyghur gets none.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.core import get_global
from fontTools import subset
from fontTools.ttLib import TTFont

from app.core.languages import Language

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"


@dataclass(frozen=True)
class FontFile:
    """One vendored font file and the ``@font-face`` it becomes."""

    family: str
    file: str  # file name under :data:`FONT_DIR`
    weight: int = 400


UKIJ_TUZ_TOM = FontFile("UKIJ Tuz Tom", "UKIJTuT.ttf")
NASKH = FontFile("Noto Naskh Arabic", "NotoNaskhArabic-Regular.ttf")
NASKH_BOLD = FontFile("Noto Naskh Arabic", "NotoNaskhArabic-Bold.ttf", 700)

#: Preference order per language; every other Arabic-script language gets Noto Naskh.
_BY_LANGUAGE: dict[str, tuple[FontFile, ...]] = {
    "ug": (UKIJ_TUZ_TOM, NASKH, NASKH_BOLD),
}
_BY_SCRIPT: dict[str, tuple[FontFile, ...]] = {
    "Arab": (NASKH, NASKH_BOLD),
}

#: The characters a subset may hold: Arabic blocks, joiners, marks, and spaces that sit
#: between Arabic words. Latin text (URLs, untranslated fallbacks) keeps the reader's font.
_SCRIPT_CHARS = re.compile(
    "[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
    "\u200c-\u200f\u0020\u00a0\u00ab\u00bb]"
)
_SCRIPT_SUBTAG = re.compile(r"[_-]([A-Z][a-z]{3})(?:[_-]|$)")

_NAME_IDS = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names plus the copyright and license notices


def script_of(language: Language) -> str:
    """The ISO 15924 script a language is written in (``ug`` → ``Arab``, ``ug_Latn`` →
    ``Latn``), from the code's subtag or CLDR's likely subtags; "" when unknown."""
    match = _SCRIPT_SUBTAG.search(language.code)
    if match:
        return match.group(1)
    base = language.code.split("_")[0]
    likely = get_global("likely_subtags").get(base, "")
    parts = likely.split("_")
    return next((p for p in parts[1:] if len(p) == 4 and p[0].isupper()), "")


def fonts_for(language: Language) -> tuple[FontFile, ...]:
    """The vendored fonts the language needs, in CSS preference order (often none)."""
    script = script_of(language)
    if script != "Arab":
        return _BY_SCRIPT.get(script, ())
    return _BY_LANGUAGE.get(language.code.split("_")[0], _BY_SCRIPT["Arab"])


@lru_cache(maxsize=16)
def _codepoints(font: FontFile) -> frozenset[str]:
    with TTFont(FONT_DIR / font.file, lazy=True) as ttf:
        return frozenset(chr(cp) for cp in ttf.getBestCmap())


@lru_cache(maxsize=16)
def _font_bytes(font: FontFile) -> bytes:
    return (FONT_DIR / font.file).read_bytes()


@lru_cache(maxsize=128)
def subset_woff2_base64(font: FontFile, chars: frozenset[str]) -> str:
    """``font`` cut to ``chars`` (plus their contextual forms) as base64 WOFF2.

    Deterministic: the ``head`` timestamps are kept from the vendored file, so the same
    document always gives the same bytes.
    """
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = _NAME_IDS
    options.hinting = False  # screen text renders fine unhinted; saves a third of the size
    options.ignore_missing_unicodes = True
    ttf = TTFont(io.BytesIO(_font_bytes(font)), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(ttf)
    out = io.BytesIO()
    ttf.flavor = "woff2"
    ttf.save(out)
    return base64.b64encode(out.getvalue()).decode("ascii")


def font_face_css(language: Language, text: str,
                  bold_text: str = "") -> tuple[str, tuple[str, ...]]:
    """``@font-face`` rules for the characters of ``text`` and the families to list first.

    Regular faces carry the characters of ``text``, bold faces only those of ``bold_text``
    (headings, strong emphasis): each subset costs a few hundred milliseconds, so a face
    that shows nothing is never built. A font later in the order only carries what the
    fonts before it lack (Noto Naskh stands in for a letter UKIJ Tuz Tom does not have). The
    returned families keep the full preference order.
    """
    fonts = fonts_for(language)
    if not fonts:
        return "", ()
    wanted = {400: frozenset(_SCRIPT_CHARS.findall(text)),
              700: frozenset(_SCRIPT_CHARS.findall(bold_text))}
    rules: list[str] = []
    shown: dict[int, frozenset[str]] = {400: frozenset(), 700: frozenset()}
    with_bold = {font.family for font in fonts if font.weight >= 600}
    for font in fonts:
        weight = 700 if font.weight >= 600 else 400
        chars = (wanted[weight] & _codepoints(font)) - shown[weight]
        shown[weight] |= chars
        if weight == 400 and font.family not in with_bold:  # browsers embolden it
            shown[700] |= wanted[700] & _codepoints(font)
        if not chars - {" ", "\u00a0"}:
            continue
        data = subset_woff2_base64(font, chars)
        rules.append(
            f'@font-face{{font-family:"{font.family}";font-style:normal;'
            f"font-weight:{font.weight};font-display:swap;"
            f'src:url(data:font/woff2;base64,{data}) format("woff2")}}'
        )
    families = tuple(dict.fromkeys(font.family for font in fonts))
    return "\n".join(rules), families
