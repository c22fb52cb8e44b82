"""Checks that compare a translation with more than its source text: the glossary, other
translations of the same text, the machine draft it grew from, and plausibility measures
(unchanged text, sentence count, length)."""

from __future__ import annotations

import re

from app.checks.base import Check, CheckContext, GlossaryTerm, Severity
from app.checks.text import base, has_letters
from app.core.catalog import SIGNATORY_CONTEXT
from app.core.languages import Language
from app.core.segment import split_sentences
from app.core.suffixes import normalise, target_has_term

#: Languages written without spaces between words: a term is found as a substring.
_UNSPACED = {"zh", "ja"}


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"«{text if len(text) <= limit else text[: limit - 1] + '…'}»"


class UnchangedCheck(Check):
    check_id = "unchanged"
    name = "Unchanged"
    severity = Severity.WARNING
    description = ("The translation is the source text unchanged (names of signatories, "
                   "do-not-translate terms and texts without words are fine).")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        if target.strip() != source.strip() or context.msgctxt == SIGNATORY_CONTEXT:
            return []
        if not has_letters(source):
            return []
        folded = source.strip().casefold()
        if any(t.do_not_translate and t.source.strip().casefold() == folded
               for t in context.glossary):
            return []
        return ["the translation is identical to the source"]


def _term_re(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.split()]
    last = words.pop() if words else ""
    plural = r"(?:s|es|'s|’s)?" if not last.endswith("y") else ""
    if last.endswith("y"):
        last = last[:-1] + "(?:y|ies)"
    body = r"\s+".join([*words, last + plural])
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def terms_in(source: str, glossary: tuple[GlossaryTerm, ...]) -> list[GlossaryTerm]:
    """Glossary terms found in ``source`` (case-insensitive, whole words, plurals tolerated)."""
    return [term for term in glossary if term.source.strip()
            and _term_re(term.source.strip()).search(source)]


def has_term(code: str, target: str, term: str) -> bool:
    """Whether ``target`` contains ``term`` (suffix-aware; substring in Chinese/Japanese)."""
    if base(code) in _UNSPACED:
        wanted = normalise(term, code).strip()
        return bool(wanted) and wanted in normalise(target, code)
    return target_has_term(code, target, term)


class GlossaryCheck(Check):
    check_id = "glossary"
    name = "Glossary"
    severity = Severity.WARNING
    description = ("Glossary terms of the source use the agreed translation, and "
                   "do-not-translate terms are kept (suffixes allowed).")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        problems = []
        wanted: dict[str, list[str]] = {}  # a term may have several accepted translations
        for term in terms_in(source, context.glossary):
            if term.do_not_translate:
                if not has_term(language.code, target, term.source):
                    problems.append(f"keep {term.source!r} untranslated")
            elif term.target.strip():
                wanted.setdefault(term.source, []).append(term.target)
        for term_source, targets in wanted.items():
            if not any(has_term(language.code, target, t) for t in targets):
                choices = " or ".join(repr(t) for t in targets)
                problems.append(f"{term_source!r} should be translated as {choices}")
        return problems


class InconsistentCheck(Check):
    check_id = "inconsistent"
    name = "Inconsistent"
    severity = Severity.WARNING
    description = "The same source text is translated differently elsewhere in this language."

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        mine = " ".join(target.split())
        others = sorted({" ".join(t.split()) for t in context.other_translations if t.strip()}
                        - {mine})
        if not others:
            return []
        more = f" (and {len(others) - 1} more)" if len(others) > 1 else ""
        return [f"translated elsewhere as {_quote(others[0])}{more}"]


class MachineDraftCheck(Check):
    check_id = "machine_draft"
    name = "Unedited machine draft"
    severity = Severity.ERROR
    description = ("The translation is a machine draft nobody has edited (an editor may "
                   "approve it as it is).")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        origin = context.draft_origin or ""
        if (not origin.startswith("engine:") or context.approved_override
                or context.draft_text is None or target.strip() != context.draft_text.strip()):
            return []
        return [f"unedited machine draft ({origin.removeprefix('engine:')})"]


class SentencesCheck(Check):
    check_id = "sentences"
    name = "Sentence count"
    severity = Severity.WARNING
    description = "The translation has as many sentences as the source."

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        want = len(split_sentences(source.strip(), "en"))
        have = len(split_sentences(target.strip(), language.code))
        if want == have:
            return []
        return [f"{have} sentence(s), the source has {want}"]


#: Expected target/source length ratios (generous bounds); others use DEFAULT_RATIO.
LENGTH_RATIOS: dict[str, tuple[float, float]] = {
    "zh": (0.12, 1.0),
    "ja": (0.15, 1.2),
    "ko": (0.2, 1.5),
}
DEFAULT_RATIO = (0.5, 2.5)
MIN_SOURCE_LENGTH = 20


class LengthCheck(Check):
    check_id = "length"
    name = "Length"
    severity = Severity.WARNING
    description = "The translation is much shorter or longer than is usual for this language."

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        source_length = len(source.strip())
        if source_length < MIN_SOURCE_LENGTH:
            return []
        low, high = LENGTH_RATIOS.get(base(language.code), DEFAULT_RATIO)
        ratio = len(target.strip()) / source_length
        if ratio < low:
            return [f"much shorter than the source ({round(ratio * 100)}% of its length)"]
        if ratio > high:
            return [f"much longer than the source ({round(ratio * 100)}% of its length)"]
        return []
