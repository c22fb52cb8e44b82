"""``terjime publish``, ``terjime export`` and ``terjime releases`` on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import fails, run
from release_helpers import make_releasable, translate_all
from sqlalchemy import func, select

from app.export import DRAFT_MARK, RENDERERS
from app.services.releases import script_variants
from app.store.models import Release
from app.web import project


@pytest.fixture
def store(app, app_config: dict, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    """The test app's store, which the commands find through TERJIME_* variables."""
    for name, key in {"INSTANCE": "INSTANCE_PATH", "DATABASE_URL": "DATABASE_URL",
                      "SOURCE": "SOURCE_DIR", "LOCALES": "LOCALES_DIR",
                      "SECRET_KEY": "SECRET_KEY"}.items():
        monkeypatch.setenv(f"TERJIME_{name}", app_config[key])
    monkeypatch.setenv("TERJIME_SYNC", "0")
    with app.app_context():
        yield app.extensions["terjime.db"]


@pytest.fixture
def editor(make_user) -> int:
    return make_user("ilham", "editor", ["ug", "tr"])


def release_count(store) -> int:  # noqa: ANN001
    with store.session() as session:
        return session.scalar(select(func.count(Release.id)))


def files_per_release(code: str) -> int:
    readers = sum(1 for renderer in RENDERERS.values() if not renderer.for_translators)
    return len(RENDERERS) + len(script_variants(code)) * readers


def test_publish_is_refused_until_signed_off_then_numbered(store, editor, app_config) -> None:
    instance = Path(app_config["INSTANCE_PATH"])
    translate_all(store, editor, "ug")
    line = fails("publish", "ug")
    assert "nothing was published" in line and "statement ug: Uyghur is not signed off" in line
    assert release_count(store) == 0 and not (instance / "releases").exists()

    make_releasable(store, project(), editor, "ug")
    first = run("publish", "ug", "--doc", "statement")
    folder = instance / "releases" / "statement" / "ug" / "1"
    assert first.stdout == (f"statement ug: release 1 ({files_per_release('ug')} files) "
                            f"→ {folder}\n")
    assert (folder / "statement.ug.release-1.zip").is_file()
    assert "release 2" in run("publish", "ug").stdout

    listing = run("releases").stdout.splitlines()
    assert [line.split("  ")[0] for line in listing] == ["statement ug release 2",
                                                         "statement ug release 1"]
    assert "statement.ug.release-1.zip" in listing[1]
    verified = run("releases", "ug", "--verify").stdout
    assert verified.count("\n  ok\n") == 2
    (folder / "statement.ug.md").write_text("tampered", encoding="utf-8")
    result = run("releases", "ug", "--verify", ok=False)
    assert result.exit_code == 1
    assert "  statement.ug.md: checksum mismatch" in result.stdout
    assert result.stderr == "terjime: error: 1 release failed verification\n"
    assert run("releases", "tr").stdout == "no releases yet\n"


def test_publish_refuses_every_language_when_one_is_not_ready(store, editor,
                                                               app_config) -> None:
    make_releasable(store, project(), editor, "ug")
    line = fails("publish", "ug", "tr")
    assert "statement tr: Turkish is not signed off" in line and "statement ug" not in line
    assert release_count(store) == 0
    assert "unknown language 'xx'" in fails("publish", "xx")
    assert "unknown statement 'nope'" in fails("publish", "ug", "--doc", "nope")
    assert release_count(store) == 0
    assert not (Path(app_config["INSTANCE_PATH"]) / "releases").exists()


def test_export_writes_a_marked_draft_and_records_nothing(store, editor, project_dir) -> None:
    translate_all(store, editor, "ug", approve=False, skip=3)
    result = run("export", "ug", "--format", "html")
    draft = project_dir / "statement.ug.draft.html"
    assert result.stderr.startswith("statement.ug.draft.html (")
    text = draft.read_text(encoding="utf-8")
    assert DRAFT_MARK in text and "ئۇيغۇرلار خىتايغا قايتۇرۇلسا" in text

    piped = run("export", "ug", "--format", "txt", "-o", "-")
    assert DRAFT_MARK in piped.stdout_bytes.decode("utf-8")

    run("export", "ug-Latn", "--format", "md", "-o", "latin.md")
    latin = (project_dir / "latin.md").read_text(encoding="utf-8")
    assert DRAFT_MARK in latin and "Uyghurlar xitaygha qayturulsa" in latin

    assert "unknown format 'exe'" in fails("export", "ug", "--format", "exe")
    assert "unknown language 'xx'" in fails("export", "xx", "--format", "md")
    assert "unknown language 'ug-Grek'" in fails("export", "ug-Grek", "--format", "md")
    assert release_count(store) == 0


@pytest.mark.parametrize("command", ["publish", "export", "releases"])
def test_every_command_explains_itself_with_examples(command: str) -> None:
    text = run(command, "--help").stdout
    assert "Examples:" in text and f"terjime {command}" in text
