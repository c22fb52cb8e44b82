"""The extractor through the real `pybabel` command gives the same entries as `terjime extract`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from app.core.pofile import read_po


def pybabel() -> list[str]:
    exe = Path(sys.executable).with_name("pybabel")
    return [str(exe)] if exe.exists() else [shutil.which("pybabel") or "pybabel"]


def entries(path: Path) -> list[tuple]:
    catalog = read_po(path)
    return [
        (e.msgctxt, e.msgid, tuple(e.locations), tuple(e.auto_comments)) for e in catalog.entries
    ]


def test_pybabel_and_terjime_extract_agree(project_dir: Path) -> None:
    out = project_dir / "babel.pot"
    subprocess.run(
        [*pybabel(), "extract", "-F", "babel.cfg", "-o", str(out), "source/"],
        check=True,
        capture_output=True,
    )
    assert CliRunner().invoke(main, ["extract"]).exit_code == 0
    ours = entries(project_dir / "locales" / "statement.pot")
    theirs = entries(out)
    assert len(ours) > 90
    assert ours == theirs


def test_prose_gets_no_python_format_flag(project_dir: Path) -> None:
    (project_dir / "source" / "statement.md").write_text(
        "# Growth\n\nIt rose by 50% of the total. Use {name} here.\n", encoding="utf-8"
    )
    assert CliRunner().invoke(main, ["extract"]).exit_code == 0
    catalog = read_po(project_dir / "locales" / "statement.pot")
    assert [e.msgid for e in catalog.entries][1] == "It rose by 50% of the total."
    assert all(not e.flags for e in catalog.entries)
