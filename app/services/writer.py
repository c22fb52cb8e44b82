"""The background PO writer: edits reach ``locales/`` within seconds, never in the request path.

Rewriting a 20,000-entry PO file costs about a second; a save costs a millisecond. So a save
only calls :meth:`PoWriter.notify`, and one daemon thread writes the dirty catalogues once the
edits pause for ``delay`` seconds (but at the latest after ``3 × delay`` under continuous
editing), with its own database session. Across processes (a second server, ``terjime sync``)
one writer at a time is guaranteed by ``flock`` on ``instance/writeback.lock``.

The same thread polls ``source/`` and ``locales/`` every few seconds: a statement amended or a
PO file edited outside the app (Poedit, ``git pull``) is imported — conflicts become
suggestions and are logged — and the affected catalogues are written back. Errors are logged
and retried; they never stop the thread.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.project import Project
from app.services.sync import SyncReport, write_back
from app.store.db import Database

try:  # POSIX; elsewhere the in-process lock is all we have
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("terjime.sync")

#: Seconds between two looks at the files on disk.
DEFAULT_POLL_INTERVAL = 3.0
#: Under continuous edits a catalogue still waits at most this many delays.
MAX_WAIT_FACTOR = 3.0
#: A failed write is retried after this many delays.
RETRY_FACTOR = 5.0

_process_lock = threading.Lock()


@contextlib.contextmanager
def writeback_lock(path: Path) -> Iterator[None]:
    """Exclusive across threads and processes: only one writer touches ``locales/`` at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _process_lock, open(path, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def log_report(report: SyncReport) -> None:
    """Conflicts and unreadable files are worth a warning; writes are routine."""
    for conflict in report.conflicts:
        log.warning("%s", conflict)
    for error in report.errors:
        log.warning("%s", error)
    for path in report.written:
        log.info("written: %s", path)


class PoWriter:
    """Debounced, single-threaded write-back of dirty catalogues plus a poll of the disk."""

    def __init__(self, database: Database, project: Project, lock_path: Path, *,
                 delay: float = 2.0, poll_interval: float = DEFAULT_POLL_INTERVAL) -> None:
        self.database = database
        # Absolute: the thread (and its flush at exit) must not depend on the working folder.
        self.project = Project(project.source_dir.absolute(), project.locales_dir.absolute())
        self.lock_path = lock_path
        self.delay = max(0.0, delay)
        self.poll_interval = poll_interval
        self._condition = threading.Condition()
        self._dirty: set[tuple[str, str]] = set()
        self._first_dirty = 0.0
        self._last_notify = 0.0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._seen: dict[Path, tuple[int, int]] = {}
        self.writes = 0  # catalogues written so far (tests, diagnostics)

    # --- the request side: cheap and non-blocking ---

    def notify(self, document: str, language: str) -> None:
        """Mark a catalogue as having unsaved edits; returns at once."""
        now = time.monotonic()
        with self._condition:
            if not self._dirty:
                self._first_dirty = now
            self._dirty.add((document, language))
            self._last_notify = now
            self._condition.notify()
        self.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (idempotent); it is stopped, flushing, at interpreter exit."""
        with self._condition:
            if self.running or self._stopping:
                return
            self._thread = threading.Thread(target=self._run, name="terjime-po-writer",
                                            daemon=True)
            self._thread.start()
        atexit.register(self.stop)

    def stop(self, timeout: float = 30.0, flush: bool = True) -> None:
        """Stop the thread and write what is still pending (or, ``flush=False``, drop it)."""
        atexit.unregister(self.stop)
        with self._condition:
            self._stopping = True
            if not flush:
                self._dirty.clear()
            self._condition.notify()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        if flush:
            self.flush()

    def flush(self) -> None:
        """Write every dirty catalogue now, in the calling thread."""
        with self._condition:
            pending, self._dirty = self._dirty, set()
        if pending:
            self._write(pending)

    # --- the thread ---

    def _due(self, now: float) -> float | None:
        """Seconds until the dirty set is due (0 = now), or None when nothing is dirty."""
        if not self._dirty:
            return None
        quiet = self._last_notify + self.delay
        latest = self._first_dirty + MAX_WAIT_FACTOR * self.delay
        return max(0.0, min(quiet, latest) - now)

    def _run(self) -> None:
        next_poll = time.monotonic() + self.poll_interval
        while True:
            with self._condition:
                if self._stopping:
                    return
                now = time.monotonic()
                due = self._due(now)
                timeout = max(0.0, next_poll - now)
                if due is not None:
                    timeout = min(timeout, due)
                if timeout > 0:
                    self._condition.wait(timeout)
                if self._stopping:
                    return
                now = time.monotonic()
                due = self._due(now)
                pending: set[tuple[str, str]] = set()
                if due == 0.0:
                    pending, self._dirty = self._dirty, set()
            if pending:
                self._write(pending)
            if time.monotonic() >= next_poll:
                self._poll()
                next_poll = time.monotonic() + self.poll_interval

    def _write(self, pending: set[tuple[str, str]]) -> None:
        done: set[tuple[str, str]] = set()
        with self._guard("writing PO files"), writeback_lock(self.lock_path):
            for document, language in sorted(pending):
                report = SyncReport()
                try:
                    with self.database.session() as session:
                        write_back(session, self.project, document, language, report)
                except Exception:
                    log.exception("could not write %s [%s]; will retry", document, language)
                    continue
                log_report(report)
                if report.deferred:  # edited on disk meanwhile: the poll imports it first
                    continue
                done.add((document, language))
                self.writes += 1
        failed = pending - done
        if failed:  # retry later (not in a tight loop), keeping newer notifications
            with self._condition:
                retry = time.monotonic() + RETRY_FACTOR * max(self.delay, 0.2) - self.delay
                if not self._dirty:
                    self._first_dirty = retry
                self._last_notify = max(self._last_notify, retry)
                self._dirty |= failed

    def _changed_on_disk(self) -> bool:
        """Cheap check (mtime and size) for new, changed or removed source or PO files."""
        paths: list[Path] = []
        if self.project.source_dir.is_dir():
            paths += self.project.source_dir.rglob("*.md")
        if self.project.locales_dir.is_dir():
            paths += self.project.locales_dir.glob("*/LC_MESSAGES/*.po")
        seen: dict[Path, tuple[int, int]] = {}
        for path in paths:
            with contextlib.suppress(OSError):
                info = path.stat()
                seen[path] = (info.st_mtime_ns, info.st_size)
        changed = seen != self._seen
        self._seen = seen
        return changed

    def _poll(self) -> None:
        """Import what changed on disk and write the affected catalogues back at once."""
        from app.services.importer import import_project

        with self._guard("importing changes from disk"):
            if not self._changed_on_disk():
                return
            self._seen = {}  # until this import succeeds: retried on the next poll
            with writeback_lock(self.lock_path), self.database.session() as session:
                result = import_project(session, self.project)
                report = result.sync
                amended = set(result.amended)
                for document in sorted(amended):  # new segments reach every language
                    write_back(session, self.project, document, None, report)
                for document, language in sorted(report.touched):
                    if document not in amended:  # conflicts: the file gets the DB's text
                        write_back(session, self.project, document, language, report)
            log_report(report)
            if not report.deferred:
                self._changed_on_disk()  # our own writes are not news

    @contextlib.contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except Exception:
            log.exception("background sync failed while %s", what)


def init_app(app: Any) -> PoWriter | None:
    """Register the writer as ``app.extensions["terjime.writer"]`` when ``SYNC_ENABLED``.

    It starts on the first request or save (or explicitly, as ``terjime serve`` does), so
    CLI commands that build the app never spawn it.
    """
    config = app.config
    if not config.get("SYNC_ENABLED"):
        return None
    writer = PoWriter(
        app.extensions["terjime.db"],
        Project(Path(config["SOURCE_DIR"]), Path(config["LOCALES_DIR"])),
        Path(config["INSTANCE_PATH"]) / "writeback.lock",
        delay=float(config.get("SYNC_DELAY", 2.0)),
        poll_interval=float(config.get("SYNC_POLL_INTERVAL", DEFAULT_POLL_INTERVAL)),
    )
    app.extensions["terjime.writer"] = writer
    app.before_request(writer.start)
    return writer
