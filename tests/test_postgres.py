"""The store on PostgreSQL (psycopg 3), even when the suite itself runs on SQLite.

``bash scripts/test.sh`` runs the whole suite a second time on PostgreSQL (it sets
TERJIME_TEST_DATABASE_URL); these tests then use that server. Run alone (``pytest``), they
start a throwaway server on loopback with ``scripts/pg.sh`` for this module. Skipped on a
laptop without PostgreSQL; a failure when ``CI=true``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, forget_postgres_server
from sqlalchemy import select, text

from app.cli import main
from app.core.pofile import read_po, write_po
from app.project import Project
from app.services import catalogs
from app.services.importer import import_project
from app.services.sync import record_change, sync_project, write_back
from app.store.db import Database
from app.store.models import Language, Segment, Suggestion, Translation

pytestmark = pytest.mark.system

PG_SH = ROOT / "scripts" / "pg.sh"
NOT_INSTALLED = 3  # scripts/pg.sh's exit status when there is no PostgreSQL


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """The suite's PostgreSQL server, else a throwaway one for this module."""
    if os.environ.get("TERJIME_TEST_DATABASE_URL"):
        yield os.environ["TERJIME_TEST_DATABASE_URL"]
        return
    folder = Path(tempfile.mkdtemp(prefix="terjime-pg-"))
    started = subprocess.run(["bash", str(PG_SH), "start", str(folder)], capture_output=True,
                             text=True)
    if started.returncode == NOT_INSTALLED and os.environ.get("CI") != "true":
        folder.rmdir()
        pytest.skip(started.stderr.strip())
    if started.returncode != 0:
        subprocess.run(["bash", str(PG_SH), "stop", str(folder)], capture_output=True)
        pytest.fail(f"PostgreSQL did not start:\n{started.stderr}")
    url = started.stdout.strip()
    try:
        yield url
    finally:
        forget_postgres_server(url)
        subprocess.run(["bash", str(PG_SH), "stop", str(folder)], capture_output=True)


@pytest.fixture(autouse=True)
def use_postgres(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest's ``database_url`` (and so the ``app`` fixture) makes its databases here."""
    monkeypatch.setenv("TERJIME_TEST_DATABASE_URL", postgres_url)


def test_migrations_give_the_models_schema_on_postgresql(postgres_url: str) -> None:
    from conftest import database_url
    from test_migrations import schema_differences

    database = Database(database_url(Path(".")))
    try:
        assert database.engine.dialect.name == "postgresql"
        assert database.engine.dialect.driver == "psycopg"
        database.upgrade()
        database.upgrade()  # idempotent
        assert schema_differences(database) == []
    finally:
        database.dispose()


def test_db_upgrade_command_on_postgresql(postgres_url: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import database_url

    url = database_url(tmp_path)  # a new, empty database
    assert url != postgres_url
    monkeypatch.setenv("TERJIME_DATABASE_URL", url)
    monkeypatch.setenv("TERJIME_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "postgresql+psycopg://terjime@127.0.0.1" in result.output


def test_import_save_conflict_and_write_back_on_postgresql(project_dir: Path) -> None:
    from conftest import database_url

    catalogs.init(Project(), ["ug", "tr"])
    po = Path("locales/ug/LC_MESSAGES/statement.po")
    database = Database(database_url(project_dir))
    try:
        database.upgrade()
        with database.session() as session:
            import_project(session, Project())
        msgids = [e.msgid for e in read_po(po).active]
        with database.session() as session:
            row = session.scalar(select(Translation).join(Segment).join(Language)
                                 .where(Segment.msgid == msgids[0], Language.code == "ug"))
            assert record_change(session, row, "PostgreSQL دا ساقلاندى", "translated",
                                 action="save", user_id=None, provenance="human")
        with database.session() as session:
            assert write_back(session, Project()) == [po]
        assert read_po(po).active[0].msgstr == "PostgreSQL دا ساقلاندى"
        # Both sides change the same entry: the database wins, the file's text is suggested.
        with database.session() as session:
            row = session.scalar(select(Translation).join(Segment).join(Language)
                                 .where(Segment.msgid == msgids[1], Language.code == "ug"))
            record_change(session, row, "ساندان", "translated", action="save", user_id=None,
                          provenance="human")
        catalog = read_po(po)
        catalog.active[1].msgstr = "دىسكا"
        write_po(po, catalog)
        with database.session() as session:
            report = sync_project(session, Project()).sync
        assert len(report.conflicts) == 1
        with database.session() as session:
            assert session.scalar(select(Suggestion.text)) == "دىسكا"
            assert session.execute(text("select version()")).scalar().startswith("PostgreSQL")
        assert read_po(po).active[1].msgstr == "ساندان"
    finally:
        database.dispose()


def test_upload_and_download_through_the_app_on_postgresql(app, client, make_user,
                                                          login) -> None:
    import io

    from app.core.pofile import format_po, parse_po

    assert app.extensions["terjime.db"].engine.dialect.name == "postgresql"
    login(client, make_user("pg-translator", "translator", ["ug"]))
    catalog = parse_po(client.get("/documents/statement/ug/po").get_data(as_text=True))
    catalog.active[0].msgstr = "يوللاندى"
    response = client.post("/documents/statement/ug/po", content_type="multipart/form-data",
                           data={"po": (io.BytesIO(format_po(catalog).encode()), "ug.po")})
    assert response.status_code == 200
    again = parse_po(client.get("/documents/statement/ug/po").get_data(as_text=True))
    assert again.active[0].msgstr == "يوللاندى"
