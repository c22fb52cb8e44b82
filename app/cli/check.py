"""``terjime check [LANG ...] [--doc NAME] [--format text|json]``: quality checks in CI.

Runs on the store after importing ./source and ./locales (so it reflects the files), every
language when none is named. Exit status: 0 when no error-level finding remains (warnings,
dismissed or not, never fail the run), 1 when one does — and 1, with one line on stderr and
nothing changed, for an unknown language or statement.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import main
from app.cli.appctx import app_session
from app.project import Project
from app.services import quality
from app.services.importer import import_project
from app.store.models import Document, Language


class CheckRefused(ValueError):
    """An unknown language or statement: one line on stderr, exit 1 (a ValueError, so the
    group reports it), and the import is rolled back with the session."""


@main.command(name="check")
@click.argument("languages", nargs=-1, metavar="[LANG ...]")
@click.option("--doc", "document", default=None, metavar="NAME",
              help="Only this statement (default: all of them).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="One line per finding, or a JSON list.")
def check_command(languages: tuple[str, ...], document: str | None, fmt: str) -> None:
    """Run the quality checks; exit 1 when any error-level finding remains.

    Dismissed warnings are not listed. Text output: one line per finding,
    ``doc lang #position check severity: message``, then a summary.
    """
    rows: list[dict] = []
    with app_session() as (app, session):
        project = Project(Path(app.config["SOURCE_DIR"]), Path(app.config["LOCALES_DIR"]))
        import_project(session, project)
        all_languages = {row.code: row for row in session.scalars(select(Language))}
        unknown = [code for code in languages if code not in all_languages]
        if unknown:
            raise CheckRefused(f"unknown language {', '.join(unknown)} (known: "
                            f"{', '.join(sorted(all_languages)) or 'none'})")
        documents = list(session.scalars(select(Document).order_by(Document.name)))
        if document is not None:
            documents = [row for row in documents if row.name == document]
            if not documents:
                raise CheckRefused(f"unknown statement {document!r}")
        chosen = [all_languages[code] for code in (languages or sorted(all_languages))]
        for doc in documents:
            for language in chosen:
                rows += _findings(session, project, doc, language)
    errors = sum(1 for row in rows if row["severity"] == "error")
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            where = f"#{row['position']}" if row["position"] is not None else "(document)"
            click.echo(f"{row['document']} {row['language']} {where} {row['check']} "
                       f"{row['severity']}: {row['message']}")
        click.echo(f"{errors} error{'s' if errors != 1 else ''}, {len(rows) - errors} "
                   f"warning{'s' if len(rows) - errors != 1 else ''}")
    sys.exit(1 if errors else 0)


def _findings(session: Session, project: Project, document: Document, language: Language
              ) -> list[dict]:
    """Failing findings (dismissed warnings left out) of one document and language."""
    out = []
    for segment, _, results in quality.segment_results(session, document, language, fresh=True):
        for result in results:
            if result.failing:
                out.append({"document": document.name, "language": language.code,
                            "segment": segment.id, "position": segment.position + 1,
                            "check": result.check_id, "severity": result.severity,
                            "message": result.message})
    for finding in quality.document_findings(session, project, document, language):
        out.append({"document": document.name, "language": language.code, "segment": None,
                    "position": None, "check": finding.check_id,
                    "severity": str(finding.severity), "message": finding.message})
    return out
