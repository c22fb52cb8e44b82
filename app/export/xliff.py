"""XLIFF 1.2 export: the statement for translators who work in a CAT tool (OmegaT, Trados…).

One ``<file>`` per statement; one ``<trans-unit>`` per catalogue entry (see
:func:`app.export.catalogs.merged_units`). Its ``id`` is derived from the entry's key, so it
stays the same across releases while the sentence does; ``resname`` is the context (for
signatories) or the first location. States follow the XLIFF 1.2 vocabulary (empty →
``needs-translation``, draft → ``needs-review-translation``, translated → ``translated``,
approved → ``final`` with ``approved="yes"``). The gettext context and locations travel in
``<context-group>`` elements the way translate-toolkit writes them, the extracted comments
(link targets, block kinds) as developer notes. Built with ElementTree, so text is escaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET

from app import __version__
from app.core.states import State
from app.export.base import DRAFT_MARK, Localized, Renderer, Unit, register
from app.export.catalogs import merged_units

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: Characters XML 1.0 cannot carry (a stray control character in a translation).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_STATES = {
    State.EMPTY.value: "needs-translation",
    State.DRAFT.value: "needs-review-translation",
    State.TRANSLATED.value: "translated",
    State.APPROVED.value: "final",
}


def _q(tag: str) -> str:
    """Tags are written unqualified under the root's default ``xmlns`` (ElementTree cannot
    serialise a default namespace together with unqualified attributes)."""
    return tag


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def unit_id(unit: Unit) -> str:
    """A stable identifier for the entry: a hash of (context, source)."""
    key = f"{unit.context or ''}\x04{unit.source}".encode()
    return "u" + hashlib.sha256(key).hexdigest()[:16]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), attrs)
    if text is not None:
        element.text = _text(text)
    return element


def _trans_unit(body: ET.Element, unit: Unit) -> None:
    state = unit.state if unit.target else State.EMPTY.value
    attrs = {"id": unit_id(unit), "resname": unit.context or (unit.locations or ("",))[0]}
    if not attrs["resname"]:
        del attrs["resname"]
    if state == State.APPROVED.value:
        attrs["approved"] = "yes"
    attrs[XML_SPACE] = "preserve"
    element = _sub(body, "trans-unit", **attrs)
    _sub(element, "source", unit.source)
    _sub(element, "target", unit.target, state=_STATES.get(state, "needs-translation"))
    if unit.context is not None:
        group = _sub(element, "context-group", name="msgctxt", purpose="information")
        _sub(group, "context", unit.context, **{"context-type": "x-po-msgctxt"})
    for location in unit.locations:
        group = _sub(element, "context-group", purpose="location")
        path, _, line = location.rpartition(":")
        if path and line.isdigit():
            _sub(group, "context", path, **{"context-type": "sourcefile"})
            _sub(group, "context", line, **{"context-type": "linenumber"})
        else:
            _sub(group, "context", location, **{"context-type": "sourcefile"})
    for note in unit.notes:
        _sub(element, "note", note, **{"from": "developer"})


def xliff_bytes(item: Localized) -> bytes:
    """The XLIFF 1.2 document (UTF-8, indented)."""
    root = ET.Element(_q("xliff"), version="1.2", xmlns=NS)
    created = item.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    file = _sub(root, "file", original=item.document.path or item.name,
                **{"source-language": item.source_language.replace("_", "-"),
                   "target-language": item.language.bcp47, "datatype": "x-markdown",
                   "date": created, "tool-id": "terjime"})
    if item.release is not None and not item.draft:
        file.set("product-version", f"release {item.release}")
    header = _sub(file, "header")
    _sub(header, "tool", **{"tool-id": "terjime", "tool-name": "Terjime",
                            "tool-version": __version__})
    if item.draft:
        _sub(header, "note", DRAFT_MARK, **{"from": "terjime"})
    if item.label:
        _sub(header, "note", item.label, **{"from": "terjime"})
    if item.source_revision:
        _sub(header, "note", f"Source revision (SHA-256): {item.source_revision}",
             **{"from": "terjime"})
    body = _sub(file, "body")
    for unit in merged_units(item):
        _trans_unit(body, unit)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


@register
class XliffRenderer(Renderer):
    name = "xliff"
    extension = "xlf"
    media_type = "application/x-xliff+xml"
    label = "XLIFF 1.2 (for translation tools)"
    for_translators = True

    def render(self, item: Localized) -> bytes:
        return xliff_bytes(item)
