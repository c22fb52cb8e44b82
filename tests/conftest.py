"""Shared fixtures. System components may be missing on a laptop (skip) but never in CI (fail)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def require_tool(name: str) -> str:
    """Path of a system tool; skips on a developer laptop without it, fails when CI=true."""
    path = shutil.which(name)
    if path is None:
        message = f"system tool {name!r} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI must install it: see scripts/setup.sh)")
        pytest.skip(message)
    return path


def require_vnu() -> list[str]:
    """The Nu HTML Checker's command (``java -jar …/vnu.jar``); like :func:`require_tool`,
    skips on a laptop without it and fails when CI=true (scripts/setup.sh installs it)."""
    java = require_tool("java")
    vnu = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not vnu.is_file():
        message = "vnu.jar is not installed (npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI must install it: see scripts/setup.sh)")
        pytest.skip(message)
    return [java, "-jar", str(vnu)]


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project with the bundled statement and babel.cfg, as the working directory."""
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "statement.md", tmp_path / "source" / "statement.md")
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the review server ---------------------------------------------------------------------

TEST_PASSWORD = "correct horse battery staple"


def database_url(tmp_path: Path, migrated: bool = False) -> str:
    """SQLite in the test's folder, or a fresh database on the PostgreSQL server named by
    TERJIME_TEST_DATABASE_URL (dropped after the test). ``migrated`` clones a template the
    migrations ran into once per session: upgrading every test's database from empty would
    cost PostgreSQL ~0.1 s a test, the clone ~0.03 s. Migration tests ask for an empty one.
    Function-scoped fixtures only: the database is dropped when the test ends."""
    url = os.environ.get("TERJIME_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'instance' / 'terjime.db'}"
    return _POSTGRES.database(url, tmp_path, migrated)


def table_fingerprints(connection) -> tuple[int, ...]:  # noqa: ANN001
    """One hash per table of all its rows, through plain SQL (fast, and sees a session's
    flushed changes): equal fingerprints mean nothing changed. psycopg returns JSON columns as
    (unhashable) lists and dicts, so PostgreSQL hashes each table's text form server-side."""
    from app.store.models import Base

    query = 'SELECT * FROM "{}" ORDER BY 1'
    if connection.dialect.name == "postgresql":
        query = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{}\" t"
    return tuple(hash(tuple(connection.exec_driver_sql(query.format(table.name))))
                 for table in Base.metadata.sorted_tables)


class _PostgresDatabases:
    """Per-test databases on a PostgreSQL server: each test gets its own, cloned from
    ``template0`` (empty) or from a migrated template; all are dropped at the test's end."""

    def __init__(self) -> None:
        self.admins: dict = {}  # server URL → AUTOCOMMIT engine on its maintenance database
        self.templates: dict[str, str] = {}  # server URL → name of the migrated template
        self.created: dict[tuple[str, str], str] = {}  # (server, folder) → the test's database
        self.count = 0

    def admin(self, url: str):  # noqa: ANN201
        if url not in self.admins:
            from sqlalchemy import create_engine

            from app.store.db import normalise_url

            self.admins[url] = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
        return self.admins[url]

    def create(self, url: str, template: str) -> str:
        from sqlalchemy import text

        self.count += 1
        name = f"terjime_test_{os.getpid()}_{self.count}"
        with self.admin(url).connect() as connection:
            # 15+ copies through the WAL by default: slower for small databases than files.
            new = connection.dialect.server_version_info >= (15,)
            strategy = " STRATEGY FILE_COPY" if new else ""
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}'))
        return name

    def url_of(self, url: str, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(url).set(database=name).render_as_string(hide_password=False)

    def database(self, url: str, folder: Path, migrated: bool) -> str:
        """Like SQLite's file in ``folder``: a second call in the same test gives the same one."""
        if (url, str(folder)) in self.created:
            return self.url_of(url, self.created[url, str(folder)])
        template = "template0"
        if migrated:
            if url not in self.templates:
                from app.store.db import Database

                name = self.create(url, "template0")
                database = Database(self.url_of(url, name))
                try:
                    database.upgrade()
                finally:
                    database.dispose()
                self.templates[url] = name
            template = self.templates[url]
        name = self.create(url, template)
        self.created[url, str(folder)] = name
        return self.url_of(url, name)

    def drop(self, pairs: list[tuple[str, str]]) -> None:
        from sqlalchemy import text

        for url, name in pairs:
            with self.admin(url).connect() as connection:
                force = " WITH (FORCE)" if connection.dialect.server_version_info >= (13,) else ""
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))

    def end_test(self) -> None:
        created, self.created = self.created, {}
        self.drop([(url, name) for (url, _), name in created.items()])

    def forget(self, url: str) -> None:
        """Before a server goes away mid-session: drop what this test made, its template too."""
        self.end_test()
        if url in self.templates:
            self.drop([(url, self.templates.pop(url))])
        if url in self.admins:
            self.admins.pop(url).dispose()

    def end_session(self) -> None:
        self.end_test()
        self.drop(list(self.templates.items()))
        self.templates.clear()
        for engine in self.admins.values():
            engine.dispose()
        self.admins.clear()


_POSTGRES = _PostgresDatabases()


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """Drop the PostgreSQL databases a test made (after its own fixtures closed their pools)."""
    yield
    if _POSTGRES.created:
        _POSTGRES.end_test()


def forget_postgres_server(url: str) -> None:
    """Drop the databases made on a server that a test module started and is about to stop."""
    _POSTGRES.forget(url)


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001, ARG001
    _POSTGRES.end_session()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): skipped in the PostgreSQL pass; "
                            "the reason says why the test cannot or need not run there")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL pass, skip what cannot touch it: tests marked ``sqlite_only`` and
    tests/core (app/core is pure, test_structure checks it imports no SQLAlchemy)."""
    if not os.environ.get("TERJIME_TEST_DATABASE_URL"):
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
        elif item.path.is_relative_to(ROOT / "tests" / "core"):
            reason = "the pure domain (app/core) uses no database"
        else:
            continue
        item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture
def app_config(project_dir: Path) -> dict:
    """Settings for a test server over the bundled statement with ug, tr and ru catalogues."""
    from app.project import Project
    from app.services import catalogs

    catalogs.init(Project(), ["ug", "tr", "ru"])
    return {
        "INSTANCE_PATH": str(project_dir / "instance"),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url(project_dir, migrated=True),
        "SOURCE_DIR": str(project_dir / "source"),
        "LOCALES_DIR": str(project_dir / "locales"),
        "WTF_CSRF_ENABLED": False,
        "SYNC_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "TESTING": True,
    }


@pytest.fixture
def app(app_config: dict):
    """A migrated, imported application (no background sync unless a test enables it)."""
    from app import create_app
    from app.services.importer import import_project
    from app.web import project

    application = create_app(app_config)
    database = application.extensions["terjime.db"]
    database.upgrade()
    with application.app_context(), database.session() as session:
        import_project(session, project())
    yield application
    database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Factory: make_user("name", "translator", ["ug"]) → the user's id (password TEST_PASSWORD)."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from app.store.models import Language, Membership, User

    def factory(name: str, role: str, languages: list[str] | None = None) -> int:
        database = app.extensions["terjime.db"]
        with database.session() as session:
            user = User(
                display_name=name,
                password_hash=generate_password_hash(
                    TEST_PASSWORD, method=app.config["PASSWORD_HASH_METHOD"]
                ),
            )
            session.add(user)
            session.flush()
            for code in languages or [None]:
                language_id = None
                if code is not None:
                    language_id = session.scalar(select(Language.id).where(Language.code == code))
                session.add(Membership(user_id=user.id, role=role, language_id=language_id))
            return user.id

    return factory


@pytest.fixture
def login(app):
    """login(client, user_id): a logged-in session without going through the form."""
    from app.store.models import User

    def do_login(test_client, user_id: int) -> None:
        with app.extensions["terjime.db"].session() as session:
            ident = session.get(User, user_id).get_id()
        with test_client.session_transaction() as sess:
            sess["_user_id"] = ident
            sess["_fresh"] = True

    return do_login


@pytest.fixture
def languages_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A migrated app with the ug, tr and ru languages but no statement imported (fast):
    for tests of accounts and roles, which need languages and nothing else."""
    from app import create_app
    from app.core.languages import get_language
    from app.store.models import Language

    monkeypatch.chdir(tmp_path)
    application = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url(tmp_path, migrated=True),
            "SOURCE_DIR": str(tmp_path / "source"),
            "LOCALES_DIR": str(tmp_path / "locales"),
            "WTF_CSRF_ENABLED": False,
            "SYNC_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "TESTING": True,
        }
    )
    database = application.extensions["terjime.db"]
    database.upgrade()
    with database.session() as session:
        for code in ("ug", "tr", "ru"):
            language = get_language(code)
            session.add(
                Language(
                    code=code,
                    name=language.english_name,
                    native_name=language.native_name,
                    direction=language.direction,
                )
            )
    yield application
    database.dispose()
