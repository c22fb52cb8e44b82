"""Running `terjime` commands in tests: a store found through TERJIME_* variables, and helpers
that assert success or a one-line refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import database_url

from app.cli import main
from app.store.db import Database


def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A migrated store with ug/tr/ru languages, that commands find through TERJIME_* variables.
    The caller disposes it."""
    from app.core.languages import get_language
    from app.store.models import Language

    url = database_url(tmp_path)
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": url,
        "SOURCE": str(tmp_path / "source"),
        "LOCALES": str(tmp_path / "locales"),
        "SECRET_KEY": "test-secret",
        "SYNC": "0",
    }.items():
        monkeypatch.setenv(f"TERJIME_{name}", value)
    store = Database(url)
    store.upgrade()
    with store.session() as session:
        for code in ("ug", "tr", "ru"):
            language = get_language(code)
            session.add(
                Language(code=code, name=language.english_name, direction=language.direction)
            )
    return store


def run(*args: str, ok: bool = True, input: str | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + (result.stderr or "")
    return result


def fails(*args: str, input: str | None = None) -> str:
    """Run a command that must be refused: exit 1 and one `terjime: error:` line."""
    result = run(*args, ok=False, input=input)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("terjime: error: "), result.stderr
    return lines[0]
