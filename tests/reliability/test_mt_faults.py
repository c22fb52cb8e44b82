"""Issue 7: a pretranslation job survives a misbehaving machine-translation service.

A loopback LibreTranslate that, for chosen sentences, sleeps far past the client's timeout,
answers 429 once, answers 500 every time, sends garbage (HTML, plain text, JSON of the wrong
shape, a body cut short) or resets the connection. The job — from the web UI (a background
thread) and from ``terjime pretranslate`` — must fill every other segment, report each failure,
and finish within a bound computed from the timeout and the retries.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from libre_server import Fault, LibreServer
from reliability_helpers import report
from sqlalchemy import select

from app.cli import main
from app.services import machine
from app.store.models import Document, Job, Language, Segment, Translation

DOC = "statement"
TIMEOUT = 0.5  # seconds per request (TERJIME_MT_TIMEOUT)
RETRIES = 2
SLEEP = 30.0  # how long the "slow" sentence makes the server wait: far past any timeout
#: Sentence position → fault, spread out so that no two failures follow each other (three
#: transport failures in a row would make the engine stop sending, by design).
FAULTS: dict[int, Callable[[], Fault]] = {
    2: lambda: Fault.delay(SLEEP),
    6: lambda: Fault.status(429, times=1),  # busy once, then fine: must be filled
    10: lambda: Fault.status(500),
    14: lambda: Fault("html"),
    18: lambda: Fault("text"),
    22: lambda: Fault("shape"),
    26: lambda: Fault("truncated"),
    30: lambda: Fault("reset"),
    34: lambda: Fault.delay(SLEEP),
}
FILLED_ANYWAY = {6}


class FaultyLibre(LibreServer):
    """The test server plus the garbage it cannot send by itself."""

    def _apply(self, handler: BaseHTTPRequestHandler, fault: Fault) -> bool:
        if fault.kind == "text":
            self._send_raw(handler, 200, b"Internal error, please retry", "text/plain")
        elif fault.kind == "shape":
            body = json.dumps({"translatedText": {"unexpected": True}, "detectedLanguage": 1})
            self._send_raw(handler, 200, body.encode(), "application/json")
        elif fault.kind == "truncated":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "400")
            handler.end_headers()
            handler.wfile.write(b'{"translatedText": ["cut sh')
            handler.close_connection = True
            self._reset(handler)
        elif fault.kind == "reset":
            self._reset(handler)
        else:
            return super()._apply(handler, fault)
        return True

    @staticmethod
    def _reset(handler: BaseHTTPRequestHandler) -> None:
        """Close with a TCP RST (SO_LINGER 0), as a crashing proxy would."""
        handler.close_connection = True
        connection = handler.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()


def _sources(app, lang: str) -> list[tuple[int, str]]:  # noqa: ANN001
    with app.extensions["terjime.db"].session() as session:
        doc = session.scalar(select(Document).where(Document.name == DOC))
        return [tuple(r) for r in session.execute(
            select(Segment.id, Segment.msgid).where(Segment.document_id == doc.id,
                                                    Segment.active.is_(True))
            .order_by(Segment.position))]


def _rows(app, lang: str) -> dict[int, tuple[str, str]]:  # noqa: ANN001
    with app.extensions["terjime.db"].session() as session:
        return {seg: (text, state) for seg, text, state in session.execute(
            select(Translation.segment_id, Translation.text, Translation.state).join(Language)
            .where(Language.code == lang))}


def _server(sources: list[tuple[int, str]]) -> FaultyLibre:
    faults = {sources[position][1]: make() for position, make in FAULTS.items()}

    def translate(text: str, source: str, target: str) -> str | Fault:
        return faults.get(text) or f"[{target}] {text}"

    return FaultyLibre(translate=translate)


def _bound(sources: list[tuple[int, str]], lang: str) -> float:
    """Worst case: each slow sentence costs one timeout in its batch and one alone; every
    other failing request is answered at once but retried ``RETRIES`` times; plus a margin."""
    slow = sum(1 for make in FAULTS.values() if make().kind == "delay")
    batches = 1 if lang == "ug" else 0  # ug goes 25 per request; tr one by one
    return slow * (1 + batches) * TIMEOUT * (RETRIES + 1) + 5.0


def _check(app, lang: str, sources: list[tuple[int, str]], failed: int,  # noqa: ANN001
           errors: list[str]) -> None:
    rows = _rows(app, lang)
    bad = {sources[p][0] for p in FAULTS if p not in FILLED_ANYWAY}
    for position, (segment, source) in enumerate(sources):
        text, state = rows.get(segment, ("", "empty"))
        if segment in bad:
            assert (text, state) == ("", "empty"), position
        else:
            assert (text, state) == (f"[{lang}] {source}", "draft"), position
    assert failed == len(bad)
    assert errors and all("LibreTranslate" in error for error in errors)
    assert any("did not answer within 0.5 seconds" in error for error in errors)
    assert not any(source in " ".join(errors) for _, source in sources)  # no text in errors


@pytest.mark.parametrize("lang", ["ug", "tr"])  # our batch client; deep-translator's
def test_web_job_survives_a_faulty_engine(app, client, make_user, login, lang: str) -> None:
    login(client, make_user("ilham", "editor", [lang]))
    sources = _sources(app, lang)
    app.config.update(TERJIME_MT_TIMEOUT=TIMEOUT, TERJIME_MT_RETRIES=RETRIES,
                      TERJIME_MT_BACKOFF=0.05)
    with app.extensions["terjime.db"].session() as session:
        machine.set_engine_enabled(session, "libre", lang, True, None)
    bound = _bound(sources, lang)
    with _server(sources) as server:
        app.config["TERJIME_LIBRETRANSLATE_URL"] = server.url
        began = time.monotonic()
        response = client.post(f"/documents/{DOC}/{lang}/pretranslate", data={"engine": "libre"})
        assert response.status_code == 302, response.get_data(as_text=True)
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        thread = app.extensions["terjime.jobs"][job_id]
        thread.join(bound)
        elapsed = time.monotonic() - began
        assert not thread.is_alive(), f"the job still runs after {bound:.1f} s"
        requests = len(server.translate_requests)
    body = client.get(f"/documents/{DOC}/{lang}/jobs/{job_id}",
                      headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "done" and body["processed"] == body["total"] == len(sources)
    assert body["from_engine"] == len(sources) - body["failed"]
    _check(app, lang, sources, body["failed"], body["errors"])
    with app.extensions["terjime.db"].session() as session:
        assert session.get(Job, job_id).finished_at is not None
    report(f"MT faults ({lang}, web job): {len(sources)} segments, {body['failed']} failed "
           f"as injected, the rest filled; {requests} requests; {elapsed:.1f} s "
           f"(bound {bound:.1f} s, timeout {TIMEOUT} s, {RETRIES} retries)")


def test_cli_pretranslate_survives_a_faulty_engine(app, app_config: dict, project_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"INSTANCE": app_config["INSTANCE_PATH"],
                        "DATABASE_URL": app_config["DATABASE_URL"],
                        "SOURCE": app_config["SOURCE_DIR"], "LOCALES": app_config["LOCALES_DIR"],
                        "SECRET_KEY": "test-secret", "SYNC": "0", "MT_RETRIES": str(RETRIES),
                        "MT_BACKOFF": "0.05", "MT_TIMEOUT": str(TIMEOUT)}.items():
        monkeypatch.setenv(f"TERJIME_{name}", value)
    sources = _sources(app, "ug")
    with app.extensions["terjime.db"].session() as session:
        machine.set_engine_enabled(session, "libre", "ug", True, None)
    bound = _bound(sources, "ug")
    with _server(sources) as server:
        monkeypatch.setenv("TERJIME_LIBRETRANSLATE_URL", server.url)
        began = time.monotonic()
        result = CliRunner().invoke(main, ["pretranslate", "ug", "--engine", "libre"],
                                    catch_exceptions=False)
        elapsed = time.monotonic() - began
    assert result.exit_code == 0, result.output
    bad = len(FAULTS) - len(FILLED_ANYWAY)
    assert f"failed: {bad}" in result.stdout
    assert f"filled from LibreTranslate (self-hosted): {len(sources) - bad}" in result.stdout
    errors = [line.strip().removeprefix("error: ") for line in result.stdout.splitlines()
              if line.strip().startswith("error: ")]
    _check(app, "ug", sources, bad, errors)
    assert elapsed < bound, f"{elapsed:.1f} s > {bound:.1f} s"
    report(f"MT faults (ug, terjime pretranslate): {elapsed:.1f} s (bound {bound:.1f} s)")
