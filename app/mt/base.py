"""The engine interface, and our own exceptions: what went wrong, in a volunteer's words.

Every failure of a machine-translation call — deep-translator's own exceptions, raw
``requests`` errors it leaks, a malformed body it trips over — becomes one of these, so the
editor can show a sentence instead of a traceback, and pretranslation can report per segment::

    MTError                    the service could not translate this text
    ├── EngineDisabled         the privacy switch is off for this engine and language
    ├── EngineNotConfigured    a key or URL is missing on this server
    ├── UnsupportedLanguage    the engine does not offer this language (pair)
    ├── TextTooLong            the text exceeds the engine's length limit
    ├── EngineTimeout          no answer within TERJIME_MT_TIMEOUT seconds
    ├── EngineUnavailable      connection failed, or 5xx after the retries
    ├── RateLimited            429 after the retries
    ├── BadResponse            an answer we could not read (malformed body)
    ├── RequestRefused         any other 4xx
    ├── QuotaExceeded          the account's allowance is used up
    └── AuthenticationFailed   the key was refused

Engines translate one text per request, or a chunk where the service has a real batch API; a
failed chunk is retried text by text, so one bad text never costs the others their draft.
After repeated transport failures (or at once on a refused key or quota) the engine stops
sending and reports the same error for what is left, instead of waiting out every timeout.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import requests
from deep_translator import exceptions as dt

from app.mt import codes
from app.mt.http import Policy, guarded

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2
#: Consecutive transport failures (timeout, unavailable, rate limited) before we stop sending.
DEFAULT_PATIENCE = 3


class MTError(Exception):
    """A machine translation failed; ``message`` is safe to show to a volunteer.

    ``detail`` is a short technical note for admins and logs (a status code, an exception
    type) — never the text that was being translated.
    """

    template = "{service} could not translate this text."

    def __init__(self, service: str = "The translation service", message: str | None = None,
                 *, detail: str = "") -> None:
        self.service = service
        self.message = message or self.template.format(service=service)
        self.detail = detail
        super().__init__(self.message)


class EngineDisabled(MTError):
    template = ("{service} is turned off for this language: no text is sent to it until an "
                "admin turns it on (Administration → Machine translation).")


class EngineNotConfigured(MTError):
    template = "{service} is not set up on this server yet (an admin must add its key or URL)."


class UnsupportedLanguage(MTError):
    template = "{service} does not offer this language."


class TextTooLong(MTError):
    template = "This text is too long for {service}."


class EngineTimeout(MTError):
    template = "{service} did not answer in time. Try again later."


class EngineUnavailable(MTError):
    template = "{service} could not be reached or had a problem. Try again later."


class RateLimited(MTError):
    template = "{service} is getting too many requests right now. Try again in a few minutes."


class BadResponse(MTError):
    template = "{service} sent an answer we could not read."


class RequestRefused(MTError):
    template = "{service} refused the request."


class QuotaExceeded(MTError):
    template = "{service} has used up its translation allowance. Ask an admin."


class AuthenticationFailed(MTError):
    template = "{service} refused this server's key. Ask an admin to check it."


#: Errors after which no further text will succeed: stop sending at once.
FATAL = (EngineNotConfigured, AuthenticationFailed, QuotaExceeded, EngineDisabled)
#: Errors that say the service is unwell: stop after ``patience`` of them in a row.
TRANSPORT = (EngineTimeout, EngineUnavailable, RateLimited)


def language_name(code: str) -> str:
    from app.core.languages import UnknownLanguageError, get_language

    try:
        return get_language(code).english_name
    except UnknownLanguageError:
        return code


def map_error(exc: BaseException, service: str) -> MTError:
    """Our exception for whatever deep-translator (or requests, or a parser) raised."""
    if isinstance(exc, MTError):
        return exc
    kind = type(exc).__name__
    if isinstance(exc, dt.LanguageNotSupportedException | dt.InvalidSourceOrTargetLanguage):
        return UnsupportedLanguage(service, detail=kind)
    if isinstance(exc, dt.NotValidLength):
        return TextTooLong(service, detail=kind)
    if isinstance(exc, dt.ApiKeyException):
        return EngineNotConfigured(service, detail=kind)
    if isinstance(exc, dt.AuthorizationException):
        return AuthenticationFailed(service, detail=kind)
    if isinstance(exc, dt.TooManyRequests):
        return RateLimited(service, detail=kind)
    if isinstance(exc, dt.RequestError | dt.ServerException):
        return EngineUnavailable(service, detail=kind)
    if isinstance(exc, dt.NotValidPayload | dt.MicrosoftAPIerror):
        return RequestRefused(service, detail=kind)
    # Parsing trouble: JSON errors (requests' JSONDecodeError is also a RequestException, so
    # this comes first), missing keys, an element BeautifulSoup did not find, next() on nothing.
    if isinstance(exc, dt.TranslationNotFound | dt.ElementNotFoundInGetRequest | ValueError
                  | KeyError | IndexError | TypeError | AttributeError | StopIteration):
        return BadResponse(service, detail=kind)
    if isinstance(exc, requests.Timeout):
        return EngineTimeout(service, detail=kind)
    if isinstance(exc, requests.RequestException):
        return EngineUnavailable(service, detail=kind)
    log.warning("unexpected %s from %s", kind, service)  # the type only: never the text
    return MTError(service, detail=kind)


@dataclass(frozen=True)
class Pair:
    """A language pair in the engine's own codes (``source``, ``target``) and ours."""

    source: str
    target: str
    our_source: str
    our_target: str


class Engine:
    """One machine-translation service behind one interface.

    Subclasses set the class attributes and implement :meth:`_translate_chunk`; everything
    else — codes, timeouts, retries, per-text isolation, our exceptions — lives here.
    """

    name: ClassVar[str] = ""
    #: What a volunteer sees: "Google Translate".
    label: str = ""
    #: True when the text leaves this server for somebody else's.
    sends_text_to_third_party: bool = True
    needs_key: ClassVar[bool] = False
    #: Texts per request where the service has a real batch API.
    batch_size: ClassVar[int] = 1
    #: Where an admin reads about the service's terms (shown on the admin page).
    website: ClassVar[str] = ""
    #: The longest text the service (or deep-translator's client for it) accepts, if known.
    max_chars: ClassVar[int | None] = None

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config: Mapping[str, Any] = config or {}
        self.timeout = float(self.config.get("TERJIME_MT_TIMEOUT") or DEFAULT_TIMEOUT)
        retries = self.config.get("TERJIME_MT_RETRIES")
        self.retries = DEFAULT_RETRIES if retries is None else max(0, int(retries))
        backoff = self.config.get("TERJIME_MT_BACKOFF")
        self.backoff = 0.5 if backoff is None else max(0.0, float(backoff))
        self.patience = int(self.config.get("TERJIME_MT_PATIENCE") or DEFAULT_PATIENCE)

    # --- what the admin page and the services ask ----------------------------------------

    def missing_settings(self) -> list[str]:
        """Configuration keys (environment variables) that must be set before use."""
        return []

    def configured(self) -> bool:
        return not self.missing_settings()

    def supports(self, language_code: str) -> bool:
        """Whether the engine offers our language ``language_code`` (no network involved)."""
        return codes.supported(self.name, language_code)

    # --- translating ---------------------------------------------------------------------

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per text, in order; raises the first :class:`MTError` (and stops
        sending there)."""
        results = self._run(texts, source, target, stop_on_error=True)
        for result in results:
            if isinstance(result, MTError):
                raise result
        return results  # type: ignore[return-value]

    def translate_each(self, texts: Sequence[str], source: str,
                       target: str) -> list[str | MTError]:
        """One translation or :class:`MTError` per text, in order: a failing text does not
        stop the others.

        Raises instead (before sending anything) when the engine cannot serve the pair at all:
        not configured, or a language it does not offer.
        """
        return self._run(texts, source, target, patience=self.patience)

    # --- for subclasses --------------------------------------------------------------------

    def policy(self) -> Policy:
        return Policy(service=self.label, timeout=self.timeout, retries=self.retries,
                      backoff=self.backoff, classify=self.classify)

    def classify(self, response: requests.Response) -> MTError | None:
        """An engine-specific error for a response (even a 200), or None for the defaults."""
        return None

    def _prepare(self, source: str, target: str) -> Pair:
        """Check configuration and languages before anything is sent."""
        missing = self.missing_settings()
        if missing:
            raise EngineNotConfigured(
                self.label, f"{self.label} is not set up on this server yet: an admin must set "
                f"{' and '.join(missing)}.", detail="missing " + ", ".join(missing))
        engine_source = codes.engine_code(self.name, source)
        engine_target = codes.engine_code(self.name, target)
        for ours, theirs in ((source, engine_source), (target, engine_target)):
            if theirs is None:
                raise UnsupportedLanguage(
                    self.label, f"{self.label} does not offer {language_name(ours)}.",
                    detail=f"no code for {ours}")
        return Pair(engine_source, engine_target, source, target)  # type: ignore[arg-type]

    def _chunk_size(self, pair: Pair) -> int:
        return self.batch_size

    def _translate_chunk(self, texts: list[str], pair: Pair) -> list[str]:
        """Translate non-empty, stripped texts; one result per text or an exception."""
        raise NotImplementedError

    # --- the machinery -------------------------------------------------------------------

    def _call(self, texts: list[str], pair: Pair) -> list[str] | MTError:
        try:
            with guarded(self.policy()):
                results = self._translate_chunk(texts, pair)
        except Exception as exc:  # every failure becomes one of ours, by design
            error = map_error(exc, self.label)
            if isinstance(error, TextTooLong) and self.max_chars:
                error.message = (f"This text is too long for {self.label} "
                                 f"(at most {self.max_chars} characters).")
            return error
        if len(results) != len(texts) or not all(isinstance(r, str) and r for r in results):
            return BadResponse(self.label, detail="missing or empty translation")
        return results

    def _run(self, texts: Sequence[str], source: str, target: str, patience: int = 1,
             stop_on_error: bool = False) -> list[str | MTError]:
        texts = list(texts)
        # Blank texts are answered as they are: nothing is sent for them.
        results: list[str | MTError] = list(texts)
        pending = [i for i, text in enumerate(texts) if text.strip()]
        if not pending:
            return results
        pair = self._prepare(source, target)
        size = max(1, self._chunk_size(pair))
        queue = deque(pending[start:start + size] for start in range(0, len(pending), size))
        failures = 0
        stopped: MTError | None = None
        while queue:
            unit = queue.popleft()
            outcome = stopped or self._call([texts[i].strip() for i in unit], pair)
            if isinstance(outcome, MTError):
                if stopped is None and len(unit) > 1 and not isinstance(outcome, FATAL):
                    queue.extendleft(reversed([[i] for i in unit]))  # isolate the bad text
                    continue
                for i in unit:
                    results[i] = outcome
                failures = failures + 1 if isinstance(outcome, TRANSPORT) else 0
                if stop_on_error or isinstance(outcome, FATAL) or failures >= patience:
                    stopped = outcome
                continue
            failures = 0
            for i, translated in zip(unit, outcome, strict=True):
                results[i] = _keep_spacing(texts[i], translated)
        return results


def _keep_spacing(original: str, translated: str) -> str:
    """The translation with the original's leading and trailing whitespace."""
    lead = original[:len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    return f"{lead}{translated.strip()}{trail}"
