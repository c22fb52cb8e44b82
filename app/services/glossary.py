"""Per-language glossaries: terms and their agreed translations, do-not-translate names
(acronyms such as UNHCR or APHR, official organisation names), CSV/TBX import and export, and
the hits shown beside a segment.

Hits are found in the English source: case-insensitive, on word boundaries, any whitespace
between a term's words, and the last word may take a plural (-s, -es, y → -ies). Whether a
*translation* uses a term is :func:`app.core.suffixes.target_has_term` (suffix-tolerant).

Editors manage their language's glossary (the approve permission), admins every glossary;
``user=None`` means the command line. Services never commit; an import validates the whole
file first, so a refused file changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.tbx import GlossaryFileError, GlossaryRow, read_csv, read_tbx, write_csv, write_tbx
from app.services.permissions import Action, can
from app.store.models import GlossaryTerm, Language, User, utcnow

SOURCE_LANGUAGE = "en"
MAX_TERM = 300
MAX_NOTE = 2000
MAX_TERMS_PER_IMPORT = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class GlossaryError(ValueError):
    """A refused glossary change; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class GlossaryPermissionError(GlossaryError):
    """The user may not change this language's glossary (HTTP 403)."""


@dataclass
class GlossaryHit:
    """A glossary term found in a source text at ``start:end``."""

    term: str
    translation: str
    note: str
    do_not_translate: bool
    start: int
    end: int


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


# --- validation ------------------------------------------------------------------------------


def _clean(value: object, what: str, field: str, limit: int, *, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise GlossaryError(f"the {what} must be text", field)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not multiline:
        text = " ".join(text.split())
    bad = _CONTROL.search(text)
    if bad:
        raise GlossaryError(f"the {what} contains a control character "
                            f"(U+{ord(bad.group()):04X})", field)
    if len(text) > limit:
        raise GlossaryError(f"the {what} is too long: {len(text)} characters (at most {limit})",
                            field)
    return text


def clean_entry(source: object, target: object, note: object = "",
                do_not_translate: bool = False) -> GlossaryRow:
    """A validated term: a do-not-translate term without a translation keeps its source form."""
    row = GlossaryRow(source=_clean(source, "term", "source", MAX_TERM),
                      target=_clean(target, "translation", "target", MAX_TERM),
                      note=_clean(note, "note", "note", MAX_NOTE, multiline=True),
                      do_not_translate=bool(do_not_translate))
    if not row.source:
        raise GlossaryError("give the term (in the source language)", "source")
    if not row.target:
        if not row.do_not_translate:
            raise GlossaryError("give the translation, or mark the term as do-not-translate",
                                "target")
        row.target = row.source
    return row


def term_key(term: str) -> str:
    """Terms are unique per language case-insensitively: "UNHCR" and "unhcr" collide."""
    return " ".join(term.casefold().split())


# --- lookups and permissions -----------------------------------------------------------------


def language_for(session: Session, code: str) -> Language:
    language = session.scalar(select(Language).where(Language.code == code))
    if language is None:
        raise GlossaryError(f"unknown language {code}")
    return language


def _may_edit(user: User | None, language: Language) -> None:
    if user is not None and not can(user, Action.APPROVE, language.code):
        raise GlossaryPermissionError(f"only editors of {language.code} and admins may change "
                                      "its glossary")


def list_terms(session: Session, language_code: str, query: str = "") -> list[GlossaryTerm]:
    """A language's terms in alphabetical order, optionally those containing ``query`` in
    the term, translation or note (case-insensitive)."""
    language = language_for(session, language_code)
    terms = sorted(session.scalars(select(GlossaryTerm)
                                   .where(GlossaryTerm.language_id == language.id)),
                   key=lambda t: (term_key(t.source_term), t.id))
    needle = query.strip().casefold()
    if needle:
        terms = [t for t in terms if needle in t.source_term.casefold()
                 or needle in t.target_term.casefold() or needle in t.note.casefold()]
    return terms


def get_term(session: Session, language_code: str, term_id: int) -> GlossaryTerm:
    language = language_for(session, language_code)
    term = session.get(GlossaryTerm, term_id)
    if term is None or term.language_id != language.id:
        raise GlossaryError("no such glossary term")
    return term


def _clash(session: Session, language: Language, source: str, but: int | None) -> None:
    key = term_key(source)
    for other in session.scalars(select(GlossaryTerm)
                                 .where(GlossaryTerm.language_id == language.id)):
        if other.id != but and term_key(other.source_term) == key:
            raise GlossaryError(f"“{other.source_term}” is already in the glossary: edit it "
                                "instead", "source")


# --- changes ---------------------------------------------------------------------------------


def add_term(session: Session, language_code: str, source: object, target: object,
             note: object = "", do_not_translate: bool = False,
             user: User | None = None) -> GlossaryTerm:
    language = language_for(session, language_code)
    _may_edit(user, language)
    row = clean_entry(source, target, note, do_not_translate)
    _clash(session, language, row.source, None)
    term = GlossaryTerm(language_id=language.id, source_term=row.source, target_term=row.target,
                        note=row.note, do_not_translate=row.do_not_translate,
                        updated_by=user.id if user else None, updated_at=utcnow())
    session.add(term)
    session.flush()
    return term


def update_term(session: Session, language_code: str, term_id: int, source: object,
                target: object, note: object = "", do_not_translate: bool = False,
                user: User | None = None) -> GlossaryTerm:
    term = get_term(session, language_code, term_id)
    language = session.get(Language, term.language_id)
    _may_edit(user, language)
    row = clean_entry(source, target, note, do_not_translate)
    _clash(session, language, row.source, term.id)
    term.source_term, term.target_term, term.note = row.source, row.target, row.note
    term.do_not_translate = row.do_not_translate
    term.updated_by, term.updated_at = (user.id if user else None), utcnow()
    session.flush()
    return term


def delete_term(session: Session, language_code: str, term_id: int,
                user: User | None = None) -> None:
    term = get_term(session, language_code, term_id)
    _may_edit(user, session.get(Language, term.language_id))
    session.delete(term)
    session.flush()


# --- hits in a source text -------------------------------------------------------------------


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern[str] | None:
    """The regular expression finding ``term`` in English text (None for an empty term)."""
    words = term.split()
    if not words:
        return None
    parts = [re.escape(word) for word in words]
    last = words[-1]
    if last[-1:].isalpha():
        if last[-1] in "yY" and len(last) > 1 and last[-2].lower() not in "aeiou":
            parts[-1] = re.escape(last[:-1]) + "(?:y|ies)"
        else:
            parts[-1] += "(?:e?s)?"
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def glossary_hits(session: Session, language_code: str, source_text: str) -> list[GlossaryHit]:
    """Glossary terms found in ``source_text``, in text order; a hit inside a longer one
    ("Nations" inside "United Nations") is left out."""
    language = session.scalar(select(Language).where(Language.code == language_code))
    if language is None or not source_text:
        return []
    hits: list[GlossaryHit] = []
    for term in session.scalars(select(GlossaryTerm)
                                .where(GlossaryTerm.language_id == language.id)):
        pattern = term_pattern(term.source_term)
        if pattern is None:
            continue
        for match in pattern.finditer(source_text):
            hits.append(GlossaryHit(term.source_term, term.target_term or term.source_term,
                                    term.note, term.do_not_translate, match.start(), match.end()))
    hits.sort(key=lambda hit: (hit.start, hit.start - hit.end, hit.term))
    kept: list[GlossaryHit] = []
    for hit in hits:
        if not any(k.start <= hit.start and hit.end <= k.end and (k.start, k.end)
                   != (hit.start, hit.end) for k in kept):
            kept.append(hit)
    return kept


# --- files -----------------------------------------------------------------------------------


def _format(filename: str, data: bytes) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".tbx", ".xml"}:
        return "tbx"
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    return "tbx" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "csv"


def read_glossary_file(data: bytes, filename: str, language_code: str,
                       source_language: str = SOURCE_LANGUAGE) -> list[GlossaryRow]:
    """Validated rows of a CSV or TBX file; raises :class:`GlossaryError` naming the line."""
    name = PurePath(filename).name or "the file"
    fmt = _format(filename, data)
    try:
        if fmt == "tbx":
            rows = read_tbx(data, source_language, language_code, name)
        else:
            rows = read_csv(data, name)
    except GlossaryFileError as exc:
        raise GlossaryError(str(exc)) from None
    if not rows:
        raise GlossaryError(f"{name} has no terms for {language_code}")
    if len(rows) > MAX_TERMS_PER_IMPORT:
        raise GlossaryError(f"{name} has {len(rows)} terms; at most {MAX_TERMS_PER_IMPORT} "
                            "can be imported at once")
    cleaned, first_line = [], {}
    unit = "entry" if fmt == "tbx" else "line"
    for row in rows:
        where = f"{name}, {unit} {row.line}"
        try:
            entry = clean_entry(row.source, row.target, row.note, row.do_not_translate)
        except GlossaryError as exc:
            raise GlossaryError(f"{where}: {exc.message}") from None
        key = term_key(entry.source)
        if key in first_line:
            raise GlossaryError(f"{where}: “{entry.source}” appears twice (also {unit} "
                                f"{first_line[key]})")
        first_line[key] = row.line
        cleaned.append(entry)
    return cleaned


def import_glossary(session: Session, language_code: str, data: bytes, filename: str,
                    user: User | None = None,
                    source_language: str = SOURCE_LANGUAGE) -> ImportReport:
    """Merge a CSV or TBX file into a glossary: new terms are added, existing ones (same term,
    any case) take the file's translation, note and flag. Terms not in the file are kept."""
    language = language_for(session, language_code)
    _may_edit(user, language)
    rows = read_glossary_file(data, filename, language.code, source_language)
    existing = {term_key(t.source_term): t for t in session.scalars(
        select(GlossaryTerm).where(GlossaryTerm.language_id == language.id))}
    report = ImportReport()
    now, author = utcnow(), (user.id if user else None)
    for row in rows:
        term = existing.get(term_key(row.source))
        if term is None:
            session.add(GlossaryTerm(language_id=language.id, source_term=row.source,
                                     target_term=row.target, note=row.note,
                                     do_not_translate=row.do_not_translate, updated_by=author,
                                     updated_at=now))
            report.added += 1
        elif (term.source_term, term.target_term, term.note, term.do_not_translate) == (
                row.source, row.target, row.note, row.do_not_translate):
            report.unchanged += 1
        else:
            term.source_term, term.target_term, term.note = row.source, row.target, row.note
            term.do_not_translate, term.updated_by, term.updated_at = (
                row.do_not_translate, author, now)
            report.updated += 1
    session.flush()
    if user is not None:
        from app.services.accounts import audit

        audit(session, user, "glossary-import", language.code, file=PurePath(filename).name,
              added=report.added, updated=report.updated)
    return report


def export_glossary(session: Session, language_code: str, fmt: str,
                    source_language: str = SOURCE_LANGUAGE) -> bytes:
    """The glossary as ``csv`` or ``tbx`` bytes."""
    rows = [GlossaryRow(t.source_term, t.target_term, t.note, t.do_not_translate)
            for t in list_terms(session, language_code)]
    if fmt == "csv":
        return write_csv(rows)
    if fmt == "tbx":
        return write_tbx(rows, source_language, language_code)
    raise GlossaryError(f"unknown glossary format {fmt!r} (csv or tbx)")
