"""End punctuation and balanced brackets.

End marks are compared by meaning (full stop, question, exclamation, colon, semicolon) and
each language has its own spelling of them: Arabic-script languages write ؟ ؛ (a full stop
stays "."), Chinese and Japanese the full-width 。？！：；. Brackets are logical characters in
right-to-left text too, so one balance check serves every language.
"""

from __future__ import annotations

from app.checks.base import Check, CheckContext, Severity
from app.checks.text import base
from app.core.languages import Language

_LATIN = {".": "full stop", "?": "question mark", "!": "exclamation mark", ":": "colon",
          ";": "semicolon", "…": "full stop"}
_ARABIC = {".": "full stop", "۔": "full stop", "؟": "question mark", "!": "exclamation mark",
           ":": "colon", "؛": "semicolon", "…": "full stop"}
_CJK = {"。": "full stop", "．": "full stop", "？": "question mark", "！": "exclamation mark",
        "：": "colon", "；": "semicolon", "…": "full stop"}
_ARABIC_SCRIPT = {"ug", "ar", "fa", "ur", "ps", "ckb", "sd"}
_CJK_LANGUAGES = {"zh", "ja"}
#: Closing quotes, brackets and markup skipped when looking for the final mark.
_CLOSERS = "\"'”’»›)]}）」』】》〉*_`\u200f\u200e"


def marks_for(code: str) -> dict[str, str]:
    """The end marks of a language, mark → meaning."""
    language = base(code)
    if language in _ARABIC_SCRIPT:
        return _ARABIC
    if language in _CJK_LANGUAGES:
        return _CJK
    return _LATIN


def _final(text: str) -> str:
    """The last character before trailing whitespace, closing quotes, brackets and markup."""
    return text.rstrip(_CLOSERS + " \t\n\xa0\u202f")[-1:]


def _spell(meaning: str, marks: dict[str, str]) -> str:
    return next(mark for mark, what in marks.items() if what == meaning)


class EndPunctuationCheck(Check):
    check_id = "end_punctuation"
    name = "End punctuation"
    severity = Severity.WARNING
    description = ("The translation ends with the same kind of punctuation as the source, "
                   "written the language's way (؟ in Uyghur and Arabic, 。 in Chinese).")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        want = _LATIN.get(_final(source)) or _CJK.get(_final(source))
        marks = marks_for(language.code)
        end = _final(target)
        have = marks.get(end)
        if want == have:
            return []
        if want is None:
            return [f"ends with {end!r} but the source has no end punctuation"]
        expected = _spell(want, marks)
        if have is None and (_LATIN.get(end) or _ARABIC.get(end) or _CJK.get(end)):
            return [f"ends with {end!r}: write the {want} as {expected!r} in this language"]
        return [f"the source ends with a {want}: expected {expected!r}"]


_PAIRS = ("()", "[]", "{}", "«»", "（）", "【】", "「」", "『』", "《》", "〈〉")
#: Quote characters that open and close alike (balanced when their count is even).
_QUOTE_GROUPS = ('"', "“”„", "‘’‚")


def _pair_balanced(text: str, pair: str) -> bool:
    depth = 0
    for ch in text:
        if ch == pair[0]:
            depth += 1
        elif ch == pair[1]:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _without_apostrophes(text: str) -> str:
    """Drop ’ and ' used as apostrophes inside words ("UNHCR’nin", "don't")."""
    chars = list(text)
    for i in range(1, len(chars) - 1):
        if chars[i] in "’'‘" and chars[i - 1].isalnum() and chars[i + 1].isalnum():
            chars[i] = ""
    return "".join(chars)


def unbalanced(text: str) -> list[str]:
    """The bracket pairs and quote kinds that are not balanced in ``text``."""
    problems = [pair for pair in _PAIRS if not _pair_balanced(text, pair)]
    text = _without_apostrophes(text)
    for group in _QUOTE_GROUPS:
        if sum(text.count(ch) for ch in group) % 2:
            problems.append(group)
    return problems


class BracketsCheck(Check):
    check_id = "brackets"
    name = "Brackets and quotes"
    severity = Severity.WARNING
    description = "Brackets and quotation marks are balanced when they are in the source."

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        if unbalanced(source):
            return []
        return [f"unbalanced {' '.join(kind)}" for kind in unbalanced(target)]
