"""Every engine honours one contract (as translate-toolkit re-runs a test class per storage).

No test reaches the internet: Google, MyMemory, Microsoft and DeepL are answered by
``responses`` in each service's real shape, so deep-translator's own parsing runs; LibreTranslate
by the loopback server in ``tests/libre_server.py``. Timeouts are real socket timeouts, against
a loopback server that does not answer in time (deep-translator's hard-coded URLs are pointed
at it for that test).
"""

from __future__ import annotations

import html
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from deep_translator.constants import BASE_URLS
from libre_server import Fault, LibreServer

from app.mt import (
    BadResponse,
    EngineNotConfigured,
    EngineTimeout,
    EngineUnavailable,
    MTError,
    QuotaExceeded,
    RateLimited,
    UnsupportedLanguage,
    get_engine,
)
from app.mt.libre import clear_languages_cache, is_loopback_url

Decide = Callable[[str], "str | Fault"]

FAST = {"TERJIME_MT_TIMEOUT": 3, "TERJIME_MT_RETRIES": 2, "TERJIME_MT_BACKOFF": 0}


def tag(text: str) -> str:
    return f"«{text}»"


class Backend:
    """The fake service of one test: counts the translate requests it answered."""

    def __init__(self) -> None:
        self.calls = 0


class EngineContract:
    """What every engine must do. Subclasses say how their service is faked."""

    engine_name: ClassVar[str]
    target: ClassVar[str] = "tr"
    #: A language the engine does not offer.
    unsupported: ClassVar[str] = "nv"
    #: Settings the engine needs (keys, URL), without which it must refuse to send.
    settings: ClassVar[dict[str, Any]] = {}

    def config(self, **extra: Any) -> dict[str, Any]:
        return {**FAST, **self.settings, **extra}

    def engine(self, **extra: Any):
        return get_engine(self.engine_name, self.config(**extra))

    @contextmanager
    def backend(self, decide: Decide) -> Iterator[Backend]:
        raise NotImplementedError

    def point_at(self, monkeypatch: pytest.MonkeyPatch, url: str) -> dict[str, Any]:
        """Config sending this engine's requests to ``url`` (a loopback server)."""
        raise NotImplementedError

    # --- the contract ------------------------------------------------------------------------

    def test_translates_in_order(self) -> None:
        texts = ["The first sentence.", "  The second one. ", "", "The third."]
        with self.backend(tag) as backend:
            result = self.engine().translate(texts, "en", self.target)
        assert result == ["«The first sentence.»", "  «The second one.» ", "", "«The third.»"]
        assert backend.calls >= 1

    def test_timeout(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with LibreServer(fault=Fault.delay(5)) as server:
            config = self.point_at(monkeypatch, server.url)
            engine = get_engine(self.engine_name, {**config, "TERJIME_MT_TIMEOUT": 0.3})
            started = time.monotonic()
            with pytest.raises(EngineTimeout) as caught:
                engine.translate(["Nobody answers."], "en", self.target)
            elapsed = time.monotonic() - started
            assert server.requests, "the request must have reached the slow server"
        assert elapsed < 2.5, f"the timeout was not enforced ({elapsed:.1f} s)"
        assert "0.3 seconds" in caught.value.message

    def test_429_retried_then_ok(self) -> None:
        seen: Counter[str] = Counter()

        def decide(text: str) -> str | Fault:
            seen[text] += 1
            return Fault.status(429) if seen[text] == 1 else tag(text)

        with self.backend(decide) as backend:
            assert self.engine().translate(["Busy at first."], "en", self.target) == [
                "«Busy at first.»"]
        assert backend.calls == 2

    def test_429_exhausted_is_rate_limited(self) -> None:
        with self.backend(lambda text: Fault.status(429)) as backend:
            with pytest.raises(RateLimited):
                self.engine().translate(["Always busy."], "en", self.target)
        assert backend.calls == 3  # the first try and two retries

    def test_500_retried_then_unavailable(self) -> None:
        with self.backend(lambda text: Fault.status(500)) as backend:
            with pytest.raises(EngineUnavailable) as caught:
                self.engine().translate(["Server down."], "en", self.target)
        assert backend.calls == 3
        assert "Try again later" in caught.value.message

    def test_malformed_body(self) -> None:
        with self.backend(lambda text: Fault.malformed()):
            with pytest.raises(BadResponse) as caught:
                self.engine().translate(["A secret sentence."], "en", self.target)
        # Volunteers see words, not a traceback; the text itself is never in an error.
        assert "could not read" in caught.value.message
        assert "secret" not in caught.value.message + caught.value.detail

    def test_unsupported_language(self) -> None:
        with self.backend(tag) as backend:
            engine = self.engine()
            assert not engine.supports(self.unsupported)
            assert engine.supports(self.target)
            with pytest.raises(UnsupportedLanguage):
                engine.translate(["Hello."], "en", self.unsupported)
            with pytest.raises(UnsupportedLanguage):
                engine.translate_each(["Hello."], "en", self.unsupported)
        assert backend.calls == 0

    def test_one_failure_does_not_stop_the_batch(self) -> None:
        def decide(text: str) -> str | Fault:
            return Fault.status(500) if "broken" in text else tag(text)

        texts = ["One is fine.", "This one is broken.", "Three is fine."]
        with self.backend(decide):
            result = self.engine().translate_each(texts, "en", self.target)
        assert result[0] == "«One is fine.»" and result[2] == "«Three is fine.»"
        assert isinstance(result[1], EngineUnavailable)

    def test_missing_settings_send_nothing(self) -> None:
        engine = get_engine(self.engine_name, FAST)
        assert engine.configured() is (not self.settings)
        if not self.settings:
            return
        assert engine.missing_settings()
        with self.backend(tag) as backend:
            with pytest.raises(EngineNotConfigured) as caught:
                engine.translate_each(["Hello."], "en", self.target)
        assert backend.calls == 0
        assert engine.missing_settings()[0] in caught.value.message

    def test_nothing_is_sent_for_empty_texts(self) -> None:
        with self.backend(tag) as backend:
            assert self.engine().translate_each(["", "  "], "en", self.target) == ["", "  "]
        assert backend.calls == 0


# --- engines answered by `responses` ---------------------------------------------------------


class ResponsesContract(EngineContract):
    """A service faked at the HTTP layer; subclasses describe its request and answer shapes."""

    method: ClassVar[str]
    url: ClassVar[re.Pattern[str]]
    base_url_key: ClassVar[str]
    base_url_path: ClassVar[str]

    def texts_in(self, request: requests.PreparedRequest) -> list[str]:
        raise NotImplementedError

    def answer(self, translations: list[str], request: requests.PreparedRequest) -> Any:
        raise NotImplementedError

    def error_body(self, status: int) -> Any:
        return {"message": f"error {status}"}

    malformed_body: ClassVar[str] = "<html><body>Service temporarily odd</body></html>"

    @contextmanager
    def backend(self, decide: Decide) -> Iterator[Backend]:
        backend = Backend()

        def callback(request: requests.PreparedRequest) -> tuple[int, dict, str]:
            backend.calls += 1
            replies = [decide(text) for text in self.texts_in(request)]
            fault = next((reply for reply in replies if isinstance(reply, Fault)), None)
            if fault is not None and fault.kind == "status":
                return fault.code, {"Content-Type": "application/json"}, json.dumps(
                    self.error_body(fault.code))
            if fault is not None:
                return 200, {"Content-Type": "text/html"}, self.malformed_body
            body = self.answer(replies, request)  # type: ignore[arg-type]
            if isinstance(body, str):
                return 200, {"Content-Type": "text/html; charset=utf-8"}, body
            return 200, {"Content-Type": "application/json"}, json.dumps(body)

        # No URL but the engine's own is answered: anything else would fail the test.
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add_callback(self.method, self.url, callback=callback)
            yield backend

    def point_at(self, monkeypatch: pytest.MonkeyPatch, url: str) -> dict[str, Any]:
        monkeypatch.setitem(BASE_URLS, self.base_url_key, url + self.base_url_path)
        return self.config()


def query(request: requests.PreparedRequest) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}


class TestGoogle(ResponsesContract):
    engine_name = "google"
    method = responses.GET
    url = re.compile(r"https://translate\.google\.com/m\?")
    base_url_key, base_url_path = "GOOGLE_TRANSLATE", "/m"
    malformed_body = "<html><body><div class='something-else'>?</div></body></html>"

    def texts_in(self, request):
        return [query(request)["q"]]

    def answer(self, translations, request):
        # The mobile page's shape, as deep-translator parses it.
        return ('<!DOCTYPE html><html><head><title>Google Translate</title></head><body>'
                '<div class="root-container"><div class="result-container">'
                f"{html.escape(translations[0])}</div></div></body></html>")

    def test_sends_google_codes(self) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.GET, self.url, body='<div class="result-container">维吾尔</div>')
            assert self.engine().translate(["Uyghur"], "en", "zh_Hans") == ["维吾尔"]
            params = query(mock.calls[0].request)
        assert (params["sl"], params["tl"], params["q"]) == ("en", "zh-CN", "Uyghur")


class TestMyMemory(ResponsesContract):
    engine_name = "mymemory"
    method = responses.GET
    url = re.compile(r"https?://api\.mymemory\.translated\.net/get\?")
    base_url_key, base_url_path = "MYMEMORY", "/get"

    def texts_in(self, request):
        return [query(request)["q"]]

    def answer(self, translations, request):
        return {"responseData": {"translatedText": translations[0], "match": 0.85},
                "quotaFinished": False, "responseDetails": "", "responseStatus": 200,
                "matches": [{"id": "1", "segment": query(request)["q"],
                             "translation": translations[0], "quality": "74"}]}

    def test_sends_region_codes(self) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.GET, self.url, json={
                "responseData": {"translatedText": "ئۇيغۇر"}, "responseStatus": 200})
            assert self.engine().translate(["Uyghur"], "en", "ug") == ["ئۇيغۇر"]
            assert query(mock.calls[0].request)["langpair"] == "en-GB|ug-CN"

    def test_quota_warning_in_a_200_is_not_a_translation(self) -> None:
        body = {"responseData": {"translatedText": "MYMEMORY WARNING: YOU USED ALL AVAILABLE "
                                 "FREE TRANSLATIONS FOR TODAY."},
                "quotaFinished": True, "responseDetails": "MYMEMORY WARNING: …",
                "responseStatus": 429, "matches": []}
        with responses.RequestsMock() as mock:
            mock.add(responses.GET, self.url, json=body)
            result = self.engine().translate_each(["One.", "Two."], "en", "tr")
            assert len(mock.calls) == 1, "a used-up quota stops the batch at once"
        assert all(isinstance(item, QuotaExceeded) for item in result)

    def test_too_long_for_mymemory(self) -> None:
        with self.backend(tag) as backend:
            [result] = self.engine().translate_each(["x" * 600], "en", "tr")
        assert isinstance(result, MTError) and "500 characters" in result.message
        assert backend.calls == 0


class TestMicrosoft(ResponsesContract):
    engine_name = "microsoft"
    method = responses.POST
    url = re.compile(r"https://api\.cognitive\.microsofttranslator\.com/translate\?")
    base_url_key, base_url_path = "MICROSOFT_TRANSLATE", "/translate?api-version=3.0"
    settings = {"TERJIME_MICROSOFT_KEY": "test-key", "TERJIME_MICROSOFT_REGION": "westeurope"}

    def texts_in(self, request):
        return [item["text"] for item in json.loads(request.body)]

    def answer(self, translations, request):
        return [{"translations": [{"text": text, "to": query(request)["to"]}]}
                for text in translations]

    def error_body(self, status: int) -> Any:
        return {"error": {"code": status * 1000, "message": "The request failed."}}

    def test_sends_key_region_and_microsoft_codes(self) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, self.url, json=[{"translations": [{"text": "维吾尔"}]}])
            assert self.engine().translate(["Uyghur"], "en", "zh_Hans") == ["维吾尔"]
            request = mock.calls[0].request
        assert request.headers["Ocp-Apim-Subscription-Key"] == "test-key"
        assert request.headers["Ocp-Apim-Subscription-Region"] == "westeurope"
        assert (query(request)["from"], query(request)["to"]) == ("en", "zh-Hans")

    @pytest.mark.parametrize(("status", "code", "error"), [
        (401, 401000, "AuthenticationFailed"), (403, 403001, "QuotaExceeded"),
        (400, 400036, "UnsupportedLanguage")])
    def test_microsoft_error_codes(self, status: int, code: int, error: str) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, self.url, status=status,
                     json={"error": {"code": code, "message": "no"}})
            [result] = self.engine().translate_each(["Hello."], "en", "tr")
        assert type(result).__name__ == error


class TestDeepL(ResponsesContract):
    engine_name = "deepl"
    unsupported = "ug"  # DeepL has no Uyghur
    method = responses.POST
    url = re.compile(r"https://api(-free)?\.deepl\.com/v2/translate")
    base_url_key, base_url_path = "DEEPL_FREE", "/{version}/"
    settings = {"TERJIME_DEEPL_KEY": "secret-key:fx"}

    def texts_in(self, request):
        return parse_qs(request.body)["text"]

    def answer(self, translations, request):
        return {"translations": [{"detected_source_language": "EN", "text": text}
                                 for text in translations]}

    def test_key_travels_in_a_header_never_in_the_url(self) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, self.url, json=self.answer(["维吾尔"], None))
            assert self.engine().translate(["Uyghur"], "en", "zh_Hans") == ["维吾尔"]
            request = mock.calls[0].request
        assert request.url == "https://api-free.deepl.com/v2/translate"
        assert request.headers["Authorization"] == "DeepL-Auth-Key secret-key:fx"
        form = parse_qs(request.body)
        assert (form["source_lang"], form["target_lang"], form["text"]) == (
            ["EN"], ["ZH"], ["Uyghur"])

    def test_pro_key_uses_the_pro_endpoint(self) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, "https://api.deepl.com/v2/translate",
                     json=self.answer(["Merhaba"], None))
            engine = get_engine("deepl", {**FAST, "TERJIME_DEEPL_KEY": "pro-key"})
            assert engine.translate(["Hello"], "en", "tr") == ["Merhaba"]

    @pytest.mark.parametrize(("key", "setting", "free"), [
        ("k:fx", "", True), ("k", "", False), ("k", "1", True), ("k:fx", "0", False),
        ("k", True, True), ("k:fx", None, True)])
    def test_free_or_pro_api(self, key: str, setting: object, free: bool) -> None:
        engine = get_engine("deepl", {"TERJIME_DEEPL_KEY": key, "TERJIME_DEEPL_FREE": setting})
        assert engine.free_api() is free

    def test_quota_456(self) -> None:
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, self.url, status=456, json={"message": "Quota exceeded"})
            result = self.engine().translate_each(["One.", "Two."], "en", "tr")
            assert len(mock.calls) == 1
        assert all(isinstance(item, QuotaExceeded) for item in result)


# --- LibreTranslate, on a loopback server ----------------------------------------------------


class TestLibre(EngineContract):
    engine_name = "libre"
    target = "ug"  # not in deep-translator's list: our own client
    settings = {"TERJIME_LIBRETRANSLATE_URL": "set per test"}

    @pytest.fixture(autouse=True)
    def _fresh_language_lists(self) -> Iterator[None]:
        clear_languages_cache()
        yield
        clear_languages_cache()

    def config(self, **extra: Any) -> dict[str, Any]:
        return {**FAST, "TERJIME_LIBRETRANSLATE_URL": getattr(self, "url", ""), **extra}

    @contextmanager
    def backend(self, decide: Decide) -> Iterator[Backend]:
        with LibreServer(translate=lambda text, source, target: decide(text)) as server:
            self.url = server.url
            yield _LibreBackend(server)  # type: ignore[misc]

    def point_at(self, monkeypatch: pytest.MonkeyPatch, url: str) -> dict[str, Any]:
        return {**FAST, "TERJIME_LIBRETRANSLATE_URL": url}

    def test_uyghur_goes_in_batches_through_our_client(self) -> None:
        texts = [f"Sentence {n}." for n in range(30)]
        with self.backend(tag) as backend:
            result = self.engine().translate(texts, "en", "ug")
            payloads = [r.params for r in backend.server.translate_requests]
        assert result == [tag(text) for text in texts]
        assert [len(p["q"]) for p in payloads] == [25, 5]
        assert payloads[0]["source"] == "en" and payloads[0]["target"] == "ug"
        assert "api_key" not in payloads[0]

    def test_languages_deep_translator_knows_go_through_it(self) -> None:
        with self.backend(tag) as backend:
            assert self.engine().translate(["Hello.", "Bye."], "en", "tr") == [
                "«Hello.»", "«Bye.»"]
            requests_seen = backend.server.translate_requests
        # deep-translator's LibreTranslator: one text per request, as a string q.
        assert [r.params["q"] for r in requests_seen] == ["Hello.", "Bye."]
        assert "api_key" not in requests_seen[0].params

    def test_api_key_is_sent_by_both_paths(self) -> None:
        with LibreServer(api_key="s3cret") as server:
            engine = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url,
                                          "TERJIME_LIBRETRANSLATE_API_KEY": "s3cret"})
            assert engine.translate(["Hi."], "en", "tr") == ["[tr] Hi."]
            assert engine.translate(["Hi."], "en", "ug") == ["[ug] Hi."]
            wrong = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url,
                                         "TERJIME_LIBRETRANSLATE_API_KEY": "wrong"})
            [refused] = wrong.translate_each(["Hi."], "en", "ug")
        assert type(refused).__name__ == "AuthenticationFailed"

    def test_a_language_the_server_lacks_is_refused_before_sending(self) -> None:
        with LibreServer(languages=["en", "tr"]) as server:
            engine = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url})
            assert engine.supports("ug")  # our table says LibreTranslate can have it…
            with pytest.raises(UnsupportedLanguage) as caught:
                engine.translate_each(["Hello."], "en", "ug")  # …this server has no model
            assert not server.translate_requests
        assert "Uyghur" in caught.value.message

    def test_chinese_finds_the_servers_new_code(self) -> None:
        with LibreServer(languages=["en", "zh-Hans"]) as server:
            engine = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url})
            assert engine.translate(["Hello."], "en", "zh_Hans") == ["[zh-Hans] Hello."]

    def test_server_without_a_languages_list_is_simply_asked(self) -> None:
        """An old server (or a proxy) without ``/languages``: its answer to the text decides."""
        with responses.RequestsMock() as mock:
            mock.add(responses.GET, "http://libre.test/languages", status=404)
            mock.add(responses.POST, "http://libre.test/translate",
                     json={"translatedText": ["ئۇيغۇر"]})
            engine = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL":
                                          "http://libre.test"})
            assert engine.translate(["Uyghur"], "en", "ug") == ["ئۇيغۇر"]
            mock.replace(responses.POST, "http://libre.test/translate", status=400,
                         json={"error": "ug is not supported"})
            with pytest.raises(UnsupportedLanguage):
                engine.translate(["Other"], "en", "ug")

    def test_timeout_through_deep_translator_too(self) -> None:
        with LibreServer(fault=Fault.delay(5)) as server:
            engine = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url,
                                          "TERJIME_MT_TIMEOUT": 0.3})
            started = time.monotonic()
            with pytest.raises(EngineTimeout):
                engine.translate(["Hello."], "en", "tr")
        assert time.monotonic() - started < 2.5

    @pytest.mark.parametrize(("url", "declared", "third_party", "label"), [
        ("http://127.0.0.1:5000", None, False, "LibreTranslate (self-hosted)"),
        ("http://localhost:5000/", None, False, "LibreTranslate (self-hosted)"),
        ("http://[::1]:5000", None, False, "LibreTranslate (self-hosted)"),
        ("https://libretranslate.com", None, True, "LibreTranslate at libretranslate.com"),
        ("http://mt.internal:5000", "1", False, "LibreTranslate (self-hosted)"),
        ("http://127.0.0.1:5000", "0", True, "LibreTranslate at 127.0.0.1"),
    ])
    def test_self_hosted_or_third_party(self, url: str, declared: str | None,
                                        third_party: bool, label: str) -> None:
        engine = get_engine("libre", {"TERJIME_LIBRETRANSLATE_URL": url,
                                      "TERJIME_LIBRETRANSLATE_SELF_HOSTED": declared})
        assert engine.sends_text_to_third_party is third_party
        assert engine.label == label

    def test_loopback_detection(self) -> None:
        assert is_loopback_url("http://127.1.2.3/")
        assert not is_loopback_url("http://192.168.1.10/")
        assert not is_loopback_url("http://localhost.example.com/")


class _LibreBackend:
    """Counts what reached the loopback server's ``/translate``."""

    def __init__(self, server: LibreServer) -> None:
        self.server = server

    @property
    def calls(self) -> int:
        return len(self.server.translate_requests)


# --- the guard itself -------------------------------------------------------------------------


def test_deep_translator_outside_an_engine_still_gets_a_timeout() -> None:
    """Our stand-in for ``requests`` never lets a call go out unbounded."""
    import deep_translator.google

    from app.mt import http

    assert deep_translator.google.requests is http.DEEP_TRANSLATOR_REQUESTS
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, re.compile(r"https://translate\.google\.com/m"),
                 body='<div class="result-container">Merhaba</div>')
        from deep_translator import GoogleTranslator

        assert GoogleTranslator(source="en", target="tr").translate("Hello") == "Merhaba"
        assert mock.calls[0].request.req_kwargs["timeout"] == http.FALLBACK_TIMEOUT


def test_retry_after_is_honoured_but_bounded() -> None:
    from app.mt.http import Policy

    response = requests.Response()
    response.headers["Retry-After"] = "3"
    assert Policy("x", backoff=0.5).delay(0, response) == 3
    response.headers["Retry-After"] = "3600"
    assert Policy("x", backoff=0.5, backoff_max=8).delay(0, response) == 8
    assert Policy("x", backoff=0).delay(2, response) == 0
    del response.headers["Retry-After"]
    assert Policy("x", backoff=0.5).delay(2, response) == 2


def test_repeated_transport_failures_stop_the_batch() -> None:
    """A dead service costs three timeouts, not one per segment."""
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, re.compile(r"https://translate\.google\.com/m"), status=503)
        engine = get_engine("google", {**FAST, "TERJIME_MT_RETRIES": 0})
        result = engine.translate_each([f"Text {n}." for n in range(10)], "en", "tr")
        assert len(mock.calls) == 3
    assert all(isinstance(item, EngineUnavailable) for item in result)


def test_connection_refused_is_unavailable() -> None:
    with LibreServer() as server:
        url = server.url
    engine = get_engine("libre", {**FAST, "TERJIME_LIBRETRANSLATE_URL": url})
    clear_languages_cache()
    with pytest.raises(EngineUnavailable):
        engine.translate(["Hello."], "en", "ug")
