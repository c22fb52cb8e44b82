"""What every export renderer takes and gives: one localized statement in, file bytes out.

A :class:`Localized` is built once per (document, language) by
:func:`app.services.localized.localize` (from the database) and handed to any number of
renderers, so a release renders every format from one consistent snapshot. Renderers are
small classes with class attributes (as Weblate's checks and translate-toolkit's storage
classes are) registered in :data:`app.export.RENDERERS`; the CLI, the web UI, the release
service and the contract tests all go through that registry.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from app.core.document import Document
from app.core.languages import Language
from app.core.rebuild import Rebuilt, rebuild_markdown
from app.core.states import State

Key = tuple[str | None, str]

#: The visible mark on every draft export (never on a release).
DRAFT_MARK = "DRAFT — not approved for publication"


@dataclass(frozen=True)
class Unit:
    """One segment of the statement with its translation, as the store holds it."""

    context: str | None
    source: str
    target: str  # "" when untranslated
    state: str  # a :class:`app.core.states.State` value
    notes: tuple[str, ...] = ()  # extracted comments (``#.``): link URLs, positions
    locations: tuple[str, ...] = ()  # ``#:`` references

    @property
    def key(self) -> Key:
        return (self.context, self.source)

    @property
    def usable(self) -> bool:
        """Translated by a person (translated or approved) and not empty."""
        return bool(self.target) and self.state in (State.TRANSLATED.value,
                                                    State.APPROVED.value)


@dataclass
class Localized:
    """One statement in one language (or script variant), ready to render.

    ``language`` is the target as the renderers should label it: for a script variant such
    as ``ug_Latn`` it is left-to-right and tagged ``ug-Latn``. ``label`` is a line shown to
    readers above the text when set (e.g. "automatic transliteration"). ``draft`` asks every
    renderer for its visible DRAFT mark.
    """

    name: str  # document name, e.g. "statement"
    document: Document  # the parsed source (the skeleton)
    language: Language
    units: list[Unit]
    draft: bool = False
    source_revision: str = ""  # SHA-256 of the source file the units were taken from
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    release: int | None = None  # release number, None for a draft
    label: str | None = None
    source_language: str = "en"

    @cached_property
    def translations(self) -> dict[Key, str]:
        """Usable translations by key; everything else falls back to the source."""
        return {unit.key: unit.target for unit in self.units if unit.usable}

    @cached_property
    def rebuilt(self) -> Rebuilt:
        """The localized Markdown (shared by every text renderer of this statement)."""
        return rebuild_markdown(self.document, self.translations, self.language)

    @property
    def notice(self) -> str | None:
        """The line a reader must see first: the DRAFT mark and/or the variant label."""
        parts = [DRAFT_MARK] if self.draft else []
        if self.label:
            parts.append(self.label)
        return " · ".join(parts) or None

    @property
    def filename_stem(self) -> str:
        """``statement.ug`` / ``statement.ug-Latn`` (``.draft`` added for drafts)."""
        stem = f"{self.name}.{self.language.bcp47}"
        return f"{stem}.draft" if self.draft else stem


class Renderer(ABC):
    """One output format. Subclasses set the class attributes and implement :meth:`render`."""

    name: ClassVar[str]  # registry key and ``--format`` value: "html", "pdf", ...
    extension: ClassVar[str]  # file extension without the dot
    media_type: ClassVar[str]
    label: ClassVar[str]  # what a publisher reads on the page: "PDF (print)"
    #: For translators and tools (PO, MO, XLIFF, TMX) rather than readers of the statement.
    for_translators: ClassVar[bool] = False

    @abstractmethod
    def render(self, item: Localized) -> bytes:
        """The file's bytes; deterministic for the same ``item`` (same ``created``)."""

    def filename(self, item: Localized) -> str:
        return f"{item.filename_stem}.{self.extension}"


#: Every renderer by name; filled by :func:`register` as ``app.export`` imports each format.
RENDERERS: dict[str, Renderer] = {}


def register(cls: type[Renderer]) -> type[Renderer]:
    """Class decorator: add one instance of ``cls`` to :data:`RENDERERS`."""
    if cls.name in RENDERERS:
        raise ValueError(f"two renderers are called {cls.name!r}")
    RENDERERS[cls.name] = cls()
    return cls


class UnknownFormatError(ValueError):
    """A format name that no renderer is registered for."""


def get_renderer(name: str, registry: Mapping[str, Renderer] | None = None) -> Renderer:
    """The renderer called ``name`` or a one-line error that lists the known ones."""
    registry = RENDERERS if registry is None else registry
    try:
        return registry[name]
    except KeyError:
        known = ", ".join(sorted(registry))
        raise UnknownFormatError(f"unknown format {name!r} (known: {known})") from None
