"""Shared fixtures. System components may be missing on a laptop (skip) but never in CI (fail)."""

from __future__ import annotations

import os
import shutil
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


def database_url(tmp_path: Path) -> str:
    """SQLite in the test's folder, or the PostgreSQL server named by TERJIME_TEST_DATABASE_URL
    (its public schema is reset for every test)."""
    url = os.environ.get("TERJIME_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'instance' / 'terjime.db'}"
    from sqlalchemy import create_engine, text

    from app.store.db import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def app_config(project_dir: Path) -> dict:
    """Settings for a test server over the bundled statement with ug, tr and ru catalogues."""
    from app.project import Project
    from app.services import catalogs

    catalogs.init(Project(), ["ug", "tr", "ru"])
    return {
        "INSTANCE_PATH": str(project_dir / "instance"),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url(project_dir),
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
            "DATABASE_URL": database_url(tmp_path),
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
