"""Helpers shared by the editor, API, conflict, sign-off, preview and authorization tests."""

from __future__ import annotations

from sqlalchemy import select

from app.services import translations
from app.store.models import ApiToken, Document, Language, Segment, Translation, User

DOC = "statement"


def database(app):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


def segment_ids(app, document: str = DOC) -> list[int]:  # noqa: ANN001
    """Active segment ids in document order."""
    with database(app).session() as session:
        doc = session.scalar(select(Document).where(Document.name == document))
        return list(session.scalars(select(Segment.id).where(
            Segment.document_id == doc.id, Segment.active.is_(True)).order_by(Segment.position)))


def row(app, segment_id: int, lang: str = "ug") -> dict:  # noqa: ANN001
    """The translation of a segment as a plain dict (text, state, revision, ...)."""
    with database(app).session() as session:
        item = session.scalar(select(Translation).join(Language).where(
            Translation.segment_id == segment_id, Language.code == lang))
        if item is None:
            return {"text": "", "state": "empty", "revision": 0, "previous_source": None}
        return {"id": item.id, "text": item.text, "state": item.state,
                "revision": item.revision, "previous_source": item.previous_source,
                "author_id": item.author_id, "provenance": item.provenance}


def save(app, user_id: int, segment_id: int, text: str, lang: str = "ug",  # noqa: ANN001
         base: int | None = None):
    """Save through the service (as ``user_id``), from the current revision by default."""
    with database(app).session() as session:
        user = session.get(User, user_id)
        language = session.scalar(select(Language).where(Language.code == lang))
        target = translations.translation_for(session, segment_id, language)
        revision = target.revision if base is None else base
        result = translations.save_translation(session, target, text, revision, user)
        return result.ok, result.revision


def approve(app, user_id: int, segment_id: int, lang: str = "ug",  # noqa: ANN001
            override: bool = False) -> int:
    with database(app).session() as session:
        user = session.get(User, user_id)
        language = session.scalar(select(Language).where(Language.code == lang))
        target = translations.translation_for(session, segment_id, language)
        translations.approve(session, target, target.revision, user, override=override)
        return target.revision


def set_draft(app, segment_id: int, text: str, previous_source: str | None = None,  # noqa: ANN001
              lang: str = "ug") -> None:
    """Make a translation a machine/fuzzy draft directly (as an import would)."""
    with database(app).session() as session:
        language = session.scalar(select(Language).where(Language.code == lang))
        target = translations.translation_for(session, segment_id, language)
        target.text, target.state, target.previous_source = text, "draft", previous_source
        target.revision += 1


def token_for(app, user_id: int) -> str:  # noqa: ANN001
    from app.services.tokens import new_token, token_hash

    token = new_token("tj_")
    with database(app).session() as session:
        session.add(ApiToken(user_id=user_id, token_hash=token_hash(token), name="test"))
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
