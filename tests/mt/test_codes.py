"""Our language codes → each engine's codes, table-driven, and checked against the lists
deep-translator's classes accept (an engine code they refuse would fail at translate time)."""

from __future__ import annotations

import pytest

from app.mt import ENGINES, get_engine
from app.mt.codes import ENGINE_NAMES, TABLE, engine_code, engine_languages

CASES = [
    # our code, engine, expected engine code (None: not offered)
    ("ug", "google", "ug"),
    ("ug", "mymemory", "ug-CN"),
    ("ug", "microsoft", "ug"),
    ("ug", "libre", "ug"),
    ("ug", "deepl", None),
    ("zh_Hans", "google", "zh-CN"),
    ("zh-Hans", "google", "zh-CN"),
    ("zh_Hans", "mymemory", "zh-CN"),
    ("zh_Hans", "microsoft", "zh-Hans"),
    ("zh_Hans", "deepl", "ZH"),
    ("zh_Hans", "libre", "zh"),
    ("en", "mymemory", "en-GB"),
    ("en", "deepl", "EN"),
    ("tr", "mymemory", "tr-TR"),
    ("tr", "deepl", "TR"),
    ("ru", "mymemory", "ru-RU"),
    ("kk", "google", "kk"),
    ("kk", "mymemory", "kk-KZ"),
    ("kk", "deepl", None),
    ("ky", "mymemory", "ky-KG"),
    ("uz", "microsoft", "uz"),
    ("ar", "mymemory", "ar-SA"),
    ("ar", "deepl", None),
    ("fa", "mymemory", "fa-IR"),
    ("ms", "mymemory", "ms-MY"),
    ("id", "deepl", "ID"),
    ("ja", "deepl", "JA"),
    ("ja", "mymemory", "ja-JP"),
    ("de", "libre", "de"),
    ("fr", "microsoft", "fr"),
    # Not in our table: the exact tag, else the base subtag, where the engine has it.
    ("es", "google", "es"),
    ("es", "deepl", "ES"),
    ("pt_BR", "google", "pt"),
    ("he", "microsoft", "he"),
    ("nv", "google", None),
    ("nv", "microsoft", None),
    ("nv", "libre", None),
]


@pytest.mark.parametrize(("ours", "engine", "expected"), CASES)
def test_engine_code(ours: str, engine: str, expected: str | None) -> None:
    assert engine_code(engine, ours) == expected


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_every_table_code_is_accepted_by_the_engines_client(engine: str) -> None:
    accepted = engine_languages(engine)
    for ours, row in TABLE.items():
        if row[engine] is not None:
            assert row[engine] in accepted, f"{engine} does not accept {row[engine]} ({ours})"


def test_every_engine_has_a_column_for_every_language() -> None:
    assert set(ENGINES) == set(ENGINE_NAMES)
    for ours, row in TABLE.items():
        assert set(row) == set(ENGINE_NAMES), ours


@pytest.mark.parametrize(("engine", "language", "supported"), [
    ("google", "ug", True), ("mymemory", "ug", True), ("microsoft", "ug", True),
    ("libre", "ug", True), ("deepl", "ug", False), ("deepl", "zh_Hans", True),
    ("deepl", "tr", True), ("deepl", "fa", False),
])
def test_supports_uses_the_table(engine: str, language: str, supported: bool) -> None:
    assert get_engine(engine, {}).supports(language) is supported


def test_unknown_engine_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        engine_code("babelfish", "ug")
