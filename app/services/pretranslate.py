"""Bulk pretranslation: fill the empty segments of a language with drafts, never anything else.

Exact (100 %) translation-memory matches come first, then — only if asked for and switched on
for the language — a machine engine, in chunks. Each draft is written with the same guarded
``UPDATE … WHERE revision = :base`` as a save, and only while the segment is still empty, so
a volunteer saving during the job always wins. A failing engine stops nothing: the other
segments are filled and the failures counted and described. Unlike the request-path services
this one commits, chunk by chunk: progress is visible to the web UI and a crash loses nothing
already done. Write-back to ``locales/`` is the caller's (web: ``notify_saved``; CLI:
:func:`app.services.sync.write_back`).

:func:`start_job` and :func:`run_job` run the same thing in the background for the web UI,
with a :class:`~app.store.models.Job` row as the progress record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.states import State
from app.mt import EngineDisabled, MTError, UnknownEngine, get_engine
from app.services import machine
from app.services.memory import exact_matches
from app.services.provenance import MEMORY, Draft, draft_values, engine_label, engine_origin
from app.services.translations import ValidationError, clean_text
from app.store.models import Document, History, Job, Language, Segment, Translation, User, utcnow

log = logging.getLogger("terjime.pretranslate")

#: Segments per engine request and per commit.
CHUNK = 25
#: Error messages kept in a report (the count is always exact).
MAX_ERRORS = 10
KIND = "pretranslate"
RUNNING = ("queued", "running")

Progress = Callable[[int, int], None]


class PretranslateError(ValueError):
    """Nothing could be done (unknown language or engine, engine switched off…); nothing sent.
    A ValueError, so the CLI reports it as one ``terjime: error:`` line (exit 1)."""


@dataclass
class PretranslateReport:
    """What a run did. ``total`` = empty segments found = from_memory + from_engine + failed +
    skipped (no exact memory match and no engine, or someone saved the segment meanwhile)."""

    total: int = 0
    from_memory: int = 0
    from_engine: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)
    #: The engine as this server has it configured ("LibreTranslate (self-hosted)").
    engine_label: str = ""

    @property
    def done(self) -> int:
        return self.from_memory + self.from_engine + self.failed + self.skipped

    @property
    def filled(self) -> int:
        return self.from_memory + self.from_engine

    def fail(self, count: int, message: str) -> None:
        self.failed += count
        if message and message not in self.errors and len(self.errors) < MAX_ERRORS:
            self.errors.append(message)


@dataclass
class _Empty:
    """An empty segment as found: its translation row and the revision it had then."""

    translation_id: int
    revision: int
    source: str
    document: str


# --- checks made before anything is sent -----------------------------------------------------


def language_named(session: Session, code: str) -> Language:
    language = session.scalar(select(Language).where(Language.code == code))
    if language is None:
        known = ", ".join(session.scalars(select(Language.code).order_by(Language.code)))
        raise PretranslateError(f"unknown language {code!r} (known: {known or 'none yet'})")
    return language


def _documents(session: Session, name: str | None) -> list[Document]:
    query = select(Document).order_by(Document.name)
    if name is not None:
        query = query.where(Document.name == name)
    found = list(session.scalars(query))
    if name is not None and not found:
        raise PretranslateError(f"unknown document {name!r}")
    return found


def check_engine(session: Session, config: dict, engine: str, code: str) -> str:
    """Refuse, before any text leaves the server, an engine that is unknown, switched off
    for the language, not configured, or unable to serve the language; returns its label."""
    try:
        backend = get_engine(engine, config)
    except UnknownEngine as error:
        raise PretranslateError(str(error)) from error
    label = backend.label or engine_label(engine)
    if not machine.engine_enabled(session, engine, code):
        raise PretranslateError(
            f"{label} is not enabled for {code}, so no text was sent; an admin can enable it "
            f"(terjime mt enable {engine} --lang {code})")
    missing = backend.missing_settings()
    if missing:
        raise PretranslateError(f"{label} is not set up on this server: set "
                                f"{' and '.join(missing)}")
    if not backend.supports(code):
        raise PretranslateError(f"{label} does not translate into {code}")
    return label


# --- the run ---------------------------------------------------------------------------------


def pretranslate(session: Session, config: dict, project: Any, language_code: str, *,
                 engine: str | None = None, document: str | None = None,
                 user: User | None = None, progress: Progress | None = None,
                 report: PretranslateReport | None = None) -> PretranslateReport:
    """Fill the empty segments of ``language_code`` (of one document, or all) with drafts.

    ``progress(done, total)`` is called after every chunk, just before its commit; ``report``
    may be passed in to watch the counts grow. ``project`` is accepted for symmetry with the
    other use cases; the write-back to ``locales/`` is the caller's.
    """
    del project  # the caller writes back
    engine = engine.strip().lower() if engine and engine.strip() else None
    report = report if report is not None else PretranslateReport()
    language = language_named(session, language_code)
    documents = _documents(session, document)
    if engine:
        report.engine_label = check_engine(session, config, engine, language.code)
    pending = _empty_segments(session, documents, language)
    session.commit()
    report.total = len(pending)
    _step(session, report, progress)
    left = _from_memory(session, language, pending, user, report, progress)
    if not engine:
        report.skipped += len(left)
    else:
        _from_engine(session, config, engine, language, left, user, report, progress)
    _step(session, report, progress)
    return report


def _step(session: Session, report: PretranslateReport, progress: Progress | None) -> None:
    if progress is not None:
        progress(report.done, report.total)
    session.commit()


def _chunks(items: list[_Empty]) -> Iterator[list[_Empty]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _empty_segments(session: Session, documents: Iterable[Document], language: Language
                    ) -> list[_Empty]:
    """Empty segments (state empty, no text) in document order; missing rows are created."""
    by_id = {doc.id: doc.name for doc in documents}
    if not by_id:
        return []
    query = (select(Segment, Translation)
             .outerjoin(Translation, and_(Translation.segment_id == Segment.id,
                                          Translation.language_id == language.id))
             .where(Segment.document_id.in_(by_id), Segment.active.is_(True))
             .order_by(Segment.document_id, Segment.position))
    found = []
    for segment, row in session.execute(query).all():
        if row is None:
            row = Translation(segment_id=segment.id, language_id=language.id, text="",
                              state=State.EMPTY.value, revision=0)
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # a volunteer's first save made it this very moment
                continue
        if row.state == State.EMPTY.value and not row.text and segment.msgid.strip():
            found.append(_Empty(row.id, row.revision, segment.msgid, by_id[segment.document_id]))
    return found


def _from_memory(session: Session, language: Language, pending: list[_Empty],
                 user: User | None, report: PretranslateReport,
                 progress: Progress | None) -> list[_Empty]:
    """Exact memory matches first; returns the segments still to do."""
    left: list[_Empty] = []
    for chunk in _chunks(pending):
        matches = exact_matches(session, language.code, [item.source for item in chunk])
        for item in chunk:
            match = matches.get(item.source)
            if match is None or not match.target:
                left.append(item)
            elif _write_draft(session, item, Draft(match.target, MEMORY), user,
                              "exact translation-memory match"):
                report.from_memory += 1
                report.documents.add(item.document)
            else:
                report.skipped += 1
        _step(session, report, progress)
    return left


def _from_engine(session: Session, config: dict, engine: str, language: Language,
                 pending: list[_Empty], user: User | None, report: PretranslateReport,
                 progress: Progress | None) -> None:
    """The engine, chunk by chunk; failures are counted, never fatal (except the switch)."""
    label, origin = report.engine_label or engine_label(engine), engine_origin(engine)
    chunks = list(_chunks(pending))
    for index, chunk in enumerate(chunks):
        texts = list(dict.fromkeys(item.source for item in chunk))
        try:
            results = dict(zip(texts, machine.translate_batch(session, config, engine, texts,
                                                              language.code), strict=True))
        except EngineDisabled as error:  # switched off during the job: stop sending at once
            rest = sum(len(c) for c in chunks[index:])
            report.fail(rest, f"{label} was switched off for {language.code}: {error}")
            break
        except MTError as error:
            report.fail(len(chunk), f"{label}: {error}")
            _step(session, report, progress)
            continue
        for item in chunk:
            result = results[item.source]
            if isinstance(result, Exception):
                report.fail(1, f"{label}: {result}")
                continue
            try:
                text = clean_text(result or "", what="machine translation")
            except ValidationError as error:
                report.fail(1, f"{label}: {error}")
                continue
            if not text.strip():
                report.fail(1, f"{label} returned an empty translation")
            elif _write_draft(session, item, Draft(text, origin), user, f"from {label}"):
                report.from_engine += 1
                report.documents.add(item.document)
            else:
                report.skipped += 1
        _step(session, report, progress)


def _write_draft(session: Session, item: _Empty, draft: Draft, user: User | None,
                 note: str) -> bool:
    """Write a draft iff the segment is still empty at the revision we saw; False otherwise."""
    now = utcnow()
    table = Translation.__table__
    result = session.execute(
        update(table)
        .where(table.c.id == item.translation_id, table.c.revision == item.revision,
               table.c.state == State.EMPTY.value, table.c.text == "")
        .values(revision=item.revision + 1, updated_at=now, state=State.DRAFT.value,
                author_id=None, previous_source=None, **draft_values(draft, now)))
    if result.rowcount != 1:
        return False
    session.execute(insert(History.__table__), {
        "translation_id": item.translation_id, "text": draft.text, "state": State.DRAFT.value,
        "revision": item.revision + 1, "action": KIND, "user_id": user.id if user else None,
        "note": note, "created_at": now})
    return True


# --- background jobs (web UI) ----------------------------------------------------------------


def running_job(session: Session, language: Language, alive: Callable[[int], bool]) -> Job | None:
    """The job still running for this language; jobs whose thread is gone (a server restart)
    are marked failed on the way — what they did is kept."""
    for job in session.scalars(select(Job).where(Job.language_id == language.id, Job.kind == KIND,
                                                 Job.status.in_(RUNNING))):
        if alive(job.id):
            return job
        job.status = "failed"
        job.errors = [*job.errors, "interrupted (the server stopped); what was done is kept"]
        job.finished_at = utcnow()
    return None


def start_job(session: Session, config: dict, language: Language, document: Document | None,
              engine: str | None, user: User, alive: Callable[[int], bool]) -> Job:
    """A queued job after the same checks as a run (the caller commits, then runs it)."""
    if engine:
        check_engine(session, config, engine, language.code)
    running = running_job(session, language, alive)
    if running is not None:
        raise PretranslateError(f"a pretranslation of {language.code} is already running "
                                f"(job {running.id}); wait for it to finish")
    job = Job(kind=KIND, document_id=document.id if document else None, language_id=language.id,
              engine=engine or None, status="queued", created_by=user.id, errors=[])
    session.add(job)
    session.flush()
    return job


def run_job(database: Any, config: dict, job_id: int,
            on_done: Callable[[set[str], str], None] | None = None) -> None:
    """Run a queued job with its own session (a background thread); never raises."""
    with database.session() as session:
        job = session.get(Job, job_id)
        language = session.get(Language, job.language_id)
        document = session.get(Document, job.document_id) if job.document_id else None
        user = session.get(User, job.created_by) if job.created_by else None
        job.status = "running"
        session.commit()
        report = PretranslateReport()

        def progress(done: int, total: int) -> None:
            job.total, job.processed = total, done
            job.from_memory, job.from_engine = report.from_memory, report.from_engine
            job.failed, job.errors = report.failed, list(report.errors)

        try:
            pretranslate(session, config, None, language.code, engine=job.engine,
                         document=document.name if document else None, user=user,
                         progress=progress, report=report)
            job.status = "done"
        except Exception as error:  # noqa: BLE001 - the job records it; the thread must end well
            session.rollback()
            if not isinstance(error, PretranslateError):
                log.exception("pretranslation job %s failed", job_id)
            job.status = "failed"
            job.errors = [*report.errors, str(error) or type(error).__name__][:MAX_ERRORS + 1]
        job.finished_at = utcnow()
        session.commit()
    if on_done is not None and report.documents:
        on_done(report.documents, language.code)
