"""``terjime memory …`` and ``terjime glossary …``: TMX, PO, CSV and TBX in and out of the store.

Thin wrappers over :mod:`app.services.memory` and :mod:`app.services.glossary`. A refused file
is one ``terjime: error:`` line, exit code 1, and nothing changes (the transaction is rolled
back). Output files are written atomically; ``-o -`` writes to standard output.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from app.cli import main
from app.cli.appctx import app_session
from app.project import Project
from app.services import glossary as glossary_service
from app.services import memory as memory_service

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUTPUT = click.Path(dir_okay=False, path_type=Path, allow_dash=True)


@contextmanager
def _store() -> Iterator[tuple]:
    """``app_session()`` (committed on success), with the database's connections closed after."""
    app = None
    try:
        with app_session() as (app, session):
            yield app, session
    finally:
        if app is not None:
            app.extensions["terjime.db"].dispose()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise memory_service.MemoryImportError(f"{path}: {exc.strerror or exc}") from None


def _write(path: Path, data: bytes) -> None:
    """Atomically (temporary file + rename), or to standard output for ``-``."""
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@main.group()
def memory() -> None:
    """Translation memory: TMX import and export, and feeding it from the PO files.

    The memory of a language is every translated or approved segment of every statement plus
    the units imported here. Commands use the same database as `terjime serve`.
    """


@memory.command("import")
@click.argument("file", type=_FILE)
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Import only this language (repeatable); default: every language of the "
                   "file that the server has.")
def import_tmx(file: Path, languages: tuple[str, ...]) -> None:
    """Add the units of a TMX FILE to the memory (pairs already there are skipped)."""
    data = _read(file)
    with _store() as (_app, session):
        report = memory_service.import_tmx(session, data, file.name, list(languages) or None)
    for code, count in report.added.items():
        click.echo(f"{code}: {count} units added")
    click.echo(f"{report.duplicates} already in the memory (skipped)")
    if report.too_long:
        click.echo(f"{report.too_long} too long (skipped)")
    if report.skipped_languages:
        click.echo(f"not imported: {', '.join(report.skipped_languages)}")


@memory.command("export")
@click.argument("lang")
@click.option("-o", "--output", required=True, type=_OUTPUT,
              help="The TMX file to write (- for standard output).")
def export_tmx(lang: str, output: Path) -> None:
    """Write the memory of LANG (translated and approved segments, imported units) as TMX."""
    with _store() as (_app, session):
        data = memory_service.export_tmx(session, lang)
    _write(output, data)
    if str(output) != "-":
        click.echo(f"wrote {output} ({data.count(b'<tu>') + data.count(b'<tu ')} units)")


@memory.command("import-po")
def import_po() -> None:
    """Add every translated entry of locales/*/LC_MESSAGES/*.po (obsolete ones too)."""
    with _store() as (app, session):
        project = Project(Path(app.config["SOURCE_DIR"]), Path(app.config["LOCALES_DIR"]))
        report = memory_service.import_po_files_to_memory(session, project)
    for code, count in report.added.items():
        click.echo(f"{code}: {count} units added")
    click.echo(f"{report.duplicates} already in the memory (skipped)")
    for error in report.errors:
        click.echo(f"not readable, skipped: {error}", err=True)


@main.group()
def glossary() -> None:
    """Per-language glossaries: import and export CSV or TBX files.

    CSV columns: source, target, note, do_not_translate (yes/no).
    """


@glossary.command("import")
@click.argument("lang")
@click.argument("file", type=_FILE)
def import_glossary(lang: str, file: Path) -> None:
    """Merge a CSV or TBX FILE into the glossary of LANG (all or nothing)."""
    data = _read(file)
    with _store() as (_app, session):
        report = glossary_service.import_glossary(session, lang, data, file.name)
    click.echo(f"{lang}: {report.added} added, {report.updated} updated, "
               f"{report.unchanged} unchanged")


@glossary.command("export")
@click.argument("lang")
@click.option("-o", "--output", required=True, type=_OUTPUT,
              help="The file to write: .csv or .tbx (- for standard output, as CSV unless "
                   "--format says otherwise).")
@click.option("--format", "fmt", type=click.Choice(["csv", "tbx"]), default=None,
              help="File format (default: from the file name).")
def export_glossary(lang: str, output: Path, fmt: str | None) -> None:
    """Write the glossary of LANG as CSV or TBX."""
    fmt = fmt or ("tbx" if output.suffix.lower() in {".tbx", ".xml"} else "csv")
    with _store() as (_app, session):
        data = glossary_service.export_glossary(session, lang, fmt)
    _write(output, data)
    if str(output) != "-":
        click.echo(f"wrote {output}")
