"""Benchmark: save one segment through the JSON API on a 20,000-segment statement, against
rewriting that language's 20,000-entry PO file with polib (what a file-backed editor would do).

    .venv/bin/python -m bench.save [--segments 20000] [--saves 500] [--polib-runs 5]

A statement of ``--segments`` sentences is generated, extracted, given a filled Uyghur PO
file and imported into a temporary SQLite store (WAL, as ``terjime serve`` runs it). Each save
is a full ``PUT /api/v1/documents/<doc>/languages/ug/segments/<id>`` through the Flask test
client with a bearer token: authentication, permission check, the guarded UPDATE, the history
row, the sign-off check and the commit. Timings are medians (p50) of many runs, measured in
the same run as the peer.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as ``python bench/save.py``
    sys.path.insert(0, str(ROOT))

WORDS = (
    "governments must protect Uyghurs and other Turkic peoples at risk of refoulement detention "
    "torture transnational repression international protection refugee convention UNHCR states "
    "organisations civil society human rights defenders deportation asylum resettlement"
).split()
UG_WORDS = "ھۆكۈمەتلەر ئۇيغۇرلارنى قوغدىشى كېرەك خەلقئارا ھىمايە پاناھلىق تەشكىلاتلار".split()
SENTENCES_PER_PARAGRAPH = 4


def generate(segments: int, seed: int = 11) -> str:
    """A statement of exactly ``segments`` distinct sentences (a title plus paragraphs)."""
    rng = random.Random(seed)
    lines, count, paragraph = ["# Generated statement for benchmarks", ""], 1, []
    while count < segments:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 20)))
        paragraph.append(f"Sentence {count} says that {words}.")
        count += 1
        if len(paragraph) == SENTENCES_PER_PARAGRAPH or count == segments:
            lines += [" ".join(paragraph), ""]
            paragraph = []
    return "\n".join(lines)


def fill_po(path: Path, rng: random.Random) -> None:
    """Translate every entry (with polib), so the PO is as large as a finished language."""
    import polib

    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = " ".join(rng.choice(UG_WORDS) for _ in range(rng.randint(6, 20)))
    po.save()


@contextmanager
def bench_project(segments: int, languages: tuple[str, ...] = ("ug",), fill: bool = True):
    """A temporary project + migrated, imported application; yields (app, work dir)."""
    from app import create_app
    from app.project import Project
    from app.services import catalogs
    from app.services.importer import import_project

    old = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="terjime-bench-") as tmp:
        work = Path(tmp)
        os.chdir(work)
        try:
            (work / "source").mkdir()
            (work / "source" / "bench.md").write_text(generate(segments), encoding="utf-8")
            project = Project(work / "source", work / "locales")
            catalogs.init(project, list(languages))
            if fill:
                for code in languages:
                    fill_po(project.po_path(code, "bench"), random.Random(5))
            app = create_app({
                "INSTANCE_PATH": str(work / "instance"), "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{work / 'instance' / 'terjime.db'}",
                "SOURCE_DIR": str(work / "source"), "LOCALES_DIR": str(work / "locales"),
                "SYNC_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            })
            database = app.extensions["terjime.db"]
            database.upgrade()
            with app.app_context(), database.session() as session:
                import_project(session, project)
            yield app, work
            database.dispose()
        finally:
            os.chdir(old)


def make_user(app, name: str, role: str, language: str | None) -> int:  # noqa: ANN001
    from sqlalchemy import select

    from app.store.models import Language, Membership, User

    with app.extensions["terjime.db"].session() as session:
        user = User(display_name=name, password_hash="!")
        session.add(user)
        session.flush()
        language_id = session.scalar(select(Language.id).where(Language.code == language)) \
            if language else None
        session.add(Membership(user_id=user.id, role=role, language_id=language_id))
        return user.id


def new_token(app, user_id: int) -> str:  # noqa: ANN001
    from app.services.tokens import new_token as token
    from app.services.tokens import token_hash
    from app.store.models import ApiToken

    secret = token("tj_")
    with app.extensions["terjime.db"].session() as session:
        session.add(ApiToken(user_id=user_id, token_hash=token_hash(secret), name="bench"))
    return secret


def segment_ids(app) -> list[int]:  # noqa: ANN001
    from sqlalchemy import select

    from app.store.models import Segment

    with app.extensions["terjime.db"].session() as session:
        return list(session.scalars(select(Segment.id).where(Segment.active.is_(True))
                                    .order_by(Segment.position)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_saves(app, token: str, ids: list[int], saves: int) -> list[float]:  # noqa: ANN001
    """Seconds per PUT; each save names the revision the previous one returned."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(3)
    revisions: dict[int, int] = {}
    base = "/api/v1/documents/bench/languages/ug/segments/"
    times = []
    for n in range(saves + 20):
        sid = rng.choice(ids)
        revision = revisions.get(sid)
        if revision is None:
            revision = _revision(app, sid)
        body = {"text": f"ساقلاش {n} " + rng.choice(UG_WORDS), "revision": revision}
        start = time.perf_counter()
        response = client.put(f"{base}{sid}", json=body, headers=headers)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"save failed: {response.status_code} {response.get_data()}")
        revisions[sid] = response.get_json()["revision"]
        if n >= 20:  # the first ones warm caches (templates, statements, pools)
            times.append(elapsed)
    return times


def _revision(app, segment_id: int) -> int:  # noqa: ANN001
    from sqlalchemy import select

    from app.store.models import Language, Translation

    with app.extensions["terjime.db"].session() as session:
        return session.scalar(select(Translation.revision).join(Language).where(
            Translation.segment_id == segment_id, Language.code == "ug"))


def time_polib(path: Path, runs: int) -> list[float]:
    import polib

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        polib.pofile(str(path)).save()
        times.append(time.perf_counter() - start)
    return times


def measure(segments: int = 20_000, saves: int = 500, polib_runs: int = 5) -> dict:
    """Save timings through the API and polib rewrite timings, from one run."""
    started = time.perf_counter()
    with bench_project(segments) as (app, work):
        setup = time.perf_counter() - started
        ids = segment_ids(app)
        token = new_token(app, make_user(app, "bench", "translator", "ug"))
        save_times = time_saves(app, token, ids, saves)
        po_path = work / "locales" / "ug" / "LC_MESSAGES" / "bench.po"
        entries = sum(1 for line in po_path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("msgid ")) - 1
        polib_times = time_polib(po_path, polib_runs)
    return {"segments": len(ids), "entries": entries, "setup": setup, "saves": save_times,
            "polib": polib_times}


def figures(quick: bool = False) -> list:
    from bench.common import Figure

    result = measure(saves=100 if quick else 500, polib_runs=3 if quick else 5)
    ours, peer = statistics.median(result["saves"]), statistics.median(result["polib"])
    return [Figure(f"save one segment, PUT, {result['segments']:,}-segment statement (p50)",
                   ours * 1000, "ms", "<= 5 ms", ours <= 0.005,
                   "polib rewrite of the PO", peer * 1000)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--polib-runs", type=int, default=5)
    args = parser.parse_args(argv)

    result = measure(args.segments, args.saves, args.polib_runs)
    saves, polib_times = result["saves"], result["polib"]
    ours, peer = statistics.median(saves), statistics.median(polib_times)
    print(f"Save one segment on a {result['segments']:,}-segment statement "
          f"({result['entries']:,}-entry PO); SQLite WAL; {len(saves)} saves, "
          f"{len(polib_times)} polib rewrites; set-up (generate, extract, import) "
          f"{result['setup']:.1f} s")
    print()
    print("| figure | ours p50 | ours p90 | peer | peer p50 | ratio peer/ours | goal |")
    print("|---|---|---|---|---|---|---|")
    verdict = "met" if ours <= 0.005 else "MISSED"
    print(f"| save one segment (PUT, bearer token) | {ours * 1000:.2f} ms | "
          f"{percentile(saves, 0.9) * 1000:.2f} ms | polib rewrite of the PO | "
          f"{peer * 1000:.0f} ms | {peer / ours:,.0f}x | <= 5 ms ({verdict}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
