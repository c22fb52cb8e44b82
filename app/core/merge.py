"""Merge a new template (POT) into a translated catalogue (PO), as ``msgmerge --previous`` does.

Why not Babel's ``Catalog.update``: its difflib fuzzy search over every entry took 124 s on a
20,000-entry catalogue. Here exact matches are a dict lookup, and fuzzy matching (rapidfuzz)
only compares the template entries left without a match against the PO's *orphans*, the
translated entries whose key left the template: after a source amendment both are a handful.

The result follows the template (its order, context, references and extracted comments) and
keeps the PO's translations, translator comments and header. An amended sentence gets its old
translation flagged ``fuzzy`` with the old text as ``previous_msgid``, so the editor can show a
diff. Translations are never dropped: orphans that match nothing become obsolete entries.

A catalogue read from a file is merged as its raw text (see :mod:`app.core.pofile`): an exact
match of a raw PO entry is made of raw pieces (its translator comments, the template's
extracted comments and reference, its flags and strings), so nothing is decoded, and the
writer copies the result. Only the few entries that need more (fuzzy matches, new and retired
entries, plurals, flags to merge) are decoded and built as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, count, filterfalse, repeat
from operator import attrgetter, itemgetter, ne
from typing import Any

from rapidfuzz import fuzz, process

from app.core.catalog import AUTOMATIC_FORMAT_FLAGS, Catalog, Entry, lookup_keys
from app.core.pofile import (
    RawEntries,
    decode_raw,
    extracted_lines,
    gc_paused,
    raw_entries,
    raw_key,
    raw_match,
)

__all__ = ["DEFAULT_FUZZY_CUTOFF", "MergeStats", "merge"]

#: Minimum ``fuzz.ratio`` (0–100) for a fuzzy match, chosen by experiment. On the bundled
#: statement, a sentence (6+ words) with one to three words replaced scores 65–100 against its
#: old text (median 88–95), while the closest *unrelated* sentence scores at most 56 (median
#: 48); on generated 10–30 word sentences, 73–100 against at most 53. 65 keeps every edit and
#: no unrelated prose (tests/core/test_merge.py pins both sides). Short look-alike names, such
#: as two "East Turkistan ... Association" signatories, can still reach 71: a fuzzy entry is
#: only a suggestion for review, never a silent translation.
DEFAULT_FUZZY_CUTOFF = 65.0
#: Score taken off a candidate whose msgctxt differs, so the same role is preferred.
CONTEXT_PENALTY = 10.0

_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_OBSOLETE = attrgetter("obsolete")
_EXTRACTED = 2  # the group of a raw entry's extracted comments and reference
_RawMatch = re.Match
_EXTRACTED_OF = itemgetter(_EXTRACTED)
_FLAGS = itemgetter(3)  # a raw entry's flag and previous lines
#: "No such key in the PO", where a raw match is looked for: its extracted comments and
#: reference (item 2, as in a match) equal nothing, so _merge's comparison needs no test.
_ABSENT: Any = (None, None, object(), None)


@dataclass
class MergeStats:
    """What this merge did: entries ``kept`` (exact match), ``fuzzy`` (given a translation to
    review: a close match, or a sentence that came back), ``new`` (nothing to offer) and
    ``obsolete`` (translations it retired as ``#~`` because their sentence is gone)."""

    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0

    def __str__(self) -> str:
        return f"kept {self.kept}, fuzzy {self.fuzzy}, new {self.new}, obsolete {self.obsolete}"


def _has_translation(entry: Entry) -> bool:
    """Whether there is a translation worth keeping (gettext looks at the first form)."""
    if entry.msgid_plural is not None:
        return bool(entry.msgstr_plural.get(0))
    return bool(entry.msgstr)


def _nplurals(po: Catalog) -> int:
    match = _NPLURALS.search(po.header.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _flags(template: Entry, old: Entry | None, fuzzy: bool) -> list[str]:
    """Template flags plus the PO's own, without ``fuzzy`` (decided by the caller) and
    without the format flags Babel guesses from prose."""
    flags = ["fuzzy"] if fuzzy else []
    for flag in template.flags:
        if flag not in AUTOMATIC_FORMAT_FLAGS and flag != "fuzzy" and flag not in flags:
            flags.append(flag)
    if old is not None:
        for flag in old.flags:
            if flag not in AUTOMATIC_FORMAT_FLAGS and flag != "fuzzy" and flag not in flags:
                flags.append(flag)
    return flags


def _translation(template: Entry, old: Entry, nplurals: int) -> tuple[str, dict[int, str], bool]:
    """``old``'s translation in ``template``'s shape; True when the shape had to change."""
    if template.msgid_plural is None:
        if old.msgid_plural is None:
            return old.msgstr, {}, False
        return old.msgstr_plural.get(0, ""), {}, True
    if old.msgid_plural is None:
        forms = dict.fromkeys(range(nplurals), "")
        forms[0] = old.msgstr
        return "", forms, True
    return "", dict(old.msgstr_plural), old.msgid_plural != template.msgid_plural


def _from_template(template: Entry, nplurals: int) -> Entry:
    """A new, untranslated entry."""
    return Entry(
        template.msgid,
        "",
        template.msgctxt,
        template.msgid_plural,
        dict.fromkeys(range(nplurals), "") if template.msgid_plural is not None else {},
        list(template.locations),
        list(template.auto_comments),
        [],
        _flags(template, None, False),
    )


def _with_translation(template: Entry, old: Entry, nplurals: int, *, fuzzy: bool) -> Entry:
    """``template`` carrying ``old``'s translation and translator comments."""
    msgstr, forms, reshaped = _translation(template, old, nplurals)
    fuzzy = fuzzy or reshaped
    previous_msgctxt = previous_msgid = previous_plural = None
    if fuzzy:
        if old.key != template.key:
            previous_msgid = old.msgid
            if old.msgctxt != template.msgctxt:
                previous_msgctxt = old.msgctxt
            if template.msgid_plural is not None:
                previous_plural = old.msgid_plural
        elif reshaped and old.msgid_plural is not None and template.msgid_plural is not None:
            previous_msgid, previous_plural = old.msgid, old.msgid_plural
        else:  # still the same key: keep whatever diff the translator has not resolved yet
            previous_msgctxt = old.previous_msgctxt
            previous_msgid = old.previous_msgid
            previous_plural = old.previous_msgid_plural
    return Entry(
        template.msgid,
        msgstr,
        template.msgctxt,
        template.msgid_plural,
        forms,
        list(template.locations),
        list(template.auto_comments),
        list(old.comments),
        _flags(template, old, fuzzy),
        previous_msgctxt,
        previous_msgid,
        False,
        previous_plural,
    )


def _decoded(item: Any) -> Entry:
    return item if item.__class__ is Entry else decode_raw(item)


def _template_head(template: Any) -> bytes | None:
    """A template entry's extracted-comment and reference lines as the writer writes them,
    if a merged entry may take them as they are: it has no flag to merge and no plural."""
    if template.__class__ is not Entry:  # raw: its only possible flag, fuzzy, is not merged
        return raw_match(template)[_EXTRACTED]  # type: ignore[no-any-return]
    if template.msgid_plural is not None:
        return None
    for flag in template.flags:
        if flag not in AUTOMATIC_FORMAT_FLAGS and flag != "fuzzy":
            return None
    return extracted_lines(template.auto_comments, template.locations).encode("utf-8")


def _fuzzy_pairs(queries: list[Entry], orphans: list[Entry], cutoff: float) -> dict[int, int]:
    """Greedy one-to-one matching, best score first: query index → orphan index."""
    choices = [orphan.msgid for orphan in orphans]
    scored: list[tuple[float, int, int]] = []
    for qi, query in enumerate(queries):
        for _, score, ci in process.extract(
            query.msgid, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if orphans[ci].msgctxt != query.msgctxt:
                score -= CONTEXT_PENALTY
            if score >= cutoff:
                scored.append((-score, qi, ci))
    scored.sort()
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, qi, ci in scored:
        if qi not in pairs and ci not in used:
            pairs[qi] = ci
            used.add(ci)
    return pairs


def merge(
    template: Catalog, po: Catalog, *, fuzzy_cutoff: float = DEFAULT_FUZZY_CUTOFF
) -> tuple[Catalog, MergeStats]:
    """Bring ``po`` up to date with ``template``; neither input is modified.

    Exact (msgctxt, msgid) matches keep their translation and flags (a fuzzy one stays fuzzy
    with its previous msgid); an obsolete entry whose key returns is revived, fuzzy; other
    template entries may take a translated orphan's translation as a fuzzy match (score ≥
    ``fuzzy_cutoff``, same msgctxt preferred, each orphan used once); unmatched translated
    orphans become obsolete, untranslated ones are dropped. Stats count what this merge did.

    An entry the merge leaves exactly as it was is not copied: the result holds the very
    ``Entry`` object of ``po`` (copying 20,000 unchanged entries is most of a merge's cost),
    or, for a ``po`` read from a file, the very raw text. Treat ``po`` as handed over, or
    ``copy.deepcopy`` the result before changing it in place.
    """
    with gc_paused():
        return _merge(template, po, fuzzy_cutoff)


def _indexed(
    catalog: Catalog, raw_keys: bool
) -> tuple[list[Any], list[Any], list[int], dict[Any, Any] | None, bool]:
    """(items, their keys, positions of the obsolete ones, key → item if known, whether all
    items are raw matches): a raw catalogue's own, else its entries'. The keys are raw keys
    (see ``pofile.RawKey``) or lookup keys as asked; both are built by C-level maps."""
    raw = raw_entries(catalog)
    if raw is not None:  # raw keys are only asked for of catalogues that have them
        if raw_keys or raw.text_keys:
            return raw.items, raw.keys, raw.obsolete, raw.index, raw.matches_only
        return raw.items, raw.lookup_keys(), raw.obsolete, None, raw.matches_only
    entries = catalog.entries
    obsolete = (
        [i for i, e in enumerate(entries) if e.obsolete] if any(map(_OBSOLETE, entries)) else []
    )
    return entries, lookup_keys(entries), obsolete, None, False


def _moved(wanted: list[Any], olds: list[Any], result: list[Any]) -> list[int]:
    """The fast case of _merge (see there): sets ``result`` for the PO matches whose
    extracted comments or reference changed, returns the positions without a match. When
    few changed (the usual amendment), a C-level pass finds them; when most did (a
    paragraph inserted near the top moves every reference after it), that pass would only
    repeat the loop's comparisons, so the loop takes every position."""
    size = len(wanted)
    step = max(1, size // 64)
    sample = range(0, size, step)
    moved = sum(wanted[i][2] != olds[i][2] for i in sample)
    if 4 * moved > len(sample):
        positions: Iterable[int] = range(size)
    else:
        positions = compress(count(), map(ne, map(_EXTRACTED_OF, wanted), map(_EXTRACTED_OF, olds)))
    absent: list[int] = []
    join = b"".join
    for i in positions:
        old = olds[i]
        if old is _ABSENT:
            absent.append(i)
            continue
        head = wanted[i][2]
        if old[2] != head:  # translator comments, the template's lines, the PO's strings
            result[i] = join((b"\n", old[1], head, old[5]))
    return absent


def _merge(template: Catalog, po: Catalog, fuzzy_cutoff: float) -> tuple[Catalog, MergeStats]:
    stats = MergeStats()
    nplurals = _nplurals(po)
    # Both read from files: compare raw keys, decoding none; else decoded lookup keys.
    po_raw, template_raw = raw_entries(po), raw_entries(template)
    raw_keys = (
        po_raw is not None
        and template_raw is not None
        and not po_raw.text_keys
        and not template_raw.text_keys
    )
    # Keys and indexes are built by C-level map/zip/dict: no Python loop over 20,000 entries.
    items, po_keys, gone, index, po_matches = _indexed(po, raw_keys)
    retired: dict[Any, Entry] = {}
    if gone:
        dropped = set(gone)
        numbered = enumerate(zip(po_keys, items, strict=True))
        active = {k: e for i, (k, e) in numbered if i not in dropped}
        retired = {po_keys[i]: items[i] for i in gone}
    else:
        active = dict(zip(po_keys, items, strict=True)) if index is None else index
    wanted, keys, gone, template_keys, template_matches = _indexed(template, raw_keys)
    if gone:
        dropped = set(gone)
        keep = [i for i in range(len(wanted)) if i not in dropped]
        wanted, keys, template_keys = [wanted[i] for i in keep], [keys[i] for i in keep], None
    if template_keys is None:
        template_keys = dict.fromkeys(keys)
    if len(template_keys) != len(keys):  # a template never repeats a key; keep the first
        seen: set[Any] = set()
        firsts = [i for i, key in enumerate(keys) if not (key in seen or seen.add(key))]
        wanted, keys = [wanted[i] for i in firsts], [keys[i] for i in firsts]

    olds = list(map(active.get, keys, repeat(_ABSENT)))
    missing = reshaped = 0  # template entries without a PO match; plurals now to review
    # result[i] for wanted[i]: an Entry, or raw text (a match or bytes) for the writer to copy.
    # Every position the loop below visits is set (or left to the fuzzy search if unmatched).
    result: list[Any] = olds[:]
    todo: Iterable[int] = range(len(wanted))
    if po_matches and template_matches and not any(map(_FLAGS, items)):
        # Two files' raw matches, the PO's without flag or previous lines (as after a merge
        # that found nothing fuzzy). A PO match with the template's extracted comments and
        # reference is then kept as it is (in ``result`` already), one whose template entry
        # has other ones (moved references, say) gets them in front of its own text; the
        # loop below is left the template entries without a match (see _ABSENT).
        todo = _moved(wanted, olds, result)
    entry_type = Entry
    match_type = _RawMatch
    unmatched: list[tuple[int, Entry]] = []  # (position in result, template entry)
    for i in todo:
        item, old = wanted[i], olds[i]
        if old is _ABSENT:
            missing += 1
            entry = _decoded(item)
            old = retired.get(keys[i])
            if old is not None and _has_translation(old):
                result[i] = _with_translation(entry, old, nplurals, fuzzy=True)
                stats.fuzzy += 1
            else:
                unmatched.append((i, entry))
            continue
        kind = old.__class__
        if kind is not entry_type:  # raw: the usual case for a PO read from a file
            parts = old if kind is match_type else raw_match(old)
            # Groups (see pofile._RAW_ENTRY): 1 translator comments, 2 extracted comments and
            # reference, 3 flag and previous lines (4: fuzzy), 5 the strings.
            head = item[2] if item.__class__ is match_type else _template_head(item)
            if head is not None:
                flags = parts[3]
                if flags and parts[4] is None:
                    flags = b""  # previous lines without fuzzy: a merge drops them
                elif parts[2] == head:
                    result[i] = old  # nothing to change: keep its text
                    continue
                result[i] = b"".join((b"\n", parts[1], head, flags, parts[5]))
                continue
            old = decode_raw(old)
        entry = item if item.__class__ is entry_type else decode_raw(item)
        if (
            not old.flags
            and not entry.flags
            and old.msgid_plural is None
            and entry.msgid_plural is None
        ):  # the common case, inlined: a plain translated (or empty) sentence
            if (
                old.locations == entry.locations
                and old.auto_comments == entry.auto_comments
                and old.previous_msgid is None
                and old.previous_msgctxt is None
            ):
                result[i] = old  # nothing to change: share it rather than copy it
                continue
            result[i] = Entry(
                entry.msgid,
                old.msgstr,
                entry.msgctxt,
                None,
                {},
                entry.locations[:],
                entry.auto_comments[:],
                old.comments[:] if old.comments else [],
                [],
            )
        else:
            kept_entry = _with_translation(entry, old, nplurals, fuzzy=old.fuzzy)
            if kept_entry.fuzzy and not old.fuzzy:  # its plural changed: review it
                reshaped += 1
                stats.fuzzy += 1
            result[i] = kept_entry
    matched = len(olds) - missing
    stats.kept = matched - reshaped

    # Translated entries whose key left the template, in PO order (active ones first).
    orphans: list[Entry] = []
    if len(active) > matched:  # found by a C-level filter: usually a handful of 20,000
        orphans = [_decoded(active[k]) for k in filterfalse(template_keys.__contains__, active)]
    orphans += [e for k, e in retired.items() if k not in template_keys]
    orphans = [e for e in orphans if e.msgid and _has_translation(e)]
    used: set[int] = set()
    if unmatched and orphans:
        queries = [entry for _, entry in unmatched]
        pairs = _fuzzy_pairs(queries, orphans, fuzzy_cutoff)
        for qi, ci in pairs.items():
            position, entry = unmatched[qi]
            result[position] = _with_translation(entry, orphans[ci], nplurals, fuzzy=True)
            used.add(ci)
        stats.fuzzy += len(pairs)
    for position, entry in unmatched:
        if result[position] is _ABSENT:
            result[position] = _from_template(entry, nplurals)
            stats.new += 1

    result_keys = list(keys)
    obsolete: list[int] = []
    seen_obsolete: set[tuple[str | None, str]] = set()
    for ci, orphan in enumerate(orphans):
        if ci in used or orphan.key in seen_obsolete:
            continue
        seen_obsolete.add(orphan.key)
        if not orphan.obsolete:
            stats.obsolete += 1
        obsolete.append(len(result))
        result.append(_retired(orphan))
        if raw_keys:
            result_keys.append(raw_key(orphan.msgid, orphan.msgctxt))
        else:
            result_keys.append(orphan.msgid if orphan.msgctxt is None else orphan.key)

    header = dict(po.header)
    if "POT-Creation-Date" in template.header:
        header["POT-Creation-Date"] = template.header["POT-Creation-Date"]
    merged = Catalog(
        header=header,
        header_comments=list(po.header_comments),
        header_flags=list(po.header_flags),
    )
    if all(item.__class__ is entry_type for item in result):
        merged.entries = result
    else:  # some raw text: the result stays raw too, for the writer to copy
        merged._raw_entries = RawEntries(  # type: ignore[attr-defined]
            result, result_keys, obsolete, text_keys=not raw_keys
        )
    return merged, stats


def _retired(entry: Entry) -> Entry:
    """An obsolete copy; like msgmerge, without references and extracted comments, which
    pointed at source text that is gone."""
    return Entry(
        entry.msgid,
        entry.msgstr,
        entry.msgctxt,
        entry.msgid_plural,
        dict(entry.msgstr_plural),
        [],
        [],
        list(entry.comments),
        list(entry.flags),
        entry.previous_msgctxt,
        entry.previous_msgid,
        True,
        entry.previous_msgid_plural,
    )
