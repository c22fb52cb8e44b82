"""One statement in one language, read from the database, ready for the export renderers.

Releases and drafts are rendered from the *database* (like the preview), not from the PO
files: the store holds the approval states a release depends on, and the PO files may lag a
few seconds behind it. Everything a renderer needs is read once into a
:class:`app.export.base.Localized`, so every format of a release comes from one snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.document import load_document
from app.core.languages import get_language
from app.core.states import State
from app.export.base import Localized, Unit
from app.project import Project
from app.store.models import Document, Language, Segment, Translation


def source_revision(project: Project, document_name: str) -> str:
    """SHA-256 (hex) of the source file's bytes: names exactly the text a release came from."""
    return hashlib.sha256(project.document(document_name).read_bytes()).hexdigest()


def database_units(session: Session, document: Document, language: Language) -> list[Unit]:
    """Every active segment in document order with its current text and state (plain column
    reads, as :func:`app.services.po_export.build_catalog` does, for large statements)."""
    rows = session.execute(
        select(Segment.context, Segment.msgid, Segment.comments, Segment.locations,
               Translation.text, Translation.state)
        .outerjoin(Translation, (Translation.segment_id == Segment.id)
                   & (Translation.language_id == language.id))
        .where(Segment.document_id == document.id, Segment.active.is_(True))
        .order_by(Segment.position, Segment.id))
    units = []
    for context, msgid, comments, locations, text, state in rows:
        text = text or ""
        units.append(Unit(context=context or None, source=msgid, target=text,
                          state=(state or State.EMPTY.value) if text else State.EMPTY.value,
                          notes=tuple(str(note) for note in comments or ()),
                          locations=tuple(str(where) for where in locations or ())))
    return units


def localize(session: Session, project: Project, document: Document, language: Language, *,
             draft: bool, created: dt.datetime | None = None, release: int | None = None
             ) -> Localized:
    """The statement ``document`` in ``language`` as the store holds it now.

    ``created`` (aware UTC; now by default) is the date every renderer prints and the ZIP
    entries carry, so a release's files are reproducible from its snapshot.
    """
    path = project.document(document.name)
    parsed = load_document(path, project.reference(path))
    created = created or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Localized(name=document.name, document=parsed, language=get_language(language.code),
                     units=database_units(session, document, language), draft=draft,
                     source_revision=hashlib.sha256(path.read_bytes()).hexdigest(),
                     created=created, release=release)
