"""`terjime pretranslate LANG [--engine NAME] [--doc NAME]` end to end: a loopback
LibreTranslate-compatible server, a progress bar, a summary, PO write-back, one-line refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from libre_server import Fault, LibreServer
from sqlalchemy import select

from app.cli import main
from app.core.pofile import read_po
from app.services import machine
from app.store.models import Language, MemoryUnit, Segment, Translation

DOC = "statement"


@pytest.fixture
def store(app, app_config: dict, project_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """The migrated, imported store of ``app``, found by the command through TERJIME_*."""
    for name, value in {"INSTANCE": app_config["INSTANCE_PATH"],
                        "DATABASE_URL": app_config["DATABASE_URL"],
                        "SOURCE": app_config["SOURCE_DIR"], "LOCALES": app_config["LOCALES_DIR"],
                        "SECRET_KEY": "test-secret", "SYNC": "0", "MT_RETRIES": "0",
                        "MT_BACKOFF": "0", "MT_TIMEOUT": "2"}.items():
        monkeypatch.setenv(f"TERJIME_{name}", value)
    monkeypatch.delenv("TERJIME_LIBRETRANSLATE_URL", raising=False)
    return app.extensions["terjime.db"]


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, ["pretranslate", *args], catch_exceptions=False)


def enable(store, code: str = "ug") -> None:  # noqa: ANN001
    with store.session() as session:
        machine.set_engine_enabled(session, "libre", code, True, None)


def sources(store) -> list[str]:  # noqa: ANN001
    with store.session() as session:
        return list(session.scalars(select(Segment.msgid).where(Segment.active.is_(True))
                                    .order_by(Segment.position)))


def test_pretranslate_with_memory_and_engine(store, project_dir: Path, monkeypatch) -> None:
    texts = sources(store)
    with store.session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        session.add(MemoryUnit(language_id=ug, source_text=texts[0], target_text="ئەستىكى",
                               origin="test"))
    enable(store)
    failing = texts[7]
    with LibreServer(translate=lambda text, s, t: Fault.status(500) if text == failing
                     else f"[{t}] {text}") as server:
        monkeypatch.setenv("TERJIME_LIBRETRANSLATE_URL", server.url)
        result = run("ug", "--engine", "libre", "--doc", DOC)
    assert result.exit_code == 0, result.output + result.stderr
    total = len(texts)
    assert f"ug: {total} empty segments" in result.stdout
    assert "filled from memory: 1" in result.stdout
    assert f"filled from LibreTranslate (self-hosted): {total - 2}" in result.stdout
    assert "failed: 1" in result.stdout and "skipped: 0" in result.stdout
    assert "error: LibreTranslate" in result.stdout
    assert "pretranslate ug" in result.stderr and f"{total}/{total}" in result.stderr  # the bar
    po = project_dir / "locales" / "ug" / "LC_MESSAGES" / f"{DOC}.po"
    assert f"wrote {po}" in result.stdout or "wrote locales" in result.stdout
    catalog = read_po(po)
    entries = {entry.msgid: entry for entry in catalog.entries}
    assert entries[texts[0]].msgstr == "ئەستىكى"
    assert entries[texts[1]].msgstr == f"[ug] {texts[1]}"
    assert entries[failing].msgstr == ""
    again = run("ug", "--engine", "libre")  # only the one that failed is left
    assert again.exit_code == 0 and "ug: 1 empty segments" in again.stdout


def test_engine_switched_off_is_one_line_and_sends_nothing(store, monkeypatch) -> None:
    with LibreServer() as server:
        monkeypatch.setenv("TERJIME_LIBRETRANSLATE_URL", server.url)
        result = run("ug", "--engine", "libre")
        assert server.requests == []
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("terjime: error: ")
    assert "not enabled for ug" in lines[0] and "terjime mt enable libre --lang ug" in lines[0]
    with store.session() as session:
        assert session.scalar(select(Translation).where(Translation.text != "")) is None


@pytest.mark.parametrize(("args", "message"), [
    (("xx",), "unknown language 'xx'"),
    (("ug", "--engine", "babelfish"), "unknown engine 'babelfish'"),
    (("ug", "--doc", "nothing"), "unknown document 'nothing'"),
])
def test_user_errors_are_one_line(store, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
    assert result.stderr.startswith("terjime: error: ") and message in result.stderr


def test_memory_only_run_and_help(store) -> None:
    result = run("ru")
    assert result.exit_code == 0 and "filled from memory: 0" in result.stdout
    assert "no exact memory match" in result.stdout
    help_text = CliRunner().invoke(main, ["pretranslate", "--help"]).output
    assert "--engine NAME" in help_text and "--doc NAME" in help_text
    assert "empty segments" in help_text
