"""``terjime publish``, ``terjime export`` and ``terjime releases``: releases from the shell.

Thin wrappers over :mod:`app.services.releases`. Each first imports ./source and ./locales
into the store (as ``terjime check`` does), so it works on what the files say; a refusal or
a bad argument rolls that back with everything else and prints one line (exit 1).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session
from tqdm import tqdm

from app.cli import main
from app.cli.appctx import app_session
from app.export import RENDERERS
from app.project import Project
from app.services import releases as service
from app.services.importer import import_project
from app.store.models import Document, Release


def _project(app) -> Project:  # noqa: ANN001
    return Project(Path(app.config["SOURCE_DIR"]), Path(app.config["LOCALES_DIR"]))


def _documents(session: Session, name: str | None) -> list[Document]:
    if name is not None:
        return [service.find_document(session, name)]
    return list(session.scalars(select(Document).order_by(Document.name)))


class _Bar:
    """A tqdm bar on stderr, made on the first report (a refusal stays one line)."""

    def __init__(self, description: str) -> None:
        self.description, self.bar = description, None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = tqdm(total=total, desc=self.description, unit="file", leave=False,
                            dynamic_ncols=True, mininterval=0.2, file=sys.stderr)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@main.command(name="publish")
@click.argument("languages", nargs=-1, required=True, metavar="LANG...")
@click.option("--doc", "document", default=None, metavar="NAME",
              help="Only this statement (default: every statement).")
def publish_command(languages: tuple[str, ...], document: str | None) -> None:
    """Create a numbered release of each signed-off LANG: every format, its script variants,
    a manifest with SHA-256 checksums and a ZIP, under the instance folder.

    All languages must be ready (signed off, every segment approved, no error-level check)
    or nothing is published and the reasons are printed.

    \b
    Examples:
      terjime publish ug
      terjime publish ug tr ru --doc statement
    """
    bar = _Bar("publish")
    lines: list[str] = []
    made: list[Path] = []
    try:
        with app_session() as (app, session):
            project, instance = _project(app), Path(app.config["INSTANCE_PATH"])
            import_project(session, project)
            documents = _documents(session, document)
            rows = [service.find_language(session, code) for code in languages]
            refused = {f"{doc.name} {row.code}": why for doc in documents for row in rows
                       if (why := service.readiness(session, project, doc, row))}
            if refused:
                raise service.refusal(refused)
            for doc in documents:
                for release in service.publish(session, project, instance, doc, rows, None,
                                               progress=bar):
                    folder = service.release_folder(instance, release)
                    made.append(folder)
                    count = sum(1 for f in release.files if f.format != "units")
                    lines.append(f"{doc.name} {release.language.code}: release "
                                 f"{release.number} ({count} files) → {folder}")
    except BaseException:
        for folder in made:  # a later statement failed: earlier ones were rolled back too
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        bar.close()
    for line in lines:
        click.echo(line)


@main.command(name="export")
@click.argument("lang")
@click.option("--format", "fmt", required=True, metavar="FMT",
              help=f"Output format: {', '.join(sorted(RENDERERS)) or 'none installed'}.")
@click.option("--doc", "document", default=None, metavar="NAME",
              help="The statement (needed only when there are several).")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="Write here ('-' for stdout); default <doc>.<lang>.draft.<ext> here.")
def export_command(lang: str, fmt: str, document: str | None, output: str | None) -> None:
    """Export a DRAFT of LANG in one format, whatever its state: untranslated sentences stay
    in the source language and every page carries the DRAFT mark. Never a release.

    LANG may be a script variant such as ug-Latn.

    \b
    Examples:
      terjime export ug --format pdf
      terjime export ug-Latn --format html -o statement.ug-Latn.html
      terjime export tr --format docx -o -  > draft.docx
    """
    with app_session() as (app, session):
        project = _project(app)
        import_project(session, project)
        documents = _documents(session, document)
        if len(documents) != 1:
            names = ", ".join(doc.name for doc in documents) or "none"
            raise service.ReleaseRefused(f"choose a statement with --doc (found: {names})")
        language, script = service.split_variant(session, lang)
        name, data, _ = service.export_draft(session, project, documents[0], language, fmt,
                                             variant=script)
    if output == "-":
        with click.open_file("-", "wb") as stream:
            stream.write(data)
        return
    target = Path(output or name)
    target.write_bytes(data)
    click.echo(f"{target} ({len(data)} bytes, draft)", err=True)


@main.command(name="releases")
@click.argument("lang", required=False)
@click.option("--doc", "document", default=None, metavar="NAME",
              help="Only this statement.")
@click.option("--verify", is_flag=True,
              help="Check every file against its recorded SHA-256; exit 1 on any problem.")
def releases_command(lang: str | None, document: str | None, verify: bool) -> None:
    """List releases, newest first: statement, language, number, date, files.

    \b
    Examples:
      terjime releases
      terjime releases ug --verify
    """
    broken = 0
    with app_session() as (app, session):
        instance = Path(app.config["INSTANCE_PATH"])
        found = service.releases(session, document, lang)
        for release in found:
            click.echo(_describe(release))
            if verify:
                problems = service.verify(instance, release)
                broken += bool(problems)
                for problem in problems or ["ok"]:
                    click.echo(f"  {problem}")
        if not found:
            click.echo("no releases yet")
    if broken:
        click.echo(f"terjime: error: {broken} release{'s' if broken != 1 else ''} "
                   "failed verification", err=True)
        sys.exit(1)


def _describe(release: Release) -> str:
    files = sum(1 for f in release.files if f.format != "units")
    when = release.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return (f"{release.document.name} {release.language.code} release {release.number}  "
            f"{when}  {files} files  {release.zip_name}  sha256 {release.zip_sha256[:16]}")
