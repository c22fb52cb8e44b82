"""``terjime serve`` as a user runs it: a subprocess in a fresh working directory."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.project import Project
from app.services import catalogs

TERJIME = str(Path(sys.executable).with_name("terjime"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running ``terjime serve``; collects its output in a background thread."""

    def __init__(self, cwd: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TERJIME_SYNC_DELAY": "0.1"}
        for name in ("TERJIME_DATABASE_URL", "TERJIME_INSTANCE", "TERJIME_SECRET_KEY"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [TERJIME, "serve", "--port", str(self.port), "--threads", "2"], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


def request(url: str, data: bytes | None = None, headers: dict | None = None,
            method: str = "GET") -> tuple[int, dict, bytes]:
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


def test_serve_migrates_imports_prints_the_setup_link_and_serves(project_dir: Path) -> None:
    catalogs.init(Project(), ["ug", "tr"])
    po = project_dir / "locales" / "ug" / "LC_MESSAGES" / "statement.po"
    before = po.read_bytes()
    server = Server(project_dir)
    try:
        server.wait_ready()
        status, headers, _ = get(server.url("/login"))
        assert status == 200
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Server"] == "Terjime"  # waitress, not Werkzeug's dev server
        links = re.findall(r"http://127\.0\.0\.1:\d+/setup/\S+", server.output)
        assert len(links) == 1, server.output
        assert get(links[0])[0] == 200
        with pytest.raises(urllib.error.HTTPError) as redirect:  # anonymous: to the log-in page
            get(server.url("/"))
        assert redirect.value.code == 302
        redirect.value.close()
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert (project_dir / "instance" / "terjime.db").is_file()
    assert po.read_bytes() == before  # start-up sync: zero diff
    output = server.output
    assert "127.0.0.1 -" not in output and "GET /login" not in output  # no access log

    # Once an account exists, no set-up link is printed any more; and a save through the
    # API reaches the PO file within seconds (the background writer is running).
    from app.services import accounts
    from app.store.db import Database

    database = Database(f"sqlite:///{project_dir / 'instance' / 'terjime.db'}")
    with database.session() as session:
        user = accounts.create_user(session, "coordinator", "a long enough password 1",
                                    "admin", None, method="pbkdf2:sha256:1000")
        token = accounts.create_token(session, user)
    database.dispose()
    again = Server(project_dir)
    try:
        again.wait_ready()
        assert get(again.url("/login"))[0] == 200
        api = "/api/v1/documents/statement/languages/ug/segments"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        first = json.loads(request(again.url(api), headers=headers)[2])["segments"][0]
        body = json.dumps({"text": "سىنىلىدى", "revision": first["revision"]}).encode()
        status, _, _ = request(again.url(f"{api}/{first['id']}"), data=body, headers=headers,
                               method="PUT")
        assert status == 200
        deadline = time.monotonic() + 10
        while 'msgstr "سىنىلىدى"' not in po.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the edit never reached the PO file"
            time.sleep(0.1)
    finally:
        assert again.stop() == 0, again.output
    assert "/setup/" not in again.output
    assert "coordinator" not in po.read_text(encoding="utf-8")
