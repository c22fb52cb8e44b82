"""Download and upload of a language's PO file, for translators who work offline (Poedit…).

A download is the database's current state with a snapshot time in its header
(``X-Terjime-Snapshot``). On upload each entry is merged three-way against the text it had at
that time, so only what the translator changed counts:

- unchanged by the translator → nothing happens (even if the database moved on);
- changed by the translator, untouched in the database since → a new revision ("upload");
- changed on both sides → the uploaded text becomes a suggestion (origin "file"), reported.

A file without the snapshot (e.g. taken from git) uses the last sync as its base. An empty
msgstr never clears a translation. A bad file (binary, syntax error, other language, other
document) is refused with a clear message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.catalog import Catalog
from app.core.pofile import PoSyntaxError, format_po, read_po
from app.core.states import state_from_po
from app.project import Project
from app.services.sync import (
    add_suggestion,
    catalogue_rows,
    export_po,
    po_state,
    record_change,
)
from app.services.translations import ValidationError, clean_text
from app.store.models import Document, History, Language, Translation, utcnow

SNAPSHOT_HEADER = "X-Terjime-Snapshot"
#: How many suggested entries the summary lists by name.
LISTED = 50


class UploadError(ValueError):
    """An upload refused as a whole; nothing was changed."""


@dataclass
class UploadResult:
    updated: int = 0
    suggestions: int = 0
    unknown: int = 0
    unchanged: int = 0
    #: Entries left empty in the file while the database has a translation (never cleared).
    empty_ignored: int = 0
    #: (source, uploaded text) of the entries stored as suggestions, for the summary.
    suggested: list[tuple[str, str]] = field(default_factory=list)


def find_catalogue(session: Session, document: str, language: str
                   ) -> tuple[Document, Language] | None:
    doc = session.scalar(select(Document).where(Document.name == document))
    lang = session.scalar(select(Language).where(Language.code == language))
    if doc is None or lang is None:
        return None
    return doc, lang


def download_name(document: Document, language: Language) -> str:
    """A plain ASCII file name: ``statement.ug.po``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{document.name}.{language.code}.po")


def download_po(session: Session, project: Project, document: Document,
                language: Language) -> bytes:
    """The database's state as a PO file, stamped with the time it was taken."""
    catalog = export_po(session, project, document, language, strict=False)
    catalog.header[SNAPSHOT_HEADER] = utcnow().isoformat(timespec="microseconds")
    return format_po(catalog).encode("utf-8")


def display_name(filename: str | None) -> str:
    """The uploaded file's base name as shown and recorded: control characters (NUL among
    them, which PostgreSQL cannot store) dropped, at most 120 characters."""
    name = Path(filename or "").name
    name = "".join(char for char in name if char.isprintable())[:120].strip()
    return name or "upload.po"


def parse_upload(data: bytes, filename: str) -> Catalog:
    """Parse uploaded bytes with the same codec (and charset rules) as files on disk."""
    name = display_name(filename)
    if not data.strip():
        raise UploadError(f"{name}: the file is empty")
    if b"\x00" in data:
        raise UploadError(f"{name}: this is a binary file, not a PO file")
    with tempfile.TemporaryDirectory(prefix="terjime-upload-") as folder:
        path = Path(folder) / "upload.po"
        path.write_bytes(data)
        try:
            return read_po(path)
        except PoSyntaxError as exc:
            raise UploadError(f"{name}:{exc.line}: {exc.message}") from None


def _snapshot(catalog: Catalog) -> dt.datetime | None:
    value = catalog.header.get(SNAPSHOT_HEADER, "").strip()
    try:
        stamp = dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return stamp.replace(tzinfo=None) if stamp is not None else None


def _base(session: Session, row: Translation, snapshot: dt.datetime | None
          ) -> tuple[str, bool]:
    """(the text the uploader started from, whether the database changed since then)."""
    if snapshot is None:
        base = row.synced_text or ""
        changed = (row.text, po_state(row.text, row.state)) != (base, row.synced_state or
                                                                po_state(base, ""))
        return base, changed
    later = session.scalar(select(History.id).where(History.translation_id == row.id,
                                                    History.created_at > snapshot).limit(1))
    if later is None:
        return row.text, False
    then = session.scalar(select(History.text).where(History.translation_id == row.id,
                                                     History.created_at <= snapshot)
                          .order_by(History.id.desc()).limit(1))
    return then or "", True


def apply_upload(session: Session, document: Document, language: Language, data: bytes,
                 filename: str, user_id: int | None) -> UploadResult:
    """Merge an uploaded PO file into the database (see the module docstring)."""
    catalog = parse_upload(data, filename)
    name = display_name(filename)
    declared = catalog.language
    if not declared:
        raise UploadError(f"{name}: the file has no Language header; expected {language.code!r}")
    if declared.strip().replace("-", "_").lower() != language.code.lower():
        raise UploadError(f"{name}: this file is for language {declared!r}, not "
                          f"{language.code!r}; nothing was changed")
    snapshot = _snapshot(catalog)
    segments, rows = catalogue_rows(session, document, language)
    by_key = {(s.context, s.msgid): s for s in segments}
    result = UploadResult()
    entries = [e for e in catalog.entries if not e.obsolete and e.msgid_plural is None]
    matched = [(e, by_key.get((e.msgctxt or "", e.msgid))) for e in entries]
    result.unknown = sum(1 for _, segment in matched if segment is None)
    if entries and result.unknown == len(entries):
        raise UploadError(f"{name}: none of its {len(entries)} entries belongs to "
                          f"{document.name!r}; is it the right file? Nothing was changed")
    for entry, segment in matched:
        if segment is not None and entry.msgstr:
            try:
                entry.msgstr = clean_text(entry.msgstr)
            except ValidationError as exc:
                raise UploadError(f"{name}: the translation of {entry.msgid[:60]!r}: {exc}; "
                                  "nothing was changed") from None
    for entry, segment in matched:
        if segment is None:
            continue
        row = rows[segment.id]
        text, state = entry.msgstr, state_from_po(entry.msgstr, entry.fuzzy).value
        if not text:
            if row.text:
                result.empty_ignored += 1
            else:
                result.unchanged += 1
            continue
        if (text, state) == (row.text, po_state(row.text, row.state)):
            result.unchanged += 1
            continue
        base, changed_since = _base(session, row, snapshot)
        if text != row.text and text == base:
            result.unchanged += 1  # the translator left it; the database moved on
            continue
        if not changed_since and record_change(
                session, row, text, state, action="upload", user_id=user_id,
                provenance="upload", note=f"uploaded in {name}",
                previous_source=entry.previous_msgid if entry.fuzzy else None,
                comments=entry.comments):
            result.updated += 1
            continue
        if text != row.text and add_suggestion(session, row, text, "file", user_id):
            result.suggestions += 1
            if len(result.suggested) < LISTED:
                result.suggested.append((segment.msgid, text))
        else:
            result.unchanged += 1
    if result.updated:
        from app.services.importer import reopen_sign_offs

        reopen_sign_offs(session, document, f"{result.updated} entries changed by a PO upload",
                         language)
    session.flush()
    return result
