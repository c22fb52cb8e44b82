"""What the suggestions panel shows for one segment: memory, machine and glossary, numbered.

Numbers run across the sections in the order shown (memory, machine, glossary), so "Ctrl+M
then 2" means the second thing on screen. Memory comes first because it never changes while
the panel is open; machine results arrive only when the volunteer asks for them.

Privacy: an engine receives the source text only when it is switched on for the language
*and* the volunteer asked it (``ask``); otherwise the panel shows what is already cached —
nothing leaves the server — and an "Ask …" button naming the service. Engine failures become
one line of text, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.mt import UnknownEngine, get_engine
from app.services import machine
from app.services.glossary import glossary_hits
from app.services.memory import memory_matches
from app.services.preview import word_diff
from app.services.provenance import MEMORY, engine_label, engine_origin
from app.store.models import Language, MachineCache, Segment

#: Memory matches shown (best first) and the lowest score worth showing.
MEMORY_LIMIT = 5
MEMORY_MIN_SCORE = 75
ASK_ALL = "all"


@dataclass
class MachineEntry:
    engine: str
    label: str
    third_party: bool
    text: str | None = None
    error: str | None = None
    cached: bool = False
    asked: bool = False
    number: int | None = None

    @property
    def receiver(self) -> str:
        """Who receives the text, in plain words."""
        return (f"Sent to {self.label} (third party)" if self.third_party
                else f"Sent to {self.label}, run by this project")


@dataclass
class MemoryEntry:
    score: int
    source: str
    target: str
    origin: str
    diff: list[tuple[str, str]]
    number: int | None = None


@dataclass
class GlossaryEntry:
    term: str
    translation: str
    note: str
    do_not_translate: bool
    number: int | None = None

    @property
    def insert(self) -> str:
        """What inserting it types: the translation, or the term kept as is."""
        return self.term if self.do_not_translate or not self.translation else self.translation


@dataclass
class Item:
    """One numbered suggestion: ``replace`` ones become the draft, glossary ones are typed in."""

    number: int
    kind: str
    text: str
    origin: str
    label: str
    replace: bool


@dataclass
class Assist:
    segment_id: int
    source: str
    language: str
    memory: list[MemoryEntry] = field(default_factory=list)
    machine: list[MachineEntry] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def unasked(self) -> list[MachineEntry]:
        return [entry for entry in self.machine if entry.text is None and entry.error is None]

    def as_json(self) -> dict:
        return {
            "segment": self.segment_id, "language": self.language, "source": self.source,
            "suggestions": [asdict(item) for item in self.items],
            "memory": [asdict(entry) for entry in self.memory],
            "machine": [{**asdict(entry), "receiver": entry.receiver} for entry in self.machine],
            "glossary": [{**asdict(entry), "insert": entry.insert} for entry in self.glossary],
        }


def gather(session: Session, config: dict, segment: Segment, language: Language, *,
           ask: Iterable[str] = ()) -> Assist:
    """The panel for ``segment`` in ``language``; engines named in ``ask`` (or "all") are
    called (through the machine service and its cache), the others only read from cache."""
    assist = Assist(segment.id, segment.msgid, language.code)
    assist.memory = _memory(session, segment, language)
    assist.machine = _machine(session, config, segment, language, set(ask))
    assist.glossary = _glossary(session, segment, language)
    _number(assist)
    return assist


def _memory(session: Session, segment: Segment, language: Language) -> list[MemoryEntry]:
    found = memory_matches(session, language.code, segment.msgid, limit=MEMORY_LIMIT,
                           min_score=MEMORY_MIN_SCORE, exclude_segment_id=segment.id)
    return [MemoryEntry(int(match.score), match.source, match.target, match.origin or MEMORY,
                        match.diff or word_diff(match.source, segment.msgid))
            for match in found if match.target]


def _glossary(session: Session, segment: Segment, language: Language) -> list[GlossaryEntry]:
    seen: set[str] = set()
    out = []
    for hit in glossary_hits(session, language.code, segment.msgid):
        if hit.term in seen:
            continue
        seen.add(hit.term)
        out.append(GlossaryEntry(hit.term, hit.translation or "", hit.note or "",
                                 bool(hit.do_not_translate)))
    return out


def _machine(session: Session, config: dict, segment: Segment, language: Language,
             ask: set[str]) -> list[MachineEntry]:
    entries = []
    asked = []
    for name, label, third_party in engines_for(session, config, language.code):
        entry = MachineEntry(name, label, third_party)
        if ASK_ALL in ask or name in ask:
            asked.append(name)
        else:
            entry.text = _cached(session, name, language, segment.msgid)
            entry.cached = entry.text is not None
        entries.append(entry)
    if asked:
        results = machine.machine_suggestions(session, config, segment.msgid, language.code,
                                              engines=asked)
        by_engine = {result.engine: result for result in results}
        for entry in entries:
            result = by_engine.get(entry.engine)
            if result is not None:
                entry.asked = True
                entry.text = result.text or None
                entry.error = None if result.text else (result.error or "no translation came back")
                entry.cached = bool(result.cached)
    return entries


def engines_for(session: Session, config: dict, code: str) -> list[tuple[str, str, bool]]:
    """(name, label, sends text to a third party) of the engines switched on for ``code``;
    label and destination come from the configured engine (a self-hosted LibreTranslate is
    no third party)."""
    out = []
    for name in machine.enabled_engines(session, code):
        try:
            engine = get_engine(name, config)
        except UnknownEngine:
            continue
        out.append((name, engine.label or engine_label(name),
                    bool(engine.sends_text_to_third_party)))
    return out


def _cached(session: Session, engine: str, language: Language, text: str) -> str | None:
    """A machine result already in the cache: shown without sending anything anywhere."""
    return session.scalar(select(MachineCache.text).where(
        MachineCache.engine == engine, MachineCache.language_id == language.id,
        MachineCache.source_sha256 == machine.source_hash(text), MachineCache.source_text == text))


def _number(assist: Assist) -> None:
    number = 0
    for memory in assist.memory:
        number += 1
        memory.number = number
        assist.items.append(Item(number, "memory", memory.target, MEMORY,
                                 f"Memory {memory.score} %", True))
    for entry in assist.machine:
        if entry.text:
            number += 1
            entry.number = number
            assist.items.append(Item(number, "machine", entry.text, engine_origin(entry.engine),
                                     entry.label, True))
    for term in assist.glossary:
        number += 1
        term.number = number
        assist.items.append(Item(number, "glossary", term.insert, "glossary",
                                 f"Glossary: {term.term}", False))
