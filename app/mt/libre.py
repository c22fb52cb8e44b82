"""LibreTranslate, usually self-hosted (``TERJIME_LIBRETRANSLATE_URL``, optional
``TERJIME_LIBRETRANSLATE_API_KEY``).

deep-translator's ``LibreTranslator`` knows a hard-coded list of 17 languages (no Uyghur,
Kazakh, Persian…): where it covers the pair we go through it, one text per request; otherwise
a small client of LibreTranslate's documented API sends up to :attr:`LibreEngine.batch_size`
texts per ``POST /translate`` (``q`` as a list). Both first ask the server's ``GET
/languages`` (cached a few minutes), so a pair the server lacks is refused before any text
is sent, and so ``zh`` finds the server's ``zh-Hans`` where newer servers renamed it.

Whether the text leaves "our" server is the admin's call: a loopback URL counts as
self-hosted; ``TERJIME_LIBRETRANSLATE_SELF_HOSTED=1`` (or ``0``) says so for any other URL.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import deep_translator.libre
import requests
from deep_translator import LibreTranslator
from deep_translator.constants import LIBRE_LANGUAGES_TO_CODES

from app.mt import http
from app.mt.base import (
    BadResponse,
    Engine,
    MTError,
    Pair,
    RequestRefused,
    UnsupportedLanguage,
    language_name,
)

http.install(deep_translator.libre)

#: Server codes that newer LibreTranslate versions use for the same language.
ALIASES = {"zh": ("zh", "zh-Hans"), "zt": ("zt", "zh-Hant")}
LANGUAGES_TTL = 300.0
_DEEP_TRANSLATOR_CODES = frozenset(LIBRE_LANGUAGES_TO_CODES.values())
_languages_cache: dict[str, tuple[float, dict[str, set[str]] | None]] = {}
_cache_lock = threading.Lock()


def is_loopback_url(url: str) -> bool:
    """True for a URL on this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _flag(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _parse_languages(data: Any) -> dict[str, set[str]]:
    """``[{"code", "name", "targets"}]`` → {code: targets}; old servers omit targets (= all)."""
    if not isinstance(data, list):
        raise ValueError("not a list")
    codes = {str(item["code"]) for item in data}
    return {str(item["code"]): set(item.get("targets") or codes) for item in data}


class LibreEngine(Engine):
    name = "libre"
    label = "LibreTranslate"
    needs_key = False
    batch_size = 25
    website = "https://github.com/LibreTranslate/LibreTranslate"

    def __init__(self, config: Any = None) -> None:
        super().__init__(config)
        raw = str(self.config.get("TERJIME_LIBRETRANSLATE_URL") or "").strip()
        self.url = raw.rstrip("/") + "/" if raw else ""
        self.api_key = str(self.config.get("TERJIME_LIBRETRANSLATE_API_KEY") or "") or None
        declared = _flag(self.config.get("TERJIME_LIBRETRANSLATE_SELF_HOSTED"))
        self.self_hosted = declared if declared is not None else (
            bool(self.url) and is_loopback_url(self.url))
        self.sends_text_to_third_party = not self.self_hosted
        host = urlsplit(self.url).hostname if self.url else None
        if self.self_hosted:
            self.label = "LibreTranslate (self-hosted)"
        elif host:
            self.label = f"LibreTranslate at {host}"

    def missing_settings(self) -> list[str]:
        return [] if self.url else ["TERJIME_LIBRETRANSLATE_URL"]

    def classify(self, response: requests.Response) -> MTError | None:
        if response.status_code != 400:
            return None
        try:
            message = str(response.json().get("error", ""))
        except (ValueError, AttributeError):
            return None
        if "not supported" in message.lower() or "language" in message.lower():
            return UnsupportedLanguage(self.label, detail="HTTP 400")
        return RequestRefused(self.label, detail="HTTP 400")

    # --- the server's languages ------------------------------------------------------------

    def server_languages(self) -> dict[str, set[str]] | None:
        """{source code: target codes} from ``GET /languages``; None if the server has none."""
        now = time.monotonic()
        with _cache_lock:
            hit = _languages_cache.get(self.url)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            response = http.send(self.policy(), "GET", self.url + "languages")
            languages: dict[str, set[str]] | None = _parse_languages(response.json())
        except (RequestRefused, BadResponse, UnsupportedLanguage, ValueError, KeyError,
                TypeError):
            languages = None  # an old server or a proxy without /languages: let it decide
        with _cache_lock:
            _languages_cache[self.url] = (now + LANGUAGES_TTL, languages)
        return languages

    def _prepare(self, source: str, target: str) -> Pair:
        pair = super()._prepare(source, target)
        languages = self.server_languages()
        if languages is None:
            return pair
        src = next((c for c in ALIASES.get(pair.source, (pair.source,)) if c in languages), None)
        targets = languages.get(src, set()) if src else set()
        tgt = next((c for c in ALIASES.get(pair.target, (pair.target,)) if c in targets), None)
        if src is None or tgt is None:
            missing = source if src is None else target
            raise UnsupportedLanguage(
                self.label, f"{self.label} has no {language_name(missing)} model installed "
                f"(for {language_name(source)} → {language_name(target)}).",
                detail=f"{pair.source}->{pair.target} not in /languages")
        return Pair(src, tgt, source, target)

    # --- translating -----------------------------------------------------------------------

    def _via_deep_translator(self, pair: Pair) -> bool:
        return pair.source in _DEEP_TRANSLATOR_CODES and pair.target in _DEEP_TRANSLATOR_CODES

    def _chunk_size(self, pair: Pair) -> int:
        return 1 if self._via_deep_translator(pair) else self.batch_size

    def _translate_chunk(self, texts: list[str], pair: Pair) -> list[str]:
        if self._via_deep_translator(pair):
            # deep-translator insists on a key; give it a placeholder, then take it away
            # again so that no api_key parameter is sent when none is configured.
            translator = LibreTranslator(source=pair.source, target=pair.target,
                                         api_key=self.api_key or "-", custom_url=self.url)
            translator.api_key = self.api_key
            return [translator.translate(text) for text in texts]
        return self._post_translate(texts, pair)

    def _post_translate(self, texts: list[str], pair: Pair) -> list[str]:
        """LibreTranslate's ``POST /translate`` with a list ``q``: a list comes back."""
        payload: dict[str, Any] = {"q": texts, "source": pair.source, "target": pair.target,
                                   "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        response = http.send(self.policy(), "POST", self.url + "translate", json=payload)
        try:
            translated = response.json()["translatedText"]
        except (ValueError, KeyError, TypeError):
            raise BadResponse(self.label, detail="no translatedText") from None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise BadResponse(self.label, detail="wrong number of translations")
        return [str(item) for item in translated]


def clear_languages_cache() -> None:
    """Forget every server's language list (tests; an admin who installed a model)."""
    with _cache_lock:
        _languages_cache.clear()
