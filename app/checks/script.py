"""Writing system of a translation.

Each letter's script is read from its Unicode character name (``ARABIC LETTER
…``, ``CYRILLIC SMALL LETTER …``, ``CJK UNIFIED IDEOGRAPH-…``) — the first word of the name
is the script for every letter block we care about, so no extra dependency is needed. Letters
that legitimately stay in another script are ignored first: URLs, emails, placeholders,
do-not-translate glossary terms, and words copied from the source (names, acronyms).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from app.checks.base import Check, CheckContext, Severity
from app.checks.text import base, blank_protected, script_subtag
from app.core.languages import Language

_ARABIC, _CYRILLIC, _LATIN = frozenset({"Arabic"}), frozenset({"Cyrillic"}), frozenset({"Latin"})
#: Expected scripts by base language code (a script subtag such as ``uz_Cyrl`` wins).
EXPECTED_SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ug", "ar", "fa", "ur", "ps", "ckb", "sd"), _ARABIC),
    **dict.fromkeys(("ru", "kk", "ky", "uk", "be", "bg", "mk", "mn", "tg", "tt", "ba"),
                    _CYRILLIC),
    **dict.fromkeys(("tr", "az", "uz", "tk", "de", "fr", "en", "es", "it", "pt", "nl", "ms",
                     "id", "pl", "cs", "sv", "da", "nb", "fi", "hu", "ro", "vi", "tl"), _LATIN),
    "zh": frozenset({"Han"}),
    "ja": frozenset({"Han", "Hiragana", "Katakana"}),
    "ko": frozenset({"Hangul", "Han"}),
    "he": frozenset({"Hebrew"}),
    "el": frozenset({"Greek"}),
}
_SUBTAGS = {"Arab": _ARABIC, "Cyrl": _CYRILLIC, "Latn": _LATIN, "Hans": frozenset({"Han"}),
            "Hant": frozenset({"Han"})}
_NAME_SCRIPTS = {"LATIN": "Latin", "CYRILLIC": "Cyrillic", "ARABIC": "Arabic", "CJK": "Han",
                 "HIRAGANA": "Hiragana", "KATAKANA": "Katakana", "HANGUL": "Hangul",
                 "HEBREW": "Hebrew", "GREEK": "Greek"}
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
#: Below this share of letters in the expected script the translation fails.
MIN_SHARE = 0.5
MIN_LETTERS = 3


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """The script of a letter from its Unicode name ("Other" when we do not name it)."""
    words = unicodedata.name(ch, "").replace("FULLWIDTH ", "").replace("HALFWIDTH ", "").split()
    return _NAME_SCRIPTS.get(words[0], "Other") if words else "Other"


def expected_scripts(code: str) -> frozenset[str] | None:
    subtag = script_subtag(code)
    if subtag in _SUBTAGS:
        return _SUBTAGS[subtag]
    return EXPECTED_SCRIPTS.get(base(code))


def judged_text(source: str, target: str, context: CheckContext) -> str:
    """``target`` without what may keep the source's script (see the module docstring)."""
    text = blank_protected(target)
    for term in context.glossary:
        if term.do_not_translate and term.source:
            text = re.sub(re.escape(term.source), " ", text, flags=re.IGNORECASE)
    copied = {w.casefold() for w in _words(source)}
    return " ".join(w for w in _words(text) if w.casefold() not in copied)


def _words(text: str) -> list[str]:
    """Words, cut where the script changes ("Isa说" is "Isa" and "说": Chinese has no spaces)."""
    found = []
    for match in _WORD_RE.finditer(text):
        word = match.group(0)
        start = 0
        for i in range(1, len(word)):
            if word[i].isalpha() and word[i - 1].isalpha() and (
                    script_of(word[i]) != script_of(word[i - 1])):
                found.append(word[start:i])
                start = i
        found.append(word[start:])
    return found


def letter_scripts(text: str) -> Counter[str]:
    return Counter(script_of(ch) for ch in text if ch.isalpha())


class ScriptCheck(Check):
    check_id = "script"
    name = "Writing system"
    severity = Severity.ERROR
    description = ("The translation is written in the language's script (Uyghur in Arabic "
                   "script, Russian/Kazakh/Kyrgyz in Cyrillic, Turkish in Latin…).")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        expected = expected_scripts(language.code)
        if expected is None:
            return []
        counts = letter_scripts(judged_text(source, target, context))
        total = sum(counts.values())
        if total < MIN_LETTERS:
            return []
        share = sum(counts[name] for name in expected) / total
        if share >= MIN_SHARE:
            return []
        found = counts.most_common(1)[0][0]
        wanted = " or ".join(sorted(expected))
        return [f"mostly {found} script ({100 - round(share * 100)}% of the letters); "
                f"{language.english_name} is written in {wanted} script"]
