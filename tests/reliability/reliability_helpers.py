"""Shared pieces of the reliability tests: a prepared instance, a keep-alive API client, timings.

The tests drive a real ``terjime serve`` (waitress) in a subprocess, as production runs it, and
then check what the database and ``locales/`` hold directly.
"""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import statistics
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from app.project import Project
from app.services import accounts, catalogs
from app.services.importer import import_project
from app.store.db import Database, normalise_url

DOC = "statement"
LANG = "ug"


def segments_path(document: str = DOC, language: str = LANG) -> str:
    return f"/api/v1/documents/{document}/languages/{language}/segments"


def scaled(name: str, default: int) -> int:
    """``default``, or less on a laptop via ``TERJIME_RELIABILITY_<NAME>``; CI always runs the
    issue's full numbers (a lower value is ignored when CI=true)."""
    value = os.environ.get(f"TERJIME_RELIABILITY_{name}")
    if not value or os.environ.get("CI") == "true":
        return default
    return max(1, int(value))


def db_path(project_dir: Path) -> Path:
    return project_dir / "instance" / "terjime.db"


def sqlite_url(project_dir: Path) -> str:
    """Where ``terjime serve`` keeps its database by default."""
    return f"sqlite:///{db_path(project_dir)}"


def server_env(url: str) -> dict[str, str]:
    """Environment for ``terjime serve`` on ``url`` (PostgreSQL must be named; SQLite in
    instance/ is the default)."""
    return {} if url.startswith("sqlite") else {"TERJIME_DATABASE_URL": url}


def query(url: str, sql: str, **params: object) -> list[tuple]:
    """Rows of one query, on a fresh connection (what is committed, not what a session saw)."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def prepare_instance(project_dir: Path, languages: tuple[str, ...] = (LANG,),
                     url: str | None = None) -> str:
    """A migrated, imported instance with one admin; returns the admin's API token."""
    catalogs.init(Project(), list(languages))
    database = Database(url or sqlite_url(project_dir))
    try:
        database.upgrade()
        with database.session() as session:
            import_project(session, Project())
            user = accounts.create_user(session, "coordinator", "a long enough password 1",
                                        "admin", None, method="pbkdf2:sha256:1000")
            return accounts.create_token(session, user)
    finally:
        database.dispose()


def connect(project_dir: Path) -> sqlite3.Connection:
    """A plain read connection to the instance's database (no ORM: what is on disk)."""
    return sqlite3.connect(f"file:{db_path(project_dir)}?mode=ro", uri=True, timeout=30)


class Api:
    """One keep-alive HTTP/1.1 connection with the bearer token (one per client thread)."""

    def __init__(self, port: int, token: str, timeout: float = 30.0,
                 document: str = DOC) -> None:
        self.port, self.timeout = port, timeout
        self.base = segments_path(document)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                         timeout=self.timeout)
        data = json.dumps(body).encode() if body is not None else None
        try:
            self.connection.request(method, path, body=data, headers=self.headers)
            response = self.connection.getresponse()
            raw = response.read()
        except BaseException:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, json.loads(raw) if raw else {}

    def segments(self) -> list[dict]:
        """Every segment of the document in ug, all pages."""
        out: list[dict] = []
        page = 1
        while True:
            status, data = self.call("GET", f"{self.base}?page={page}")
            assert status == 200, data
            out += data["segments"]
            if page >= data["pages"]:
                return out
            page += 1

    def save(self, segment_id: int, text: str, revision: int) -> tuple[int, dict]:
        return self.call("PUT", f"{self.base}/{segment_id}", {"text": text, "revision": revision})

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Timing:
    """Latency figures in milliseconds."""

    count: int
    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        ms = sorted(s * 1000 for s in seconds)
        cuts = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
        return cls(len(ms), cuts[49], cuts[94], ms[-1])

    def __str__(self) -> str:
        return f"{self.count} requests: p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, " \
               f"max {self.max:.1f} ms"


def report(line: str) -> None:
    """A measured figure: printed (``pytest -s``) and appended to the file named by
    ``TERJIME_RELIABILITY_REPORT``, if set, for the verification note."""
    print(line)
    path = os.environ.get("TERJIME_RELIABILITY_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
