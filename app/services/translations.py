"""Saving, approving and reverting translations: the use cases behind the editor and the API.

Every write names the revision it started from and is applied with one
``UPDATE … WHERE revision = :base``, so of two concurrent saves exactly one wins — on SQLite
and PostgreSQL alike — and the loser's text is kept as an open suggestion: a volunteer's work
is never dropped. Any change re-opens the language's sign-off, with the reason.

Services never commit (the view or command does), so a refused save returns its conflict
instead of raising: raising would invite the caller to roll back the kept suggestion.
Listing, filtering and progress live in :mod:`app.services.segment_queries` (re-exported
here); comments and suggestions in :mod:`app.services.discussion`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.core.states import State
from app.services.importer import reopen_sign_offs
from app.services.permissions import Action, can
from app.services.provenance import Draft, is_unedited_machine_draft, origin_label, save_values
from app.services.segment_queries import (  # noqa: F401  (re-exported: one public surface)
    PAGE_SIZE,
    Filters,
    Page,
    Progress,
    SegmentRow,
    list_segments,
    progress,
    progress_for,
)
from app.store.models import (
    AuditLog,
    Document,
    History,
    Language,
    Segment,
    SignOff,
    Suggestion,
    Translation,
    User,
    utcnow,
)

MAX_TEXT = 20_000
#: C0/C1 control characters other than tab and newline (CR is normalised away first).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ValidationError(ValueError):
    """Input the user must correct (HTTP 422); nothing was changed."""


class PermissionDenied(Exception):
    """The user's role does not allow this on this language (HTTP 403)."""


class NotFound(LookupError):
    """No such segment, translation, history entry or suggestion here (HTTP 404)."""


class Conflict(Exception):
    """A stale write: the translation changed since ``base_revision`` (HTTP 409)."""

    def __init__(self, text: str, revision: int, suggestion_id: int | None = None,
                 state: str | None = None) -> None:
        super().__init__(f"this segment was changed meanwhile (now revision {revision})")
        self.text = text
        self.revision = revision
        self.suggestion_id = suggestion_id
        self.state = state

    @classmethod
    def of(cls, row: Translation, suggestion_id: int | None = None) -> Conflict:
        return cls(row.text, row.revision, suggestion_id, row.state)


@dataclass
class SaveResult:
    """The outcome of a save: the current row, and the conflict if the save was refused."""

    translation: Translation
    conflict: Conflict | None = None
    changed: bool = True

    @property
    def ok(self) -> bool:
        return self.conflict is None

    @property
    def revision(self) -> int:
        return self.translation.revision

    @property
    def state(self) -> str:
        return self.translation.state


# --- input ---------------------------------------------------------------------------------


def clean_text(value: object, *, limit: int = MAX_TEXT, what: str = "translation") -> str:
    """Validated text with CRLF/CR normalised to LF; raises :class:`ValidationError`."""
    if not isinstance(value, str):
        raise ValidationError(f"the {what} must be a string")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        raise ValidationError(f"the {what} is too long: {len(text)} characters "
                              f"(at most {limit})")
    bad = _CONTROL.search(text)
    if bad:
        raise ValidationError(f"the {what} contains a control character "
                              f"(U+{ord(bad.group()):04X}); remove it and save again")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"the {what} is not valid Unicode text") from exc
    return text


def clean_revision(value: object) -> int:
    """A revision number from JSON (an int) or a form (digits)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError("the revision must be a whole number (the one you started from)")
    return value


def require_permission(user: User, action: Action, language: Language) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``action`` on ``language``."""
    if not can(user, action, language.code):
        raise PermissionDenied(f"you may not {action.value} {language.code}")


# --- lookups -------------------------------------------------------------------------------


def translation_for(session: Session, segment: Segment | int,
                    language: Language | int) -> Translation:
    """The translation row of a segment in a language, created (empty, revision 0) if missing."""
    segment_id = segment if isinstance(segment, int) else segment.id
    language_id = language if isinstance(language, int) else language.id
    row = session.scalar(select(Translation).where(Translation.segment_id == segment_id,
                                                   Translation.language_id == language_id))
    if row is None:
        if session.get(Segment, segment_id) is None or session.get(Language, language_id) is None:
            raise NotFound("no such segment or language")
        row = Translation(segment_id=segment_id, language_id=language_id, text="",
                          state=State.EMPTY.value, revision=0)
        session.add(row)
        session.flush()
    return row


@lru_cache(maxsize=1)
def _segment_translation():  # noqa: ANN202
    """Built once: this lookup is on the hot path of every save."""
    return (select(Segment, Translation)
            .outerjoin(Translation, and_(Translation.segment_id == Segment.id,
                                         Translation.language_id == bindparam("p_language")))
            .where(Segment.id == bindparam("p_segment"),
                   Segment.document_id == bindparam("p_document"), Segment.active.is_(True)))


def segment_translation(session: Session, document: Document, segment_id: int,
                        language: Language) -> tuple[Segment, Translation]:
    """An active segment of ``document`` and its translation (created if missing), in one
    query; NotFound for a segment of another document (ids are not to be guessed)."""
    found = session.execute(_segment_translation(), {
        "p_segment": segment_id, "p_document": document.id, "p_language": language.id}).first()
    if found is None:
        raise NotFound("no such segment in this document")
    segment, row = found
    return segment, row if row is not None else translation_for(session, segment, language)


def _resolve(session: Session, target: Translation | int | tuple) -> Translation:
    if isinstance(target, Translation):
        return target
    if isinstance(target, tuple):
        segment, language = target
        if isinstance(language, str):
            language = session.scalar(select(Language).where(Language.code == language))
            if language is None:
                raise NotFound("no such language")
        return translation_for(session, segment, language)
    row = session.get(Translation, target)
    if row is None:
        raise NotFound("no such translation")
    return row


def _current(session: Session, row: Translation) -> Translation:
    """The row as committed now (another request may have changed it)."""
    return session.scalars(select(Translation).where(Translation.id == row.id)
                           .execution_options(populate_existing=True)).one()


# --- the one guarded write -----------------------------------------------------------------


@lru_cache(maxsize=16)
def _guarded_update(columns: tuple[str, ...]):  # noqa: ANN202
    """``UPDATE translation SET … WHERE id = :row AND revision = :base``, built once per set of
    columns (a save is on the hot path: statement construction is a third of its cost)."""
    table = Translation.__table__
    return (update(table)
            .where(table.c.id == bindparam("p_row"), table.c.revision == bindparam("p_base"))
            .values(revision=table.c.revision + 1, updated_at=bindparam("p_now"),
                    **{column: bindparam(f"p_{column}") for column in columns}))


_INSERT_HISTORY = insert(History.__table__)


def _write(session: Session, row: Translation, base: int, user: User, *, action: str,
           note: str = "", **values: object) -> bool:
    """Apply ``values`` iff the row is still at ``base``; add history; False when stale."""
    now = utcnow()
    params = {f"p_{column}": value for column, value in values.items()}
    result = session.execute(_guarded_update(tuple(sorted(values))),
                             {"p_row": row.id, "p_base": base, "p_now": now, **params})
    if result.rowcount != 1:
        return False
    for key, value in {**values, "revision": base + 1, "updated_at": now}.items():
        set_committed_value(row, key, value)
    # A Core insert: nothing in this request reads the new history row back.
    session.execute(_INSERT_HISTORY, {
        "translation_id": row.id, "text": row.text, "state": row.state,
        "revision": row.revision, "action": action, "user_id": user.id, "note": note,
        "created_at": now})
    return True


def _audit(session: Session, user: User | None, action: str, target: str, **details: object
           ) -> None:
    session.add(AuditLog(actor_id=user.id if user else None, action=action, target=target,
                         details=details))


@lru_cache(maxsize=1)
def _active_sign_off():  # noqa: ANN202
    """Built once: asked on every save, and almost always answered "none"."""
    return (select(SignOff.id).where(SignOff.document_id == bindparam("p_document"),
                                     SignOff.language_id == bindparam("p_language"),
                                     SignOff.reopened_at.is_(None)).limit(1))


def _reopen(session: Session, row: Translation, user: User, what: str) -> None:
    """Re-open the sign-off of this translation's language, naming the segment and person."""
    segment = session.get(Segment, row.segment_id)
    if session.scalar(_active_sign_off(), {"p_document": segment.document_id,
                                           "p_language": row.language_id}) is None:
        return
    document = session.get(Document, segment.document_id)
    language = session.get(Language, row.language_id)
    reason = f"segment {segment.position + 1} {what} by {user.display_name}"
    if reopen_sign_offs(session, document, reason, language, audit=False):
        _audit(session, user, "sign-off-reopened", f"{document.name}/{language.code}",
               reason=reason)


# --- saving --------------------------------------------------------------------------------


def save_translation(session: Session, target: Translation | int | tuple, text: object,
                     base_revision: object, user: User, *, provenance: str = "human",
                     keep_refused: bool = True, draft: Draft | None = None) -> SaveResult:
    """Save ``text`` over revision ``base_revision`` of a translation.

    ``target`` is a Translation, its id, or ``(segment, language)``. A stale save changes
    nothing but, unless ``keep_refused`` is False, keeps the text as an open suggestion and
    returns the conflict. Saving the current text again is a no-op, not a new revision.
    ``draft`` is the machine or memory suggestion the text was started from (provenance).
    """
    text = clean_text(text)
    base = clean_revision(base_revision)
    row = _resolve(session, target)
    language = session.get(Language, row.language_id)
    require_permission(user, Action.TRANSLATE, language)
    state = State.TRANSLATED.value if text else State.EMPTY.value
    if row.revision != base:
        row = _current(session, row)  # the copy in memory may be older than the database
    if row.revision == base:
        if _unchanged(row, text, state):
            return SaveResult(row, changed=False)
        if _write(session, row, base, user, action="save", text=text, state=state,
                  author_id=user.id, previous_source=None,
                  **save_values(row, text, provenance, draft, utcnow())):
            _reopen(session, row, user, "edited")
            return SaveResult(row)
    current = _current(session, row) if row.revision == base else row
    if text == current.text:
        return SaveResult(current, changed=False)  # nothing of theirs to lose
    suggestion_id = None
    if keep_refused and text:
        suggestion = Suggestion(segment_id=row.segment_id, language_id=row.language_id,
                                user_id=user.id, text=text, origin="conflict")
        session.add(suggestion)
        session.flush()
        suggestion_id = suggestion.id
    return SaveResult(current, Conflict.of(current, suggestion_id),
                      changed=False)


def _unchanged(row: Translation, text: str, state: str) -> bool:
    """Same text, and no state change a save should make (never un-approves by itself)."""
    return row.text == text and (row.state == state or row.state == State.APPROVED.value)


def approve(session: Session, translation: Translation, base_revision: object, user: User,
            override: bool = False) -> Translation:
    """Approve a human translation; editors only. A draft, or an unedited machine draft
    (:mod:`app.services.provenance`), only with ``override``, which is recorded."""
    base = clean_revision(base_revision)
    language = session.get(Language, translation.language_id)
    require_permission(user, Action.APPROVE, language)
    if translation.revision != base:
        raise Conflict.of(translation)
    if not translation.text:
        raise ValidationError("an empty translation cannot be approved")
    if translation.state == State.APPROVED.value:
        return translation
    machine = is_unedited_machine_draft(translation)
    if machine and not override:
        raise ValidationError(
            f"this is an unedited machine draft from {origin_label(translation.draft_origin)}: "
            "edit it first, or approve it as is with the override")
    if translation.state == State.DRAFT.value and not override:
        raise ValidationError("this translation needs editing: save it as translated first "
                              "(or approve it with the override)")
    _require_checks_pass(session, translation, override)
    overridden = machine or translation.state == State.DRAFT.value
    note = ("approved unedited machine draft (override)" if machine
            else "override: approved a draft" if overridden else "")
    if not _write(session, translation, base, user, action="approve", note=note,
                  state=State.APPROVED.value, previous_source=None,
                  approved_override=overridden):
        current = _current(session, translation)
        raise Conflict.of(current)
    segment = session.get(Segment, translation.segment_id)
    document = session.get(Document, segment.document_id)
    details = {"unedited_machine_draft": True, "engine": translation.draft_origin} if machine \
        else {}
    _audit(session, user, "approve", f"{document.name}/{language.code}",
           segment=segment.id, position=segment.position + 1, revision=translation.revision,
           override=overridden, **details)
    return translation


def _require_checks_pass(session: Session, translation: Translation, override: bool) -> None:
    """Error-level quality findings block approval (the machine-draft one yields to the
    override, which is recorded)."""
    from app.services import quality  # late: quality imports the store models too

    errors = quality.blocking_errors(session, translation, override=override)
    if errors:
        details = "; ".join(f"{r.check_id}: {r.message}" for r in errors)
        many = len(errors) != 1
        raise ValidationError(f"cannot approve: {len(errors)} quality check "
                              f"{'errors remain' if many else 'error remains'} ({details}); "
                              "fix the translation first")


def mark_needs_edit(session: Session, translation: Translation, base_revision: object,
                    user: User) -> Translation:
    """Send a translation back to draft ("needs editing"), keeping its text."""
    base = clean_revision(base_revision)
    require_permission(user, Action.TRANSLATE, session.get(Language, translation.language_id))
    if translation.revision != base:
        raise Conflict.of(translation)
    if not translation.text:
        raise ValidationError("an empty translation cannot be marked as needing editing")
    if translation.state == State.DRAFT.value:
        return translation
    if not _write(session, translation, base, user, action="needs-edit",
                  state=State.DRAFT.value):
        current = _current(session, translation)
        raise Conflict.of(current)
    _reopen(session, translation, user, "marked as needing editing")
    return translation


def revert(session: Session, translation: Translation, history_id: int, user: User
           ) -> Translation:
    """Make an old text current again, as a new revision (history is never rewritten)."""
    require_permission(user, Action.TRANSLATE, session.get(Language, translation.language_id))
    old = session.get(History, history_id)
    if old is None or old.translation_id != translation.id:
        raise NotFound("no such history entry for this segment")
    state = State.TRANSLATED.value if old.text else State.EMPTY.value
    if _unchanged(translation, old.text, state):
        return translation
    base = translation.revision
    if not _write(session, translation, base, user, action="revert",
                  note=f"reverted to revision {old.revision}", text=old.text, state=state,
                  author_id=user.id, previous_source=None,
                  **save_values(translation, old.text, "human", None, utcnow())):
        current = _current(session, translation)
        raise Conflict.of(current)
    _reopen(session, translation, user, "reverted")
    return translation


# --- history and accepting a suggestion (a save) ---------------------------------------


def history(session: Session, translation: Translation) -> list[History]:
    """Every change of one translation, newest first."""
    return list(session.scalars(select(History).where(History.translation_id == translation.id)
                                .order_by(History.id.desc())))


def accept_suggestion(session: Session, suggestion: Suggestion, base_revision: object,
                      user: User) -> SaveResult:
    """Make a suggestion the translation (a save with the revision check)."""
    result = save_translation(session, (suggestion.segment_id, suggestion.language_id),
                              suggestion.text, base_revision, user, provenance="suggestion",
                              keep_refused=False)
    if result.ok:
        suggestion.status = "accepted"
    return result
