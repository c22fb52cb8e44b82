"""Pipeline commands: extract, init, update, build, stats."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app.cli import main
from app.cli.options import project_options
from app.project import Project
from app.services import catalogs


@main.command()
@project_options
def extract(project: Project) -> None:
    """Extract every statement in the source folder into its POT template.

    Runs Babel's extraction with the method babel.cfg maps to Markdown; the result has
    the same entries as `pybabel extract -F babel.cfg -o locales/DOC.pot source/`.
    An unchanged template is left untouched (no diff).
    """
    for result in catalogs.extract(project):
        state = "written" if result.changed else "unchanged"
        click.echo(f"{result.pot_path}: {len(result.catalog.entries)} entries ({state})")


@main.command()
@click.argument("languages", nargs=-1, required=True)
@project_options
def init(project: Project, languages: tuple[str, ...]) -> None:
    """Create the PO catalogues of one or more LANGUAGES (e.g. ug tr ru zh_Hans).

    Codes are checked against CLDR; headers get Language and Plural-Forms from it.
    Existing catalogues are never overwritten.
    """
    for result in catalogs.init(project, list(languages)):
        state = "created" if result.created else "exists, left alone"
        click.echo(f"{result.path}: {state}")


@main.command()
@project_options
def update(project: Project) -> None:
    """Re-extract the statements and merge the templates into every language's PO.

    Unchanged sentences keep their translation; edited ones become fuzzy with their
    previous source (#| msgid); removed ones become obsolete (#~), never dropped.
    """
    results = catalogs.update(project)
    if not results:
        click.echo("no languages yet: run `terjime init LANG`")
        return
    click.echo(
        f"{'language':<10} {'document':<20} {'kept':>6} {'fuzzy':>6} {'new':>6} {'obsolete':>8}"
    )
    for r in results:
        s = r.stats
        click.echo(
            f"{r.language:<10} {r.domain:<20} {s.kept:>6} {s.fuzzy:>6} {s.new:>6} {s.obsolete:>8}"
        )


@main.command()
@click.argument("language")
@click.option(
    "--doc", "domain", help="Statement to build (file stem); required if there are several."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(catalogs.FORMATS),
    default="md",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail, listing them, if any entry is untranslated, "
    "fuzzy or unusable, instead of falling back to the source text.",
)
@project_options
def build(
    project: Project, language: str, domain: str | None, fmt: str, output: Path | None, strict: bool
) -> None:
    """Write the statement localized into LANGUAGE, with the source's exact structure."""
    domains = list(project.documents())
    if domain is None:
        if len(domains) > 1:
            raise click.UsageError(
                f"several statements ({', '.join(domains)}): choose one with --doc"
            )
        domain = domains[0]
    rendered = catalogs.build(project, language, domain, fmt=fmt, strict=strict)
    if output is None:
        sys.stdout.write(rendered.text)
    else:
        catalogs.write_output(output, rendered.text)
        click.echo(f"{output}: written", err=True)
    if rendered.missing or rendered.invalid:
        click.echo(
            f"note: {len(rendered.missing)} segments fell back to the source text, "
            f"{len(rendered.invalid)} translations were unusable",
            err=True,
        )
        for segment, why in rendered.invalid:
            click.echo(f"  line {segment.line}: {why}", err=True)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@project_options
def stats(project: Project, fmt: str) -> None:
    """Show per statement and language: entries, translated, fuzzy, untranslated, words, percent."""
    rows = catalogs.stats(project)
    if fmt == "json":
        click.echo(
            json.dumps([{**vars(r), "percent": round(r.percent, 1)} for r in rows], indent=2)
        )
        return
    head = (
        f"{'document':<20} {'language':<9} {'entries':>7} {'translated':>10} {'fuzzy':>6} "
        f"{'untransl.':>9} {'words':>7} {'percent':>7}"
    )
    click.echo(head)
    for r in rows:
        click.echo(
            f"{r.domain:<20} {r.language:<9} {r.entries:>7} {r.translated:>10} {r.fuzzy:>6} "
            f"{r.untranslated:>9} {r.words:>7} {r.percent:>6.1f}%"
        )
