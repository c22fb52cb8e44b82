"""``terjime pretranslate LANG [--engine NAME] [--doc NAME]``: bulk drafts from the command line.

A thin layer over :func:`app.services.pretranslate.pretranslate` with a progress bar on
stderr and a summary on stdout; the PO files of the documents it touched are written back at
the end (under the same lock as the server's writer). Engine failures are reported, not
fatal (exit 0); a user error — unknown language, engine switched off — is one line, exit 1,
and nothing is sent anywhere.
"""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from app.cli import main
from app.config import load_config
from app.project import Project
from app.services.pretranslate import PretranslateReport, pretranslate
from app.services.sync import write_back
from app.services.writer import writeback_lock
from app.store.db import Database


@main.command(name="pretranslate")
@click.argument("lang")
@click.option("--engine", default=None, metavar="NAME",
              help="Machine translation engine for what memory cannot fill (it must be switched "
                   "on for LANG: terjime mt enable NAME --lang LANG). Default: memory only.")
@click.option("--doc", "document", default=None, metavar="NAME",
              help="Only this statement (default: all of them).")
def pretranslate_command(lang: str, engine: str | None, document: str | None) -> None:
    """Fill the empty segments of LANG with drafts: exact translation-memory matches first,
    then the engine. Never touches a segment that has any text; every draft records where it
    came from, and the editor marks it until a volunteer has edited it."""
    config = load_config()
    database = Database(config["DATABASE_URL"])
    project = Project(Path(config["SOURCE_DIR"]), Path(config["LOCALES_DIR"]))
    bars: list[tqdm] = []  # made on the first report: a refusal stays one line on stderr

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total, desc=f"pretranslate {lang}", unit="segment",
                             dynamic_ncols=True, mininterval=0.2))
        bars[0].total = total
        bars[0].update(done - bars[0].n)

    written: list[Path] = []
    try:
        database.upgrade()
        with database.session() as session:
            report = pretranslate(session, config, project, lang, engine=engine,
                                  document=document, progress=progress)
        for bar in bars:
            bar.close()
        if report.documents:
            lock = Path(config["INSTANCE_PATH"]) / "writeback.lock"
            with writeback_lock(lock), database.session() as session:
                for name in sorted(report.documents):
                    written += write_back(session, project, name, lang)
    finally:
        for bar in bars:
            bar.close()
        database.dispose()
    _summary(lang, engine, report, written)


def _summary(lang: str, engine: str | None, report: PretranslateReport,
             written: list[Path]) -> None:
    click.echo(f"{lang}: {report.total} empty segments")
    click.echo(f"  filled from memory: {report.from_memory}")
    if engine:
        click.echo(f"  filled from {report.engine_label or engine}: {report.from_engine}")
    click.echo(f"  failed: {report.failed}")
    why = "saved by someone meanwhile" if engine else \
        "no exact memory match, or saved by someone meanwhile"
    click.echo(f"  skipped: {report.skipped} ({why})")
    for message in report.errors:
        click.echo(f"  error: {message}")
    for path in written:
        click.echo(f"wrote {path}")
