"""`terjime mt list|enable|disable`: the privacy switch from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import cli_store, fails, run
from sqlalchemy import func, select

from app.store.db import Database
from app.store.models import AuditLog, EngineSetting, Language

ENV_KEYS = (
    "TERJIME_MICROSOFT_KEY",
    "TERJIME_MICROSOFT_REGION",
    "TERJIME_DEEPL_KEY",
    "TERJIME_DEEPL_FREE",
    "TERJIME_LIBRETRANSLATE_URL",
    "TERJIME_LIBRETRANSLATE_API_KEY",
    "TERJIME_LIBRETRANSLATE_SELF_HOSTED",
)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The store the commands find through TERJIME_* variables, with ug, tr and ru."""
    for name in ENV_KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERJIME_LIBRETRANSLATE_URL", "http://127.0.0.1:5000")
    store = cli_store(tmp_path, monkeypatch)
    yield store
    store.dispose()


def switches(database: Database) -> set[tuple[str, str]]:
    with database.session() as session:
        return {
            tuple(row)
            for row in session.execute(
                select(EngineSetting.engine, Language.code)
                .join(Language, Language.id == EngineSetting.language_id)
                .where(EngineSetting.enabled.is_(True))
            )
        }


def test_list_shows_everything_off(database: Database) -> None:
    out = run("mt", "list").output
    lines = out.splitlines()
    assert lines[0].split() == [
        "ENGINE",
        "SERVICE",
        "CONFIGURED",
        "THIRD",
        "PARTY",
        "ENABLED",
        "FOR",
    ]
    by_engine = {line.split()[0]: line for line in lines[1:]}
    assert set(by_engine) == {"google", "mymemory", "microsoft", "deepl", "libre"}
    assert "no: set TERJIME_DEEPL_KEY" in by_engine["deepl"]
    assert "no (self-hosted)" in by_engine["libre"] and "LibreTranslate (self-hosted)" in out
    assert all(line.rstrip().endswith("-") for line in lines[1:])


def test_enable_and_disable(database: Database) -> None:
    out = run("mt", "enable", "google", "--lang", "ug", "--lang", "tr").output
    assert (
        "Google Translate enabled for ug: the text of Uyghur segments is now sent to "
        "Google Translate (a third party)" in out
    )
    assert switches(database) == {("google", "ug"), ("google", "tr")}
    by_engine = {line.split()[0]: line for line in run("mt", "list").output.splitlines()}
    assert by_engine["google"].rstrip().endswith("tr, ug")
    out = run("mt", "disable", "google", "--lang", "tr").output
    assert "Google Translate disabled for tr: no more text is sent to it." in out
    assert switches(database) == {("google", "ug")}
    with database.session() as session:
        actions = [
            tuple(row)
            for row in session.execute(
                select(AuditLog.action, AuditLog.actor_id).order_by(AuditLog.id)
            )
        ]
    assert actions == [("engine.enable", None)] * 2 + [("engine.disable", None)]


def test_enabling_an_unconfigured_engine_says_what_is_missing(database: Database) -> None:
    out = run("mt", "enable", "deepl", "--lang", "tr").output
    assert "note: DeepL is not configured yet: set TERJIME_DEEPL_KEY." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("enable", "babelfish", "--lang", "ug"), "unknown engine 'babelfish'"),
        (("enable", "google", "--lang", "ug", "--lang", "xx"), "unknown language 'xx'"),
        (("enable", "deepl", "--lang", "ug"), "DeepL does not offer Uyghur (ug)"),
        (("disable", "babelfish", "--lang", "ug"), "unknown engine"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    database: Database, args: tuple[str, ...], message: str
) -> None:
    assert message in fails("mt", *args)
    assert switches(database) == set()
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_lang_is_required(database: Database) -> None:
    result = run("mt", "enable", "google", ok=False)
    assert result.exit_code == 2 and "--lang" in result.output + result.stderr


@pytest.mark.parametrize("args", [("mt",), ("mt", "list"), ("mt", "enable"), ("mt", "disable")])
def test_help(args: tuple[str, ...]) -> None:
    result = run(*args, "--help")
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3
