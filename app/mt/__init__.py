"""Machine translation: one small class per engine behind :class:`~app.mt.base.Engine`.

:data:`ENGINES` is the registry (name → class), in the order the admin page lists them;
:func:`get_engine` builds one from the application's config. Nothing here knows about the
privacy switch or the cache — :mod:`app.services.machine` does, and is the only way the
editor and pretranslation reach an engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.mt.base import (
    AuthenticationFailed,
    BadResponse,
    Engine,
    EngineDisabled,
    EngineNotConfigured,
    EngineTimeout,
    EngineUnavailable,
    MTError,
    QuotaExceeded,
    RateLimited,
    RequestRefused,
    TextTooLong,
    UnsupportedLanguage,
)
from app.mt.deepl import DeeplEngine
from app.mt.google import GoogleEngine
from app.mt.libre import LibreEngine
from app.mt.microsoft import MicrosoftEngine
from app.mt.mymemory import MyMemoryEngine

ENGINES: dict[str, type[Engine]] = {
    engine.name: engine
    for engine in (LibreEngine, GoogleEngine, MyMemoryEngine, MicrosoftEngine, DeeplEngine)
}


class UnknownEngine(ValueError):
    """An engine name that is not in :data:`ENGINES` (one line for the CLI)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
        self.name = name


def get_engine(name: str, config: Mapping[str, Any] | None = None) -> Engine:
    """An engine configured from ``config`` (keys and URLs come from TERJIME_* settings)."""
    try:
        engine_class = ENGINES[name.strip().lower()]
    except (KeyError, AttributeError):
        raise UnknownEngine(str(name)) from None
    return engine_class(config or {})


__all__ = [
    "ENGINES", "AuthenticationFailed", "BadResponse", "Engine", "EngineDisabled",
    "EngineNotConfigured", "EngineTimeout", "EngineUnavailable", "MTError", "QuotaExceeded",
    "RateLimited", "RequestRefused", "TextTooLong", "UnknownEngine", "UnsupportedLanguage",
    "get_engine",
]
