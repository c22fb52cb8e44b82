"""Store and server commands: ``terjime db upgrade``, ``terjime sync``, ``terjime serve``."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url

from app.cli import main
from app.cli.appctx import make_app
from app.config import load_config
from app.project import Project
from app.services.importer import ImportReport
from app.services.sync import sync_project
from app.services.writer import writeback_lock
from app.store.db import Database


def _project(config: dict[str, Any]) -> Project:
    return Project(Path(config["SOURCE_DIR"]), Path(config["LOCALES_DIR"]))


def _lock(config: dict[str, Any]) -> Path:
    return Path(config["INSTANCE_PATH"]) / "writeback.lock"


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _echo_report(result: ImportReport) -> None:
    for source in result.sources:
        if source.changed:
            click.echo(f"source {source.domain}: {source.added} new, {source.removed} removed, "
                       f"{source.kept} unchanged sentences; {source.fuzzy} translations "
                       "carried over as drafts")
    for code in result.languages_added:
        click.echo(f"language added: {code}")
    for line in result.sync.lines():
        click.echo(line)


@main.group()
def db() -> None:
    """The review server's database (SQLite in instance/, or TERJIME_DATABASE_URL)."""


def _store() -> tuple[dict[str, Any], Database]:
    """Settings and database from TERJIME_* (no web app needed), migrated to the head."""
    config = load_config()
    database = Database(config["DATABASE_URL"])
    database.upgrade()
    return config, database


@db.command()
def upgrade() -> None:
    """Apply every database migration (safe to run again: it does nothing when up to date)."""
    _, database = _store()
    click.echo(f"{_safe_url(database.url)}: schema up to date")
    database.dispose()


@main.command()
def sync() -> None:
    """Import edits made to PO files on disk, then write the database back to locales/.

    Where an entry changed both in its file and in the database since the last sync, the
    database keeps its text, the file's text becomes a suggestion, and the conflict is
    listed here. Files that do not parse are reported and left untouched.
    """
    config, database = _store()
    try:
        with writeback_lock(_lock(config)), database.session() as session:
            result = sync_project(session, _project(config))
    finally:
        database.dispose()
    _echo_report(result)


def _base_url(config: dict[str, Any], host: str, port: int) -> str:
    if config.get("PUBLIC_URL"):
        return config["PUBLIC_URL"].rstrip("/")
    shown = "localhost" if host in {"0.0.0.0", "::", ""} else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _setup_link(app: Any, base_url: str) -> str | None:
    from app.services.accounts import ensure_setup_invite, invite_link

    with app.extensions["terjime.db"].session() as session:
        token = ensure_setup_invite(session)
    return invite_link(base_url, token, setup=True) if token else None


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into a clean shutdown: waitress stops, pending PO writes are flushed."""

    def handler(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep loopback behind a reverse proxy).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Worker threads.")
def serve(host: str, port: int, threads: int) -> None:
    """Run the review server with waitress (a production WSGI server).

    On every start: apply migrations, import source/ (amendments) and locales/ (edits made
    outside the app), write the database back to locales/, and — while no account exists —
    print a one-time set-up link for the first admin. Edits are then written back to the PO
    files in the background within seconds. No access log is kept.
    """
    from waitress import serve as waitress_serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = make_app()
    database = app.extensions["terjime.db"]
    click.echo(f"database: {_safe_url(database.url)}")
    database.upgrade()
    with writeback_lock(_lock(app.config)), database.session() as session:
        result = sync_project(session, _project(app.config))
    _echo_report(result)
    base = _base_url(app.config, host, port)
    link = _setup_link(app, base)
    if link:
        click.echo("No account exists yet. Create the first admin account with this one-time "
                   f"link (it stops working once used):\n\n    {link}\n")
    writer = app.extensions.get("terjime.writer")
    if writer is not None:
        writer.start()
    _stop_on_sigterm()
    sys.stdout.flush()
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="Terjime")
    finally:
        if writer is not None:
            writer.stop()
        database.dispose()
