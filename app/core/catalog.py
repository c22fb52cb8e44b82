"""The gettext catalogue model: a header plus entries, independent of how it is read or written.

Kept as plain dataclasses (like Babel's ``Catalog``/``Message``) so that the PO codec
(``app.core.pofile``), the merge (``app.core.merge``) and the store can share one model
without any of them owning the others.

A catalogue read from a file starts out *raw*: the codec keeps its entries as the text it
read (``Catalog._raw_entries``, an ``app.core.pofile.RawEntries``), and the merge and the
writer work on that text directly, so an untouched 20,000-entry catalogue is never decoded
into 20,000 ``Entry`` objects. The first read of ``Catalog.entries`` decodes them all and
forgets the raw form: from then on the catalogue is the plain model, and writing it formats
what the entries say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

#: The message context used for signatory names: a role, never a position.
SIGNATORY_CONTEXT = "signatory"

#: Flags Babel adds by pattern-matching msgids; meaningless (and harmful under
#: ``msgfmt --check``) for prose such as "50% of", so our catalogues never carry them.
AUTOMATIC_FORMAT_FLAGS = frozenset({"python-format", "python-brace-format"})


@dataclass(slots=True)
class Entry:
    """One translatable unit of a PO file.

    ``locations`` are ``#:`` references as written ("source/statement.md:12"),
    ``auto_comments`` the extracted ``#.`` lines, ``comments`` the translator's ``#`` lines.
    ``previous_msgid``/``previous_msgctxt`` are the ``#|`` lines of a fuzzy match
    (``previous_msgid_plural`` too, for a plural entry, so a re-save loses nothing).
    """

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    locations: list[str] = field(default_factory=list)
    auto_comments: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    obsolete: bool = False
    previous_msgid_plural: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity within a catalogue: (msgctxt, msgid), as gettext defines it."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags.remove("fuzzy")

    @property
    def translated(self) -> bool:
        """True when the entry has a non-fuzzy, complete translation."""
        if self.fuzzy or self.obsolete:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


@dataclass
class Catalog:
    """A PO or POT file: header comment lines, header fields (ordered) and entries.

    ``header_comments`` are the raw comment lines above the header entry, without
    their leading "# ". ``header_flags`` are the header's ``#,`` flags (a POT's "fuzzy").
    """

    header: dict[str, str] = field(default_factory=dict)
    header_comments: list[str] = field(default_factory=list)
    header_flags: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # a property: see below

    @property
    def active(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    @property
    def obsolete(self) -> list[Entry]:
        return [e for e in self.entries if e.obsolete]

    def by_key(self) -> dict[tuple[str | None, str], Entry]:
        """Active entries indexed by (msgctxt, msgid)."""
        return {e.key: e for e in self.entries if not e.obsolete}

    @property
    def language(self) -> str | None:
        return self.header.get("Language") or None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled and copied as plain entries (raw entries hold regex matches of a file)."""
        state = dict(self.__dict__)
        raw = state.get("_raw_entries")
        if raw is not None:
            state["_entries"], state["_raw_entries"] = raw.decode(), None
        return state


def _get_entries(catalog: Catalog) -> list[Entry]:
    raw = catalog._raw_entries
    if raw is not None:  # decode on first access; the list handed out is then the catalogue
        catalog._entries = raw.decode()
        catalog._raw_entries = None
    return catalog._entries


def _set_entries(catalog: Catalog, entries: list[Entry]) -> None:
    catalog._entries = entries
    catalog._raw_entries = None


# Installed after @dataclass, which reads class attributes as field defaults.
Catalog.entries = property(  # type: ignore[assignment]
    _get_entries, _set_entries, doc="The entries, in file order (decoded on first access)."
)
Catalog._raw_entries: Any = None  # type: ignore[attr-defined]


#: What :func:`lookup_keys` returns for one entry.
LookupKey = str | tuple[str, str]

_MSGID = attrgetter("msgid")
_MSGCTXT = attrgetter("msgctxt")


def lookup_keys(entries: list[Entry]) -> list[LookupKey]:
    """Each entry's identity as a dict/set key, built at C speed for big catalogues.

    The msgid itself when there is no context (no tuple to build, its hash cached on the
    string), else ``(msgctxt, msgid)``; a str never equals a tuple, so keys cannot collide.
    The codec and the merge index 20,000 entries with it in a few milliseconds.
    """
    keys: list[LookupKey] = list(map(_MSGID, entries))
    contexts = list(map(_MSGCTXT, entries))
    if contexts.count(None) != len(contexts):
        for i, context in enumerate(contexts):
            if context is not None:
                keys[i] = (context, entries[i].msgid)
    return keys
