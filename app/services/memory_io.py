"""Filling and emptying the translation memory: TMX import/export and the PO-file feed.

Imported units are ``MemoryUnit`` rows (origin "imported: <file>"); the store's own translated
and approved translations are exported beside them. Imports are all-or-nothing: the file is
read and checked completely before the first row is added, and a refused file changes nothing.
A pair already in the memory (same source and target) is skipped, not duplicated. The
services never commit: the caller (web view or command) does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app import __version__
from app.core.pofile import PoSyntaxError, read_po
from app.core.states import State
from app.core.tmx import TmxError, TmxPair, language_matches, read_tmx, write_tmx
from app.project import Project
from app.store.models import Document, Language, MemoryUnit, Segment, Translation, User

SOURCE_LANGUAGE = "en"
#: Longest source or target text accepted into the memory (as for a saved translation).
MAX_TEXT = 20_000
_USABLE = (State.TRANSLATED.value, State.APPROVED.value)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class MemoryImportError(ValueError):
    """A memory file refused as a whole; nothing was changed."""


@dataclass
class TmxImportReport:
    filename: str
    #: Units added per language code.
    added: dict[str, int] = field(default_factory=dict)
    #: Pairs already in the memory (or repeated in the file), skipped.
    duplicates: int = 0
    #: Units longer than ``MAX_TEXT`` characters, skipped.
    too_long: int = 0
    #: Language tags of the file that were not imported (not on this server, or not asked for).
    skipped_languages: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.added.values())


@dataclass
class PoFeedReport:
    added: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    #: PO files that could not be read (``file:line: message``); the others were fed.
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.added.values())


def origin_name(filename: str) -> str:
    """"imported: <file name>" with the name reduced to its last part and made printable."""
    name = _UNSAFE.sub("", PurePath(filename.replace("\\", "/")).name).strip() or "file"
    return f"imported: {name[:150]}"


def _existing_pairs(session: Session, language: Language) -> set[tuple[str, str]]:
    """Pairs the memory already holds for a language: units and usable translations."""
    pairs = set(session.execute(select(MemoryUnit.source_text, MemoryUnit.target_text)
                                .where(MemoryUnit.language_id == language.id)))
    pairs.update(session.execute(
        select(Segment.msgid, Translation.text).join(Segment, Segment.id == Translation.segment_id)
        .where(Translation.language_id == language.id, Translation.state.in_(_USABLE),
               Translation.text != "")))
    return pairs


def _targets(session: Session, tags: list[str], requested: list[str] | None,
             source: str) -> list[Language]:
    languages = {row.code: row for row in session.scalars(select(Language))}
    if requested:
        unknown = [code for code in requested if code not in languages]
        if unknown:
            raise MemoryImportError(f"unknown language {', '.join(unknown)} (languages on this "
                                    f"server: {', '.join(sorted(languages)) or 'none'})")
        return [languages[code] for code in requested]
    return [row for code, row in sorted(languages.items())
            if not language_matches(code, source) and any(language_matches(t, code) for t in tags)]


def import_tmx(session: Session, data: bytes, filename: str,
               languages: list[str] | None = None, *, source_language: str = SOURCE_LANGUAGE,
               user: User | None = None) -> TmxImportReport:
    """Add the units of a TMX file to the memory of ``languages`` (default: every language of
    this server that the file has)."""
    try:
        document = read_tmx(data, PurePath(filename).name or "the file")
    except TmxError as exc:
        raise MemoryImportError(str(exc)) from None
    tags = document.languages()
    name = PurePath(filename).name or "the file"
    if not any(language_matches(tag, source_language) for tag in tags):
        raise MemoryImportError(f"{name} has no units in the source language "
                                f"({source_language}); languages in the file: "
                                f"{', '.join(tags) or 'none'}")
    targets = _targets(session, tags, languages, source_language)
    report = TmxImportReport(filename=name)
    rows: list[dict] = []
    origin = origin_name(filename)
    for language in targets:
        pairs = document.pairs(source_language, language.code)
        if not pairs and languages:
            raise MemoryImportError(f"{name} has no units for {language.code} "
                                    f"(languages in the file: {', '.join(tags)})")
        existing = _existing_pairs(session, language)
        added = 0
        for source, target in pairs:
            if len(source) > MAX_TEXT or len(target) > MAX_TEXT:
                report.too_long += 1
            elif (source, target) in existing:
                report.duplicates += 1
            else:
                existing.add((source, target))
                rows.append({"language_id": language.id, "source_text": source,
                             "target_text": target, "origin": origin})
                added += 1
        report.added[language.code] = added
    if not targets:
        raise MemoryImportError(f"{name} has no units for any language of this server "
                                f"(languages in the file: {', '.join(tags)})")
    imported = {language.code for language in targets}
    report.skipped_languages = [tag for tag in tags if not language_matches(tag, source_language)
                                and not any(language_matches(tag, c) for c in imported)]
    for start in range(0, len(rows), 1000):
        session.execute(insert(MemoryUnit), rows[start:start + 1000])
    if user is not None and rows:
        from app.services.accounts import audit

        audit(session, user, "memory-import", name, units=report.added)
    return report


def export_tmx(session: Session, language_code: str, *,
               source_language: str = SOURCE_LANGUAGE) -> bytes:
    """The memory of a language as TMX 1.4: translated and approved segments of every document
    (in document order), then imported units; each pair once."""
    language = session.scalar(select(Language).where(Language.code == language_code))
    if language is None:
        raise MemoryImportError(f"unknown language {language_code}")
    pairs: list[TmxPair] = []
    seen: set[tuple[str, str]] = set()
    translations = session.execute(
        select(Segment.msgid, Translation.text, Translation.updated_at, Document.name)
        .join(Segment, Segment.id == Translation.segment_id)
        .join(Document, Document.id == Segment.document_id)
        .where(Translation.language_id == language.id, Translation.state.in_(_USABLE),
               Translation.text != "")
        .order_by(Document.name, Segment.position, Segment.id))
    units = session.execute(
        select(MemoryUnit.source_text, MemoryUnit.target_text, MemoryUnit.created_at,
               MemoryUnit.origin)
        .where(MemoryUnit.language_id == language.id).order_by(MemoryUnit.id))
    for source, target, when, origin in [
            *((s, t, w, f"document {name}") for s, t, w, name in translations), *units]:
        if (source, target) not in seen:
            seen.add((source, target))
            pairs.append(TmxPair(source, target, when, origin))
    return write_tmx(pairs, source_language, language.code, tool_version=__version__)


def import_po_files_to_memory(session: Session, project: Project) -> PoFeedReport:
    """Feed every translated, non-fuzzy entry of ``locales/<lang>/LC_MESSAGES/*.po``
    (obsolete ones included: old translations of removed sentences) into the memory."""
    from app.services.importer import ensure_language

    report = PoFeedReport()
    for code in project.languages():
        language = ensure_language(session, code)
        existing = _existing_pairs(session, language)
        rows = []
        for path in sorted((project.locales_dir / code / "LC_MESSAGES").glob("*.po")):
            try:
                catalog = read_po(path)
            except (PoSyntaxError, OSError, UnicodeDecodeError) as exc:
                report.errors.append(str(exc))
                continue
            origin = f"imported: {code}/LC_MESSAGES/{path.name}"[:200]
            for entry in catalog.entries:
                if entry.msgid_plural is not None or not entry.msgid or not entry.msgstr \
                        or entry.fuzzy or len(entry.msgstr) > MAX_TEXT:
                    continue
                pair = (entry.msgid, entry.msgstr)
                if pair in existing:
                    report.duplicates += 1
                    continue
                existing.add(pair)
                rows.append({"language_id": language.id, "source_text": entry.msgid,
                             "target_text": entry.msgstr, "origin": origin})
        for start in range(0, len(rows), 1000):
            session.execute(insert(MemoryUnit), rows[start:start + 1000])
        report.added[code] = len(rows)
    return report


def memory_counts(session: Session) -> dict[int, tuple[int, int]]:
    """(usable translations, imported units) per language id."""
    translated = Counter(dict(session.execute(
        select(Translation.language_id, func.count())
        .where(Translation.state.in_(_USABLE), Translation.text != "")
        .group_by(Translation.language_id)).all()))
    units = Counter(dict(session.execute(
        select(MemoryUnit.language_id, func.count()).group_by(MemoryUnit.language_id)).all()))
    return {key: (translated[key], units[key]) for key in set(translated) | set(units)}
