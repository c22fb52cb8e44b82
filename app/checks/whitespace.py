"""Whitespace and invisible characters: leading/trailing space, double spaces, stray bidi
controls and zero-width characters (ZWNJ is part of Persian and Urdu spelling)."""

from __future__ import annotations

import re

from app.checks.base import Check, CheckContext, Severity
from app.checks.text import base
from app.core.languages import Language

_BIDI = {**{chr(c): f"U+{c:04X}" for c in range(0x202A, 0x202F)},
         **{chr(c): f"U+{c:04X}" for c in range(0x2066, 0x206A)},
         "\u200e": "U+200E", "\u200f": "U+200F"}
_ZERO_WIDTH = {"\u200b": "U+200B", "\u2060": "U+2060", "\ufeff": "U+FEFF", "\u200c": "U+200C"}
_ZWNJ_LANGUAGES = {"fa", "ur", "ps", "ckb"}
_DOUBLE_SPACE_RE = re.compile(r"\S {2,}\S")


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]


class WhitespaceCheck(Check):
    check_id = "whitespace"
    name = "Whitespace and invisible characters"
    severity = Severity.WARNING
    description = ("Leading and trailing whitespace as in the source, no double spaces, no "
                   "stray bidi controls or zero-width characters.")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        problems = []
        (s_lead, s_trail), (t_lead, t_trail) = _edges(source), _edges(target)
        if s_lead != t_lead:
            problems.append("leading whitespace differs from the source")
        if s_trail != t_trail:
            problems.append("trailing whitespace differs from the source")
        if _DOUBLE_SPACE_RE.search(target) and not _DOUBLE_SPACE_RE.search(source):
            problems.append("double space")
        allowed = set(source)
        if base(language.code) in _ZWNJ_LANGUAGES:
            allowed.add("\u200c")
        stray = sorted({name for ch, name in {**_BIDI, **_ZERO_WIDTH}.items()
                        if ch in target and ch not in allowed})
        if stray:
            problems.append("invisible control character(s): " + ", ".join(stray))
        return problems
