"""SQLAlchemy 2 models: the working store behind the review server.

PO files stay the canonical serialization; the database holds what files cannot: revisions,
history, accounts, comments, suggestions, approvals and sign-offs. No IP address is stored.
The schema is created and changed only by the Alembic migrations in ``app/store/migrations``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from app.core.states import State


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def display_name_key(name: str) -> str:
    """Compatibility-normalised, case-folded, whitespace-collapsed: "Ayşe " and "AYŞE" collide."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class Base(DeclarativeBase):
    pass


class Document(Base):
    """A statement in ``source/``: one gettext domain."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text, default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    source_revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    segments: Mapped[list[Segment]] = relationship(
        back_populates="document", order_by="Segment.position"
    )


class Segment(Base):
    """One entry of a statement's template. ``context`` is "" for none (unique-friendly)."""

    __tablename__ = "segment"
    __table_args__ = (
        UniqueConstraint("document_id", "context", "msgid"),
        Index("ix_segment_doc_pos", "document_id", "active", "position"),
        # The checks look up a sentence's other translations by msgid on every save. A hash
        # index on PostgreSQL: a B-tree refuses entries over ~2.7 kB (a long unsplit block).
        Index("ix_segment_msgid", "msgid", postgresql_using="hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    context: Mapped[str] = mapped_column(String(200), default="")
    msgid: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    block: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(60), default="paragraph")
    locations: Mapped[list] = mapped_column(JSON, default=list)
    comments: Mapped[list] = mapped_column(JSON, default=list)
    words: Mapped[int] = mapped_column(Integer, default=0)
    #: False once a source amendment removed the sentence: kept for history, never deleted.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    document: Mapped[Document] = relationship(back_populates="segments")

    @property
    def msgctxt(self) -> str | None:
        return self.context or None


class Language(Base):
    __tablename__ = "language"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    native_name: Mapped[str] = mapped_column(String(100), default="")
    direction: Mapped[str] = mapped_column(String(3), default="ltr")
    nplurals: Mapped[int] = mapped_column(Integer, default=2)
    plural_expr: Mapped[str] = mapped_column(String(300), default="(n != 1)")


class Translation(Base):
    """The current translation of a segment into a language.

    ``revision`` grows by one on every change; a save names the revision it started from.
    ``synced_text``/``synced_state`` are what the PO file held at the last sync, so a change
    on both sides is detected instead of silently overwritten.
    """

    __tablename__ = "translation"
    __table_args__ = (
        UniqueConstraint("segment_id", "language_id"),
        Index("ix_translation_lang_state", "language_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=State.EMPTY.value)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: "human", "import", "memory", "engine:<name>"; where the current text came from.
    provenance: Mapped[str] = mapped_column(String(60), default="human")
    #: The source text this translation was made for, when it no longer matches (fuzzy).
    previous_source: Mapped[str | None] = mapped_column(Text)
    translator_comments: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    synced_text: Mapped[str | None] = mapped_column(Text)
    synced_state: Mapped[str | None] = mapped_column(String(20))
    #: The machine or memory draft the current text grew from, and where it came from
    #: ("engine:<name>", "memory"), so the editor can say how far a human edited it.
    draft_text: Mapped[str | None] = mapped_column(Text)
    draft_origin: Mapped[str | None] = mapped_column(String(60))
    draft_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Percentage of the draft a human changed (0 = unedited draft); None without a draft.
    edit_percent: Mapped[int | None] = mapped_column(Integer)
    #: An editor approved an unedited machine draft on purpose (recorded, and in history).
    approved_override: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    segment: Mapped[Segment] = relationship()
    language: Mapped[Language] = relationship()
    author: Mapped[User | None] = relationship()


class History(Base):
    """Every change of a translation, including imports, reverts and approvals."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_translation", "translation_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("translation.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User | None] = relationship()


class Comment(Base):
    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    language_id: Mapped[int | None] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User | None] = relationship()


class Suggestion(Base):
    """A proposed text: a refused stale save, a conflicting PO edit, or a volunteer's idea."""

    __tablename__ = "suggestion"
    __table_args__ = (Index("ix_suggestion_seg_lang", "segment_id", "language_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    #: "conflict" (refused stale save), "file" (PO edited on disk meanwhile), "user".
    origin: Mapped[str] = mapped_column(String(20), default="user")
    #: "open", "accepted", "rejected".
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User | None] = relationship()


class User(Base):
    """An invited volunteer, known by a pseudonymous display name; email is optional."""

    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80), unique=True)
    #: ``display_name_key(display_name)``: names are unique case-insensitively in every script.
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Bumped on password change or log-out everywhere: old sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # The four members Flask-Login expects, without importing it into the store.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Session identity; changes when ``session_version`` is bumped (logs out everywhere)."""
        return f"{self.id}:{self.session_version}"

    @validates("display_name")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = display_name_key(value)
        return value


class Membership(Base):
    """A role, for one language or (language NULL) for all of them."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "role", "language_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    language_id: Mapped[int | None] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    user: Mapped[User] = relationship(back_populates="memberships")
    language: Mapped[Language | None] = relationship()


class Invite(Base):
    """A one-time invite link; only the token's hash is stored."""

    __tablename__ = "invite"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ApiToken(Base):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class SignOff(Base):
    """An editor's sign-off of a language of a document; re-opened (not deleted) by changes."""

    __tablename__ = "sign_off"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reopened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reopened_reason: Mapped[str | None] = mapped_column(Text)
    user: Mapped[User | None] = relationship()


class AuditLog(Base):
    """Account and approval actions: who did what, when. Never an IP address."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[User | None] = relationship()


class LoginFailure(Base):
    """Failed log-ins per account (by name) for throttling; no client address is stored."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SyncState(Base):
    """What a PO file looked like at the last sync, to notice edits made outside the app."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EngineSetting(Base):
    """The privacy switch: an engine may receive text of a language only once enabled."""

    __tablename__ = "engine_setting"
    __table_args__ = (UniqueConstraint("engine", "language_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    engine: Mapped[str] = mapped_column(String(40))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MachineCache(Base):
    """Machine results per engine, language and source text: each text is sent at most once."""

    __tablename__ = "machine_cache"
    __table_args__ = (UniqueConstraint("engine", "language_id", "source_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    engine: Mapped[str] = mapped_column(String(40))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MemoryUnit(Base):
    """An imported translation-memory unit (TMX, PO); the store's own translations are
    searched directly, not copied here."""

    __tablename__ = "memory_unit"
    # No unique index over the texts: they can exceed PostgreSQL's btree row limit;
    # duplicates are skipped on import instead.
    __table_args__ = (Index("ix_memory_unit_lang", "language_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class GlossaryTerm(Base):
    """A per-language glossary entry; do-not-translate terms keep their source form."""

    __tablename__ = "glossary_term"
    __table_args__ = (UniqueConstraint("language_id", "source_term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    source_term: Mapped[str] = mapped_column(String(300))
    target_term: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    do_not_translate: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Job(Base):
    """A long-running job (bulk pretranslation) with progress the web UI can poll."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    engine: Mapped[str | None] = mapped_column(String(40))
    #: "queued", "running", "done", "failed".
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    from_memory: Mapped[int] = mapped_column(Integer, default=0)
    from_engine: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CheckDismissal(Base):
    """A quality warning a translator or editor judged acceptable, with the reason.

    It holds only for the exact text it was made for (``text_sha256``): edit the text and the
    warning is back, to be judged again.
    """

    __tablename__ = "check_dismissal"
    __table_args__ = (UniqueConstraint("translation_id", "check_id", "text_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translation.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[str] = mapped_column(String(40))
    text_sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User | None] = relationship()


class CheckResult(Base):
    """Cached findings of one translation at one revision (the filter and dashboard counts
    need every segment's findings; recomputing them on each page load would be too slow).

    ``findings`` is a list of ``[check_id, severity, message]``; a row whose ``revision`` or
    ``text_sha256`` no longer matches the translation is stale and recomputed lazily.
    """

    __tablename__ = "check_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translation.id", ondelete="CASCADE"), index=True)
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"),
                                             index=True)
    revision: Mapped[int] = mapped_column(Integer)
    text_sha256: Mapped[str] = mapped_column(String(64))
    findings: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Release(Base):
    """A numbered, immutable publication of one document in one language.

    The files live under ``<instance>/releases/<document>/<language>/<number>/``; their
    checksums are recorded here (and in the bundle's manifest) so a download can be verified
    years later. ``user_id`` is NULL for a release made on the command line.
    """

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("document_id", "language_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    language_id: Mapped[int] = mapped_column(ForeignKey("language.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    #: SHA-256 of the source file the release was made from.
    source_revision: Mapped[str] = mapped_column(String(64))
    zip_name: Mapped[str] = mapped_column(String(300))
    zip_size: Mapped[int] = mapped_column(Integer)
    zip_sha256: Mapped[str] = mapped_column(String(64))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[Document] = relationship()
    language: Mapped[Language] = relationship()
    user: Mapped[User | None] = relationship()
    files: Mapped[list[ReleaseFile]] = relationship(
        back_populates="release", order_by="ReleaseFile.id", cascade="all, delete-orphan"
    )


class ReleaseFile(Base):
    """One file of a release (a format of the language or of one of its script variants)."""

    __tablename__ = "release_file"
    __table_args__ = (UniqueConstraint("release_id", "filename"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    #: BCP 47 tag of the file's text: "ug", or "ug-Latn" for a script variant.
    language: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(40))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    release: Mapped[Release] = relationship(back_populates="files")
