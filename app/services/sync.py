"""PO files ⇄ database: import edits made on disk, write the database back as canonical PO files.

The database is the working store; ``locales/`` is its git-friendly serialization. Every
translation remembers what the file held at the last sync (``synced_text``/``synced_state``),
so an import compares three versions of each entry — the file (F), the last sync (S) and the
database (D):

- F == S: nothing changed on disk;
- D == S, F != S: only the file changed → the file's text becomes a new revision;
- both changed (and differ): the database keeps its text, the file's text becomes an open
  suggestion (origin "file") and the conflict is reported. Nothing is silently overwritten.

A file that does not parse is reported (``file:line: message``) and left alone: it changes
nothing in the database and is never overwritten by a write-back (someone may be mid-edit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.core.catalog import Catalog, Entry
from app.core.pofile import PoSyntaxError, format_po, read_po, remove_stale_temps, write_po
from app.core.states import State, state_from_po
from app.project import Project
from app.services.po_export import LAST_TRANSLATOR, build_catalog, po_state
from app.store.models import (
    Document,
    History,
    Language,
    Segment,
    Suggestion,
    SyncState,
    Translation,
    utcnow,
)

if TYPE_CHECKING:
    from app.services.importer import ImportReport

__all__ = ["LAST_TRANSLATOR", "Conflict", "SyncReport", "export_po", "import_po_files",
           "po_state", "record_change", "sync_project", "write_back"]


@dataclass
class Conflict:
    """An entry changed both in its PO file and in the database since the last sync."""

    document: str
    language: str
    msgid: str
    context: str
    database_text: str
    file_text: str

    def __str__(self) -> str:
        where = f"{self.document} [{self.language}]"
        context = f" (context {self.context!r})" if self.context else ""
        return (f"conflict in {where}{context}: {_short(self.msgid)!r}: kept the database's text "
                f"{_short(self.database_text)!r}; the file's text {_short(self.file_text)!r} "
                "is now a suggestion")


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


@dataclass
class SyncReport:
    """What an import and/or write-back did; ``lines()`` is what ``terjime sync`` prints."""

    files_read: int = 0
    files_unchanged: int = 0
    imported: int = 0
    unknown: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    #: Catalogues (document, language) read from disk because their file changed.
    touched: set[tuple[str, str]] = field(default_factory=set)
    #: Files that failed to parse: never overwritten until fixed.
    broken: set[Path] = field(default_factory=set)
    #: Files already compared with the database in this sync.
    checked: set[Path] = field(default_factory=set)
    #: Files edited on disk while this sync ran: not written, imported on the next one.
    deferred: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"read {self.files_read} changed PO files ({self.files_unchanged} unchanged); "
               f"imported {self.imported} entries; {len(self.conflicts)} conflicts; "
               f"wrote {len(self.written)} files"]
        if self.unknown:
            out.append(f"{self.unknown} entries in PO files match no sentence of the source "
                       "(translated ones are kept as obsolete entries)")
        out += [str(conflict) for conflict in self.conflicts]
        out += [f"error: {error}" for error in self.errors]
        out += [f"written: {path}" for path in self.written]
        out += [f"not written (edited on disk meanwhile; imported next time): {path}"
                for path in self.deferred]
        return out


# --- shared helpers ------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state_key(language: str, document: str) -> str:
    """How a PO file is named in ``SyncState``: relative to ``locales/`` (moves with it)."""
    return f"{language}/LC_MESSAGES/{document}.po"


def record_change(session: Session, row: Translation, text: str, state: str, *, action: str,
                  user_id: int | None, provenance: str, note: str = "",
                  previous_source: str | None = None,
                  comments: list[str] | None = None) -> bool:
    """Give ``row`` a new revision with a history row; False (nothing changed) when someone
    else changed the row meanwhile (the update names the revision it started from)."""
    old = row.revision
    values = {"text": text, "state": state, "revision": old + 1, "author_id": user_id,
              "provenance": provenance, "previous_source": previous_source,
              "updated_at": utcnow()}
    if comments is not None:
        values["translator_comments"] = list(comments)
    result = session.execute(
        update(Translation).where(Translation.id == row.id, Translation.revision == old)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(row)
        return False
    # The update bypassed the unit of work: give the in-memory row the stored values.
    for key, value in values.items():
        set_committed_value(row, key, value)
    session.add(History(translation_id=row.id, text=text, state=state, revision=old + 1,
                        action=action, user_id=user_id, note=note))
    return True


def add_suggestion(session: Session, row: Translation, text: str, origin: str,
                   user_id: int | None = None) -> bool:
    """An open suggestion for the row's segment and language, unless the same one is open."""
    exists = session.scalar(select(Suggestion.id).where(
        Suggestion.segment_id == row.segment_id, Suggestion.language_id == row.language_id,
        Suggestion.status == "open", Suggestion.text == text).limit(1))
    if exists is not None:
        return False
    session.add(Suggestion(segment_id=row.segment_id, language_id=row.language_id,
                           user_id=user_id, text=text, origin=origin, status="open"))
    return True


def catalogue_rows(session: Session, document: Document, language: Language,
                  active: bool | None = True) -> tuple[list[Segment], dict[int, Translation]]:
    """Segments of a document in template order (active ones, inactive ones or all), and their
    translations by segment id (rows missing for a segment are created)."""
    query = select(Segment).where(Segment.document_id == document.id)
    if active is not None:
        query = query.where(Segment.active.is_(active))
    segments = list(session.scalars(query.order_by(Segment.position, Segment.id)))
    rows = {t.segment_id: t for t in session.scalars(
        select(Translation).join(Segment, Translation.segment_id == Segment.id)
        .where(Segment.document_id == document.id, Translation.language_id == language.id))}
    missing = [s for s in segments if s.id not in rows]
    for segment in missing:
        row = Translation(segment_id=segment.id, language_id=language.id, text="",
                          state=State.EMPTY.value, revision=0, provenance="human",
                          translator_comments=[])
        session.add(row)
        rows[segment.id] = row
    if missing:
        session.flush()
    return segments, rows


def _set_synced(row: Translation, text: str, state: str) -> None:
    if row.synced_text != text:
        row.synced_text = text
    if row.synced_state != state:
        row.synced_state = state


def _save_sync_state(session: Session, key: str, sha: str) -> None:
    row = session.scalar(select(SyncState).where(SyncState.path == key))
    if row is None:
        session.add(SyncState(path=key, sha256=sha, synced_at=utcnow()))
    elif row.sha256 != sha:
        row.sha256, row.synced_at = sha, utcnow()


# --- import --------------------------------------------------------------------------------


def _header_line(path: Path, field_name: str) -> int:
    data = path.read_bytes()
    index = data.find(f'"{field_name}:'.encode())
    return data.count(b"\n", 0, index) + 1 if index >= 0 else 1


def _same_language(declared: str, code: str) -> bool:
    return declared.strip().replace("-", "_").lower() == code.replace("-", "_").lower()


def import_po_files(session: Session, project: Project, documents: Iterable[str] | None = None,
                    languages: Iterable[str] | None = None, *, force: bool = False,
                    report: SyncReport | None = None) -> SyncReport:
    """Import the PO files changed on disk since the last sync (all, or the named ones).

    Unchanged files (same SHA-256 as at the last sync) are skipped without being parsed.
    """
    from app.services.importer import ensure_language

    report = report if report is not None else SyncReport()
    wanted = set(documents) if documents is not None else None
    docs = [d for d in session.scalars(select(Document).order_by(Document.name))
            if wanted is None or d.name in wanted]
    codes = list(languages) if languages is not None else project.languages()
    for code in codes:
        paths = [(d, project.po_path(code, d.name)) for d in docs]
        paths = [(d, p) for d, p in paths if p.is_file()]
        if not paths:
            continue
        try:
            language = ensure_language(session, code)
        except ValueError as exc:
            report.errors.append(f"{paths[0][1].parent.parent}: {exc}; skipped")
            continue
        for document, path in paths:
            _import_file(session, document, language, path, report, force)
    return report


def _import_file(session: Session, document: Document, language: Language, path: Path,
                 report: SyncReport, force: bool) -> None:
    if path in report.checked:  # already looked at in this sync (import, then write-back)
        return
    report.checked.add(path)
    key = state_key(language.code, document.name)
    try:
        sha = sha256_file(path)
    except OSError as exc:
        report.errors.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
        report.broken.add(path)
        return
    known = session.scalar(select(SyncState.sha256).where(SyncState.path == key))
    if known == sha and not force:
        report.files_unchanged += 1
        return
    try:
        catalog = read_po(path)
    except PoSyntaxError as exc:
        report.errors.append(f"{exc}; file skipped, nothing imported")
        report.broken.add(path)
        return
    declared = catalog.language
    if declared and not _same_language(declared, language.code):
        report.errors.append(f"{path}:{_header_line(path, 'Language')}: Language header says "
                             f"{declared!r} but the file is in the {language.code!r} folder; "
                             "file skipped, nothing imported")
        report.broken.add(path)
        return
    report.files_read += 1
    report.touched.add((document.name, language.code))
    segments, rows = catalogue_rows(session, document, language)
    by_key = {(s.context, s.msgid): s for s in segments}
    taken = 0
    for entry in catalog.entries:
        if entry.obsolete or entry.msgid_plural is not None:
            continue
        segment = by_key.get((entry.msgctxt or "", entry.msgid))
        if segment is None:
            report.unknown += 1
            continue
        outcome = _reconcile(session, rows[segment.id], entry, str(path))
        if outcome == "taken":
            taken += 1
        elif outcome == "conflict":
            row = rows[segment.id]
            report.conflicts.append(Conflict(document.name, language.code, segment.msgid,
                                             segment.context, row.text, entry.msgstr))
    report.imported += taken
    if taken:
        from app.services.importer import reopen_sign_offs

        reopen_sign_offs(session, document, f"{taken} entries imported from {path.name} "
                         "(edited outside the app)", language)
    session.flush()
    _save_sync_state(session, key, sha)


def _reconcile(session: Session, row: Translation, entry: Entry, where: str) -> str:
    """Three-way merge of one entry; returns "same", "taken" or "conflict"."""
    file_text = entry.msgstr
    file_state = state_from_po(file_text, entry.fuzzy).value
    mine = (row.text, po_state(row.text, row.state))
    theirs = (file_text, file_state)
    base = (row.synced_text, row.synced_state or "") if row.synced_text is not None \
        else ("", State.EMPTY.value)
    if theirs == base or theirs == mine:
        if theirs == mine and entry.comments != list(row.translator_comments or []):
            row.translator_comments = list(entry.comments)
        _set_synced(row, *theirs)
        return "same"
    if mine == base:
        previous = entry.previous_msgid if file_state == State.DRAFT.value else None
        if record_change(session, row, file_text, file_state, action="import", user_id=None,
                         provenance="import", note=f"edited outside the app: {where}",
                         previous_source=previous, comments=entry.comments):
            _set_synced(row, *theirs)
            return "taken"
        # Changed in the database while we looked: fall through to a conflict.
    _set_synced(row, *theirs)
    if file_text in (base[0], row.text):
        return "same"  # only a flag changed on disk, or both sides agree on the text
    if file_text:
        add_suggestion(session, row, file_text, origin="file")
    return "conflict"


# --- export and write-back -----------------------------------------------------------------


def export_po(session: Session, project: Project, document: Document,
              language: Language, strict: bool = True) -> Catalog:
    """The database's translations as a catalogue in template order, keeping the existing
    file's header and obsolete entries (PO-Revision-Date moves only when content changed).
    With ``strict=False`` a broken file on disk is ignored instead of raising."""
    return build_catalog(session, project, document, language, strict)[0]


def write_back(session: Session, project: Project, document: str | None = None,
               language: str | None = None, report: SyncReport | None = None) -> list[Path]:
    """Write the database to ``locales/`` (all catalogues, or one document and/or language).

    Disk changes are imported first, so a file edited outside is never clobbered; files that
    do not parse are skipped. Writes are atomic and byte-identical files are left untouched.
    Returns the paths actually written. The caller commits the session.
    """
    report = report if report is not None else SyncReport()
    docs = list(session.scalars(select(Document).order_by(Document.name)))
    if document is not None:
        docs = [d for d in docs if d.name == document]
    langs = list(session.scalars(select(Language).order_by(Language.code)))
    if language is not None:
        langs = [lang for lang in langs if lang.code == language]
    on_disk = [lang.code for lang in langs if (project.locales_dir / lang.code).is_dir()]
    import_po_files(session, project, [d.name for d in docs], on_disk, report=report)
    written: list[Path] = []
    for doc in docs:
        for lang in langs:
            path = project.po_path(lang.code, doc.name)
            if path in report.broken:
                continue
            remove_stale_temps(path)  # a crashed write's leftover (we hold the write lock)
            try:
                catalog, updates = build_catalog(session, project, doc, lang)
            except PoSyntaxError as exc:  # broken since the import a moment ago
                report.errors.append(f"{exc}; not overwritten")
                report.broken.add(path)
                continue
            data = format_po(catalog).encode("utf-8")
            current = path.read_bytes() if path.is_file() else None
            if current is not None and current != data:
                known = session.scalar(select(SyncState.sha256).where(
                    SyncState.path == state_key(lang.code, doc.name)))
                if hashlib.sha256(current).hexdigest() != known:
                    # Edited on disk since the import a moment ago: import it next time.
                    report.deferred.append(path)
                    continue
            if current != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_po(path, catalog)
                written.append(path)
            _mark_synced(session, updates)
            _save_sync_state(session, state_key(lang.code, doc.name),
                             hashlib.sha256(data).hexdigest())
    session.flush()
    report.written.extend(written)
    return written


def _mark_synced(session: Session, updates: list[dict]) -> None:
    """Record what the file now holds: one executemany, then refresh any loaded rows."""
    if not updates:
        return
    session.flush()
    statement = update(Translation).where(Translation.id == bindparam("row_id")).values(
        synced_text=bindparam("new_text"), synced_state=bindparam("new_state"))
    session.connection().execute(statement, [
        {"row_id": u["id"], "new_text": u["synced_text"], "new_state": u["synced_state"]}
        for u in updates])
    session.expire_all()


def sync_project(session: Session, project: Project) -> ImportReport:
    """``terjime sync`` (and every server start): import source amendments and disk edits,
    then write everything back; the sync report is ``result.sync``."""
    from app.services.importer import import_project

    result = import_project(session, project)
    write_back(session, project, report=result.sync)
    return result
