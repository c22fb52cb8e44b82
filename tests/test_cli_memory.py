"""`terjime memory …` and `terjime glossary …`: files in and out; refusals change nothing."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from cli_helpers import cli_store, fails, run
from sqlalchemy import func, select

from app.cli import main
from app.core.catalog import Catalog, Entry
from app.core.pofile import write_po
from app.core.tmx import read_tmx
from app.services import memory
from app.store.db import Database
from app.store.models import GlossaryTerm, MemoryUnit

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>No return is safe for Uyghurs.</seg></tuv>
    <tuv xml:lang="ug-CN"><seg>ئۇيغۇرلار ئۈچۈن ھېچقانداق قايتۇرۇش بىخەتەر ئەمەس.</seg></tuv>
    <tuv xml:lang="tr"><seg>Uygurlar için hiçbir geri dönüş güvenli değildir.</seg></tuv>
    <tuv xml:lang="de"><seg>Keine Rückkehr ist sicher.</seg></tuv></tu>
</body></tmx>""".encode()
CSV = "source,target,note,do_not_translate\nUNHCR,,UN agency,yes\nasylum,sığınma,,no\n"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The store the commands find through TERJIME_* variables, with ug/tr/ru languages."""
    memory.reset_indexes()
    store = cli_store(tmp_path, monkeypatch)
    yield store
    store.dispose()
    memory.reset_indexes()


def count(database: Database, model) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_every_command_has_help() -> None:
    for group in ("memory", "glossary"):
        command_group = main.get_command(click.Context(main), group)  # lazily loaded
        assert command_group.help
        assert "Usage:" in run(group, "--help").output
        for name, command in command_group.commands.items():
            assert command.help, f"terjime {group} {name} has no help text"
            assert "Usage:" in run(group, name, "--help").output


def test_memory_import_and_export(database: Database, tmp_path: Path) -> None:
    source = tmp_path / "old.tmx"
    source.write_bytes(TMX)
    output = run("memory", "import", str(source)).output
    assert "tr: 1 units added" in output and "ug: 1 units added" in output
    assert "not imported: de" in output
    assert "2 already" not in output
    again = run("memory", "import", str(source), "--lang", "ug").output
    assert "ug: 0 units added" in again and "1 already in the memory" in again
    target = tmp_path / "out" / "memory-ug.tmx"
    assert "wrote" in run("memory", "export", "ug", "-o", str(target)).output
    assert "(1 units)" in run("memory", "export", "ug", "-o", str(target)).output
    assert read_tmx(target.read_bytes()).pairs("en", "ug") == [
        ("No return is safe for Uyghurs.", "ئۇيغۇرلار ئۈچۈن ھېچقانداق قايتۇرۇش بىخەتەر ئەمەس.")
    ]
    stdout = run("memory", "export", "tr", "-o", "-").stdout_bytes
    assert read_tmx(stdout).pairs("en", "tr") == [
        ("No return is safe for Uyghurs.", "Uygurlar için hiçbir geri dönüş güvenli değildir.")
    ]


def test_memory_import_refusals_change_nothing(database: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><tmx>&a;</tmx>')
    assert "bad.tmx is not a TMX file: it declares its own DTD" in fails(
        "memory", "import", str(bad)
    )
    good = tmp_path / "good.tmx"
    good.write_bytes(TMX)
    assert "has no units for ru" in fails("memory", "import", str(good), "--lang", "ru")
    assert "unknown language xx" in fails("memory", "import", str(good), "--lang", "xx")
    assert "unknown language xx" in fails("memory", "export", "xx", "-o", str(tmp_path / "x.tmx"))
    assert not (tmp_path / "x.tmx").exists()
    assert count(database, MemoryUnit) == 0
    missing = run("memory", "import", str(tmp_path / "missing.tmx"), ok=False)
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_memory_import_po(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "locales" / "ug" / "LC_MESSAGES" / "statement.po"
    path.parent.mkdir(parents=True)
    write_po(
        path,
        Catalog(
            header={"Language": "ug"},
            entries=[
                Entry("Kept sentence.", "ساقلانغان جۈملە."),
                Entry("Fuzzy.", "گۇمانلىق", flags=["fuzzy"]),
                Entry("Removed sentence.", "ئۆچۈرۈلگەن جۈملە.", obsolete=True),
            ],
        ),
    )
    output = run("memory", "import-po").output
    assert "ug: 2 units added" in output
    assert "2 already in the memory" in run("memory", "import-po").output
    assert count(database, MemoryUnit) == 2


def test_glossary_import_and_export(database: Database, tmp_path: Path) -> None:
    source = tmp_path / "terms.csv"
    source.write_text(CSV, encoding="utf-8")
    assert (
        "tr: 2 added, 0 updated, 0 unchanged" in run("glossary", "import", "tr", str(source)).output
    )
    run("glossary", "export", "tr", "-o", str(tmp_path / "tr.tbx"))
    tbx = (tmp_path / "tr.tbx").read_bytes()
    assert tbx.startswith(b"<?xml") and "sığınma".encode() in tbx
    run("glossary", "export", "tr", "-o", str(tmp_path / "tr.csv"))
    csv_text = (tmp_path / "tr.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[1:] == ["asylum,sığınma,,no", "UNHCR,UNHCR,UN agency,yes"]
    assert run("glossary", "export", "tr", "-o", "-", "--format", "tbx").stdout_bytes == tbx
    assert (
        "0 added, 0 updated, 2 unchanged"
        in run("glossary", "import", "tr", str(tmp_path / "tr.tbx")).output
    )


def test_glossary_refusals_change_nothing(database: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target\nrefugee,\n", encoding="utf-8")
    assert "bad.csv, line 2: give the translation" in fails("glossary", "import", "ug", str(bad))
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)))
    assert "not a text file" in fails("glossary", "import", "ug", str(garbage))
    good = tmp_path / "good.csv"
    good.write_text(CSV, encoding="utf-8")
    assert "unknown language xx" in fails("glossary", "import", "xx", str(good))
    assert count(database, GlossaryTerm) == 0
