"""Meta-tests that keep the check registry honest."""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest
from test_checks import CASES

import app.checks
from app.checks import CHECKS, DOCUMENT_CHECKS, Check, DocumentCheck, Severity, language

ALL = {**CHECKS, **DOCUMENT_CHECKS}


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_check_has_passing_and_failing_cases(check_id: str) -> None:
    outcomes = {case.fails for case in CASES if case.check_id == check_id}
    assert outcomes == {True, False}, f"{check_id} needs good and bad cases in CASES"


@pytest.mark.parametrize("check_id", sorted(ALL))
def test_check_is_described(check_id: str) -> None:
    check = ALL[check_id]
    assert isinstance(check, Check | DocumentCheck)
    assert check.check_id == check_id
    assert check.name and check.description
    assert isinstance(check.severity, Severity)


def test_ids_are_unique_across_registries() -> None:
    assert not set(CHECKS) & set(DOCUMENT_CHECKS)
    assert len({type(check) for check in ALL.values()}) == len(ALL)


def test_issue_checks_are_registered() -> None:
    expected = {"numbers", "urls", "placeholders", "markup", "end_punctuation", "whitespace",
                "unchanged", "script", "language", "length", "glossary", "inconsistent",
                "machine_draft", "brackets", "sentences"}
    assert expected <= set(CHECKS)
    assert "structure" in DOCUMENT_CHECKS


def test_checks_are_pure_domain() -> None:
    """app/checks, like app/core, imports neither Flask nor SQLAlchemy."""
    for path in Path(app.checks.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"flask", "sqlalchemy"}, (path.name, name)


def test_language_model_loads_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled model is read from the installed wheel: no download, even on first use."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the language check tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    language._model.cache_clear()
    scores = language.identify("Мы призываем все государства немедленно прекратить преследование.")
    assert max(scores, key=scores.__getitem__) == "ru"
