"""The ``terjime`` command group: thin wrappers over ``app.services``.

Each command family lives in its own module and registers itself on :data:`main`. Families
that need the web stack (Flask, SQLAlchemy) are imported only when called, so the pipeline
commands start fast. User errors (bad language code, broken PO file, missing source) print one
line and exit 1.
"""

from __future__ import annotations

import importlib
import sys

import click

from app import __version__
from app.services.catalogs import UserError

#: Commands whose module is imported on first use: name → module that registers it.
LAZY_COMMANDS = {
    "user": "app.cli.users",
    "db": "app.cli.server",
    "sync": "app.cli.server",
    "serve": "app.cli.server",
    "mt": "app.cli.mt",
    "pretranslate": "app.cli.pretranslate",
    "memory": "app.cli.memory",
    "glossary": "app.cli.memory",
    "check": "app.cli.check",
    "publish": "app.cli.publish",
    "export": "app.cli.publish",
    "releases": "app.cli.publish",
}


class TerjimeGroup(click.Group):
    """A click group with lazily imported command families, that turns known user errors into
    one readable line and exit code 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[cmd_name])
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"terjime: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=TerjimeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="terjime")
def main() -> None:
    """Terjime: translate multilingual statements through gettext catalogues.

    Statements are Markdown files in ./source; catalogues live in ./locales
    (one POT per statement, one PO per language).
    """


from app.cli import pipeline  # noqa: E402,F401  (registers its commands)
