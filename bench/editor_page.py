"""Benchmark: server time of the editor page for a 2,000-segment language.

    .venv/bin/python -m bench.editor_page [--segments 2000] [--runs 50]

A generated statement of ``--segments`` sentences with a filled Uyghur catalogue is imported
into a temporary SQLite store; a tenth of the segments become fuzzy drafts, and the first
page gets comments, suggestions and history, so every part of the page is exercised. Each
figure is the median (p50) of ``--runs`` full GET requests through the Flask test client as a
logged-in editor (routing, session, permission, queries, template). For comparison, the same
request renders every segment on one page (no paging), in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as ``python bench/editor_page.py``
    sys.path.insert(0, str(ROOT))

from bench.save import bench_project, make_user, percentile, segment_ids  # noqa: E402


def decorate(app, editor: int, ids: list[int]) -> None:  # noqa: ANN001
    """Fuzzy drafts everywhere, and talk (comments, suggestions, history) on the first page."""
    from sqlalchemy import select

    from app.services import discussion, translations
    from app.store.models import Language, Segment, Translation, User

    with app.extensions["terjime.db"].session() as session:
        user = session.get(User, editor)
        ug = session.scalar(select(Language).where(Language.code == "ug"))
        rows = {t.segment_id: t for t in session.scalars(
            select(Translation).where(Translation.language_id == ug.id))}
        for sid in ids[::10]:
            row = rows[sid]
            row.state, row.previous_source = "draft", session.get(Segment, sid).msgid + " old"
        session.flush()
        for sid in ids[:50]:
            segment = session.get(Segment, sid)
            discussion.add_comment(session, segment, ug, user, "ئىزاھ: UNHCR 2022")
            discussion.add_suggestion(session, segment, ug, user, "تەكلىپ")
            row = rows[sid]
            translations.save_translation(session, row, row.text + " (1)", row.revision, user)


def time_get(client, url: str, runs: int) -> list[float]:  # noqa: ANN001
    for _ in range(3):  # warm-up: templates compiled, statements cached
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    return times


def measure(segments: int = 2000, runs: int = 50) -> dict:
    """Page timings (first page, page 20, a filter, a search) and the unpaged peer."""
    with bench_project(segments) as (app, _work):
        ids = segment_ids(app)
        editor = make_user(app, "bench-editor", "editor", "ug")
        decorate(app, editor, ids)
        from app.store.models import User

        with app.extensions["terjime.db"].session() as session:
            ident = session.get(User, editor).get_id()
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"], cookie["_fresh"] = ident, True
        base = "/documents/bench/ug"
        size = app.config["PAGE_SIZE"]
        pages = [
            (f"first page ({size} segments, with talk)", base),
            (f"page 20 ({size} segments)", f"{base}?page=20"),
            ("filter: fuzzy drafts", f"{base}?fuzzy=1"),
            ("search source and target", f"{base}?q=refugee+convention"),
        ]
        results = [(name, time_get(client, url, runs)) for name, url in pages]
        app.config["PAGE_SIZE"] = len(ids)
        peer = time_get(client, base, max(5, runs // 5))
    return {"segments": len(ids), "pages": results, "peer": peer}


def figures(quick: bool = False) -> list:
    from bench.common import Figure

    result = measure(runs=15 if quick else 50)
    peer = statistics.median(result["peer"]) * 1000
    rows = []
    for name, times in result["pages"][:2]:
        p50 = statistics.median(times) * 1000
        rows.append(Figure(f"editor page, {result['segments']:,}-segment language: {name}",
                           p50, "ms", "<= 100 ms", p50 <= 100,
                           "all segments on one page", peer))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)

    result = measure(args.segments, args.runs)
    results, peer, count = result["pages"], result["peer"], result["segments"]
    ours = statistics.median(results[0][1])
    print(f"Editor page of a {count:,}-segment language (SQLite WAL); p50 of {args.runs} "
          f"requests each; peer: every segment on one page, p50 of {len(peer)}")
    print()
    print("| page | p50 | p90 | goal |")
    print("|---|---|---|---|")
    for name, times in results:
        p50 = statistics.median(times)
        verdict = "met" if p50 <= 0.1 else "MISSED"
        print(f"| {name} | {p50 * 1000:.1f} ms | {percentile(times, 0.9) * 1000:.1f} ms | "
              f"<= 100 ms ({verdict}) |")
    peer_p50 = statistics.median(peer)
    print(f"| peer: all {count:,} segments unpaged | {peer_p50 * 1000:.0f} ms | "
          f"{percentile(peer, 0.9) * 1000:.0f} ms | ratio {peer_p50 / ours:.0f}x slower |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
