"""The quality-check registry.

``CHECKS`` maps each check id to one instance of its class; ``run_checks`` runs them (or a
chosen few) on one segment. ``DOCUMENT_CHECKS`` holds the checks of a whole rebuilt document.
Errors block approval and sign-off; warnings can be dismissed with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.checks.base import (
    Check,
    CheckContext,
    DocumentCheck,
    Finding,
    GlossaryTerm,
    Severity,
)
from app.checks.consistency import (
    GlossaryCheck,
    InconsistentCheck,
    LengthCheck,
    MachineDraftCheck,
    SentencesCheck,
    UnchangedCheck,
)
from app.checks.language import LanguageCheck
from app.checks.links import MarkupCheck, PlaceholdersCheck, UrlsCheck
from app.checks.numbers import NumbersCheck
from app.checks.punctuation import BracketsCheck, EndPunctuationCheck
from app.checks.script import ScriptCheck
from app.checks.structure import StructureCheck
from app.checks.whitespace import WhitespaceCheck
from app.core.languages import Language

_CLASSES: tuple[type[Check], ...] = (
    NumbersCheck,
    UrlsCheck,
    PlaceholdersCheck,
    MarkupCheck,
    EndPunctuationCheck,
    WhitespaceCheck,
    UnchangedCheck,
    ScriptCheck,
    LanguageCheck,
    LengthCheck,
    GlossaryCheck,
    InconsistentCheck,
    MachineDraftCheck,
    BracketsCheck,
    SentencesCheck,
)

CHECKS: dict[str, Check] = {cls.check_id: cls() for cls in _CLASSES}
DOCUMENT_CHECKS: dict[str, DocumentCheck] = {StructureCheck.check_id: StructureCheck()}


def run_checks(source: str, target: str, language: Language,
               context: CheckContext | None = None, *,
               only: Iterable[str] | None = None) -> list[Finding]:
    """Findings of the registered checks (or of the ids in ``only``) on one translation.

    An empty translation has no findings: it is untranslated, which the states track.
    """
    if only is None:
        chosen = list(CHECKS.values())
    else:
        unknown = sorted(set(only) - set(CHECKS))
        if unknown:
            raise KeyError(f"unknown check(s): {', '.join(unknown)}")
        chosen = [CHECKS[check_id] for check_id in only]
    context = context or CheckContext()
    return [finding for check in chosen for finding in check.check(source, target, language,
                                                                  context)]


__all__ = [
    "CHECKS",
    "DOCUMENT_CHECKS",
    "Check",
    "CheckContext",
    "DocumentCheck",
    "Finding",
    "GlossaryTerm",
    "Severity",
    "run_checks",
]
