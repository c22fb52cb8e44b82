"""TMX 1.4 translation memories: read any language pair out of a file, write one pair.

Reading is forgiving where tools differ and strict where it matters: ``xml:lang`` (TMX 1.4)
or ``lang`` (1.1) on each ``<tuv>``; language tags compared case-insensitively with ``_`` read
as ``-``, and a tag matches a language when it is that language or a region/script variant of
it (``ug``, ``ug-CN``, ``UG_Arab`` all count as ``ug``). Inline codes inside ``<seg>``
(``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<ut>``) hold native markup and are dropped;
``<hi>`` holds text and is kept. A file that is not XML, uses entities, or is not a TMX
document is refused with :class:`TmxError` (nothing is half-read).

Writing never includes who made a translation (no ``creationid``/``changeid``): the volunteers
behind these memories may be at risk if their names travel with a file.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.xmlsafe import XmlError, attribute, children, local, parse_xml

__all__ = ["TmxDocument", "TmxError", "TmxPair", "TmxUnit", "language_matches",
           "normalise_tag", "read_tmx", "write_tmx"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = {"bpt", "ept", "ph", "it", "ut", "sub"}
#: Characters XML 1.0 cannot carry; dropped on export.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class TmxError(ValueError):
    """A file that cannot be read as TMX; the message names the file and the reason."""


@dataclass
class TmxUnit:
    """One ``<tu>``: its texts by normalised language tag (the first ``<tuv>`` per tag)."""

    variants: dict[str, str] = field(default_factory=dict)


@dataclass
class TmxDocument:
    srclang: str
    units: list[TmxUnit]

    def languages(self) -> list[str]:
        """Every language tag used, normalised, in order of first use."""
        seen: dict[str, None] = {}
        for unit in self.units:
            seen.update(dict.fromkeys(unit.variants))
        return list(seen)

    def pairs(self, source: str, target: str) -> list[tuple[str, str]]:
        """(source text, target text) of every unit that has both languages."""
        found = []
        for unit in self.units:
            source_text = _pick(unit, source)
            target_text = _pick(unit, target)
            if source_text and target_text:
                found.append((source_text, target_text))
        return found


@dataclass
class TmxPair:
    """One unit to write."""

    source: str
    target: str
    created: dt.datetime | None = None
    origin: str = ""


def normalise_tag(tag: str) -> str:
    """``UG_cn`` → ``ug-cn``: the form tags are compared in."""
    return tag.strip().replace("_", "-").lower()


def language_matches(tag: str, code: str) -> bool:
    """True when ``tag`` is language ``code`` or one of its variants (``ug-CN`` for ``ug``)."""
    tag, code = normalise_tag(tag), normalise_tag(code)
    return bool(code) and (tag == code or tag.startswith(code + "-"))


def _pick(unit: TmxUnit, code: str) -> str:
    exact = unit.variants.get(normalise_tag(code))
    if exact:
        return exact
    for tag, text in unit.variants.items():
        if language_matches(tag, code) and text:
            return text
    return ""


def _segment_text(element: ET.Element) -> str:
    """The text of a ``<seg>`` (or ``<hi>``): inline codes dropped, their tails kept."""
    parts = [element.text or ""]
    for child in element:
        if local(child.tag) not in _CODES:
            parts.append(_segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(data: bytes, filename: str = "the file") -> TmxDocument:
    """Parse a TMX file; raises :class:`TmxError` saying what is wrong with it."""
    try:
        root = parse_xml(data)
    except XmlError as exc:
        raise TmxError(f"{filename} is not a TMX file: {exc}") from None
    if local(root.tag) != "tmx":
        raise TmxError(f"{filename} is not a TMX file: its root element is <{root.tag}>, "
                       "not <tmx>")
    headers = children(root, "header")
    bodies = children(root, "body")
    if not bodies:
        raise TmxError(f"{filename} is not a TMX file: it has no <body>")
    srclang = attribute(headers[0], "srclang") if headers else ""
    units = []
    for tu in children(bodies[0], "tu"):
        unit = TmxUnit()
        for tuv in children(tu, "tuv"):
            tag = normalise_tag(attribute(tuv, "xml:lang", XML_LANG, "lang"))
            segs = children(tuv, "seg")
            if not tag or not segs or tag in unit.variants:
                continue
            text = _segment_text(segs[0])
            if text.strip():
                unit.variants[tag] = text
        if unit.variants:
            units.append(unit)
    return TmxDocument(srclang=normalise_tag(srclang), units=units)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _tmx_date(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.strftime("%Y%m%dT%H%M%SZ")


def write_tmx(pairs: Iterable[TmxPair], source: str, target: str, *,
              tool_version: str = "") -> bytes:
    """A TMX 1.4 file (UTF-8) with one ``<tu>`` per pair; tags written BCP 47 style."""
    source_tag, target_tag = source.replace("_", "-"), target.replace("_", "-")
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "Terjime", "creationtoolversion": tool_version or "unknown",
        "segtype": "sentence", "o-tmf": "Terjime", "adminlang": "en",
        "srclang": source_tag, "datatype": "plaintext"})
    body = ET.SubElement(root, "body")
    for pair in pairs:
        tu = ET.SubElement(body, "tu")
        if pair.created is not None:
            tu.set("creationdate", _tmx_date(pair.created))
        if pair.origin:
            ET.SubElement(tu, "prop", type="x-origin").text = _clean(pair.origin)
        for tag, text in ((source_tag, pair.source), (target_tag, pair.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: tag})
            ET.SubElement(tuv, "seg").text = _clean(text)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
