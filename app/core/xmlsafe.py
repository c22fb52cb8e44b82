"""Parse untrusted XML (uploaded TMX and TBX files) without entity tricks.

The standard library's parsers expand internal entities, which lets a few hundred bytes grow
into gigabytes ("billion laughs"). defusedxml is not a dependency, so this drives expat
directly, as defusedxml does: a DOCTYPE with an internal subset, any entity declaration and any
external entity reference are refused before anything is expanded; a plain
``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` (which OmegaT and others write) is accepted and never
fetched. Namespaces are not processed: element names keep their prefix (see :func:`local`),
attributes are looked up by their written name (``xml:lang``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

__all__ = ["XmlError", "attribute", "children", "local", "parse_xml"]


class XmlError(ValueError):
    """A file that is not well-formed XML, or that uses DTD features we refuse."""


def _refuse_doctype(_name: str, _system: str | None, _public: str | None,
                    has_internal_subset: int) -> None:
    if has_internal_subset:
        raise XmlError("it declares its own DTD (a DOCTYPE with [ … ]): refused, because "
                       "entity declarations can be used to exhaust the server")


def _refuse_entity(*_args: object) -> None:
    raise XmlError("it declares or references entities: refused")


def parse_xml(data: bytes) -> ET.Element:
    """The root element of ``data``; raises :class:`XmlError` with the line and column."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_xml() takes bytes")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    parser.SkippedEntityHandler = _refuse_entity  # &name; left undefined by an external DTD
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(bytes(data), True)
    except expat.ExpatError as exc:
        raise XmlError(f"it is not well-formed XML (line {exc.lineno}, column {exc.offset + 1}: "
                       f"{expat.ErrorString(exc.code)})") from None
    try:
        return builder.close()
    except AssertionError:  # an empty document never opened an element
        raise XmlError("it is empty") from None


def local(tag: str) -> str:
    """An element name without its namespace prefix: "tbx:term" → "term"."""
    return tag.rsplit(":", 1)[-1]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Direct children called ``name`` (any prefix)."""
    return [child for child in element if local(child.tag) == name]


def attribute(element: ET.Element, *names: str) -> str:
    """The first of ``names`` present on ``element`` (stripped), or ""."""
    for name in names:
        value = element.get(name)
        if value is not None:
            return value.strip()
    return ""
