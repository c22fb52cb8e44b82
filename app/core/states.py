"""The one state machine of a translation, as Weblate has it.

empty → draft (machine, memory or a fuzzy match: needs a human) → translated (a human wrote or
checked it) → approved (an editor accepted it). Roles are explicit so that PO serialization,
progress bars and the release gate all agree on what "done" means.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    EMPTY = "empty"
    DRAFT = "draft"
    TRANSLATED = "translated"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return {
            "empty": "Empty",
            "draft": "Needs editing",
            "translated": "Translated",
            "approved": "Approved",
        }[self.value]

    @property
    def done(self) -> bool:
        """Usable in a rebuilt document (PO: non-empty and not fuzzy)."""
        return self in (State.TRANSLATED, State.APPROVED)

    @property
    def fuzzy(self) -> bool:
        """Serialized with the PO ``fuzzy`` flag."""
        return self is State.DRAFT


def state_from_po(msgstr: str, fuzzy: bool) -> State:
    """The state a PO entry implies on import (approval lives only in the database)."""
    if not msgstr:
        return State.EMPTY
    return State.DRAFT if fuzzy else State.TRANSLATED


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    TRANSLATOR = "translator"
    PUBLISHER = "publisher"
