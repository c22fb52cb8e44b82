"""The pipeline through the `terjime` command: extract, init, update, build, stats, bad input."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import require_tool

from app.cli import main
from app.core.pofile import format_po, read_po, write_po

LANGS = ["ug", "tr", "ru", "kk", "ky", "uz", "ar", "fa", "zh_Hans", "ms", "id", "ja", "de", "fr"]


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output + (result.stderr or "")
    return result


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root with its digest: proves that a failing command wrote nothing."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def translate_all(path: Path, prefix: str = "T:") -> None:
    catalog = read_po(path)
    for entry in catalog.active:
        entry.msgstr = prefix + entry.msgid
    write_po(path, catalog)


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every command and subcommand of the `terjime` tree, lazily loaded ones included."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"terjime {' '.join(prefix + (name,))} cannot be loaded"
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


def test_every_command_has_help() -> None:
    seen = []
    for path, command in all_commands(main):
        assert command.help, f"terjime {' '.join(path)} has no help text"
        result = run(*path, "--help")
        assert "Usage:" in result.output
        if path[0] in {"extract", "init", "update", "build", "stats"}:
            assert "--source" in result.output and "--locales" in result.output
        seen.append(" ".join(path))
    assert {"extract", "init", "update", "build", "stats", "serve", "user invite"} <= set(seen)


def test_extract_writes_pot_and_is_stable(project_dir: Path) -> None:
    run("extract")
    pot = project_dir / "locales" / "statement.pot"
    first = pot.read_bytes()
    catalog = read_po(pot)
    signatories = [e for e in catalog.entries if e.msgctxt == "signatory"]
    assert len(signatories) == 72
    assert not any("python-format" in e.flags for e in catalog.entries)
    assert all(
        e.locations and e.locations[0].startswith("source/statement.md:") for e in catalog.entries
    )
    run("extract")
    assert pot.read_bytes() == first, "re-extracting an unchanged statement must give zero diff"


def test_init_creates_headers_from_cldr(project_dir: Path) -> None:
    run("init", *LANGS)
    for code in LANGS:
        catalog = read_po(project_dir / "locales" / code / "LC_MESSAGES" / "statement.po")
        assert catalog.header["Language"] == code
    ru = read_po(project_dir / "locales/ru/LC_MESSAGES/statement.po")
    ar = read_po(project_dir / "locales/ar/LC_MESSAGES/statement.po")
    assert ru.header["Plural-Forms"].startswith("nplurals=3;")
    assert ar.header["Plural-Forms"].startswith("nplurals=6;")
    # Existing catalogues are never overwritten.
    po = project_dir / "locales/ug/LC_MESSAGES/statement.po"
    translate_all(po)
    before = po.read_bytes()
    result = run("init", "ug")
    assert "left alone" in result.output
    assert po.read_bytes() == before


def test_po_files_pass_gettext_validators(project_dir: Path) -> None:
    msgfmt, msgcat = require_tool("msgfmt"), require_tool("msgcat")
    run("init", "ug", "ru", "ar", "zh_Hans")
    translate_all(project_dir / "locales/ug/LC_MESSAGES/statement.po")
    for po in sorted((project_dir / "locales").rglob("*.po")):
        subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(po)], check=True)
        out = subprocess.run([msgcat, "--no-wrap", str(po)], check=True, capture_output=True).stdout
        assert out == po.read_bytes(), f"{po} is not in msgcat --no-wrap layout"


def test_unknown_language_is_a_clear_error_and_writes_nothing(project_dir: Path) -> None:
    before = snapshot(project_dir)
    result = run("init", "ug", "xx", ok=False)
    assert result.exit_code == 1
    assert "unknown language code 'xx'" in result.output
    assert snapshot(project_dir) == before


def amend(project_dir: Path, old: str, new: str) -> None:
    path = project_dir / "source" / "statement.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_update_after_amendment_fuzzies_exactly_one_entry(project_dir: Path) -> None:
    run("init", "ug", "tr")
    for code in ("ug", "tr"):
        translate_all(project_dir / f"locales/{code}/LC_MESSAGES/statement.po")
    old_sentence = "No return is safe for Uyghurs."
    amend(project_dir, old_sentence, "No return is ever safe for Uyghurs.")
    result = run("update")
    lines = [line.split() for line in result.output.splitlines()[1:]]
    assert {line[0] for line in lines} == {"ug", "tr"}
    for line in lines:
        _, _, kept, fuzzy, new, obsolete = line
        assert (int(fuzzy), int(new), int(obsolete)) == (1, 0, 0)
        assert int(kept) > 90
    catalog = read_po(project_dir / "locales/ug/LC_MESSAGES/statement.po")
    fuzzy = [e for e in catalog.entries if e.fuzzy]
    assert [e.msgid for e in fuzzy] == ["No return is ever safe for Uyghurs."]
    assert fuzzy[0].previous_msgid == old_sentence
    assert fuzzy[0].msgstr == "T:" + old_sentence


def test_update_keeps_removed_entries_as_obsolete(project_dir: Path) -> None:
    run("init", "ug")
    translate_all(project_dir / "locales/ug/LC_MESSAGES/statement.po")
    amend(project_dir, "72. World Uyghur Congress Foundation\n", "")
    result = run("update")
    assert result.output.splitlines()[1].split()[-1] == "1"
    po_text = (project_dir / "locales/ug/LC_MESSAGES/statement.po").read_text(encoding="utf-8")
    assert '#~ msgctxt "signatory"\n#~ msgid "World Uyghur Congress Foundation"' in po_text


def test_update_without_changes_gives_zero_diff(project_dir: Path) -> None:
    run("init", "ug")
    translate_all(project_dir / "locales/ug/LC_MESSAGES/statement.po")
    before = snapshot(project_dir)
    run("update")
    assert snapshot(project_dir) == before


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_build_formats(project_dir: Path, fmt: str) -> None:
    run("init", "ug")
    translate_all(project_dir / "locales/ug/LC_MESSAGES/statement.po", prefix="ئۇ ")
    out = project_dir / f"out.{fmt}"
    run("build", "ug", "--format", fmt, "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert "ئۇ Civil Society calls" in text
    if fmt == "html":
        assert '<html lang="ug" dir="rtl">' in text
        assert "http://" not in text and "https://" not in text
    if fmt == "md":
        assert text.count("\n- ") == 4
        assert "72. ئۇ World Uyghur Congress Foundation" in text


def test_build_falls_back_and_strict_fails(project_dir: Path) -> None:
    run("init", "tr")
    result = run("build", "tr")
    assert result.stdout.startswith("# Civil Society calls for urgent measures")
    assert "97 segments fell back to the source text" in result.stderr
    strict = run("build", "tr", "--strict", "-o", str(project_dir / "x.md"), ok=False)
    assert strict.exit_code == 1
    assert "untranslated or fuzzy" in strict.output
    assert "missing: No return is safe for Uyghurs." in strict.output
    assert not (project_dir / "x.md").exists()


def test_stats(project_dir: Path) -> None:
    run("init", "ug", "ru")
    translate_all(project_dir / "locales/ug/LC_MESSAGES/statement.po")
    result = run("stats")
    rows = {line.split()[1]: line.split() for line in result.output.splitlines()[1:]}
    assert rows["ug"][-1] == "100.0%" and rows["ru"][-1] == "0.0%"
    assert int(rows["ug"][2]) == int(rows["ug"][3]) > 80


def test_source_and_locales_options(tmp_path: Path, project_dir: Path) -> None:
    other = tmp_path / "elsewhere"
    (other / "src").mkdir(parents=True)
    (other / "src" / "letter.md").write_text("# Hello\n\nOne. Two.\n", encoding="utf-8")
    run("init", "de", "--source", str(other / "src"), "--locales", str(other / "loc"))
    catalog = read_po(other / "loc/de/LC_MESSAGES/letter.po")
    assert [e.msgid for e in catalog.entries] == ["Hello", "One.", "Two."]


# --- bad input: a one-line error naming the file, exit 1, nothing written ---------------------


def expect_failure(project_dir: Path, args: list[str], *needles: str) -> None:
    before = snapshot(project_dir)
    result = run(*args, ok=False)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("terjime: error: ")
    for needle in needles:
        assert needle in result.output
    assert snapshot(project_dir) == before


def test_missing_source_folder(project_dir: Path) -> None:
    expect_failure(project_dir, ["extract", "--source", "nowhere"], "nowhere", "does not exist")


def test_empty_source_folder(project_dir: Path) -> None:
    (project_dir / "empty").mkdir()
    expect_failure(project_dir, ["init", "ug", "--source", "empty"], "empty", "no Markdown")


def test_invalid_utf8_markdown(project_dir: Path) -> None:
    run("init", "ug")
    path = project_dir / "source" / "statement.md"
    path.write_bytes(path.read_bytes().replace(b"Ahead of", b"Ahead \xff of"))
    expect_failure(project_dir, ["update"], "source/statement.md:3")


def test_po_syntax_error(project_dir: Path) -> None:
    run("init", "ug", "tr")
    po = project_dir / "locales/ug/LC_MESSAGES/statement.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(30, 'msgstr "unterminated\n')
    po.write_text("".join(lines), encoding="utf-8")
    expect_failure(project_dir, ["update"], "locales/ug/LC_MESSAGES/statement.po:31")
    expect_failure(project_dir, ["build", "ug"], "statement.po:31")


def test_po_wrong_charset(project_dir: Path) -> None:
    run("init", "ug")
    po = project_dir / "locales/ug/LC_MESSAGES/statement.po"
    catalog = read_po(po)
    catalog.active[0].msgstr = "ئۇيغۇر"
    po.write_bytes(format_po(catalog).encode("utf-8").replace(b"charset=UTF-8", b"charset=ASCII"))
    expect_failure(project_dir, ["stats"], "statement.po")
