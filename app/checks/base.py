"""The quality-check interface: one small declarative class per check, as Weblate has them.

A check looks at one source/target pair in a language (plus, when it needs them, the extra facts
in :class:`CheckContext`) and returns messages. Errors block approval and sign-off; warnings can
be dismissed with a recorded reason. Document-level checks (structure of the rebuilt statement)
implement :class:`DocumentCheck` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from app.core.languages import Language


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class GlossaryTerm:
    """What the glossary check needs of one term (no database types in the checks)."""

    source: str
    target: str
    do_not_translate: bool = False


@dataclass(frozen=True)
class CheckContext:
    """Facts beyond the two texts, filled in by the caller where available.

    ``msgctxt`` ("signatory" for names the editor may keep as they are), the glossary terms of
    the language, the draft a translation grew from (``draft_text``/``draft_origin``, for the
    unedited-machine-draft check), and other translations of the same source text in the same
    language (for the consistency check).
    """

    msgctxt: str | None = None
    glossary: tuple[GlossaryTerm, ...] = ()
    draft_text: str | None = None
    draft_origin: str | None = None
    approved_override: bool = False
    other_translations: tuple[str, ...] = ()
    comments: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Finding:
    """One failing check on one segment."""

    check_id: str
    severity: Severity
    message: str


class Check:
    """Base class: subclasses set the class attributes and implement :meth:`messages`."""

    check_id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    description: ClassVar[str]

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        """Human-readable problems (empty when the check passes). ``target`` is non-empty."""
        raise NotImplementedError

    def check(self, source: str, target: str, language: Language,
              context: CheckContext | None = None) -> list[Finding]:
        if not target:
            return []
        found = self.messages(source, target, language, context or CheckContext())
        return [Finding(self.check_id, self.severity, message) for message in found]


class DocumentCheck:
    """Base class of checks on a whole rebuilt document rather than one segment."""

    check_id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    description: ClassVar[str]

    def check_document(self, source_markdown: str, rebuilt_markdown: str) -> list[Finding]:
        """Problems of ``rebuilt_markdown`` (a translation rebuilt from ``source_markdown``)."""
        raise NotImplementedError
