"""Bring ``source/`` and ``locales/`` into the database (first start, and after source changes).

Source amendments are applied as ``terjime update`` applies them to PO files: unchanged
sentences keep their translations, removed ones are deactivated (kept, with history), and a new
sentence close to a removed one inherits its translation as a draft with the previous source,
so the editor can show what changed. Any change re-opens the affected sign-offs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.catalog import Catalog
from app.core.document import load_document
from app.core.languages import get_language
from app.core.states import State
from app.project import Project
from app.services.catalogs import extract_document
from app.services.sync import SyncReport
from app.store.models import (
    AuditLog,
    Document,
    History,
    Language,
    Segment,
    SignOff,
    Translation,
    utcnow,
)

FUZZY_CUTOFF = 70.0
#: Ids per ``IN (...)`` query (well under SQLite's and PostgreSQL's parameter limits).
_CHUNK = 500


@dataclass
class SourceReport:
    domain: str
    added: int = 0
    removed: int = 0
    kept: int = 0
    fuzzy: int = 0
    changed: bool = False


@dataclass
class ImportReport:
    sources: list[SourceReport] = field(default_factory=list)
    languages_added: list[str] = field(default_factory=list)
    #: What the PO import did (conflicts, unreadable files…): see ``app.services.sync``.
    sync: SyncReport = field(default_factory=SyncReport)

    @property
    def amended(self) -> list[str]:
        """Documents whose source changed in this import."""
        return [source.domain for source in self.sources if source.changed]


def ensure_language(session: Session, code: str) -> Language:
    """The language row for ``code`` (validated against CLDR), created on first use."""
    language = get_language(code)
    row = session.scalar(select(Language).where(Language.code == language.code))
    if row is None:
        row = Language(
            code=language.code,
            name=language.english_name,
            native_name=language.native_name,
            direction=language.direction,
            nplurals=language.nplurals,
            plural_expr=language.plural_expr,
        )
        session.add(row)
        session.flush()
        for segment_id in session.scalars(select(Segment.id).where(Segment.active.is_(True))):
            session.add(Translation(segment_id=segment_id, language_id=row.id))
    return row


def reopen_sign_offs(
    session: Session, document: Document, reason: str, language: Language | None = None,
    *, audit: bool = True,
) -> int:
    """Re-open the active sign-offs of a document (one language or all), recording why.

    Each re-opened sign-off gets an audit-log row with no actor (a source amendment, an
    import); callers that know the person write their own row and pass ``audit=False``.
    """
    query = select(SignOff).where(SignOff.document_id == document.id, SignOff.reopened_at.is_(None))
    if language is not None:
        query = query.where(SignOff.language_id == language.id)
    count = 0
    for sign_off in session.scalars(query):
        sign_off.reopened_at = utcnow()
        sign_off.reopened_reason = reason
        count += 1
        if audit:
            code = (language or session.get(Language, sign_off.language_id)).code
            session.add(AuditLog(actor_id=None, action="sign-off-reopened",
                                 target=f"{document.name}/{code}", details={"reason": reason}))
    return count


def _template(project: Project, domain: str) -> tuple[Catalog, dict, str]:
    path = project.document(domain)
    template = extract_document(project, domain, path)
    document = load_document(path, project.reference(path))
    layout = {}
    for seg in document.segments():
        layout.setdefault(seg.key, (seg.block, seg.kind))
    title = next((s.msgid for s in document.segments() if s.kind.startswith("heading")), domain)
    return template, layout, title


def import_source(session: Session, project: Project, domain: str) -> SourceReport:
    """Create or amend the segments of one statement from its Markdown source.

    An unchanged source (same SHA-256) is recognised before it is parsed, so this is cheap
    enough to run on every start and every poll of the background writer.
    """
    report = SourceReport(domain)
    path = project.document(domain)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    document = session.scalar(select(Document).where(Document.name == domain))
    if document is not None and document.source_sha256 == sha:
        report.kept = (
            session.scalar(
                select(func.count(Segment.id)).where(
                    Segment.document_id == document.id, Segment.active.is_(True)
                )
            )
            or 0
        )
        return report
    template, layout, title = _template(project, domain)
    if document is None:
        document = Document(
            name=domain,
            path=project.reference(path),
            title=title,
            source_sha256="",
            source_revision=0,
        )
        session.add(document)
        session.flush()
    report.changed = True
    existing = {
        (s.context, s.msgid): s
        for s in session.scalars(select(Segment).where(Segment.document_id == document.id))
    }
    languages = list(session.scalars(select(Language)))
    seen, added = set(), []
    for position, entry in enumerate(template.entries):
        key = (entry.msgctxt or "", entry.msgid)
        block, kind = layout.get(
            entry.key, (0, entry.auto_comments[0] if entry.auto_comments else "paragraph")
        )
        segment = existing.get(key)
        if segment is None:
            segment = Segment(document_id=document.id, context=key[0], msgid=entry.msgid)
            session.add(segment)
            added.append(segment)
        elif segment.active:
            report.kept += 1
        else:
            added.append(segment)  # revived: treated like a new sentence
        segment.position, segment.block, segment.kind = position, block, kind
        segment.locations, segment.comments = list(entry.locations), list(entry.auto_comments)
        segment.words, segment.active = len(entry.msgid.split()), True
        seen.add(key)
    removed = [s for k, s in existing.items() if k not in seen and s.active]
    for segment in removed:
        segment.active = False
    session.flush()
    report.added, report.removed = len(added), len(removed)
    report.fuzzy = _carry_over(session, added, removed, languages)
    if document.source_revision and (added or removed):
        reopen_sign_offs(
            session,
            document,
            f"source amended: {report.added} new or changed, {report.removed} removed sentences",
        )
    document.source_sha256, document.title = sha, title
    document.source_revision += 1
    document.updated_at = utcnow()
    return report


def _rows_of(session: Session, segment_ids: list[int]) -> dict[tuple[int, int], Translation]:
    """Translations of many segments by (segment id, language id), a few queries in all."""
    rows: dict[tuple[int, int], Translation] = {}
    for start in range(0, len(segment_ids), _CHUNK):
        chunk = segment_ids[start : start + _CHUNK]
        for row in session.scalars(select(Translation).where(Translation.segment_id.in_(chunk))):
            rows[(row.segment_id, row.language_id)] = row
    return rows


def _carry_over(
    session: Session, added: list[Segment], removed: list[Segment], languages: list[Language]
) -> int:
    """Give each new sentence the translations of its closest removed sentence, as drafts.

    Rows are loaded and created in bulk: a first import of a 20,000-sentence statement must
    not cost one query per sentence and language.
    """
    matches: dict[int, Segment] = {}
    if removed:
        choices = [s.msgid for s in removed]
        used: set[int] = set()
        for segment in added:
            best = process.extractOne(
                segment.msgid, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if best is not None and best[2] not in used:
                used.add(best[2])
                matches[segment.id] = removed[best[2]]
    if not added or not languages:
        return 0
    rows = _rows_of(session, [s.id for s in added])
    old_rows = _rows_of(session, sorted({s.id for s in matches.values()}))
    carried: list[tuple[Translation, Segment]] = []
    for segment in added:
        source = matches.get(segment.id)
        for language in languages:
            row = rows.get((segment.id, language.id))
            if row is None:
                row = Translation(
                    segment_id=segment.id,
                    language_id=language.id,
                    text="",
                    state=State.EMPTY.value,
                    revision=0,
                    provenance="human",
                    translator_comments=[],
                )
                session.add(row)
            if source is None or row.text:
                continue
            old = old_rows.get((source.id, language.id))
            if old is None or not old.text:
                continue
            row.text, row.state = old.text, State.DRAFT.value
            row.previous_source, row.provenance = source.msgid, old.provenance
            row.revision = (row.revision or 0) + 1
            carried.append((row, source))
    session.flush()
    for row, source in carried:
        session.add(
            History(
                translation_id=row.id,
                text=row.text,
                state=row.state,
                revision=row.revision,
                action="source-amended",
                note=f"carried over from: {source.msgid}",
            )
        )
    return len(carried)


def import_project(session: Session, project: Project) -> ImportReport:
    """Import every statement, then every language's PO files changed since the last sync
    (see ``app.services.sync``: three-way merge, conflicts become suggestions)."""
    from app.services.sync import import_po_files

    report = ImportReport()
    existing = set(session.scalars(select(Language.code)))
    for code in project.languages():
        if code not in existing:
            ensure_language(session, code)
            report.languages_added.append(code)
    for domain in project.documents():
        report.sources.append(import_source(session, project, domain))
    session.flush()
    import_po_files(session, project, report=report.sync)
    return report
