"""`terjime check [LANG ...] [--doc NAME] [--format text|json]`: findings on the store after
importing the files, exit 1 on an error, dismissed warnings left out, one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from check_stubs import Broken, Shouting
from click.testing import CliRunner
from sqlalchemy import func, select

import app.checks as checks_package
from app.cli import main
from app.services import quality, translations
from app.store.models import Document, Language, Segment, Translation, User

DOC = "statement"


@pytest.fixture
def store(app, app_config: dict, monkeypatch: pytest.MonkeyPatch):
    """The migrated, imported store of ``app``, found by the command through TERJIME_*."""
    for name, value in {
        "INSTANCE": app_config["INSTANCE_PATH"],
        "DATABASE_URL": app_config["DATABASE_URL"],
        "SOURCE": app_config["SOURCE_DIR"],
        "LOCALES": app_config["LOCALES_DIR"],
        "SECRET_KEY": "test-secret",
        "SYNC": "0",
    }.items():
        monkeypatch.setenv(f"TERJIME_{name}", value)
    monkeypatch.setattr(
        checks_package, "CHECKS", {"broken": Broken(), "shouting": Shouting()}, raising=False
    )
    monkeypatch.setattr(checks_package, "DOCUMENT_CHECKS", {}, raising=False)
    return app.extensions["terjime.db"]


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def put(store, texts: dict[int, str], lang: str = "ug") -> list[int]:  # noqa: ANN001
    """Save texts by segment index (as an admin); returns the segment ids used."""
    with store.session() as session:
        user = User(display_name="admin", password_hash="x")
        session.add(user)
        session.flush()
        from app.store.models import Membership

        session.add(Membership(user_id=user.id, role="admin", language_id=None))
        session.flush()
        language = session.scalar(select(Language).where(Language.code == lang))
        ids = list(
            session.scalars(
                select(Segment.id)
                .join(Document)
                .where(Document.name == DOC, Segment.active.is_(True))
                .order_by(Segment.position)
            )
        )
        for index, text in texts.items():
            row = translations.translation_for(session, ids[index], language)
            translations.save_translation(session, row, text, row.revision, user)
        return ids


def test_no_findings_exits_0(store) -> None:
    put(store, {0: "ياخشى"})
    result = run()
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "0 errors, 0 warnings"


def test_text_output_and_exit_1_on_an_error(store) -> None:
    ids = put(store, {0: "BAD", 2: "ياخشى!!"})
    result = run("ug")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"{DOC} ug #1 broken error: the text contains BAD",
        f"{DOC} ug #3 shouting warning: two exclamation marks",
        "1 error, 1 warning",
    ]
    assert ids  # the segment ids are in the JSON output, positions in the text


def test_json_output_lists_every_field(store) -> None:
    ids = put(store, {0: "BAD", 2: "ياخشى!!"})
    result = run("ug", "tr", "--doc", DOC, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == [
        {
            "document": DOC,
            "language": "ug",
            "segment": ids[0],
            "position": 1,
            "check": "broken",
            "severity": "error",
            "message": "the text contains BAD",
        },
        {
            "document": DOC,
            "language": "ug",
            "segment": ids[2],
            "position": 3,
            "check": "shouting",
            "severity": "warning",
            "message": "two exclamation marks",
        },
    ]


def test_warnings_alone_exit_0_and_dismissed_ones_are_left_out(store) -> None:
    ids = put(store, {2: "ياخشى!!"})
    assert run("ug").exit_code == 0
    with store.session() as session:
        row = session.scalar(
            select(Translation)
            .join(Language)
            .where(Translation.segment_id == ids[2], Language.code == "ug")
        )
        quality.dismiss(session, row, "shouting", "a slogan", session.scalar(select(User)))
    result = run("ug", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_another_language_is_not_reported(store) -> None:
    put(store, {0: "BAD"})
    result = run("tr")
    assert result.exit_code == 0 and "0 errors" in result.output


def test_reflects_the_po_files(store, project_dir: Path) -> None:
    """An error written into a PO file by hand is found: the command imports first."""
    import polib

    path = project_dir / "locales" / "ug" / "LC_MESSAGES" / f"{DOC}.po"
    if not path.exists():
        path = next((project_dir / "locales").rglob("ug*.po"))
    catalog = polib.pofile(str(path))
    entry = next(entry for entry in catalog if entry.msgid and not entry.obsolete)
    entry.msgstr = "BAD"
    catalog.save()
    result = run("ug")
    assert result.exit_code == 1 and "broken error: the text contains BAD" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("xx",), "unknown language xx"),
        (("ug", "--doc", "nothing"), "unknown statement 'nothing'"),
    ],
)
def test_unknown_names_are_one_line_and_change_nothing(store, args, message) -> None:
    with store.session() as session:
        before = session.scalar(select(func.count(Translation.id)))
    result = CliRunner().invoke(main, ["check", *args])
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"terjime: error: {message}")
    assert len(result.output.strip().splitlines()) == 1
    with store.session() as session:
        assert session.scalar(select(func.count(Translation.id))) == before


def test_real_checks_find_a_missing_number(
    app, app_config: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No stubs: the registered checks, through the command, in JSON."""
    for name, value in {
        "INSTANCE": app_config["INSTANCE_PATH"],
        "DATABASE_URL": app_config["DATABASE_URL"],
        "SOURCE": app_config["SOURCE_DIR"],
        "LOCALES": app_config["LOCALES_DIR"],
        "SECRET_KEY": "test-secret",
        "SYNC": "0",
    }.items():
        monkeypatch.setenv(f"TERJIME_{name}", value)
    ids = put(app.extensions["terjime.db"], {1: "دۇنيا مۇساپىرلار كۈنى"})
    result = run("ug", "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert {
        "document": DOC,
        "language": "ug",
        "segment": ids[1],
        "position": 2,
        "check": "numbers",
        "severity": "error",
    } in [
        {
            key: item[key]
            for key in ("document", "language", "segment", "position", "check", "severity")
        }
        for item in found
    ]
