"""Google Translate through deep-translator's ``GoogleTranslator`` (no key; scrapes the
mobile page, one text per request)."""

from __future__ import annotations

import deep_translator.google
from deep_translator import GoogleTranslator

from app.mt import http
from app.mt.base import Engine, Pair

http.install(deep_translator.google)


class GoogleEngine(Engine):
    name = "google"
    label = "Google Translate"
    sends_text_to_third_party = True
    needs_key = False
    website = "https://policies.google.com/privacy"
    max_chars = 5000

    def _translate_chunk(self, texts: list[str], pair: Pair) -> list[str]:
        translator = GoogleTranslator(source=pair.source, target=pair.target)
        return [translator.translate(text) for text in texts]
