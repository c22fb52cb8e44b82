"""MyMemory through deep-translator's ``MyMemoryTranslator`` (no key; region codes such as
``ug-CN``; 500 characters per text).

MyMemory answers some failures with HTTP 200 and the error in the body — a used-up daily
quota even arrives as ``translatedText`` ("MYMEMORY WARNING: …"). deep-translator would
return that as the translation, so :meth:`MyMemoryEngine.classify` reads ``responseStatus``
and ``quotaFinished`` first.
"""

from __future__ import annotations

import deep_translator.mymemory
import requests
from deep_translator import MyMemoryTranslator

from app.mt import http
from app.mt.base import (
    BadResponse,
    Engine,
    MTError,
    Pair,
    QuotaExceeded,
    RateLimited,
    RequestRefused,
    UnsupportedLanguage,
)

http.install(deep_translator.mymemory)


class MyMemoryEngine(Engine):
    name = "mymemory"
    label = "MyMemory"
    sends_text_to_third_party = True
    needs_key = False
    website = "https://mymemory.translated.net/doc/spec.php"
    max_chars = 500  # deep-translator refuses longer texts before sending them

    def classify(self, response: requests.Response) -> MTError | None:
        if response.status_code != 200:
            return None
        try:
            data = response.json()
        except ValueError:
            return None  # deep-translator's parser will fail and report a bad response
        if not isinstance(data, dict):
            return BadResponse(self.label, detail="not a JSON object")
        status = str(data.get("responseStatus", "200"))
        detail = f"responseStatus {status}"
        if data.get("quotaFinished") or "MYMEMORY WARNING" in str(data.get("responseDetails")):
            return QuotaExceeded(self.label, detail=detail)
        if status == "200":
            return None
        if status == "429":
            return RateLimited(self.label, detail=detail)
        if status == "403" and "LANGUAGE" in str(data.get("responseDetails", "")).upper():
            return UnsupportedLanguage(self.label, detail=detail)
        return RequestRefused(self.label, detail=detail)

    def _translate_chunk(self, texts: list[str], pair: Pair) -> list[str]:
        translator = MyMemoryTranslator(source=pair.source, target=pair.target)
        return [translator.translate(text) for text in texts]
