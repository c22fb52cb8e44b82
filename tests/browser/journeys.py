"""What every browser journey shares: Chromium, a real ``terjime serve`` on loopback, the
server's store opened in-process for seeding, and a page that records its network log.

Seeding goes through the same services the server uses (save, approve, sign off), straight
into the server's SQLite file: typing 97 sentences through the browser would test nothing
more and cost a minute. Everything a role *does* in its journey happens in the browser.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, TEST_PASSWORD, require_tool
from release_helpers import good_text
from servers import Server
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.project import Project
from app.services import catalogs

SHOTS = Path(os.environ.get("TERJIME_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOC = "statement"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (each journey gets its own context)."""
    chromium = require_tool("chromium")  # CI=true: fails instead of skipping
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class Site:
    """A running server over a fresh project (shared by a module's journeys, each on its own
    language or accounts), and its store for seeding."""

    def __init__(self, project_dir: Path, languages: list[str]) -> None:
        (project_dir / "source").mkdir(parents=True)
        shutil.copy(ROOT / "source" / "statement.md", project_dir / "source" / "statement.md")
        self.project = Project(project_dir / "source", project_dir / "locales")
        catalogs.init(self.project, languages)
        self.project_dir = project_dir
        self.server = Server(project_dir)
        self.server.wait_ready()
        self._app = None

    def url(self, path: str) -> str:
        return self.server.url(path)

    def stop(self) -> None:
        if self._app is not None:
            self._app.extensions["terjime.db"].dispose()
        assert self.server.stop() == 0, self.server.output

    @property
    def app(self):  # noqa: ANN201
        """The server's application, built in-process over the same database and folders."""
        if self._app is None:
            from app import create_app

            instance = self.project_dir / "instance"
            self._app = create_app({
                "INSTANCE_PATH": str(instance),
                "DATABASE_URL": f"sqlite:///{instance / 'terjime.db'}",
                "SOURCE_DIR": str(self.project_dir / "source"),
                "LOCALES_DIR": str(self.project_dir / "locales"),
                "SYNC_ENABLED": False,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            })
        return self._app

    @contextmanager
    def store(self) -> Iterator[Session]:
        """A committed-on-success session on the server's database."""
        with self.app.app_context(), self.app.extensions["terjime.db"].session() as session:
            yield session

    def user(self, name: str, role: str, languages: list[str] | None = None) -> int:
        """The account called ``name`` (created with password TEST_PASSWORD if new), with
        ``role`` on ``languages`` (all when None)."""
        from werkzeug.security import generate_password_hash

        from app.store.models import Language, Membership, User

        with self.store() as session:
            user = session.scalar(select(User).where(User.display_name == name))
            if user is None:
                user = User(display_name=name, password_hash=generate_password_hash(
                    TEST_PASSWORD, method="pbkdf2:sha256:1000"))
                session.add(user)
                session.flush()
            held = {(m.role, m.language_id) for m in user.memberships}
            for code in languages or [None]:
                language_id = None if code is None else session.scalar(
                    select(Language.id).where(Language.code == code))
                if (role, language_id) not in held:
                    session.add(Membership(user_id=user.id, role=role, language_id=language_id))
            return user.id

    def translate(self, user_id: int, code: str, *, approver: int | None = None,
                  unapproved: tuple[int, ...] = ()) -> list[int]:
        """``user_id`` translates every segment of ``code`` with real sentences; ``approver``
        (an editor) approves them all but the positions in ``unapproved``. Returns the segment
        ids in document order."""
        from app.services import translations
        from app.store.models import Document, Language, Segment, User

        with self.store() as session:
            author = session.get(User, user_id)
            editor = session.get(User, approver) if approver else None
            language = session.scalar(select(Language).where(Language.code == code))
            document = session.scalar(select(Document).where(Document.name == DOC))
            segments = list(session.scalars(select(Segment).where(
                Segment.document_id == document.id, Segment.active.is_(True))
                .order_by(Segment.position)))
            for index, segment in enumerate(segments):
                text = (segment.msgid if segment.context == "signatory"
                        else good_text(code, segment.msgid, index))
                row = translations.translation_for(session, segment.id, language)
                translations.save_translation(session, row, text, row.revision, author)
                if editor is not None and index not in unapproved and row.state != "approved":
                    translations.approve(session, row, row.revision, editor)
            return [segment.id for segment in segments]

    def save(self, user_id: int, segment_id: int, code: str, text: str) -> None:
        """Someone else saves a segment (from another browser, say)."""
        from app.services import translations
        from app.store.models import Language, User

        with self.store() as session:
            language = session.scalar(select(Language).where(Language.code == code))
            row = translations.translation_for(session, segment_id, language)
            result = translations.save_translation(session, row, text, row.revision,
                                                   session.get(User, user_id))
            assert result.ok

    def sign_off(self, user_id: int, code: str) -> None:
        from app.services import signoff
        from app.store.models import Document, Language, User

        with self.store() as session:
            signoff.sign_off(session, session.scalar(select(Document)),
                             session.scalar(select(Language).where(Language.code == code)),
                             session.get(User, user_id), self.project)

    def row(self, segment_id: int, code: str) -> tuple[str, str]:
        """(text, state) of a segment's translation as the server stored it."""
        from app.services import translations
        from app.store.models import Language

        with self.store() as session:
            language = session.scalar(select(Language).where(Language.code == code))
            found = translations.translation_for(session, segment_id, language)
            return found.text, found.state


class Tab:
    """A page in its own browser context, recording every request and console error."""

    def __init__(self, browser, site: Site, role: str, **context: object) -> None:  # noqa: ANN001
        self.site = site
        self.role = role
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True, **context)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: self.console_errors.append(m.text)
                     if m.type == "error" else None)
        self._shots = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.site.url(path))

    def log_in(self, name: str) -> None:
        self.goto("/login")
        self.page.fill("#display_name", name)
        self.page.fill("#password", TEST_PASSWORD)
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(self.site.url("/"))

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Log out").click()
        self.page.wait_for_url(re.compile(r".*/login.*"))

    def shot(self, name: str, full_page: bool = False) -> Path:
        """Save ``<role>-NN-<name>.png`` under artifacts/screenshots (CI keeps them)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self._shots += 1
        path = SHOTS / f"{self.role}-{self._shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        """Check the network log (nothing left loopback) and the CSP, then close."""
        outside = [url for url in self.requests
                   if not url.startswith((self.site.url("/"), "data:", "about:", "blob:"))]
        csp = [text for text in self.console_errors if "Content Security Policy" in text]
        self.context.close()
        assert outside == [], f"requests left loopback: {outside}"
        assert csp == [], csp
