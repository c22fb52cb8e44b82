"""Microsoft Translator through deep-translator's ``MicrosoftTranslator`` (key, optional
region: ``TERJIME_MICROSOFT_KEY``, ``TERJIME_MICROSOFT_REGION``).

deep-translator fetches Microsoft's language list, without a timeout, every time the class is
constructed; our subclass uses the static list in :mod:`app.mt.codes` instead. Microsoft
reports errors as ``{"error": {"code": 403001, …}}``: the six-digit code says which.
"""

from __future__ import annotations

import deep_translator.microsoft
import requests
from deep_translator import MicrosoftTranslator

from app.mt import codes, http
from app.mt.base import (
    AuthenticationFailed,
    Engine,
    MTError,
    Pair,
    QuotaExceeded,
    RateLimited,
    TextTooLong,
    UnsupportedLanguage,
)

http.install(deep_translator.microsoft)


class _Translator(MicrosoftTranslator):
    """deep-translator's class, minus the unbounded language-list request."""

    def _get_supported_languages(self) -> dict[str, str]:
        return {code: code for code in codes.MICROSOFT_CODES}


def _error_code(response: requests.Response) -> int | None:
    try:
        error = response.json().get("error") or {}
        return int(error.get("code"))
    except (ValueError, TypeError, AttributeError):
        return None


class MicrosoftEngine(Engine):
    name = "microsoft"
    label = "Microsoft Translator"
    sends_text_to_third_party = True
    needs_key = True
    website = "https://learn.microsoft.com/legal/cognitive-services/translator/data-privacy"
    max_chars = 50000

    def missing_settings(self) -> list[str]:
        return [] if self.config.get("TERJIME_MICROSOFT_KEY") else ["TERJIME_MICROSOFT_KEY"]

    def classify(self, response: requests.Response) -> MTError | None:
        if response.status_code < 400:
            return None
        code = _error_code(response)
        if code is None:
            return None
        detail = f"HTTP {response.status_code}, error {code}"
        if code in (400035, 400036, 400023):  # invalid source / target language
            return UnsupportedLanguage(self.label, detail=detail)
        if code == 400050:
            return TextTooLong(self.label, detail=detail)
        if code // 1000 == 401:
            return AuthenticationFailed(self.label, detail=detail)
        if code == 403001:  # free tier used up
            return QuotaExceeded(self.label, detail=detail)
        if code // 1000 == 429:
            return RateLimited(self.label, detail=detail)
        return None

    def _translate_chunk(self, texts: list[str], pair: Pair) -> list[str]:
        translator = _Translator(source=pair.source, target=pair.target,
                                 api_key=self.config["TERJIME_MICROSOFT_KEY"],
                                 region=self.config.get("TERJIME_MICROSOFT_REGION") or None)
        return [translator.translate(text) for text in texts]
