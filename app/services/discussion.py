"""Talk about a segment: translators' comments, and suggestions that do not replace the text.

Suggestions come from volunteers (origin "user"), from refused stale saves ("conflict", kept so
that no work is dropped) and from PO files edited on disk meanwhile ("file"). Accepting one is
a save with the revision check: :func:`app.services.translations.accept_suggestion`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.permissions import Action
from app.services.translations import NotFound, ValidationError, clean_text, require_permission
from app.store.models import Comment, Language, Segment, Suggestion, User

MAX_COMMENT = 5_000


def add_comment(session: Session, segment: Segment, language: Language, user: User,
                text: object) -> Comment:
    """A note for the translators of one language about one segment."""
    require_permission(user, Action.TRANSLATE, language)
    body = clean_text(text, limit=MAX_COMMENT, what="comment").strip()
    if not body:
        raise ValidationError("the comment is empty")
    comment = Comment(segment_id=segment.id, language_id=language.id, user_id=user.id,
                      text=body)
    session.add(comment)
    session.flush()
    return comment


def comments(session: Session, segment: Segment, language: Language) -> list[Comment]:
    """Comments on a segment for this language (and those for every language), oldest first."""
    return list(session.scalars(
        select(Comment).where(Comment.segment_id == segment.id,
                              (Comment.language_id == language.id)
                              | Comment.language_id.is_(None))
        .order_by(Comment.id)))


def add_suggestion(session: Session, segment: Segment, language: Language, user: User,
                   text: object, origin: str = "user") -> Suggestion:
    """Propose a text without replacing the current translation."""
    require_permission(user, Action.TRANSLATE, language)
    body = clean_text(text, what="suggestion")
    if not body.strip():
        raise ValidationError("the suggestion is empty")
    suggestion = Suggestion(segment_id=segment.id, language_id=language.id, user_id=user.id,
                            text=body, origin=origin)
    session.add(suggestion)
    session.flush()
    return suggestion


def open_suggestion(session: Session, suggestion_id: int, segment: Segment,
                    language: Language) -> Suggestion:
    """The open suggestion ``suggestion_id`` of this segment and language, or NotFound."""
    suggestion = session.get(Suggestion, suggestion_id)
    if (suggestion is None or suggestion.segment_id != segment.id
            or suggestion.language_id != language.id or suggestion.status != "open"):
        raise NotFound("no such open suggestion for this segment")
    return suggestion


def reject_suggestion(session: Session, suggestion: Suggestion, user: User) -> Suggestion:
    """Close a suggestion without using it (it stays in the database, marked rejected)."""
    require_permission(user, Action.TRANSLATE, session.get(Language, suggestion.language_id))
    suggestion.status = "rejected"
    return suggestion
