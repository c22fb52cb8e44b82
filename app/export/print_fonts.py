"""Which fonts the print formats (DOCX, PDF) name for a language, and its regional tag.

Both formats name fonts by family and leave finding the files to the reader's machine
(Word) or to fontconfig (WeasyPrint), so the choice lives here once. The families are the
ones Debian packages (``fonts-ukij-uyghur``, ``fonts-noto-core``, ``fonts-noto-cjk``), which
the server's set-up installs:

* Uyghur in Arabic script: "UKIJ Tuz Tom", the Uyghur Computer Science Association's
  text face, drawn for Uyghur's letters (ې, ۆ, ۈ, ۋ, ھ, the hamza seat ئ) rather than
  borrowed from an Arabic design. Word on Windows without UKIJ falls back to
  "Microsoft Uighur" (shipped with Windows since Vista), named as the font table's
  ``altName`` so Word substitutes it instead of a face without the Uyghur letters.
* Arabic, Persian, Urdu…: "Noto Naskh Arabic" (a book face; Windows falls back to Arial).
* Chinese and Japanese: "Noto Sans CJK SC"/"TC"/"JP"/"KR", the right regional glyph forms
  for the same code points (Windows falls back to Microsoft YaHei/JhengHei, Yu Gothic, …).
* everything else: "Noto Sans" (Latin, Cyrillic, Greek), then DejaVu Sans.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.core import get_global

from app.core.languages import Language

NOTO_SANS = "Noto Sans"
UKIJ = "UKIJ Tuz Tom"
NASKH = "Noto Naskh Arabic"
_CJK = {"zh_Hans": "Noto Sans CJK SC", "zh_Hant": "Noto Sans CJK TC", "zh": "Noto Sans CJK SC",
        "ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR"}
_ARABIC_SCRIPT = {"ar", "fa", "ur", "ps", "ckb", "sd", "ks", "ug"}

#: What Word on Windows should use when a family is not installed (font table ``altName``).
WINDOWS_FALLBACK = {
    UKIJ: "Microsoft Uighur",
    NASKH: "Arial",
    "Noto Sans CJK SC": "Microsoft YaHei",
    "Noto Sans CJK TC": "Microsoft JhengHei",
    "Noto Sans CJK JP": "Yu Gothic",
    "Noto Sans CJK KR": "Malgun Gothic",
    NOTO_SANS: "Arial",
}


@dataclass(frozen=True)
class FontPlan:
    """Families by Word's script slots, the CSS stack for print, and the language tags."""

    latin: str  # w:ascii / w:hAnsi
    complex: str  # w:cs (Arabic script and other right-to-left scripts)
    east_asian: str  # w:eastAsia
    css: tuple[str, ...]  # font-family for WeasyPrint, in order of preference
    tag: str  # language-REGION, e.g. "ug-CN", "zh-CN", "ru-RU"

    @property
    def css_family(self) -> str:
        return ", ".join(f'"{name}"' for name in self.css) + ", sans-serif"


@lru_cache(maxsize=64)
def font_plan(language: Language) -> FontPlan:
    """The fonts and tag for ``language`` (a script variant such as ug_Latn gets Noto Sans)."""
    code = language.code
    base = code.split("_")[0]
    script = _script(code)
    tag = regional_tag(code)
    if script == "Arab" and base in _ARABIC_SCRIPT:
        face = UKIJ if base == "ug" else NASKH
        # Noto Sans first: Latin text (names, English fallbacks) in its own book face, as
        # UKIJ's Latin letters are heavy; Arabic-script letters all fall through to ``face``.
        css = (NOTO_SANS, face, NASKH) if face == UKIJ else (NOTO_SANS, face)
        return FontPlan(latin=NOTO_SANS, complex=face, east_asian=NOTO_SANS, css=css, tag=tag)
    cjk = _CJK.get(code) or _CJK.get(base)
    if cjk is not None:
        return FontPlan(latin=NOTO_SANS, complex=NOTO_SANS, east_asian=cjk,
                        css=(NOTO_SANS, cjk), tag=tag)
    return FontPlan(latin=NOTO_SANS, complex=NOTO_SANS, east_asian=NOTO_SANS,
                    css=(NOTO_SANS, "DejaVu Sans"), tag=tag)


def _script(code: str) -> str | None:
    """The ISO 15924 script a code is written in (explicit, or CLDR's likely one)."""
    parts = code.split("_")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    likely = get_global("likely_subtags").get(parts[0], "")
    pieces = likely.split("_")
    return pieces[1] if len(pieces) > 2 else None


def regional_tag(code: str) -> str:
    """``ug`` → ``ug-CN``, ``zh_Hans`` → ``zh-CN``: the form Word's ``w:lang`` expects."""
    likely = get_global("likely_subtags")
    base = code.split("_")[0]
    full = likely.get(code) or likely.get(base) or ""
    region = full.split("_")[-1] if full.count("_") >= 2 else ""
    return f"{base}-{region}" if region else base
