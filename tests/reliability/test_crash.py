"""Issue 7: ``kill -9`` of the server during saves and during PO write-back, again and again.

One instance, many lives: each iteration starts ``terjime serve``, fires saves from a few
clients, and kills the process with SIGKILL — at a random moment, or (every other time) the
moment a PO file is being written (its temporary file appears). After every kill: SQLite's
``PRAGMA integrity_check`` says ok, every PO file passes ``msgfmt --check``, and every save
acknowledged with a 200 before the kill is in the database. The next start must clean up.

The servers are forked from a parent that imported the application once (``zygote.py``): a
real ``terjime serve`` process each time, minus ~1.5 s of imports per start.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import require_tool
from reliability_helpers import LANG, Api, Timing, connect, prepare_instance, report, scaled
from servers import Server, free_port

BIG = "big"
#: Sentences in the extra document the saves go to: its write-back takes long enough to hit.
BIG_SENTENCES = 2000
CLIENTS = 4


def _write_big_statement(project_dir: Path) -> None:
    lines = ["# A long statement for the crash tests", ""]
    lines += [f"Paragraph {n} says that sentence number {n} must survive any crash." + "\n"
              for n in range(1, BIG_SENTENCES + 1)]
    (project_dir / "source" / f"{BIG}.md").write_text("\n".join(lines), encoding="utf-8")


def _revisions(project_dir: Path) -> dict[int, int]:
    """Current revision of every segment of the big document in ug (0 without a row)."""
    with connect(project_dir) as db:
        return dict(db.execute(
            "SELECT s.id, COALESCE(t.revision, 0) FROM segment s JOIN document d "
            "ON d.id = s.document_id LEFT JOIN translation t ON t.segment_id = s.id AND "
            "t.language_id = (SELECT id FROM language WHERE code = ?) "
            "WHERE d.name = ? AND s.active", (LANG, BIG)))


class Clients:
    """Threads saving random segments until the server dies; keeps what was acknowledged."""

    def __init__(self, port: int, token: str, revisions: dict[int, int], seed: int) -> None:
        self.acked: list[tuple[int, int, str]] = []  # (segment, revision, text)
        self.seconds: list[float] = []
        self.segments = sorted(revisions)
        self.revisions = revisions
        self.stop = threading.Event()
        self.unexpected: list[tuple[int, dict]] = []
        self.threads = [threading.Thread(target=self._run, args=(port, token, seed * 100 + n))
                        for n in range(CLIENTS)]
        for thread in self.threads:
            thread.start()

    def _run(self, port: int, token: str, seed: int) -> None:
        api, rng = Api(port, token, timeout=10, document=BIG), random.Random(seed)
        try:
            self._loop(api, rng, seed)
        finally:
            api.close()

    def _loop(self, api: Api, rng: random.Random, seed: int) -> None:
        index = 0
        while not self.stop.is_set():
            segment = rng.choice(self.segments)
            text = f"ساقلاندى {seed}-{index}"
            index += 1
            began = time.perf_counter()
            try:
                status, body = api.save(segment, text, self.revisions[segment])
            except (OSError, ValueError, http.client.HTTPException):  # died under us
                time.sleep(0.005)
                continue
            self.seconds.append(time.perf_counter() - began)
            if status == 200:
                self.acked.append((segment, body["revision"], text))
                self.revisions[segment] = body["revision"]
            elif status == 409:
                self.revisions[segment] = body["current"]["revision"]
            else:
                self.unexpected.append((status, body))

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)
            assert not thread.is_alive()


ZYGOTE = Path(__file__).with_name("zygote.py")
SYNC_DELAY = "0.05"  # seconds: write-backs follow the saves closely, so kills hit them


class Zygote:
    """The forking parent (see zygote.py), started in the project folder."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TERJIME_SYNC_DELAY": SYNC_DELAY}
        for name in ("TERJIME_DATABASE_URL", "TERJIME_INSTANCE", "TERJIME_SECRET_KEY"):
            env.pop(name, None)
        self.process = subprocess.Popen([sys.executable, str(ZYGOTE)], cwd=cwd, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.ask(None) == "ready"

    def ask(self, line: str | None) -> str:
        if line is not None:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        assert answer, "the zygote died"
        return answer

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(10)
        self.process.stdout.close()


class ForkedServer:
    """One ``terjime serve`` forked by the zygote; its output goes to a log file."""

    def __init__(self, zygote: Zygote, logs: Path, threads: int = 4) -> None:
        self.zygote, self.port = zygote, free_port()
        self.log = logs / f"serve-{self.port}.log"
        self.pid = int(zygote.ask(f"serve {self.port} {threads} {self.log}"))
        self.code: int | None = None

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.is_file() else ""

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.02)
        self.kill()
        self.stop()
        pytest.fail(f"terjime serve did not start:\n{self.output}")

    def kill(self) -> None:
        if self.code is None:
            os.kill(self.pid, signal.SIGKILL)

    def stop(self) -> int:
        """SIGTERM unless already killed; the exit code (-9 after a kill)."""
        if self.code is None:
            os.kill(self.pid, signal.SIGTERM)  # a no-op on a killed, unreaped child
            self.code = int(self.zygote.ask(f"wait {self.pid}"))
        return self.code


def _temp_files(locales: Path) -> list[Path]:
    return list(locales.glob("*/LC_MESSAGES/.*.tmp"))


def _kill_during_write_back(server: ForkedServer, locales: Path, limit: float) -> bool:
    """SIGKILL as soon as a PO temporary file exists (True), or after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if _temp_files(locales):
            server.kill()
            return True
        time.sleep(0.0005)
    server.kill()
    return False


def _check_after_kill(project_dir: Path, msgfmt: str, acked: list[tuple[int, int, str]]) -> None:
    with connect(project_dir) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        saved = set(db.execute(
            "SELECT t.segment_id, h.revision, h.text FROM history h JOIN translation t "
            "ON t.id = h.translation_id WHERE h.action = 'save'"))
    lost = [ack for ack in acked if ack not in saved]
    assert not lost, f"{len(lost)} acknowledged saves are missing, e.g. {lost[:3]}"
    pos = list((project_dir / "locales").glob("*/LC_MESSAGES/*.po"))
    assert len(pos) == 2
    for po in pos:
        check = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(po)],
                               capture_output=True, text=True)
        assert check.returncode == 0, f"{po}: {check.stderr}"


def _life(zygote: Zygote, project_dir: Path, token: str, iteration: int, rng: random.Random,
          stats: dict) -> list[tuple[int, int, str]]:
    """Start, save, kill -9; returns the saves acknowledged before the kill."""
    locales = project_dir / "locales"
    revisions = _revisions(project_dir)
    started = time.perf_counter()
    server = ForkedServer(zygote, project_dir / "logs")
    clients = None
    try:
        server.wait_ready()
        stats["starts"].append(time.perf_counter() - started)
        assert not _temp_files(locales), "a crashed write's temporary file survived a restart"
        clients = Clients(server.port, token, revisions, iteration)
        if iteration % 2:
            stats["in_write_back"] += _kill_during_write_back(server, locales,
                                                              rng.uniform(1.0, 3.0))
        else:
            time.sleep(rng.uniform(0.05, 1.0))
            server.kill()
    finally:
        server.kill()
        code = server.stop()
        if clients is not None:
            clients.join()
    assert code == -signal.SIGKILL, server.output
    assert not clients.unexpected, clients.unexpected[:3]
    assert "Traceback" not in server.output, server.output
    stats["leftovers"] += bool(_temp_files(locales))
    stats["latencies"] += clients.seconds
    return clients.acked


@pytest.mark.sqlite_only(reason="kills servers on the default SQLite store and reads it back "
                         "with sqlite3: the PostgreSQL pass would only repeat it")
def test_kill_9_during_saves_and_write_back(project_dir: Path) -> None:
    msgfmt = require_tool("msgfmt")
    kills = scaled("KILLS", 100)
    _write_big_statement(project_dir)
    token = prepare_instance(project_dir)
    (project_dir / "logs").mkdir()
    locales = project_dir / "locales"
    rng = random.Random(7)
    acked: list[tuple[int, int, str]] = []
    stats: dict = {"starts": [], "latencies": [], "in_write_back": 0, "leftovers": 0}
    began = time.perf_counter()
    zygote = Zygote(project_dir)
    try:
        for iteration in range(kills):
            acked += _life(zygote, project_dir, token, iteration, rng, stats)
            _check_after_kill(project_dir, msgfmt, acked)
    finally:
        zygote.close()
    wall = time.perf_counter() - began

    # A last, clean life started the usual way: it starts on what the kills left, removes
    # their temporary files and writes every acknowledged save's latest text to the PO file.
    started = time.perf_counter()
    server = Server(project_dir, threads=4)
    try:
        server.wait_ready()
        exec_start = time.perf_counter() - started
    finally:
        assert server.stop() == 0, server.output
    assert not _temp_files(locales)
    _check_after_kill(project_dir, msgfmt, acked)
    with connect(project_dir) as db:
        current = dict(db.execute(
            "SELECT s.msgid, t.text FROM translation t JOIN segment s ON s.id = t.segment_id "
            "JOIN document d ON d.id = s.document_id WHERE d.name = ? AND t.text != ''", (BIG,)))
    po = (locales / LANG / "LC_MESSAGES" / f"{BIG}.po").read_text(encoding="utf-8")
    assert all(f'msgstr "{text}"' in po for text in current.values())
    report(f"crash: {kills} kill -9 in {wall:.0f} s ({wall / kills:.2f} s per life); "
           f"{len(acked)} acknowledged saves, none lost; {stats['in_write_back']} kills while a "
           f"PO temporary file existed, {stats['leftovers']} left one behind (removed at the "
           f"next start); forked server start {Timing.of(stats['starts'])}; exec'd server start "
           f"{exec_start * 1000:.0f} ms; save latency {Timing.of(stats['latencies'])}")
    assert len(acked) > kills  # saves really were acknowledged between the kills
    # Every other life aims its kill at a write-back; under load some aims miss, so ask for a
    # tenth of all kills (not the half aimed) to have landed while a temporary file existed.
    assert stats["in_write_back"] >= kills // 10, "too few kills landed during a PO write-back"


def test_only_the_temporary_files_of_dead_writers_are_removed(tmp_path: Path) -> None:
    from app.core.pofile import remove_stale_temps

    target = tmp_path / "statement.po"
    target.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".statement.po.{dead.pid}.0badcafe.tmp"
    mine = tmp_path / f".statement.po.{os.getpid()}.0badcafe.tmp"  # a write in progress
    alive = tmp_path / f".statement.po.{os.getppid()}.0badcafe.tmp"
    other = tmp_path / f".other.po.{dead.pid}.0badcafe.tmp"  # another file's
    for path in (stale, mine, alive, other):
        path.write_bytes(b"half a catalogue")
    assert remove_stale_temps(target) == [stale]
    assert not stale.exists() and mine.exists() and alive.exists() and other.exists()
    assert target.read_text(encoding="utf-8") == 'msgid ""\nmsgstr ""\n'
