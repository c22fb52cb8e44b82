"""Target languages, validated against Babel's CLDR data.

A language code is whatever Babel can parse ("ug", "zh_Hans", "pt_BR"); "zh-Hans" is
accepted and normalised. Direction, plural rules and the sentence joiner come from here,
so every layer (PO headers, rebuild, HTML ``dir``) agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

#: Languages written without spaces between sentences.
_NO_SPACE_JOINER = {"zh", "ja"}

_CODE_RE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


class UnknownLanguageError(ValueError):
    """A language code that Babel's CLDR data does not know."""


@dataclass(frozen=True)
class Language:
    """What the pipeline needs to know about one target language."""

    code: str
    english_name: str
    native_name: str
    direction: str  # "ltr" or "rtl"
    nplurals: int
    plural_expr: str

    @property
    def plural_forms(self) -> str:
        """The PO header value, e.g. ``nplurals=3; plural=(...);``."""
        return f"nplurals={self.nplurals}; plural={self.plural_expr};"

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def joiner(self) -> str:
        """What goes between two sentences of one block in this language."""
        return "" if self.code.split("_")[0] in _NO_SPACE_JOINER else " "

    @property
    def bcp47(self) -> str:
        """The tag for HTML ``lang`` attributes: ``zh-Hans`` rather than ``zh_Hans``."""
        return self.code.replace("_", "-")


@lru_cache(maxsize=256)
def get_language(code: str) -> Language:
    """Return the :class:`Language` for ``code`` or raise :class:`UnknownLanguageError`."""
    raw = (code or "").strip()
    if not _CODE_RE.match(raw):
        raise UnknownLanguageError(f"unknown language code {code!r}")
    try:
        locale = Locale.parse(raw.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise UnknownLanguageError(f"unknown language code {code!r}") from exc
    canonical = raw.replace("-", "_")
    plural = get_plural(locale)
    order = locale.character_order or "left-to-right"
    return Language(
        code=canonical,
        english_name=locale.english_name or canonical,
        native_name=locale.get_display_name(locale) or canonical,
        direction="rtl" if order == "right-to-left" else "ltr",
        nplurals=plural.num_plurals,
        plural_expr=plural.plural_expr,
    )


def joiner_for(code: str | None) -> str:
    """Sentence joiner for a language code; the source (None) joins with a space."""
    if not code:
        return " "
    return get_language(code).joiner
