"""PO and MO exports: the language's catalogue as gettext tools and translators use it.

The PO file is written by :mod:`app.core.pofile` (msgcat ``--no-wrap`` layout, as the
repository's own catalogues), from the snapshot the release renders, so it records which
translation each published file was made of. States map as the store maps them: a draft
is ``fuzzy``, an empty target is untranslated, approval lives only in Terjime. The MO file
holds what ``msgfmt`` would compile from that PO (fuzzy and empty entries left out), in GNU
MO layout without the optional hash table (readers fall back to a binary search).
"""

from __future__ import annotations

import struct

from app.core.catalog import Catalog, Entry
from app.core.pofile import format_po_bytes
from app.core.states import State
from app.export.base import DRAFT_MARK, Localized, Renderer, Unit, register
from app.services.catalogs import translation_header


def merged_units(item: Localized) -> list[Unit]:
    """One unit per (context, source), in document order.

    A sentence that occurs twice in a statement is one catalogue entry: the first unit's
    translation and state are kept, the locations and notes of all are merged.
    """
    merged: dict[tuple[str | None, str], Unit] = {}
    for unit in item.units:
        first = merged.get(unit.key)
        if first is None:
            merged[unit.key] = unit
            continue
        merged[unit.key] = Unit(
            context=first.context, source=first.source, target=first.target,
            state=first.state, notes=tuple(dict.fromkeys(first.notes + unit.notes)),
            locations=tuple(dict.fromkeys(first.locations + unit.locations)))
    return list(merged.values())


def _date(item: Localized) -> str:
    return item.created.strftime("%Y-%m-%d %H:%M%z")


def catalog_of(item: Localized) -> Catalog:
    """The catalogue of ``item``: header from the snapshot, entries from its units."""
    language = item.language
    status = f"release {item.release}" if item.release is not None and not item.draft \
        else "draft"
    header = translation_header(f"{item.name} {status}", language, created=_date(item),
                                revised=_date(item))
    if item.source_revision:
        header["X-Source-Revision"] = item.source_revision
    if item.notice:
        header["X-Notice"] = item.notice
    comments = [f"{item.name}: {language.english_name} ({language.bcp47}), {status}."]
    if item.draft:
        comments.append(DRAFT_MARK + ".")
    if item.label:
        comments.append(item.label)
    entries = []
    for unit in merged_units(item):
        fuzzy = bool(unit.target) and unit.state == State.DRAFT.value
        entries.append(Entry(msgid=unit.source, msgstr=unit.target, msgctxt=unit.context,
                             locations=list(unit.locations), auto_comments=list(unit.notes),
                             flags=["fuzzy"] if fuzzy else []))
    return Catalog(header=header, header_comments=comments, entries=entries)


@register
class PoRenderer(Renderer):
    name = "po"
    extension = "po"
    media_type = "text/x-gettext-translation; charset=utf-8"
    label = "Gettext catalogue (PO)"
    for_translators = True

    def render(self, item: Localized) -> bytes:
        return format_po_bytes(catalog_of(item))


def mo_bytes(catalog: Catalog) -> bytes:
    """GNU MO for the catalogue's translated entries and its header (little-endian).

    Keys are ``msgctxt EOT msgid`` and sorted by their bytes, as gettext's lookup needs;
    the header leaves out ``POT-Creation-Date``, as msgfmt does.
    """
    header = "".join(f"{key}: {value}\n" for key, value in catalog.header.items()
                     if key != "POT-Creation-Date")
    pairs = {b"": header.encode("utf-8")}
    for entry in catalog.active:
        if entry.translated and entry.msgid_plural is None:
            key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            pairs[key.encode("utf-8")] = entry.msgstr.encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 28
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    table: list[int] = []
    blob = bytearray()
    for strings in (keys, [pairs[key] for key in keys]):
        for string in strings:
            table += [len(string), data_at + len(blob)]
            blob += string + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    return head + struct.pack(f"<{len(table)}I", *table) + bytes(blob)


@register
class MoRenderer(Renderer):
    name = "mo"
    extension = "mo"
    media_type = "application/x-gettext-translation"
    label = "Compiled catalogue (MO, for software)"
    for_translators = True

    def render(self, item: Localized) -> bytes:
        return mo_bytes(catalog_of(item))
