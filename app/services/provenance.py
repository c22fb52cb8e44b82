"""Where a translation came from, and how far a human edited the draft it grew from.

The rules, in one place:

- ``Translation.provenance`` is a short code: ``human``, ``memory``, ``engine:<name>``,
  ``import``, ``upload``, ``suggestion``. The details live beside it: ``draft_text`` /
  ``draft_origin`` / ``draft_at`` (the machine or memory draft the text grew from) and
  ``edit_percent`` (how much of that draft a human changed).
- A save keeps the row's draft (or records the one the volunteer just inserted from the
  suggestions panel) and recomputes ``edit_percent``: 0 exactly when the text *is* the draft,
  otherwise at least 1, so "unedited" never hides a small edit behind rounding.
- While the text is still the draft, the provenance stays the draft's origin — saving a machine
  text as is does not make it human work. Once a human changed it, the provenance is the
  saver's (``human``), and ``draft_origin`` + ``edit_percent`` tell the rest.
- An *unedited machine draft* (origin ``engine:…`` and text == draft) cannot be approved
  without an editor's explicit override, which is recorded (:func:`approve` in
  :mod:`app.services.translations`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.store.models import Translation

MEMORY = "memory"
ENGINE_PREFIX = "engine:"
_ORIGIN = re.compile(r"memory|engine:[a-z][a-z0-9_-]{0,38}")


@dataclass(frozen=True)
class Draft:
    """A draft a text grew from: a machine result or a memory match, and where it came from."""

    text: str
    origin: str

    @property
    def is_machine(self) -> bool:
        return self.origin.startswith(ENGINE_PREFIX)


def engine_origin(engine: str) -> str:
    return ENGINE_PREFIX + engine


def engine_of(origin: str | None) -> str | None:
    """``"engine:google"`` → ``"google"``; None for any other origin."""
    if origin and origin.startswith(ENGINE_PREFIX):
        return origin.removeprefix(ENGINE_PREFIX)
    return None


def edit_percent(draft: str, text: str) -> int:
    """How much of ``draft`` a human changed, 0–100: 0 only when nothing was changed."""
    if draft == text:
        return 0
    return max(1, round(100 - fuzz.ratio(draft, text)))


def is_unedited_machine_draft(row: Translation | None) -> bool:
    """The text is exactly what an engine produced: approving it needs an editor's override."""
    return (row is not None and bool(row.text) and engine_of(row.draft_origin) is not None
            and row.text == row.draft_text)


def save_values(row: Translation, text: str, provenance: str, draft: Draft | None,
                now: dt.datetime) -> dict[str, object]:
    """The provenance columns a save of ``text`` writes (besides text and state).

    ``draft`` is a suggestion the volunteer inserted before this save; it replaces the row's
    earlier draft. Without one, the row's own draft (if any) is kept and re-measured.
    """
    values: dict[str, object] = {"provenance": provenance}
    if row.approved_override:
        values["approved_override"] = False  # a new text is not what was approved
    if draft is not None:
        values.update(draft_text=draft.text, draft_origin=draft.origin, draft_at=now)
        base, origin = draft.text, draft.origin
    elif row.draft_text is not None and row.draft_origin:
        base, origin = row.draft_text, row.draft_origin
    else:
        return values
    percent = edit_percent(base, text)
    values["edit_percent"] = percent
    if percent == 0:
        values["provenance"] = origin
    return values


def draft_values(draft: Draft, now: dt.datetime) -> dict[str, object]:
    """The columns of a fresh, unedited draft (bulk pretranslation)."""
    return {"text": draft.text, "provenance": draft.origin, "draft_text": draft.text,
            "draft_origin": draft.origin, "draft_at": now, "edit_percent": 0,
            "approved_override": False}


def posted_draft(data: Mapping[str, object]) -> Draft | None:
    """The draft a form or JSON body says the text grew from (``draft_origin`` +
    ``draft_text``), validated; None when none was inserted. Raises ValidationError."""
    from app.services.translations import ValidationError, clean_text  # (imports us)

    origin = data.get("draft_origin") or ""
    if not origin:
        return None
    if not isinstance(origin, str) or not _ORIGIN.fullmatch(origin):
        raise ValidationError('"draft_origin" must be "memory" or "engine:<name>"')
    text = clean_text(data.get("draft_text", ""), what="draft")
    if not text:
        raise ValidationError("the inserted draft is empty")
    return Draft(text, origin)


# --- words for people ------------------------------------------------------------------------


def engine_label(name: str) -> str:
    """The engine's name as volunteers know it ("Google Translate"), or ``name`` itself."""
    from app.mt import ENGINES  # late: every save imports this module; few need the engines

    engine = ENGINES.get(name)
    return str(engine.label or name) if engine is not None else name


def origin_label(origin: str | None) -> str:
    """``engine:google`` → "Google Translate"; ``memory`` → "translation memory"."""
    if not origin:
        return ""
    engine = engine_of(origin)
    if engine is not None:
        return engine_label(engine)
    return {MEMORY: "translation memory", "human": "a volunteer", "import": "a PO file import",
            "upload": "an uploaded PO file", "suggestion": "an accepted suggestion"}.get(
        origin, origin)


def describe(row: Translation | None) -> str:
    """One line for the editor: where the text came from and how far it was edited."""
    if row is None or not row.text:
        return ""
    if row.draft_origin and row.draft_text is not None:
        source = origin_label(row.draft_origin)
        kind = "Machine draft" if engine_of(row.draft_origin) else "Draft"
        line = (f"{kind} from {source}, unedited" if row.text == row.draft_text
                else f"{kind} from {source}, {edit_percent(row.draft_text, row.text)} % edited")
        if row.approved_override and row.state == "approved":
            line += "; approved as is by an editor (override)"
        return line
    if row.provenance and row.provenance != "human":
        return f"From {origin_label(row.provenance)}"
    return ""
