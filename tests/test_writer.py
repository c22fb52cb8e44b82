"""The background PO writer: debounced, bounded under continuous edits, polls the disk,
survives errors, one writer at a time, flushes on stop."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import database_url
from flask import Flask

from app.core.pofile import read_po, write_po
from app.project import Project
from app.services import catalogs, writer
from app.services.importer import import_project
from app.services.sync import record_change
from app.services.writer import PoWriter
from app.store.db import Database
from app.store.models import Translation

PO = Path("locales/ug/LC_MESSAGES/statement.po")


@pytest.fixture
def store(project_dir: Path):
    catalogs.init(Project(), ["ug", "tr"])
    database = Database(database_url(project_dir))
    database.upgrade()
    with database.session() as session:
        import_project(session, Project())
    yield database
    database.dispose()


@pytest.fixture
def make_writer(store: Database, project_dir: Path):
    made: list[PoWriter] = []

    def factory(delay: float = 0.05, poll_interval: float = 60.0) -> PoWriter:
        instance = PoWriter(store, Project(), project_dir / "instance" / "writeback.lock",
                            delay=delay, poll_interval=poll_interval)
        made.append(instance)
        return instance

    yield factory
    for instance in made:
        instance.stop(flush=False)


def edit(store: Database, index: int, text: str) -> str:
    """Save a translation of the index-th entry in the database; returns its msgid."""
    msgid = read_po(PO).active[index].msgid
    from sqlalchemy import select

    from app.store.models import Language, Segment

    with store.session() as session:
        row = session.scalar(select(Translation).join(Segment).join(Language)
                             .where(Segment.msgid == msgid, Language.code == "ug"))
        assert record_change(session, row, text, "translated", action="save", user_id=None,
                             provenance="human")
    return msgid


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def on_disk(index: int) -> str:
    return read_po(PO).active[index].msgstr


def test_edits_are_debounced_into_one_write_within_seconds(store, make_writer) -> None:
    po_writer = make_writer(delay=0.3)
    po_writer.start()
    for index in range(5):
        edit(store, index, f"تەرجىمە {index}")
        po_writer.notify("statement", "ug")
        time.sleep(0.01)
    time.sleep(0.05)
    assert on_disk(4) == ""  # still waiting for a quiet moment
    assert wait_for(lambda: po_writer.writes >= 1)
    time.sleep(0.4)  # nothing more is pending: no second write
    assert po_writer.writes == 1
    assert [on_disk(i) for i in range(5)] == [f"تەرجىمە {i}" for i in range(5)]


def test_continuous_edits_still_reach_the_file(store, make_writer) -> None:
    po_writer = make_writer(delay=0.25)
    po_writer.start()
    edit(store, 0, "بىرىنچى")
    start = time.monotonic()
    written_at = None
    while written_at is None and time.monotonic() - start < 3.0:
        po_writer.notify("statement", "ug")  # every 50 ms: never a quiet 250 ms
        if on_disk(0) == "بىرىنچى":
            written_at = time.monotonic() - start
        time.sleep(0.05)
    # Due after 3 × 0.25 s at the latest (plus the write and a loaded CI machine).
    assert written_at is not None and written_at < 2.0, written_at


def test_the_poll_imports_a_file_edited_on_disk(store, make_writer) -> None:
    po_writer = make_writer(poll_interval=0.1)
    po_writer.start()
    catalog = read_po(PO)
    catalog.active[2].msgstr = "Poedit ئارقىلىق"
    write_po(PO, catalog)
    msgid = catalog.active[2].msgid
    from sqlalchemy import select

    from app.store.models import Segment

    def imported() -> bool:
        with store.session() as session:
            texts = session.scalars(select(Translation.text).join(Segment)
                                    .where(Segment.msgid == msgid)).all()
        return "Poedit ئارقىلىق" in texts

    assert wait_for(imported)


def test_errors_are_logged_and_retried_without_killing_the_thread(
        store, make_writer, monkeypatch, caplog) -> None:
    real = writer.write_back
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "write_back", flaky)
    po_writer = make_writer(delay=0.05)
    po_writer.start()
    edit(store, 0, "قايتا")
    po_writer.notify("statement", "ug")
    assert wait_for(lambda: on_disk(0) == "قايتا")
    assert po_writer.running
    assert any("disk full" in record.getMessage() or (record.exc_info and "disk full" in
               str(record.exc_info[1])) for record in caplog.records)


def test_stop_flushes_pending_edits(store, make_writer) -> None:
    po_writer = make_writer(delay=30.0)
    po_writer.start()
    edit(store, 1, "توختاشتىن بۇرۇن")
    po_writer.notify("statement", "ug")
    po_writer.stop()
    assert not po_writer.running
    assert on_disk(1) == "توختاشتىن بۇرۇن"


def test_one_writer_at_a_time_across_processes(store, make_writer, project_dir) -> None:
    lock = project_dir / "instance" / "writeback.lock"
    lock.parent.mkdir(exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time\n"
         f"f = open({str(lock)!r}, 'a+b')\n"
         "fcntl.flock(f, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\n"
         "time.sleep(1.0)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        po_writer = make_writer(delay=0.01)
        po_writer.start()
        edit(store, 0, "نۆۋەت")
        po_writer.notify("statement", "ug")
        time.sleep(0.5)
        assert on_disk(0) == ""  # the other process holds the lock
        assert wait_for(lambda: on_disk(0) == "نۆۋەت")
    finally:
        holder.wait(10)
        holder.stdout.close()


def test_init_app_registers_the_writer_only_when_enabled(store, project_dir) -> None:
    config = {"SOURCE_DIR": "source", "LOCALES_DIR": "locales", "SYNC_DELAY": 0.5,
              "INSTANCE_PATH": str(project_dir / "instance")}
    disabled = Flask(__name__)
    disabled.config.update(config, SYNC_ENABLED=False)
    disabled.extensions["terjime.db"] = store
    assert writer.init_app(disabled) is None
    assert "terjime.writer" not in disabled.extensions
    enabled = Flask(__name__)
    enabled.config.update(config, SYNC_ENABLED=True)
    enabled.extensions["terjime.db"] = store
    po_writer = writer.init_app(enabled)
    assert enabled.extensions["terjime.writer"] is po_writer
    assert po_writer.delay == 0.5 and not po_writer.running  # starts on demand
    po_writer.stop(flush=False)
