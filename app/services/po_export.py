"""Serialise one language of one document from the database into a catalogue (PO layout).

Read with plain column queries rather than ORM objects: the background writer serialises a
20,000-entry catalogue after every burst of edits, and building 40,000 ORM instances for it
costs more than the whole rest of the write. Writing the file is the caller's job
(:func:`app.services.sync.write_back`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.catalog import Catalog, Entry
from app.core.languages import get_language
from app.core.pofile import PoSyntaxError, format_po, read_po
from app.core.states import State
from app.project import Project
from app.services.catalogs import LAST_TRANSLATOR, new_translation, template_header
from app.store.models import Document, Language, Segment, Translation


def po_state(text: str, state: str) -> str:
    """The state a translation has once serialized to PO (approval lives only in the DB)."""
    if not text:
        return State.EMPTY.value
    return State.DRAFT.value if state == State.DRAFT.value else State.TRANSLATED.value


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000")


def _entry(segment: Any, row: Any | None, obsolete: bool = False,
           old: Entry | None = None) -> Entry:
    """One entry from a segment row and its translation row (either may be a column tuple)."""
    text = row.text if row is not None else ""
    draft = row is not None and bool(text) and row.state == State.DRAFT.value
    flags = [f for f in (old.flags if old is not None else []) if f != "fuzzy"]
    if draft:
        flags.insert(0, "fuzzy")
    return Entry(
        msgid=segment.msgid,
        msgstr=text,
        msgctxt=segment.context or None,
        locations=list(segment.locations or []),
        auto_comments=list(segment.comments or []),
        comments=list(row.translator_comments or []) if row is not None else [],
        flags=flags,
        previous_msgid=row.previous_source if draft and row.previous_source else None,
        obsolete=obsolete,
    )


def _base_catalog(document: Document, language: Language, existing: Catalog | None) -> Catalog:
    """Header of the written file: the existing file's (kept), else a fresh one."""
    if existing is not None:
        catalog = Catalog(header=dict(existing.header),
                          header_comments=list(existing.header_comments),
                          header_flags=[f for f in existing.header_flags if f != "fuzzy"])
    else:
        fresh = new_translation(Catalog(header=template_header(document.name)), document.name,
                                get_language(language.code))
        catalog = Catalog(header=fresh.header, header_comments=fresh.header_comments)
    catalog.header["Last-Translator"] = LAST_TRANSLATOR
    catalog.header.setdefault("Language", language.code)
    if "Plural-Forms" not in catalog.header:
        catalog.header["Plural-Forms"] = get_language(language.code).plural_forms
    return catalog


def _read_existing(path: Path, strict: bool) -> Catalog | None:
    if not path.is_file():
        return None
    try:
        return read_po(path)
    except PoSyntaxError:
        if strict:
            raise
        return None


def build_catalog(session: Session, project: Project, document: Document, language: Language,
                  strict: bool = True) -> tuple[Catalog, list[dict[str, Any]]]:
    """The catalogue to write, and the ``synced_*`` updates that writing it implies.

    Entries follow the template order; the existing file's header, flags and obsolete entries
    are kept, as are its translated entries the source no longer has (as obsolete), plus
    translated segments removed from the source. A broken existing file raises
    (``strict``) or is ignored (its header is not reused).
    """
    existing = _read_existing(project.po_path(language.code, document.name), strict)
    catalog = _base_catalog(document, language, existing)
    segments = session.execute(
        select(Segment.id, Segment.context, Segment.msgid, Segment.locations, Segment.comments,
               Segment.active)
        .where(Segment.document_id == document.id).order_by(Segment.position, Segment.id)).all()
    rows = {row.segment_id: row for row in session.execute(
        select(Translation.id, Translation.segment_id, Translation.text, Translation.state,
               Translation.previous_source, Translation.translator_comments,
               Translation.synced_text, Translation.synced_state)
        .join(Segment, Translation.segment_id == Segment.id)
        .where(Segment.document_id == document.id, Translation.language_id == language.id))}
    old_entries = existing.by_key() if existing is not None else {}
    active_keys: set[tuple[str | None, str]] = set()
    updates: list[dict[str, Any]] = []
    for segment in segments:
        if not segment.active:
            continue
        key = (segment.context or None, segment.msgid)
        active_keys.add(key)
        row = rows.get(segment.id)
        catalog.entries.append(_entry(segment, row, old=old_entries.get(key)))
        if row is not None:
            synced = (row.text, po_state(row.text, row.state))
            if (row.synced_text, row.synced_state) != synced:
                updates.append({"id": row.id, "synced_text": synced[0],
                                "synced_state": synced[1]})
    obsolete: dict[tuple[str | None, str], Entry] = {}
    if existing is not None:
        for entry in existing.entries:
            if entry.key in active_keys:
                continue
            has_text = bool(entry.msgstr) or any(entry.msgstr_plural.values())
            if entry.obsolete or has_text:  # a translation the source no longer has: keep it
                obsolete.setdefault(entry.key, replace(entry, obsolete=True))
    for segment in segments:
        row = rows.get(segment.id)
        key = (segment.context or None, segment.msgid)
        if not segment.active and row is not None and row.text and key not in active_keys:
            obsolete[key] = _entry(segment, row, obsolete=True)
    catalog.entries.extend(obsolete.values())
    if existing is not None and format_po(catalog) != format_po(existing):
        catalog.header["PO-Revision-Date"] = _now()
    return catalog, updates
