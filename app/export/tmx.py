"""TMX export: the language's usable translations as a translation memory.

Only what a person wrote or checked (translated or approved, not empty) becomes a pair, so
another project's memory is never filled with machine drafts. Written by
:func:`app.core.tmx.write_tmx` (no translator names); a draft or labelled export gets the
notice as a header ``<note>``, where TMX tools show a file's description.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app import __version__
from app.core.tmx import TmxPair, write_tmx
from app.export.base import Localized, Renderer, register
from app.export.catalogs import merged_units


def tmx_bytes(item: Localized) -> bytes:
    """The TMX 1.4 document for ``item``'s usable translations."""
    pairs = [TmxPair(source=unit.source, target=unit.target)
             for unit in merged_units(item) if unit.usable]
    data = write_tmx(pairs, item.source_language, item.language.code,
                     tool_version=__version__)
    if not item.notice:
        return data
    root = ET.fromstring(data)  # our own output: no untrusted XML is parsed here
    header = root.find("header")
    assert header is not None
    note = ET.Element("note")
    note.text = item.notice
    header.insert(0, note)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


@register
class TmxRenderer(Renderer):
    name = "tmx"
    extension = "tmx"
    media_type = "application/x-tmx+xml"
    label = "Translation memory (TMX)"
    for_translators = True

    def render(self, item: Localized) -> bytes:
        return tmx_bytes(item)
