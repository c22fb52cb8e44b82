"""A real ``terjime serve`` for tests: a subprocess on a free loopback port, plus tiny HTTP helpers.

Shared by the serve test and the browser journeys.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

TERJIME = str(Path(sys.executable).with_name("terjime"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running ``terjime serve``; collects its output in a background thread."""

    def __init__(self, cwd: Path, threads: int = 2, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        base = {**os.environ, "PYTHONUNBUFFERED": "1", "TERJIME_SYNC_DELAY": "0.1"}
        for name in ("TERJIME_DATABASE_URL", "TERJIME_INSTANCE", "TERJIME_SECRET_KEY"):
            base.pop(name, None)
        env = {**base, **(env or {})}
        self.process = subprocess.Popen(
            [TERJIME, "serve", "--port", str(self.port), "--threads", str(threads)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"terjime serve exited early:\n{self.output}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"terjime serve did not start:\n{self.output}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(5)
            self.process.stdout.close()
        return code


def request(
    url: str, data: bytes | None = None, headers: dict | None = None, method: str = "GET"
) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request; redirects are not followed."""
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    with opener.open(req, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def get(url: str) -> tuple[int, dict, bytes]:
    return request(url)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None
