"""PO files ⇄ database: first import, re-import, disk edits, DB edits, conflicts, broken files,
and the canonical, atomic write-back."""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

import pytest
from conftest import database_url, require_tool
from sqlalchemy import func, select

from app.core.pofile import read_po, write_po
from app.project import Project
from app.services import catalogs
from app.services.importer import import_project
from app.services.sync import export_po, import_po_files, record_change, sync_project, write_back
from app.store.db import Database
from app.store.models import (
    Document,
    History,
    Language,
    Segment,
    SignOff,
    Suggestion,
    SyncState,
    Translation,
)

PO = Path("locales/ug/LC_MESSAGES/statement.po")


def edit_po(path: Path, changes: dict[int, tuple[str, bool]] | None = None,
            comments: dict[int, list[str]] | None = None) -> list[str]:
    """Set entry i's msgstr (and fuzzy flag) in a PO file on disk; returns the msgids."""
    catalog = read_po(path)
    active = catalog.active
    for index, (text, fuzzy) in (changes or {}).items():
        active[index].msgstr = text
        active[index].fuzzy = fuzzy
    for index, lines in (comments or {}).items():
        active[index].comments = lines
    write_po(path, catalog)
    return [e.msgid for e in active]


def msgids(path: Path = PO) -> list[str]:
    return [e.msgid for e in read_po(path).active]


@pytest.fixture
def project(project_dir: Path) -> Project:
    catalogs.init(Project(), ["ug", "tr", "ru"])
    return Project()


@pytest.fixture
def database(project: Project, project_dir: Path):
    db = Database(database_url(project_dir))
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def store(database: Database, project: Project) -> Database:
    """A database with the bundled statement and the (empty) ug/tr/ru catalogues imported."""
    with database.session() as session:
        import_project(session, project)
    return database


def row_for(session, msgid: str, code: str = "ug") -> Translation:
    return session.scalar(select(Translation).join(Segment).join(Language)
                          .where(Segment.msgid == msgid, Language.code == code))


def db_edit(database: Database, msgid: str, text: str, state: str = "translated",
            code: str = "ug") -> None:
    with database.session() as session:
        row = row_for(session, msgid, code)
        assert record_change(session, row, text, state, action="save", user_id=None,
                             provenance="human")


def history_count(session) -> int:
    return session.scalar(select(func.count(History.id)))


# --- import --------------------------------------------------------------------------------


def test_first_import_takes_the_files_text_state_comments_and_previous(
        database: Database, project: Project) -> None:
    ids = edit_po(PO, {0: ("بىرىنچى", False), 1: ("ئىككىنچى", True)},
                  comments={0: ["checked by the team"]})
    catalog = read_po(PO)
    catalog.active[1].previous_msgid = "An older sentence."
    write_po(PO, catalog)
    with database.session() as session:
        report = import_project(session, project).sync
    assert report.imported == 2 and not report.conflicts and not report.errors
    with database.session() as session:
        first, second = row_for(session, ids[0]), row_for(session, ids[1])
        assert (first.text, first.state, first.provenance) == ("بىرىنچى", "translated", "import")
        assert first.translator_comments == ["checked by the team"]
        assert (second.state, second.previous_source) == ("draft", "An older sentence.")
        assert (first.synced_text, first.synced_state) == ("بىرىنچى", "translated")
        assert first.revision == 1
        actions = session.scalars(select(History.action).where(
            History.translation_id == first.id)).all()
        assert actions == ["import"]
        untouched = row_for(session, ids[2])
        assert (untouched.text, untouched.synced_text, untouched.revision) == ("", "", 0)
        assert session.scalar(select(func.count(SyncState.id))) == 3


def test_reimport_is_idempotent(store: Database, project: Project) -> None:
    edit_po(PO, {0: ("بىر", False)})
    with store.session() as session:
        import_project(session, project)
    with store.session() as session:
        before = history_count(session)
        report = import_po_files(session, project)
        assert (report.files_read, report.files_unchanged) == (0, 3)
        forced = import_po_files(session, project, force=True)
        assert forced.files_read == 3 and forced.imported == 0 and not forced.conflicts
        assert history_count(session) == before


def test_disk_only_change_is_imported_and_reopens_the_sign_off(
        store: Database, project: Project) -> None:
    with store.session() as session:
        document = session.scalar(select(Document))
        language = session.scalar(select(Language).where(Language.code == "ug"))
        session.add(SignOff(document_id=document.id, language_id=language.id))
    ids = edit_po(PO, {3: ("دىسكتا تەھرىرلەندى", False)})
    with store.session() as session:
        report = import_po_files(session, project)
    assert report.imported == 1 and report.touched == {("statement", "ug")}
    with store.session() as session:
        row = row_for(session, ids[3])
        assert (row.text, row.revision, row.provenance) == ("دىسكتا تەھرىرلەندى", 1, "import")
        sign_off = session.scalar(select(SignOff))
        assert sign_off.reopened_at is not None and "statement.po" in sign_off.reopened_reason


def test_database_only_change_is_written_back_as_a_few_line_diff(
        store: Database, project: Project) -> None:
    ids = msgids()
    before = PO.read_text(encoding="utf-8")
    db_edit(store, ids[5], "ساندان يېزىلدى")
    with store.session() as session:
        written = write_back(session, project)
    assert written == [PO]
    after = PO.read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    # The msgstr, and PO-Revision-Date unless the file was made in the same minute.
    assert len(diff) in (2, 4), diff
    assert '+msgstr "ساندان يېزىلدى"' in diff
    assert all("PO-Revision-Date" in line for line in diff if "msgstr" not in line)
    header = read_po(PO).header
    assert header["Last-Translator"] == "Terjime volunteers"
    with store.session() as session:
        row = row_for(session, ids[5])
        assert (row.synced_text, row.synced_state) == ("ساندان يېزىلدى", "translated")
        # Imported again: our own write is not news.
        report = import_po_files(session, project)
        assert report.files_read == 0


def test_unchanged_write_back_gives_zero_diff(store: Database, project: Project) -> None:
    db_edit(store, msgids()[0], "بىر")
    with store.session() as session:
        write_back(session, project)
    files = sorted(Path("locales").rglob("*.po"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    with store.session() as session:
        assert write_back(session, project) == []
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == before


def test_both_changed_keeps_the_database_text_and_suggests_the_files(
        store: Database, project: Project) -> None:
    ids = msgids()
    db_edit(store, ids[2], "ساندان")
    edit_po(PO, {2: ("دىسكتىن", False)})
    with store.session() as session:
        report = sync_project(session, project).sync
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert (conflict.document, conflict.language, conflict.msgid) == ("statement", "ug", ids[2])
    assert (conflict.database_text, conflict.file_text) == ("ساندان", "دىسكتىن")
    assert "kept the database's text" in str(conflict)
    with store.session() as session:
        row = row_for(session, ids[2])
        assert row.text == "ساندان"
        suggestion = session.scalar(select(Suggestion))
        assert (suggestion.text, suggestion.origin, suggestion.status) == ("دىسكتىن", "file",
                                                                         "open")
    assert read_po(PO).active[2].msgstr == "ساندان"  # the file got the database's text
    with store.session() as session:  # and nothing more happens on the next sync
        again = sync_project(session, project).sync
        assert not again.conflicts and again.written == []
        assert session.scalar(select(func.count(Suggestion.id))) == 1


def test_both_sides_making_the_same_edit_is_no_conflict(store: Database,
                                                       project: Project) -> None:
    ids = msgids()
    db_edit(store, ids[1], "ئوخشاش")
    edit_po(PO, {1: ("ئوخشاش", False)})
    with store.session() as session:
        report = import_po_files(session, project)
        assert not report.conflicts and report.imported == 0
        assert session.scalar(select(func.count(Suggestion.id))) == 0


@pytest.mark.parametrize("damage, message", [
    (lambda text: text.replace('msgstr ""\n\n#', 'msgstr ""\nnonsense\n\n#', 1), "syntax"),
    (lambda text: text + '\nmsgid "broken\n', "unterminated"),
])
def test_a_broken_po_is_reported_with_its_line_and_changes_nothing(
        store: Database, project: Project, damage, message: str) -> None:
    ids = msgids()
    edit_po(PO, {0: ("يېڭى", False)})
    PO.write_text(damage(PO.read_text(encoding="utf-8")), encoding="utf-8")
    broken = PO.read_bytes()
    db_edit(store, ids[4], "ساندان")
    with store.session() as session:
        report = sync_project(session, project).sync
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.startswith(f"{PO}:") and error.split(":")[1].isdigit(), error
    assert "\n" not in error
    assert PO.read_bytes() == broken  # never overwritten while broken
    with store.session() as session:
        assert row_for(session, ids[0]).text == ""
        assert row_for(session, ids[4]).text == "ساندان"


def test_a_po_with_bytes_invalid_for_its_charset_is_reported(store: Database,
                                                            project: Project) -> None:
    PO.write_bytes(PO.read_bytes().replace(b'msgstr ""\n\n#', b'msgstr "\xff\xfe"\n\n#', 1))
    with store.session() as session:
        report = import_po_files(session, project)
    assert len(report.errors) == 1 and "invalid byte" in report.errors[0]
    assert report.errors[0].startswith(f"{PO}:")


def test_a_po_for_another_language_is_refused(store: Database, project: Project) -> None:
    text = PO.read_text(encoding="utf-8").replace('"Language: ug\\n"', '"Language: tr\\n"')
    PO.write_text(text.replace('msgstr ""\n\n#', 'msgstr "x"\n\n#', 1), encoding="utf-8")
    with store.session() as session:
        report = import_po_files(session, project)
        assert report.imported == 0 and "Language header says 'tr'" in report.errors[0]


def test_write_back_is_msgcat_canonical_and_msgfmt_clean(store: Database,
                                                       project: Project) -> None:
    msgcat, msgfmt = require_tool("msgcat"), require_tool("msgfmt")
    ids = msgids()
    db_edit(store, ids[0], 'Quote "this" and a\ttab')
    db_edit(store, ids[1], "ئىككى قۇر\nبىر", state="draft")
    with store.session() as session:
        row = row_for(session, ids[1])
        row.previous_source = "An older sentence."
        write_back(session, project)
    canonical = subprocess.run([msgcat, "--no-wrap", str(PO)], capture_output=True,
                               check=True).stdout
    assert canonical == PO.read_bytes()
    subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(PO)], check=True)
    entry = read_po(PO).active[1]
    assert entry.fuzzy and entry.previous_msgid == "An older sentence."


def test_write_back_is_atomic_and_leaves_no_temp_files(store: Database,
                                                      project: Project) -> None:
    for index, msgid in enumerate(msgids()[:5]):
        db_edit(store, msgid, f"تەرجىمە {index}")
    with store.session() as session:
        write_back(session, project)
    leftovers = [p for p in Path("locales").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_removed_sentences_and_unknown_entries_become_obsolete(store: Database,
                                                             project: Project) -> None:
    ids = msgids()
    db_edit(store, ids[-1], "ئاخىرقى")
    catalog = read_po(PO)
    extra = type(catalog.active[0])(msgid="A sentence no source has.", msgstr="يات")
    catalog.entries.append(extra)
    write_po(PO, catalog)
    source = Path("source/statement.md")
    text = source.read_text(encoding="utf-8")
    assert ids[-1] in text
    source.write_text(text.replace(ids[-1], ""), encoding="utf-8")
    with store.session() as session:
        result = sync_project(session, project)
    assert result.amended == ["statement"]
    written = read_po(PO)
    obsolete = {e.msgid: e.msgstr for e in written.obsolete}
    assert obsolete.get(ids[-1]) == "ئاخىرقى"
    assert obsolete.get("A sentence no source has.") == "يات"
    assert ids[-1] not in [e.msgid for e in written.active]


def test_export_po_follows_the_template_and_keeps_the_header(store: Database,
                                                           project: Project) -> None:
    with store.session() as session:
        document = session.scalar(select(Document))
        language = session.scalar(select(Language).where(Language.code == "tr"))
        catalog = export_po(session, project, document, language)
    on_disk = read_po(Path("locales/tr/LC_MESSAGES/statement.po"))
    assert [e.key for e in catalog.active] == [e.key for e in on_disk.active]
    assert catalog.header == on_disk.header


def test_a_language_added_in_the_database_gets_its_file(store: Database,
                                                      project: Project) -> None:
    from app.services.importer import ensure_language

    with store.session() as session:
        ensure_language(session, "fa")
    with store.session() as session:
        write_back(session, project, language="fa")
    path = Path("locales/fa/LC_MESSAGES/statement.po")
    catalog = read_po(path)
    assert catalog.header["Language"] == "fa"
    assert catalog.header["Last-Translator"] == "Terjime volunteers"
    assert len(catalog.active) == len(msgids())


def test_terjime_sync_command_reports_conflicts_and_exits_0(project: Project, project_dir: Path,
                                                           monkeypatch) -> None:
    from click.testing import CliRunner

    from app.cli import main

    url = database_url(project_dir)
    monkeypatch.setenv("TERJIME_DATABASE_URL", url)
    monkeypatch.setenv("TERJIME_INSTANCE", str(project_dir / "instance"))
    runner = CliRunner()
    first = runner.invoke(main, ["sync"])
    assert first.exit_code == 0, first.output
    assert "source statement:" in first.output and "wrote 0 files" in first.output
    ids = msgids()
    database = Database(url)
    try:
        db_edit(database, ids[0], "ساندان")
    finally:
        database.dispose()
    edit_po(PO, {0: ("دىسكا", False)})
    second = runner.invoke(main, ["sync"])
    assert second.exit_code == 0, second.output
    assert "1 conflicts" in second.output
    assert "conflict in statement [ug]" in second.output and "دىسكا" in second.output
    assert f"written: {PO}" in second.output
    assert read_po(PO).active[0].msgstr == "ساندان"


def test_a_file_edited_during_the_write_back_is_not_clobbered(store: Database, project: Project,
                                                             monkeypatch) -> None:
    from app.services import sync

    ids = msgids()
    db_edit(store, ids[0], "ساندان")
    real = sync.build_catalog

    def edit_meanwhile(*args, **kwargs):  # someone saves in Poedit after our import
        result = real(*args, **kwargs)
        edit_po(PO, {1: ("Poedit", False)})
        return result

    monkeypatch.setattr(sync, "build_catalog", edit_meanwhile)
    with store.session() as session:
        report = sync.SyncReport()
        assert write_back(session, project, "statement", "ug", report) == []
    assert report.deferred == [PO]
    assert read_po(PO).active[1].msgstr == "Poedit"
    monkeypatch.setattr(sync, "build_catalog", real)
    with store.session() as session:  # the next sync imports it, then writes both
        assert write_back(session, project, "statement", "ug") == [PO]
    assert [e.msgstr for e in read_po(PO).active[:2]] == ["ساندان", "Poedit"]
