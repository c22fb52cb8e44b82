"""Making a language releasable in tests: real sentences, real checks, real approval and
sign-off through the services (no check is switched off)."""

from __future__ import annotations

import re

from export.samples import sample_text
from sqlalchemy import select

from app.services import signoff, translations
from app.store.models import Document, Language, Segment, User

DOC = "statement"
#: Source numbers, which the numbers check (an error) requires in the translation.
_NUMBER = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?")
_LINK = re.compile(r"\[[^\]]*\]\[\d+\]")


def good_text(code: str, source: str, index: int, variant: int = 0) -> str:
    """A pool sentence of ``code`` with the source's link placeholders and numbers."""
    numbers = " ".join(_NUMBER.findall(_LINK.sub(" ", source)))
    text = sample_text(code, source, index + variant)
    return f"{text} {numbers}" if numbers else text


def segments(session, document: str = DOC) -> list[Segment]:  # noqa: ANN001
    doc = session.scalar(select(Document).where(Document.name == document))
    return list(session.scalars(select(Segment).where(
        Segment.document_id == doc.id, Segment.active.is_(True)).order_by(Segment.position)))


def translate_all(database, editor_id: int, code: str, *, approve: bool = True,  # noqa: ANN001
                  skip: int = 0) -> None:
    """Save (and approve) a good text for every segment but the first ``skip``."""
    with database.session() as session:
        editor = session.get(User, editor_id)
        language = session.scalar(select(Language).where(Language.code == code))
        for index, segment in enumerate(segments(session)):
            if index < skip:
                continue
            text = segment.msgid if segment.context == "signatory" else \
                good_text(code, segment.msgid, index)
            row = translations.translation_for(session, segment, language)
            result = translations.save_translation(session, row, text, row.revision, editor)
            assert result.ok, (segment.msgid, result)
            if approve:
                translations.approve(session, row, row.revision, editor)


def edit(database, editor_id: int, code: str, position: int, text: str,  # noqa: ANN001
         approve: bool = True) -> str:
    """Change one segment's text (re-opening the sign-off) and approve it again; its source."""
    with database.session() as session:
        editor = session.get(User, editor_id)
        language = session.scalar(select(Language).where(Language.code == code))
        segment = segments(session)[position]
        row = translations.translation_for(session, segment, language)
        assert translations.save_translation(session, row, text, row.revision, editor).ok
        if approve:
            translations.approve(session, row, row.revision, editor)
        return segment.msgid


def sign_off(database, project, editor_id: int, code: str) -> None:  # noqa: ANN001
    with database.session() as session:
        document = session.scalar(select(Document).where(Document.name == DOC))
        language = session.scalar(select(Language).where(Language.code == code))
        signoff.sign_off(session, document, language, session.get(User, editor_id), project)


def make_releasable(database, project, editor_id: int, code: str) -> None:  # noqa: ANN001
    translate_all(database, editor_id, code)
    sign_off(database, project, editor_id, code)
