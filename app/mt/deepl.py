"""DeepL through deep-translator's ``DeeplTranslator`` (key: ``TERJIME_DEEPL_KEY``; free or
pro API: ``TERJIME_DEEPL_FREE``, by default guessed from the key's ``:fx`` suffix).

deep-translator 1.11 sends ``GET /v2/translate?auth_key=…&text=…``; DeepL refuses both since
its 2025 change notices (POST only, key in an ``Authorization: DeepL-Auth-Key`` header). Our
subclass keeps deep-translator's language handling and sends the documented request — which
also keeps the key and the text out of URLs, where proxies and logs would keep them.
"""

from __future__ import annotations

from typing import Any

import deep_translator.deepl
from deep_translator import DeeplTranslator
from deep_translator.exceptions import TranslationNotFound
from deep_translator.validate import is_empty, is_input_valid

from app.mt import http
from app.mt.base import Engine, Pair

http.install(deep_translator.deepl)


class _Translator(DeeplTranslator):
    """deep-translator's DeepL class with the request DeepL accepts today."""

    def translate(self, text: str, **kwargs: Any) -> str:
        if not is_input_valid(text) or self._same_source_target() or is_empty(text):
            return text
        response = http.DEEP_TRANSLATOR_REQUESTS.post(
            self._base_url + "translate",
            headers={"Authorization": f"DeepL-Auth-Key {self.api_key}"},
            data={"text": text, "source_lang": self._source.upper(),
                  "target_lang": self._target.upper()},
        )
        data = response.json()
        if not data:
            raise TranslationNotFound(text)
        return data["translations"][0]["text"]


class DeeplEngine(Engine):
    name = "deepl"
    label = "DeepL"
    sends_text_to_third_party = True
    needs_key = True
    website = "https://www.deepl.com/privacy"
    max_chars = 100_000

    def missing_settings(self) -> list[str]:
        return [] if self.config.get("TERJIME_DEEPL_KEY") else ["TERJIME_DEEPL_KEY"]

    def free_api(self) -> bool:
        """DeepL's free endpoint? As configured, else by the key (free keys end in ``:fx``)."""
        setting = self.config.get("TERJIME_DEEPL_FREE")
        if setting is None or setting == "":
            return str(self.config.get("TERJIME_DEEPL_KEY", "")).endswith(":fx")
        if isinstance(setting, str):
            return setting.strip().lower() in {"1", "true", "yes", "on"}
        return bool(setting)

    def _translate_chunk(self, texts: list[str], pair: Pair) -> list[str]:
        # deep-translator validates lower-case codes; DeepL documents them upper-case.
        translator = _Translator(source=pair.source.lower(), target=pair.target.lower(),
                                 api_key=self.config["TERJIME_DEEPL_KEY"],
                                 use_free_api=self.free_api())
        return [translator.translate(text) for text in texts]
