"""Issue 7: conflicting saves through the API of a production server lose nothing.

8 clients × 500 saves on random segments among 50, each naming the revision that client last
read, against ``terjime serve`` (waitress, 8 threads, SQLite in WAL mode). Afterwards every
accepted save must be in its segment's history exactly once, every refused one must be an open
suggestion on its segment, and each segment's text must be its last accepted save.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from conftest import database_url
from reliability_helpers import Api, Timing, prepare_instance, query, report, scaled, server_env
from servers import Server

from app.core.pofile import read_po

CLIENTS = 8
SEGMENT_COUNT = 50


@dataclass
class Outcome:
    client: int
    segment: int
    text: str
    sent_revision: int
    status: int
    body: dict
    seconds: float


def _client(number: int, port: int, token: str, segments: list[int], revisions: dict[int, int],
            saves: int, start: threading.Barrier, out: list[Outcome]) -> None:
    api = Api(port, token)
    known = dict(revisions)  # what this client last read of each segment
    rng = random.Random(number)
    start.wait()
    try:
        for index in range(saves):
            segment = rng.choice(segments)
            text = f"نۇسخا {number}-{index}"  # unique: each save is traceable
            began = time.perf_counter()
            status, body = api.save(segment, text, known[segment])
            out.append(Outcome(number, segment, text, known[segment], status, body,
                               time.perf_counter() - began))
            if status == 200:
                known[segment] = body["revision"]
            elif status == 409:
                known[segment] = body["current"]["revision"]
    finally:
        api.close()


def test_conflicting_saves_lose_nothing(project_dir: Path) -> None:
    saves = scaled("SAVES", 500)
    url = database_url(project_dir)  # SQLite, or TERJIME_TEST_DATABASE_URL's PostgreSQL
    token = prepare_instance(project_dir, url=url)
    server = Server(project_dir, threads=8, env=server_env(url))
    try:
        server.wait_ready()
        api = Api(server.port, token)
        listing = api.segments()
        assert len(listing) >= SEGMENT_COUNT, "the statement needs at least 50 segments"
        chosen = listing[:SEGMENT_COUNT]
        sources = {row["id"]: (row["context"] or "", row["source"]) for row in chosen}
        segments = [row["id"] for row in chosen]
        revisions = {row["id"]: row["revision"] for row in chosen}
        outcomes: list[Outcome] = []
        barrier = threading.Barrier(CLIENTS + 1)
        threads = [threading.Thread(target=_client, args=(n, server.port, token, segments,
                                                          revisions, saves, barrier, outcomes))
                   for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        barrier.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        final = {row["id"]: row for row in api.segments() if row["id"] in revisions}
        api.close()
    finally:
        assert server.stop() == 0, server.output
    assert "Traceback" not in server.output, server.output

    statuses = Counter(o.status for o in outcomes)
    assert len(outcomes) == CLIENTS * saves, "a client thread died"
    assert set(statuses) <= {200, 409}, statuses  # no 5xx, no 422
    accepted = [o for o in outcomes if o.status == 200]
    refused = [o for o in outcomes if o.status == 409]
    assert all(o.body["changed"] for o in accepted)  # texts are unique: every 200 is a change
    report(f"concurrency ({url.split(':', 1)[0]}): {len(outcomes)} saves by {CLIENTS} clients "
           f"on {SEGMENT_COUNT} segments in {wall:.1f} s ({len(outcomes) / wall:.0f}/s): "
           f"{len(accepted)} accepted, {len(refused)} refused (409); "
           f"latency {Timing.of([o.seconds for o in outcomes])}")
    assert refused, "no save conflicted: the test does not test anything"

    ids = ",".join(map(str, segments))
    rows = {segment: (tid, text, revision) for tid, segment, text, revision in query(
        url, "SELECT t.id, t.segment_id, t.text, t.revision FROM translation t JOIN language l "
        f"ON l.id = t.language_id WHERE l.code = 'ug' AND t.segment_id IN ({ids})")}
    history: dict[int, list[tuple[int, str]]] = defaultdict(list)
    saved = query(url, "SELECT translation_id, revision, text FROM history "
                       "WHERE action = 'save' ORDER BY translation_id, revision")
    for tid, revision, text in saved:
        history[tid].append((revision, text))
    suggestions = {sid: (segment, text, origin, status) for sid, segment, text, origin, status
                   in query(url, "SELECT id, segment_id, text, origin, status FROM suggestion")}

    by_segment: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in accepted:
        by_segment[outcome.segment].append(outcome)
    for segment in segments:
        tid, text, revision = rows[segment]
        mine = sorted(by_segment[segment], key=lambda o: o.body["revision"])
        expected = [(o.body["revision"], o.text) for o in mine]
        # every accepted save is in history exactly once, at the revision it was given, and
        # nothing else was saved: revisions 1..n without gaps or repeats
        assert history[tid] == expected, segment
        assert [r for r, _ in expected] == list(range(1, len(expected) + 1)), segment
        # each accepted save named the revision just before its own
        assert all(o.sent_revision == o.body["revision"] - 1 for o in mine), segment
        last = mine[-1] if mine else None
        assert (text, revision) == ((last.text, last.body["revision"]) if last else ("", 0))
        assert (final[segment]["translation"], final[segment]["revision"]) == (text, revision)
    for outcome in refused:
        suggestion = suggestions[outcome.body["suggestion_id"]]
        assert suggestion == (outcome.segment, outcome.text, "conflict", "open"), outcome
        # refused means stale: the revision it named was behind the current one
        assert outcome.body["current"]["revision"] > outcome.sent_revision
    assert len({o.body["suggestion_id"] for o in refused}) == len(refused)
    assert len(suggestions) == len(refused)
    # the background writer, flushed at shutdown, left the final texts in the PO file
    po = read_po(project_dir / "locales" / "ug" / "LC_MESSAGES" / "statement.po")
    written = {(e.msgctxt or "", e.msgid): e.msgstr for e in po.entries if not e.obsolete}
    assert all(written[sources[s]] == rows[s][1] for s in segments)
