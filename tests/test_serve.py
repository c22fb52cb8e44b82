"""``terjime serve`` as a user runs it: a subprocess in a fresh working directory."""

from __future__ import annotations

import json
import re
import time
import urllib.error
from pathlib import Path

import pytest
from servers import Server, get, request

from app.project import Project
from app.services import catalogs


@pytest.mark.sqlite_only(reason="checks the zero-configuration store, instance/terjime.db")
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
        user = accounts.create_user(
            session,
            "coordinator",
            "a long enough password 1",
            "admin",
            None,
            method="pbkdf2:sha256:1000",
        )
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
        status, _, _ = request(
            again.url(f"{api}/{first['id']}"), data=body, headers=headers, method="PUT"
        )
        assert status == 200
        deadline = time.monotonic() + 10
        while 'msgstr "سىنىلىدى"' not in po.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the edit never reached the PO file"
            time.sleep(0.1)
    finally:
        assert again.stop() == 0, again.output
    assert "/setup/" not in again.output
    assert "coordinator" not in po.read_text(encoding="utf-8")
