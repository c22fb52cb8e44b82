"""PO, MO, XLIFF and TMX exports, read back by the tools translators use."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import xml.etree.ElementTree as ET
from gettext import GNUTranslations
from pathlib import Path

import polib
import pytest
from conftest import require_tool
from export import samples  # tests/export/samples.py
from translate.storage.xliff import xlifffile

from app import __version__
from app.core.catalog import SIGNATORY_CONTEXT
from app.core.pofile import parse_po
from app.core.states import State
from app.core.tmx import read_tmx
from app.export import DRAFT_MARK, RENDERERS, Localized, Unit
from app.export.catalogs import merged_units
from app.export.xliff import NS, unit_id


def mixed(code: str = "ug", *, draft: bool = False) -> Localized:
    """A statement in every state: 2 empty, then draft, translated and approved in turn,
    plus a repeated sentence (one catalogue entry, two locations)."""
    item = samples.sample_localized(code, untranslated=2, draft=draft)
    states = [State.DRAFT.value, State.TRANSLATED.value, State.APPROVED.value]
    units = [unit if not unit.target else dataclasses.replace(unit, state=states[i % 3])
             for i, unit in enumerate(item.units)]
    repeat = next(u for u in units if u.context is None and u.target and not u.notes[1:])
    units.append(dataclasses.replace(repeat, locations=("source/statement.md:999",)))
    item.units = units
    return item


def expected(item: Localized) -> list[Unit]:
    units = merged_units(item)
    assert len(units) == len({unit.key for unit in item.units}) < len(item.units)
    return units


# --- PO -----------------------------------------------------------------------------------------


def test_po_checks_with_msgfmt(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    for item in (mixed(), mixed("zh_Hans", draft=True), samples.sample_localized("ar")):
        path = tmp_path / RENDERERS["po"].filename(item)
        path.write_bytes(RENDERERS["po"].render(item))
        result = subprocess.run([msgfmt, "--check-format", "-c", "-o", os.devnull, str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


def test_po_header() -> None:
    item = mixed("ug")
    catalog = polib.pofile(RENDERERS["po"].render(item).decode())
    meta = catalog.metadata
    assert meta["Language"] == "ug"
    assert meta["Plural-Forms"] == item.language.plural_forms
    assert meta["Project-Id-Version"] == "statement release 1"
    assert meta["X-Generator"] == f"Terjime {__version__}"
    assert meta["PO-Revision-Date"] == "2026-11-27 12:00+0000"
    assert meta["Last-Translator"] == "Terjime volunteers"
    assert meta["X-Source-Revision"] == "0" * 64
    assert "release 1" in catalog.header and DRAFT_MARK not in catalog.header
    draft = polib.pofile(RENDERERS["po"].render(mixed("ug", draft=True)).decode())
    assert draft.metadata["Project-Id-Version"] == "statement draft"
    assert DRAFT_MARK in draft.header and draft.metadata["X-Notice"] == DRAFT_MARK


def test_po_entries_round_trip() -> None:
    item = mixed("ug")
    data = RENDERERS["po"].render(item)
    catalog = polib.pofile(data.decode())
    units = expected(item)
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in catalog] == [
        (u.context, u.source, u.target) for u in units]
    for entry, unit in zip(catalog, units, strict=True):
        assert entry.fuzzy == (unit.state == State.DRAFT.value)
        assert entry.translated() == unit.usable
        assert entry.comment == "\n".join(unit.notes)
        assert [f"{path}:{line}" for path, line in entry.occurrences] == list(unit.locations)
    assert any(len(u.locations) == 2 for u in units)  # the repeated sentence, merged
    assert {e.msgid for e in catalog.untranslated_entries()} == {
        u.source for u in units if not u.target}
    # Our own reader agrees, and writing it again gives the same bytes.
    ours = parse_po(data.decode())
    assert [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy) for e in ours.entries] == [
        (e.msgctxt, e.msgid, e.msgstr, e.fuzzy) for e in catalog]


# --- MO -----------------------------------------------------------------------------------------


def test_mo_loads_with_gettext() -> None:
    item = mixed("ug")
    translations = GNUTranslations(io.BytesIO(RENDERERS["mo"].render(item)))
    units = expected(item)
    assert translations.info()["language"] == "ug"
    for unit in units:
        if unit.context is None:
            got = translations.gettext(unit.source)
        else:
            got = translations.pgettext(unit.context, unit.source)
        assert got == (unit.target if unit.usable else unit.source), unit
    signatory = next(u for u in units if u.context == SIGNATORY_CONTEXT and u.usable)
    assert translations.pgettext(SIGNATORY_CONTEXT, signatory.source) == signatory.target
    assert any(u.state == State.DRAFT.value for u in units)  # fuzzy ones were left out


def test_mo_matches_msgfmt(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    for item in (mixed("ug"), samples.sample_localized("zh_Hans", draft=True)):
        po = tmp_path / "x.po"
        po.write_bytes(RENDERERS["po"].render(item))
        subprocess.run([msgfmt, "-o", str(tmp_path / "x.mo"), str(po)], check=True)
        theirs = GNUTranslations(io.BytesIO((tmp_path / "x.mo").read_bytes()))
        ours = GNUTranslations(io.BytesIO(RENDERERS["mo"].render(item)))
        assert ours._catalog == theirs._catalog  # type: ignore[attr-defined]
        assert len(ours._catalog) > 1  # type: ignore[attr-defined]


# --- XLIFF --------------------------------------------------------------------------------------


def test_xliff_round_trips_through_translate_toolkit() -> None:
    item = mixed("ug")
    store = xlifffile(RENDERERS["xliff"].render(item))
    units = expected(item)
    assert store.getsourcelanguage() == "en"
    assert store.gettargetlanguage() == "ug"
    read = [u for u in store.units if not u.isheader()]
    assert [(u.source, u.target or "") for u in read] == [(u.source, u.target) for u in units]
    for got, unit in zip(read, units, strict=True):
        assert got.isapproved() == (unit.state == State.APPROVED.value)
        assert got.getlocations() == list(unit.locations)
        assert got.getnotes("developer") == "\n".join(unit.notes)
        assert got.getid().endswith(unit_id(unit))


def test_xliff_structure() -> None:
    item = mixed("zh_Hans", draft=True)
    root = ET.fromstring(RENDERERS["xliff"].render(item))
    q = f"{{{NS}}}"
    assert root.tag == f"{q}xliff" and root.get("version") == "1.2"
    (file,) = root.findall(f"{q}file")
    assert file.get("source-language") == "en" and file.get("target-language") == "zh-Hans"
    notes = [n.text for n in file.findall(f"{q}header/{q}note")]
    assert DRAFT_MARK in notes
    states = {}
    ids = set()
    for element, unit in zip(file.iter(f"{q}trans-unit"), expected(item), strict=True):
        target = element.find(f"{q}target")
        states[unit.state] = (target.get("state"), element.get("approved"))
        ids.add(element.get("id"))
        contexts = [c.text for c in element.iter(f"{q}context")
                    if c.get("context-type") == "x-po-msgctxt"]
        assert contexts == ([unit.context] if unit.context else [])
        assert element.get("resname") == (unit.context or unit.locations[0])
    assert len(ids) == len(expected(item))
    assert states == {
        State.EMPTY.value: ("needs-translation", None),
        State.DRAFT.value: ("needs-review-translation", None),
        State.TRANSLATED.value: ("translated", None),
        State.APPROVED.value: ("final", "yes"),
    }


def test_xliff_escapes_markup_and_drops_control_characters() -> None:
    item = samples.sample_localized("ru")
    first = item.units[0]
    item.units = [dataclasses.replace(first, target="<b>A & B</b> ]]> \x01x"), *item.units[1:]]
    store = xlifffile(RENDERERS["xliff"].render(item))
    assert store.units[0].target == "<b>A & B</b> ]]> x"


# --- TMX ----------------------------------------------------------------------------------------


def test_tmx_holds_the_usable_pairs() -> None:
    item = mixed("ug")
    document = read_tmx(RENDERERS["tmx"].render(item))
    pairs = [(u.source, u.target) for u in expected(item) if u.usable]
    assert document.pairs("en", "ug") == pairs
    assert document.srclang == "en"


@pytest.mark.parametrize("code", ["zh_Hans", "ar"])
def test_tmx_language_tags_and_draft_note(code: str) -> None:
    item = samples.sample_localized(code, draft=True)
    data = RENDERERS["tmx"].render(item)
    root = ET.fromstring(data)
    assert root.find("header/note").text == DRAFT_MARK
    tags = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")}
    assert tags == {"en", code.replace("_", "-")}
    assert b"creationid" not in data and b"changeid" not in data
    release = RENDERERS["tmx"].render(samples.sample_localized(code))
    assert ET.fromstring(release).find("header/note") is None
    assert read_tmx(data).pairs("en", code) == read_tmx(release).pairs("en", code)
