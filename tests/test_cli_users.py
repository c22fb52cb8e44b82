"""`terjime user …`: invite, add, token, list, deactivate; refusals are one line, change nothing."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from cli_helpers import cli_store, fails, run
from sqlalchemy import func, select

from app.cli import main
from app.services import accounts
from app.store.db import Database
from app.store.models import ApiToken, AuditLog, Invite, User

PASSWORD = "a long enough passphrase"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The store the commands will find through TERJIME_* variables, with ug/tr/ru languages."""
    monkeypatch.delenv("TERJIME_PUBLIC_URL", raising=False)
    store = cli_store(tmp_path, monkeypatch)
    yield store
    store.dispose()


def count(database: Database, model) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_every_user_command_has_help() -> None:
    group = main.get_command(click.Context(main), "user")  # lazily loaded
    assert group.help
    assert "Usage:" in run("user", "--help").output
    for name, command in group.commands.items():
        assert command.help, f"terjime user {name} has no help text"
        assert "Usage:" in run("user", name, "--help").output


def test_invite_prints_a_working_link(database: Database, monkeypatch) -> None:
    result = run("user", "invite", "--role", "translator", "--lang", "ug", "--lang", "tr")
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/invite/")
    assert "translator for ug, tr" in result.output
    with database.session() as session:
        invite = accounts.check_invite(session, link.rsplit("/", 1)[1])
        assert invite.languages == ["tr", "ug"] and invite.created_by is None
    monkeypatch.setenv("TERJIME_PUBLIC_URL", "https://translate.example.org/")
    result = run("user", "invite", "--role", "editor", "--days", "2")
    assert (
        result.output.strip().splitlines()[-1].startswith("https://translate.example.org/invite/")
    )
    assert "editor for all languages" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("--role", "translator", "--lang", "xx"),
        ("--role", "overlord"),
        ("--role", "admin", "--lang", "ug"),
    ],
)
def test_bad_invites_are_refused(database: Database, args) -> None:
    fails("user", "invite", *args)
    assert count(database, Invite) == 0


def test_add_list_token_deactivate(database: Database) -> None:
    result = run(
        "user",
        "add",
        "Amina",
        "--role",
        "editor",
        "--lang",
        "ug",
        "--password-stdin",
        "--email",
        "amina@example.org",
        input=PASSWORD + "\n",
    )
    assert "Created Amina (editor for ug)" in result.output
    run(
        "user",
        "add",
        "Publisher Pat",
        "--role",
        "publisher",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    with database.session() as session:
        user = accounts.authenticate(session, "amina", PASSWORD)
        assert accounts.describe_memberships(user) == [("editor", "ug")]
        assert user.email == "amina@example.org"
    listing = run("user", "list").output
    assert "Amina" in listing and "editor:ug" in listing and "publisher" in listing
    token = run("user", "token", "amina", "--name", "ci").output.strip()
    assert token.startswith("tj_")
    with database.session() as session:
        row = session.scalar(select(ApiToken))
        assert row.name == "ci" and row.token_hash != token and row.revoked_at is None
    assert "Deactivated Amina" in run("user", "deactivate", "AMINA").output
    assert "deactivated" in run("user", "list").output
    with database.session() as session:
        assert session.scalar(select(ApiToken.revoked_at)) is not None
        actions = list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["user.create", "user.create", "token.create", "user.deactivate"]


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("Amina", "--role", "editor", "--lang", "ug"), PASSWORD),  # no --password-stdin
        (("Amina", "--role", "editor", "--password-stdin"), "short"),
        (("Amina", "--role", "editor", "--password-stdin"), "amina"),
        (("Taken", "--role", "editor", "--password-stdin"), PASSWORD),
        (("taken", "--role", "editor", "--password-stdin"), PASSWORD),
        (("A", "--role", "editor", "--password-stdin"), PASSWORD),
        (("Amina", "--role", "chief", "--password-stdin"), PASSWORD),
        (("Amina", "--role", "translator", "--lang", "zz", "--password-stdin"), PASSWORD),
        (("Amina", "--role", "translator", "--password-stdin", "--email", "nope"), PASSWORD),
    ],
)
def test_bad_accounts_are_refused(database: Database, args, stdin) -> None:
    run("user", "add", "Taken", "--role", "admin", "--password-stdin", input=PASSWORD)
    fails("user", "add", *args, input=stdin + "\n")
    assert count(database, User) == 1
    assert count(database, AuditLog) == 1


def test_unknown_or_inactive_names_are_refused(database: Database) -> None:
    assert "no accounts yet" in run("user", "list").output
    assert "no account named 'ghost'" in fails("user", "token", "ghost")
    fails("user", "deactivate", "ghost")
    run("user", "add", "Amina", "--role", "admin", "--password-stdin", input=PASSWORD)
    run("user", "add", "Dilnur", "--role", "admin", "--password-stdin", input=PASSWORD)
    run("user", "deactivate", "Dilnur")
    assert "already deactivated" in fails("user", "deactivate", "Dilnur")
    assert "deactivated" in fails("user", "token", "Dilnur")
    assert "last active admin" in fails("user", "deactivate", "Amina")
    assert count(database, ApiToken) == 0
