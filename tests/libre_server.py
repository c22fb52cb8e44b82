"""A LibreTranslate-compatible HTTP server on a loopback port, for tests (never the internet).

    with LibreServer(translate=lambda text, source, target: f"[{target}] {text}") as server:
        config["TERJIME_LIBRETRANSLATE_URL"] = server.url

- ``POST /translate`` — form, JSON or query parameters (deep-translator sends the latter):
  ``q`` (a string, or a list in JSON), ``source``, ``target``, ``format``, ``api_key`` →
  ``{"translatedText": …}`` (a list for a list ``q``). ``translate(text, source, target)``
  returns the translation, or a :class:`Fault` to fail the request carrying that text.
- ``GET /languages`` → ``[{"code", "name", "targets"}]`` from ``languages``.
- ``fault=`` applies to every request (any path: the timeout tests point other engines here
  too): ``Fault.delay(2)``, ``Fault.status(429, times=1)`` (the first request only),
  ``Fault.status(500)``, ``Fault.malformed()``. A fault returned by ``translate`` applies to
  the request carrying that text only.
- ``api_key="…"`` makes the server require that key (403 otherwise).
- ``server.requests`` records every request: ``Recorded(method, path, params)``;
  ``server.translate_requests`` only those to ``/translate``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_LANGUAGES = ["en", "ug", "tr", "ru", "zh", "ar", "fa", "kk", "de", "fr", "ja"]


@dataclass
class Fault:
    """How a request fails: ``kind`` is "delay", "status" or "malformed"."""

    kind: str
    code: int = 500
    seconds: float = 0.0
    #: Fail only the first ``times`` requests it applies to (None: every one).
    times: int | None = None
    used: int = 0

    @classmethod
    def delay(cls, seconds: float, times: int | None = None) -> Fault:
        return cls("delay", seconds=seconds, times=times)

    @classmethod
    def status(cls, code: int, times: int | None = None) -> Fault:
        return cls("status", code=code, times=times)

    @classmethod
    def malformed(cls, times: int | None = None) -> Fault:
        return cls("malformed", times=times)

    def take(self) -> bool:
        """Whether this request fails (and count it)."""
        if self.times is not None and self.used >= self.times:
            return False
        self.used += 1
        return True


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)


def _forget_language_lists() -> None:
    """The engine caches ``/languages`` per URL; a later server may reuse this port."""
    from app.mt.libre import clear_languages_cache

    clear_languages_cache()


def _echo(text: str, source: str, target: str) -> str:
    return f"[{target}] {text}"


class LibreServer:
    """A running fake LibreTranslate; use as a context manager."""

    def __init__(self, languages: list[str] | list[dict] | None = None,
                 translate: Callable[[str, str, str], str | Fault] = _echo,
                 fault: Fault | None = None, api_key: str | None = None) -> None:
        self.languages = self._language_list(languages or DEFAULT_LANGUAGES)
        self.translate = translate
        self.fault = fault
        self.api_key = api_key
        self.requests: list[Recorded] = []
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    @staticmethod
    def _language_list(languages: list) -> list[dict]:
        if languages and isinstance(languages[0], dict):
            return languages
        return [{"code": code, "name": code, "targets": [c for c in languages if c != code]}
                for code in languages]

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def translate_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/translate")]

    def __enter__(self) -> LibreServer:
        _forget_language_lists()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # wakes delayed handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)
        _forget_language_lists()

    # --- the HTTP side -----------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:  # noqa: N802
                server._serve(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                server._serve(self, "POST")

        return Handler

    def _params(self, handler: BaseHTTPRequestHandler) -> dict[str, Any]:
        split = urlsplit(handler.path)
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(split.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        kind = handler.headers.get("Content-Type", "")
        try:
            if body and "json" in kind:
                data = json.loads(body)
                params.update(data if isinstance(data, dict) else {"json": data})
            elif body:
                params.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
        except ValueError:
            params["body"] = body  # another engine's request (the timeout tests): keep it raw
        return params

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(handler.path).path
        params = self._params(handler)
        self.requests.append(Recorded(method, path, params))
        if self.fault is not None and self.fault.take():
            if self._apply(handler, self.fault):
                return
        if method == "GET" and path.rstrip("/").endswith("/languages"):
            self._send(handler, 200, self.languages)
        elif method == "POST" and path.rstrip("/").endswith("/translate"):
            self._translate(handler, params)
        else:
            self._send(handler, 404, {"error": "Not found"})

    def _translate(self, handler: BaseHTTPRequestHandler, params: dict[str, Any]) -> None:
        if self.api_key is not None and params.get("api_key") != self.api_key:
            self._send(handler, 403, {"error": "Invalid API key"})
            return
        q, source, target = params.get("q"), params.get("source"), params.get("target")
        codes = {item["code"] for item in self.languages}
        if q is None or not source or not target:
            self._send(handler, 400, {"error": "Invalid request: missing q, source or target"})
            return
        for code in (source, target):
            if code not in codes:
                self._send(handler, 400, {"error": f"{code} is not supported"})
                return
        texts = q if isinstance(q, list) else [q]
        results = [self.translate(text, source, target) for text in texts]
        fault = next((r for r in results if isinstance(r, Fault)), None)
        if fault is not None and fault.take() and self._apply(handler, fault):
            return
        results = [r if isinstance(r, str) else _echo(t, source, target)
                   for r, t in zip(results, texts, strict=True)]
        self._send(handler, 200, {"translatedText": results if isinstance(q, list) else results[0]})

    def _apply(self, handler: BaseHTTPRequestHandler, fault: Fault) -> bool:
        """Answer with ``fault``; False if it lets the request through (after a delay)."""
        if fault.kind == "delay":
            if self._stopping.wait(fault.seconds):
                return True
            return False
        if fault.kind == "malformed":
            self._send_raw(handler, 200, b"<html>this is not JSON", "text/html")
            return True
        self._send(handler, fault.code, {"error": f"fault {fault.code}"})
        return True

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        self._send_raw(handler, status, json.dumps(body).encode(), "application/json")

    def _send_raw(self, handler: BaseHTTPRequestHandler, status: int, body: bytes,
                  kind: str) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer
