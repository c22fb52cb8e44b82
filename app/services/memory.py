"""Translation memory: fuzzy and exact matches from every translated or approved segment of
every document, plus imported units (TMX files, PO files).

Scorer: ``rapidfuzz.fuzz.ratio`` (normalised Indel similarity, 0–100, exact = 100). It reads
as "how much of the two sentences is shared, in order", which is what a translator needs to
judge how much editing a match will take, and it bounds the length ratio (≥ 75 needs lengths
within 0.6–1/0.6 of each other), which the index exploits. ``WRatio`` was rejected: its
partial and token-set rescoring gives 90–100 to a sentence that merely *contains* the query,
or the same words in another order, which would dress a different sentence up as a near-exact
match.

Matches come from one in-process :class:`~app.core.memory_index.MemoryIndex` per database and
language, built on first use and kept current cheaply: every change of a translation writes a
``History`` row, and every imported unit is a new ``MemoryUnit`` row, so each query first asks
for rows past the highest ids it has seen (two primary-key lookups when nothing changed) and
applies just those. Ids that appear out of order (concurrent PostgreSQL transactions) are
remembered as gaps and looked for again for a while. The index reads committed data only,
through its own short session: a caller's uncommitted changes show once committed.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from app.core.memory_index import MemoryIndex
from app.core.states import State
from app.services.memory_io import (  # noqa: F401  (one public surface for the memory)
    MemoryImportError,
    PoFeedReport,
    TmxImportReport,
    export_tmx,
    import_po_files_to_memory,
    import_tmx,
    memory_counts,
)
from app.services.preview import word_diff
from app.store.models import (
    Document,
    History,
    Language,
    MemoryUnit,
    Segment,
    Translation,
)

__all__ = ["MIN_SCORE", "MemoryImportError", "MemoryMatch", "PoFeedReport", "TmxImportReport",
           "exact_match", "exact_matches", "export_tmx", "import_po_files_to_memory",
           "import_tmx", "memory_counts", "memory_matches", "reset_indexes"]

MIN_SCORE = 75.0
USABLE = (State.TRANSLATED.value, State.APPROVED.value)
#: Seconds a missing id (a transaction not yet committed, or rolled back) is looked for again.
GAP_SECONDS = 600.0
_MAX_GAPS = 10_000
_CHUNK = 500


@dataclass
class MemoryMatch:
    """One memory suggestion; ``diff`` turns the match's source into the current text."""

    score: float
    source: str
    target: str
    origin: str
    diff: list[tuple[str, str]] = field(default_factory=list)
    #: "translated"/"approved" for the store's own translations; None for imported units.
    state: str | None = None
    segment_id: int | None = None


# --- keeping an index per language current -----------------------------------------------


class _Watermark:
    """The highest id seen in a table, and ids below it not seen yet (gaps)."""

    def __init__(self, top: int) -> None:
        self.top = top
        self.gaps: dict[int, float] = {}

    def condition(self, column):  # noqa: ANN001, ANN201
        if self.gaps:
            return or_(column > self.top, column.in_(list(self.gaps)))
        return column > self.top

    def advance(self, seen: Iterable[int], top: int) -> None:
        now = time.monotonic()
        seen = set(seen)
        for gap in seen & self.gaps.keys():
            del self.gaps[gap]
        if top > self.top:
            for missing in set(range(self.top + 1, top + 1)) - seen:
                self.gaps[missing] = now
            self.top = top
        for gap, since in list(self.gaps.items()):
            if now - since > GAP_SECONDS:
                del self.gaps[gap]
        while len(self.gaps) > _MAX_GAPS:
            del self.gaps[min(self.gaps, key=self.gaps.__getitem__)]


class _LanguageMemory:
    """The index of one language, and how far it has read the database."""

    def __init__(self, language_id: int) -> None:
        self.language_id = language_id
        self.lock = threading.Lock()
        self.index: MemoryIndex | None = None
        self.history = _Watermark(0)
        self.units = _Watermark(0)

    def refresh(self, session: Session) -> MemoryIndex:
        tops = session.execute(select(select(func.max(History.id)).scalar_subquery(),
                                      select(func.max(MemoryUnit.id)).scalar_subquery())).one()
        history_top, unit_top = (value or 0 for value in tops)
        if self.index is None or history_top < self.history.top or unit_top < self.units.top:
            self._build(session, history_top, unit_top)  # first use, or a database reset
        else:
            if history_top > self.history.top or self.history.gaps:
                self._apply_history(session, history_top)
            if unit_top > self.units.top or self.units.gaps:
                self._apply_units(session, unit_top)
            if self.index.needs_compaction:
                self.index = self.index.compacted()
        return self.index

    def _build(self, session: Session, history_top: int, unit_top: int) -> None:
        entries = list(session.execute(
            select(Translation.id, Segment.msgid)
            .join(Segment, Segment.id == Translation.segment_id)
            .where(Translation.language_id == self.language_id, Translation.state.in_(USABLE),
                   Translation.text != "")
            .order_by(Translation.id)))
        entries += [(-unit_id, source) for unit_id, source in session.execute(
            select(MemoryUnit.id, MemoryUnit.source_text)
            .where(MemoryUnit.language_id == self.language_id).order_by(MemoryUnit.id))]
        self.index = MemoryIndex(entries)
        self.history, self.units = _Watermark(history_top), _Watermark(unit_top)

    def _apply_history(self, session: Session, top: int) -> None:
        rows = session.execute(select(History.id, History.translation_id)
                               .where(self.history.condition(History.id))).all()
        self.history.advance((row[0] for row in rows), top)
        changed = sorted({row[1] for row in rows})
        for start in range(0, len(changed), _CHUNK):
            for key, msgid, state, text in session.execute(
                    select(Translation.id, Segment.msgid, Translation.state, Translation.text)
                    .join(Segment, Segment.id == Translation.segment_id)
                    .where(Translation.id.in_(changed[start:start + _CHUNK]),
                           Translation.language_id == self.language_id)):
                usable = state in USABLE and bool(text)
                if usable and self.index.text(key) != msgid:
                    self.index.add(key, msgid)
                elif not usable:
                    self.index.discard(key)

    def _apply_units(self, session: Session, top: int) -> None:
        rows = session.execute(select(MemoryUnit.id, MemoryUnit.language_id,
                                      MemoryUnit.source_text)
                               .where(self.units.condition(MemoryUnit.id))).all()
        self.units.advance((row[0] for row in rows), top)
        for unit_id, language_id, source in rows:
            if language_id == self.language_id:
                self.index.add(-unit_id, source)


_registry: weakref.WeakKeyDictionary[Engine, dict[int, _LanguageMemory]] = (
    weakref.WeakKeyDictionary())
_registry_lock = threading.Lock()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def reset_indexes() -> None:
    """Forget every in-process index (tests and benchmarks)."""
    with _registry_lock:
        _registry.clear()


@contextmanager
def _index(session: Session, language: Language) -> Iterator[MemoryIndex]:
    """The language's index, brought up to date from committed data, locked while in use."""
    engine = _engine(session)
    with _registry_lock:
        holder = _registry.setdefault(engine, {}).setdefault(language.id,
                                                             _LanguageMemory(language.id))
    with holder.lock:
        with Session(engine) as reader:
            index = holder.refresh(reader)
        yield index


# --- matches -----------------------------------------------------------------------------


@dataclass
class _Unit:
    target: str
    origin: str
    state: str | None
    segment_id: int | None
    rank: tuple


def _language(session: Session, code: str) -> Language | None:
    return session.scalar(select(Language).where(Language.code == code))


def _resolve(session: Session, keys: list[int]) -> dict[int, _Unit]:
    """Targets and origins of index keys (translation ids > 0, memory unit ids < 0)."""
    found: dict[int, _Unit] = {}
    translation_ids = [key for key in keys if key > 0]
    unit_ids = [-key for key in keys if key < 0]
    for start in range(0, len(translation_ids), _CHUNK):
        for key, text, state, segment_id, updated, name in session.execute(
                select(Translation.id, Translation.text, Translation.state,
                       Translation.segment_id, Translation.updated_at, Document.name)
                .join(Segment, Segment.id == Translation.segment_id)
                .join(Document, Document.id == Segment.document_id)
                .where(Translation.id.in_(translation_ids[start:start + _CHUNK]))):
            if state in USABLE and text:
                rank = (2 if state == State.APPROVED.value else 1, updated, key)
                found[key] = _Unit(text, f"document {name}", state, segment_id, rank)
    for start in range(0, len(unit_ids), _CHUNK):
        for unit_id, target, origin, created in session.execute(
                select(MemoryUnit.id, MemoryUnit.target_text, MemoryUnit.origin,
                       MemoryUnit.created_at)
                .where(MemoryUnit.id.in_(unit_ids[start:start + _CHUNK]))):
            found[-unit_id] = _Unit(target, origin or "imported", None, None,
                                    (0, created, unit_id))
    return found


def memory_matches(session: Session, language_code: str, text: str, limit: int = 5,
                   min_score: float = MIN_SCORE, exclude_segment_id: int | None = None
                   ) -> list[MemoryMatch]:
    """The best memory matches for ``text`` (score ≥ ``min_score``), best first; the
    segment's own translation (``exclude_segment_id``) and repeated pairs are left out."""
    language = _language(session, language_code)
    if language is None or not text.strip() or limit <= 0:
        return []
    with _index(session, language) as index:
        hits = index.search(text, limit=None, score_cutoff=min_score)
    matches: list[MemoryMatch] = []
    seen: set[tuple[str, str]] = set()
    step = max(limit * 4, 20)
    for start in range(0, len(hits), step):
        chunk = hits[start:start + step]
        units = _resolve(session, [key for _, _, key in chunk])
        for source, score, key in chunk:
            unit = units.get(key)
            if unit is None or (exclude_segment_id is not None
                                and unit.segment_id == exclude_segment_id):
                continue
            if (source, unit.target) in seen:
                continue
            seen.add((source, unit.target))
            matches.append(MemoryMatch(score, source, unit.target, unit.origin,
                                       word_diff(source, text), unit.state, unit.segment_id))
            if len(matches) == limit:
                return matches
    return matches


def exact_matches(session: Session, language_code: str, texts: Iterable[str]
                  ) -> dict[str, MemoryMatch]:
    """The 100 % match of each text that has one: approved translations first, then
    translated ones, then imported units; the most recent of each kind."""
    language = _language(session, language_code)
    if language is None:
        return {}
    with _index(session, language) as index:
        keys = {text: index.exact(text) for text in dict.fromkeys(texts) if text}
    units = _resolve(session, [key for found in keys.values() for key in found])
    best: dict[str, MemoryMatch] = {}
    for text, found in keys.items():
        candidates = [units[key] for key in found if key in units]
        if candidates:
            unit = max(candidates, key=lambda u: u.rank)
            best[text] = MemoryMatch(100.0, text, unit.target, unit.origin, [("equal", text)],
                                     unit.state, unit.segment_id)
    return best


def exact_match(session: Session, language_code: str, text: str) -> MemoryMatch | None:
    """The best 100 % match for pretranslation, or None."""
    return exact_matches(session, language_code, [text]).get(text)
