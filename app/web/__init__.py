"""The web layer: Flask blueprints over ``app.services``, with one database session per request."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from app.project import Project
from app.store.db import Database

BLUEPRINTS = ("auth", "dashboard", "editor", "api", "admin", "files", "assist", "engines",
              "glossary", "memory", "publish")


def database() -> Database:
    return current_app.extensions["terjime.db"]


def db_session() -> Session:
    """The request's session; committed explicitly by views, closed at teardown."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session


def project() -> Project:
    from pathlib import Path

    return Project(Path(current_app.config["SOURCE_DIR"]), Path(current_app.config["LOCALES_DIR"]))


def notify_saved(document: str, language: str) -> None:
    """Tell the background PO writer (if running) that a catalogue has unsaved edits."""
    writer = current_app.extensions.get("terjime.writer")
    if writer is not None:
        writer.notify(document, language)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Attach the database, security (CSRF, CSP, log-in) and every blueprint."""
    from importlib import import_module

    from app.web import security

    app.extensions["terjime.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)
    security.init_app(app)
    for name in BLUEPRINTS:
        module = import_module(f"app.web.{name}")
        app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
