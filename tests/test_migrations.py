"""The migrations build exactly the models' schema, and upgrading again changes nothing."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from conftest import database_url
from sqlalchemy import inspect

from app.cli import main
from app.store.db import Database, alembic_config
from app.store.models import Base


def schema_differences(database: Database) -> list:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_on_an_empty_database_gives_the_models_schema(tmp_path: Path) -> None:
    database = Database(database_url(tmp_path))
    try:
        database.upgrade()
        assert schema_differences(database) == []
        tables = set(inspect(database.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
    finally:
        database.dispose()


def test_db_upgrade_command_is_idempotent(tmp_path: Path, monkeypatch) -> None:
    url = database_url(tmp_path)
    monkeypatch.setenv("TERJIME_DATABASE_URL", url)
    monkeypatch.setenv("TERJIME_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "schema up to date" in result.output
    database = Database(url)
    try:
        assert schema_differences(database) == []
        head = ScriptDirectory.from_config(alembic_config(database)).get_current_head()
        with database.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
    finally:
        database.dispose()


def test_db_upgrade_never_prints_a_password(tmp_path: Path, monkeypatch) -> None:
    from app.cli.server import _safe_url

    assert "s3cret" not in _safe_url("postgresql+psycopg://terjime:s3cret@db.example/terjime")
