"""``terjime user …``: invites, scripted accounts, API tokens, listing and deactivation.

Thin wrappers over :mod:`app.services.accounts`; a refusal is one ``terjime: error:`` line,
exit code 1, and the transaction is rolled back (nothing changes).
"""

from __future__ import annotations

import os
import sys

import click

from app.cli import main
from app.cli.appctx import app_session
from app.core.states import Role
from app.services import accounts

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
_ROLE_METAVAR = "[" + "|".join(role.value for role in Role) + "]"
_LANG_HELP = ("Language code (repeatable) for translators and editors; "
              "leave out for all languages.")


def _public_url(config: dict) -> str:
    return os.environ.get("TERJIME_PUBLIC_URL") or config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL


def _method(config: dict) -> str:
    return config.get("PASSWORD_HASH_METHOD", accounts.DEFAULT_HASH_METHOD)


def _scope(role: str, languages: tuple[str, ...]) -> str:
    role = role.strip().lower()
    if role in {Role.ADMIN.value, Role.PUBLISHER.value}:
        return role
    return f"{role} for {', '.join(languages) if languages else 'all languages'}"


@main.group()
def user() -> None:
    """Manage accounts: invite links, scripted accounts, API tokens.

    Commands use the same database as `terjime serve` (TERJIME_DATABASE_URL, or
    instance/terjime.db under the working directory).
    """


@user.command()
@click.option("--role", required=True, metavar=_ROLE_METAVAR, help="Role the invited person gets.")
@click.option("--lang", "languages", multiple=True, metavar="LANG", help=_LANG_HELP)
@click.option("--days", type=click.IntRange(1, 90), default=None,
              help="Days the link stays valid (default 7).")
def invite(role: str, languages: tuple[str, ...], days: int | None) -> None:
    """Print a one-time invite link (base from TERJIME_PUBLIC_URL).

    Send it through a channel you trust: whoever opens it first gets the account.
    """
    with app_session() as (app, session):
        token = accounts.create_invite(session, role, list(languages), None,
                                       days=days or int(app.config.get("INVITE_DAYS", 7)))
        link = accounts.invite_link(_public_url(app.config), token)
    click.echo(f"Invite ({_scope(role, languages)}), valid once:")
    click.echo(link)


@user.command()
@click.argument("name")
@click.option("--role", required=True, metavar=_ROLE_METAVAR, help="The account's role.")
@click.option("--lang", "languages", multiple=True, metavar="LANG", help=_LANG_HELP)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (required: never on the command line).")
@click.option("--email", default=None, help="Optional contact address.")
def add(name: str, role: str, languages: tuple[str, ...], password_stdin: bool,
        email: str | None) -> None:
    """Create the account NAME directly, for scripted set-up (password from stdin)."""
    if not password_stdin:
        raise accounts.AccountError("pass --password-stdin and the password on standard input "
                                    "(never on the command line)")
    if sys.stdin.isatty():  # typed by hand: never echo it
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with app_session() as (app, session):
        created = accounts.create_user(session, name, password, role, list(languages),
                                       email=email, method=_method(app.config))
        display_name = created.display_name
    click.echo(f"Created {display_name} ({_scope(role, languages)}).")


@user.command()
@click.argument("name")
@click.option("--name", "label", default="command line", show_default=True,
              help="A label to recognise the token by.")
def token(name: str, label: str) -> None:
    """Print a new API token for the account NAME (shown only this once)."""
    with app_session() as (_app, session):
        secret = accounts.create_token(session, accounts.get_user(session, name), label)
    click.echo(secret)


@user.command(name="list")
def list_() -> None:
    """List accounts with their roles and languages."""
    with app_session() as (_app, session):
        rows = [(u.display_name, "active" if u.active else "deactivated",
                 ", ".join(role if role in {"admin", "publisher"} else f"{role}:{language}"
                           for role, language in accounts.describe_memberships(u)) or "-")
                for u in accounts.list_users(session)]
    if not rows:
        click.echo("no accounts yet (`terjime serve` prints a set-up link on first start)")
        return
    width = max(len("name"), *(len(name) for name, _, _ in rows))
    click.echo(f"{'name':<{width}}  {'status':<11}  roles")
    for name, status, roles in rows:
        click.echo(f"{name:<{width}}  {status:<11}  {roles.replace('all languages', '*')}")


@user.command()
@click.argument("name")
def deactivate(name: str) -> None:
    """Deactivate the account NAME: its sessions end and its API tokens are revoked."""
    with app_session() as (_app, session):
        target = accounts.get_user(session, name)
        if not target.active:
            raise accounts.AccountError(f"{target.display_name} is already deactivated")
        accounts.set_active(session, target, False, None)
        display_name = target.display_name
    click.echo(f"Deactivated {display_name}.")
