"""Reading the work: a page of segments with their translations, filters, search and progress.

Built for 20,000-segment documents: a page costs a handful of queries whatever its size (count,
rows, then comments, suggestions and history for the page's segments in one query each —
never one per segment), and progress for every document × language is one GROUP BY.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session, joinedload

from app.core.states import State
from app.store.models import (
    Comment,
    Document,
    History,
    Language,
    Segment,
    Suggestion,
    Translation,
)

PAGE_SIZE = 50
STATES = tuple(state.value for state in State)
MAX_QUERY = 200


@dataclass(frozen=True)
class Filters:
    """What the editor shows: a state, fuzzy only, with comments, with suggestions, a search."""

    state: str | None = None
    fuzzy: bool = False
    comments: bool = False
    suggestions: bool = False
    q: str = ""
    checks: bool = False

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> Filters:
        """Filters from query arguments; raises ValueError with a readable message."""
        state = (args.get("state") or "").strip() or None
        if state is not None and state not in STATES:
            raise ValueError(f"unknown state {state!r} (choose from {', '.join(STATES)})")
        q = (args.get("q") or "").strip()
        if len(q) > MAX_QUERY:
            raise ValueError(f"the search is too long (at most {MAX_QUERY} characters)")
        return cls(state=state, fuzzy=_flag(args.get("fuzzy")),
                   comments=_flag(args.get("comments")),
                   suggestions=_flag(args.get("suggestions")), q=q,
                   checks=_flag(args.get("checks")))

    def args(self) -> dict[str, str]:
        """The query arguments that reproduce these filters (for links and redirects)."""
        out = {"state": self.state or "", "q": self.q}
        out.update({name: "1" for name in ("fuzzy", "comments", "suggestions", "checks")
                    if getattr(self, name)})
        return {key: value for key, value in out.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.args())


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "on", "yes"}


def parse_page(value: str | None) -> int:
    """A 1-based page number from a query argument; raises ValueError."""
    if value in (None, ""):
        return 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError("the page must be a positive whole number")
    return int(value)


@dataclass
class SegmentRow:
    """One segment with its translation (None until first saved) and, optionally, its talk."""

    segment: Segment
    translation: Translation | None
    comments: list[Comment] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    history: list[History] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.translation.text if self.translation else ""

    @property
    def state(self) -> str:
        return self.translation.state if self.translation else State.EMPTY.value

    @property
    def revision(self) -> int:
        return self.translation.revision if self.translation else 0

    @property
    def previous_source(self) -> str | None:
        return self.translation.previous_source if self.translation else None

    @property
    def fuzzy(self) -> bool:
        return self.state == State.DRAFT.value and bool(self.previous_source)


@dataclass
class Page:
    rows: list[SegmentRow]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _sqlite_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _postgres_lower_collation(session: Session) -> str | None:
    """None when the database's own lower() folds Cyrillic, else ICU's "und-x-icu" if the
    server has ICU (asked once per connection)."""
    info = session.connection().info
    if "terjime_lower_collation" not in info:
        info["terjime_lower_collation"] = session.scalar(text(
            "SELECT CASE WHEN lower('Ж') = 'ж' THEN NULL ELSE (SELECT collname FROM pg_collation"
            " WHERE collname = 'und-x-icu' LIMIT 1) END"))
    return info["terjime_lower_collation"]


def _search(session: Session, q: str, columns: list[ColumnElement]) -> ColumnElement:
    """Case-insensitive substring search over ``columns``.

    SQLite's LIKE folds ASCII only, which is all an ASCII or caseless (e.g. Arabic-script)
    query needs, at C speed; a query with other cased letters (Cyrillic, Turkish İ…) goes
    through a Unicode lower() registered on the connection. PostgreSQL's lower() follows the
    database's LC_CTYPE, ASCII-only in a "C" database: there, ICU's root collation lowers.
    """
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if session.get_bind().dialect.name != "sqlite":
        collation = _postgres_lower_collation(session)
        return or_(*(func.lower(column.collate(collation) if collation else column)
                     .like(pattern, escape="\\") for column in columns))
    if not any(not char.isascii() and char.lower() != char.upper() for char in q):
        return or_(*(column.like(pattern, escape="\\") for column in columns))
    raw = session.connection().connection.dbapi_connection
    raw.create_function("terjime_lower", 1, _sqlite_lower, deterministic=True)
    return or_(*(func.terjime_lower(column).like(pattern, escape="\\") for column in columns))


def _conditions(session: Session, language: Language, filters: Filters) -> list:
    conditions = []
    if filters.state == State.EMPTY.value:
        conditions.append(or_(Translation.id.is_(None), Translation.state == filters.state))
    elif filters.state:
        conditions.append(Translation.state == filters.state)
    if filters.fuzzy:
        conditions += [Translation.state == State.DRAFT.value,
                       Translation.previous_source.is_not(None)]
    if filters.comments:
        conditions.append(exists().where(
            Comment.segment_id == Segment.id,
            or_(Comment.language_id == language.id, Comment.language_id.is_(None))))
    if filters.suggestions:
        conditions.append(exists().where(
            Suggestion.segment_id == Segment.id, Suggestion.language_id == language.id,
            Suggestion.status == "open"))
    if filters.q:
        conditions.append(_search(session, filters.q, [Segment.msgid, Translation.text]))
    return conditions


def list_segments(session: Session, document: Document, language: Language,
                  filters: Filters | None = None, page: int = 1, page_size: int = PAGE_SIZE,
                  details: bool = True, total: int | None = None) -> Page:
    """One page of a document's active segments in document order, with translations.

    ``details`` also loads comments, open suggestions and history (three more queries).
    ``total``: the number of active segments, when the caller knows it (from
    :func:`progress`) and no filter is set — saves counting them again. A page past the end
    shows the last page.
    """
    filters = filters or Filters()
    joined = and_(Translation.segment_id == Segment.id, Translation.language_id == language.id)
    where = [Segment.document_id == document.id, Segment.active.is_(True),
             *_conditions(session, language, filters)]
    if filters.checks:  # failing quality checks: from the findings cache (app.services.quality)
        from app.services.quality import failing_segment_ids

        where.append(Segment.id.in_(sorted(failing_segment_ids(session, document, language))))
    if total is None or filters.active:
        total = session.scalar(select(func.count(Segment.id)).select_from(Segment)
                               .outerjoin(Translation, joined).where(*where)) or 0
    result = Page([], 1, page_size, total)
    result.number = min(max(1, page), result.pages)
    rows = session.execute(
        select(Segment, Translation).outerjoin(Translation, joined).where(*where)
        .order_by(Segment.position, Segment.id)
        .limit(page_size).offset((result.number - 1) * page_size))
    result.rows = [SegmentRow(segment, translation) for segment, translation in rows]
    if details and result.rows:
        _attach_details(session, result.rows, language)
    return result


def _attach_details(session: Session, rows: list[SegmentRow], language: Language) -> None:
    by_segment = {row.segment.id: row for row in rows}
    ids = list(by_segment)
    for comment in session.scalars(
            select(Comment).where(Comment.segment_id.in_(ids),
                                  or_(Comment.language_id == language.id,
                                      Comment.language_id.is_(None)))
            .options(joinedload(Comment.user)).order_by(Comment.id)):
        by_segment[comment.segment_id].comments.append(comment)
    for suggestion in session.scalars(
            select(Suggestion).where(Suggestion.segment_id.in_(ids),
                                     Suggestion.language_id == language.id,
                                     Suggestion.status == "open")
            .options(joinedload(Suggestion.user)).order_by(Suggestion.id)):
        by_segment[suggestion.segment_id].suggestions.append(suggestion)
    by_translation = {row.translation.id: row for row in rows if row.translation is not None}
    if by_translation:
        for entry in session.scalars(
                select(History).where(History.translation_id.in_(list(by_translation)))
                .options(joinedload(History.user)).order_by(History.id.desc())):
            by_translation[entry.translation_id].history.append(entry)


# --- progress -------------------------------------------------------------------------------


@dataclass
class Progress:
    """Segments and source words per state, for one document in one language."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    @property
    def complete(self) -> bool:
        """Every segment approved: the language may be signed off."""
        return self.total > 0 and self.counts[State.APPROVED.value] == self.total

    def percent(self, state: str) -> float:
        """Share of source words in ``state`` (of segments when there are no words)."""
        if self.total_words:
            return 100.0 * self.words[state] / self.total_words
        return 100.0 * self.counts[state] / self.total if self.total else 0.0

    def bar(self) -> list[tuple[str, float, float]]:
        """(state, start, width) in percent, done first: for an SVG progress bar."""
        parts, start = [], 0.0
        for state in ("approved", "translated", "draft"):
            width = self.percent(state)
            if width:
                parts.append((state, round(start, 3), round(width, 3)))
            start += width
        return parts


def progress(session: Session, document_ids: list[int] | None = None,
             language_ids: list[int] | None = None) -> dict[tuple[int, int], Progress]:
    """Progress per (document id, language id): one GROUP BY over translations.

    Active segments without a translation row count as empty.
    """
    query = (select(Segment.document_id, Translation.language_id, Translation.state,
                    func.count(), func.coalesce(func.sum(Segment.words), 0))
             .join(Segment, Segment.id == Translation.segment_id)
             .where(Segment.active.is_(True))
             .group_by(Segment.document_id, Translation.language_id, Translation.state))
    totals = (select(Segment.document_id, func.count(), func.coalesce(func.sum(Segment.words), 0))
              .where(Segment.active.is_(True)).group_by(Segment.document_id))
    if document_ids is not None:
        query = query.where(Segment.document_id.in_(document_ids))
        totals = totals.where(Segment.document_id.in_(document_ids))
    if language_ids is not None:
        query = query.where(Translation.language_id.in_(language_ids))
    result: dict[tuple[int, int], Progress] = defaultdict(Progress)
    for document_id, language_id, state, count, words in session.execute(query):
        if state in STATES and state != State.EMPTY.value:
            item = result[(document_id, language_id)]
            item.counts[state] += count
            item.words[state] += int(words)
    doc_totals = {doc: (count, int(words)) for doc, count, words in session.execute(totals)}
    language_ids = language_ids if language_ids is not None else list(
        session.scalars(select(Language.id)))
    out: dict[tuple[int, int], Progress] = {}
    for document_id, (count, words) in doc_totals.items():
        for language_id in language_ids:
            item = result.get((document_id, language_id)) or Progress()
            item.counts[State.EMPTY.value] = max(0, count - sum(item.counts.values()))
            item.words[State.EMPTY.value] = max(0, words - sum(item.words.values()))
            out[(document_id, language_id)] = item
    return out


def progress_for(session: Session, document: Document, language: Language) -> Progress:
    return progress(session, [document.id], [language.id]).get((document.id, language.id),
                                                               Progress())
