"""Glossary files: TBX (TermBase eXchange) and CSV, read into and written from plain rows.

TBX mapping (read: TBX v2 ``martif`` and TBX v3 ``tbx``; write: TBX-Basic v2, which Weblate,
translate-toolkit and OmegaT all read):

=======================  ==========================================================
glossary field           TBX
=======================  ==========================================================
one term                 ``termEntry`` (v2) or ``conceptEntry`` (v3)
source term              first ``term`` of the source ``langSet``/``langSec``
translation              first ``term`` of the target ``langSet``/``langSec``
note                     ``note`` (or ``descrip``) of the target section, else of the
                         entry (written: ``<note>`` beside the target term)
do-not-translate         ``<termNote type="translationNote">no</termNote>`` on the source
                         term (Weblate's convention); also read: ``type="doNotTranslate"``
                         or ``"x-doNotTranslate"`` with yes/true/1
=======================  ==========================================================

CSV: a header row naming the columns ``source, target, note, do_not_translate`` (note and
do_not_translate optional; comma, semicolon or tab separated; UTF-8, a BOM is fine).
do_not_translate is yes/no (also true/false, 1/0, x, empty). Cells that a spreadsheet would run
as a formula (starting with = + - @) are written with a leading apostrophe, which reading
removes again.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.tmx import XML_LANG, language_matches
from app.core.xmlsafe import XmlError, attribute, local, parse_xml

__all__ = ["CSV_COLUMNS", "GlossaryFileError", "GlossaryRow", "read_csv", "read_tbx",
           "write_csv", "write_tbx"]

CSV_COLUMNS = ("source", "target", "note", "do_not_translate")
_ALIASES = {
    "source": "source", "source_term": "source", "term": "source", "en": "source",
    "target": "target", "target_term": "target", "translation": "target",
    "note": "note", "notes": "note", "comment": "note",
    "do_not_translate": "do_not_translate", "do-not-translate": "do_not_translate",
    "do not translate": "do_not_translate", "dnt": "do_not_translate",
}
_TRUE = {"1", "yes", "true", "y", "x"}
_FALSE = {"", "0", "no", "false", "n"}
_FORMULA = tuple("=+-@\t\r")
_DNT_TYPES = {"translationnote": _FALSE - {""}, "donottranslate": _TRUE,
              "x-donottranslate": _TRUE}


class GlossaryFileError(ValueError):
    """A glossary file that cannot be read; the message names the file, line and reason."""


@dataclass
class GlossaryRow:
    source: str
    target: str = ""
    note: str = ""
    do_not_translate: bool = False
    #: Where the row came from in its file (CSV line or TBX entry number), for messages.
    line: int = 0


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> str:
    if b"\x00" in data:
        raise GlossaryFileError(f"{filename} is not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryFileError(f"{filename} is not UTF-8 text (byte {exc.start + 1}); "
                                "save it as “CSV UTF-8” and try again") from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _flag(value: str, filename: str, line: int) -> bool:
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise GlossaryFileError(f"{filename}, line {line}: do_not_translate must be yes or no, "
                            f"not {value!r}")


def _unescape(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA and cell[1:2] else cell


def _columns(header: list[str], filename: str) -> list[str]:
    names = []
    for cell in header:
        key = _ALIASES.get(cell.strip().lower())
        if key is None:
            raise GlossaryFileError(
                f"{filename}, line 1: unknown column {cell.strip()!r} "
                f"(expected a header row with: {', '.join(CSV_COLUMNS)})")
        if key in names:
            raise GlossaryFileError(f"{filename}, line 1: column {key!r} appears twice")
        names.append(key)
    missing = [name for name in ("source", "target") if name not in names]
    if missing:
        raise GlossaryFileError(f"{filename}, line 1: no {' or '.join(missing)} column "
                                f"(expected a header row with: {', '.join(CSV_COLUMNS)})")
    return names


def read_csv(data: bytes, filename: str = "the file") -> list[GlossaryRow]:
    """Rows of a glossary CSV; raises :class:`GlossaryFileError` on the first problem."""
    text = _decode(data, filename)
    if not text.strip():
        raise GlossaryFileError(f"{filename} is empty")
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=_delimiter(text.split("\n", 1)[0]), strict=True)
    try:
        header = next(reader)
        names = _columns(header, filename)
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names):
                raise GlossaryFileError(f"{filename}, line {line}: {len(cells)} cells, but the "
                                        f"header names {len(names)} columns")
            values = dict(zip(names, (_unescape(c) for c in cells), strict=False))
            rows.append(GlossaryRow(
                source=values.get("source", ""), target=values.get("target", ""),
                note=values.get("note", ""),
                do_not_translate=_flag(values.get("do_not_translate", ""), filename, line),
                line=line))
    except csv.Error as exc:
        raise GlossaryFileError(f"{filename}, line {reader.line_num}: not valid CSV "
                                f"({exc})") from None
    return rows


def _escape(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA) else cell


def write_csv(rows: Iterable[GlossaryRow]) -> bytes:
    """UTF-8 with a BOM (so spreadsheets read Uyghur and Turkish correctly)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_escape(row.source), _escape(row.target), _escape(row.note),
                         "yes" if row.do_not_translate else "no"])
    return out.getvalue().encode("utf-8-sig")


# --- TBX -------------------------------------------------------------------------------------


def _descendants(element: ET.Element, *names: str) -> list[ET.Element]:
    return [node for node in element.iter() if local(node.tag) in names]


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _sections(entry: ET.Element) -> list[tuple[str, ET.Element]]:
    return [(attribute(section, "xml:lang", XML_LANG, "lang"), section)
            for section in entry if local(section.tag) in {"langSet", "langSec"}]


def _first_term(section: ET.Element) -> str:
    for term in _descendants(section, "term"):
        text = _text(term)
        if text:
            return text
    return ""


def _is_dnt(section: ET.Element) -> bool:
    for node in _descendants(section, "termNote", "descrip"):
        values = _DNT_TYPES.get(attribute(node, "type").lower())
        if values is not None and _text(node).lower() in values:
            return True
    return False


def _notes(element: ET.Element, deep: bool) -> str:
    nodes = (_descendants(element, "note", "descrip") if deep
             else [n for n in element if local(n.tag) in {"note", "descrip"}])
    notes = [_text(node) for node in nodes
             if attribute(node, "type").lower() not in _DNT_TYPES]
    return "\n".join(note for note in notes if note)


def read_tbx(data: bytes, source: str, target: str,
             filename: str = "the file") -> list[GlossaryRow]:
    """The ``source`` → ``target`` terms of a TBX file (entries without a source term, or
    without a target term unless marked do-not-translate, are left out)."""
    try:
        root = parse_xml(data)
    except XmlError as exc:
        raise GlossaryFileError(f"{filename} is not a TBX file: {exc}") from None
    if local(root.tag) not in {"martif", "tbx"}:
        raise GlossaryFileError(f"{filename} is not a TBX file: its root element is "
                                f"<{root.tag}>, not <martif> or <tbx>")
    entries = _descendants(root, "termEntry", "conceptEntry")
    rows = []
    for number, entry in enumerate(entries, start=1):
        row = GlossaryRow(source="", line=number)
        target_section = None
        for code, section in _sections(entry):
            if language_matches(code, source) and not row.source:
                row.source = _first_term(section)
                row.do_not_translate = _is_dnt(section)
            elif language_matches(code, target) and target_section is None:
                target_section = section
        if target_section is not None:
            row.target = _first_term(target_section)
            row.do_not_translate = row.do_not_translate or _is_dnt(target_section)
            row.note = _notes(target_section, deep=True)
        row.note = row.note or _notes(entry, deep=False)
        if row.source and (row.target or row.do_not_translate):
            rows.append(row)
    return rows


def write_tbx(rows: Iterable[GlossaryRow], source: str, target: str) -> bytes:
    """A TBX-Basic (v2) file: one ``termEntry`` per row, source and target ``langSet``."""
    source_tag, target_tag = source.replace("_", "-"), target.replace("_", "-")
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: source_tag})
    header = ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = (
        f"Terjime glossary: {source_tag} to {target_tag}")
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for number, row in enumerate(rows, start=1):
        entry = ET.SubElement(body, "termEntry", id=f"term-{number}")
        tig = ET.SubElement(ET.SubElement(entry, "langSet", {XML_LANG: source_tag}), "tig")
        ET.SubElement(tig, "term").text = row.source
        if row.do_not_translate:
            ET.SubElement(tig, "termNote", type="translationNote").text = "no"
        if row.target or row.note:
            tig = ET.SubElement(ET.SubElement(entry, "langSet", {XML_LANG: target_tag}), "tig")
            ET.SubElement(tig, "term").text = row.target or row.source
            if row.note:
                ET.SubElement(tig, "note").text = row.note
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
