"""Benchmark: merge an amended 20,000-segment POT into its PO, against GNU msgmerge.

    .venv/bin/python -m bench.merge [--entries 20000] [--edits 20] [--runs 7]

Ours is the full file-to-file path (read_po ×2 + merge + write_po), in-process; msgmerge is
``msgmerge --previous --no-wrap`` as a subprocess. Both report how many fuzzy matches they
found, and the notes give our median per stage and the share of ``write_po`` spent in fsync
(timed in separate runs). A second table times the PO codec candidates on the same
20,000-entry PO.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as ``python bench/merge.py``
    sys.path.insert(0, str(ROOT))

from app.core.catalog import SIGNATORY_CONTEXT, Catalog, Entry  # noqa: E402
from app.core.merge import merge  # noqa: E402
from app.core.pofile import read_po, write_po  # noqa: E402

WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when if "
    "so no will more other its who them what some time could these two may first then do "
    "any like my now over such our man me even most made after also did many before must "
    "through back years where much your way well down should because each just those people "
    "how too little state good very make world still own see men work long get here between "
    "both life being under never day same another know while last might us great old year "
    "off come since against go came right used take three government protect Uyghurs Turkic "
    "peoples risk refoulement detention torture transnational repression international "
    "protection refugee convention UNHCR states organisations civil society human rights "
    "defenders deportation asylum resettlement families children camps region authorities "
    "evidence testimony survivors forced labour surveillance religious cultural heritage "
    "language schools mosques community diaspora journalists lawyers courts sanctions "
    "companies supply chains cotton tomatoes solar panels accountability investigation "
    "independent access urge call upon demand immediate release arbitrarily detained"
).split()
ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابجدەفگھىجكلمنوپقرستۇۋۋخيز", strict=True))


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 30))]
    if rng.random() < 0.05:
        i = rng.randint(0, len(words) - 1)
        words[i] = f'"{words[i]}"'
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", ";"])


def pseudo_translation(text: str) -> str:
    """Uyghur-script look-alike: right-to-left, non-ASCII, same length class."""
    return " ".join("".join(ARABIC.get(c, c) for c in word) for word in reversed(text.split()))


def make_catalogs(entries: int, edits: int, seed: int = 11) -> tuple[Catalog, Catalog, Catalog]:
    """(old POT, its fully translated PO, amended POT with ``edits`` sentences changed)."""
    rng = random.Random(seed)
    header = {
        "Project-Id-Version": "statement",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": "2024-05-01 10:00+0000",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Generated-By": "Babel 2.19.0",
    }
    pot = Catalog(header=dict(header), header_flags=["fuzzy"])
    seen: set[str] = set()
    line = 1
    while len(pot.entries) < entries:
        signatory = rng.random() < 0.03
        msgid = f"Organisation {len(pot.entries)} for Human Rights" if signatory else sentence(rng)
        if msgid in seen:
            continue
        seen.add(msgid)
        line += rng.randint(0, 2)
        block = "signatory" if signatory else rng.choice(["paragraph", "paragraph", "list item"])
        pot.entries.append(
            Entry(
                msgid,
                msgctxt=SIGNATORY_CONTEXT if signatory else None,
                locations=[f"source/statement.md:{line}"],
                auto_comments=[block],
            )
        )
    po_header = dict(header, Language="ug", **{"Plural-Forms": "nplurals=1; plural=0;"})
    po_header["PO-Revision-Date"] = "2024-05-02 09:00+0000"
    po = Catalog(header=po_header, header_comments=["Uyghur translation of the statement."])
    for e in pot.entries:
        po.entries.append(
            Entry(
                e.msgid,
                pseudo_translation(e.msgid),
                e.msgctxt,
                locations=list(e.locations),
                auto_comments=list(e.auto_comments),
            )
        )
    amended = Catalog(header=dict(header, **{"POT-Creation-Date": "2024-06-01 10:00+0000"}))
    amended.entries = [
        Entry(
            e.msgid, "", e.msgctxt, locations=list(e.locations), auto_comments=list(e.auto_comments)
        )
        for e in pot.entries
    ]
    prose = [i for i, e in enumerate(amended.entries) if e.msgctxt is None]
    for i in rng.sample(prose, edits):
        words = amended.entries[i].msgid.split(" ")
        for _ in range(rng.randint(1, 3)):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        amended.entries[i].msgid = " ".join(words)
    return pot, po, amended


def median_ms(
    action: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> float:
    """Median wall time; ``before`` (untimed) resets state and settles the garbage collector,
    so a run pays for its own garbage, not for the set-up's."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fuzzy_msgids(path: Path) -> set[str]:
    """The msgids of a PO file's fuzzy entries (the header's own flag not counted)."""
    return {e.msgid for e in read_po(path).active if e.fuzzy}


def shifted(amended: Catalog, rng_seed: int = 3) -> Catalog:
    """``amended`` with a two-line paragraph inserted at the top: every reference moves."""
    rng = random.Random(rng_seed)
    catalog = Catalog(header=dict(amended.header))
    catalog.entries.append(
        Entry(sentence(rng), locations=["source/statement.md:1"], auto_comments=["paragraph"])
    )
    for e in amended.entries:
        name, _, line = e.locations[0].rpartition(":")
        catalog.entries.append(
            Entry(
                e.msgid,
                "",
                e.msgctxt,
                locations=[f"{name}:{int(line) + 2}"],
                auto_comments=list(e.auto_comments),
            )
        )
    return catalog


def merge_rows(work: Path, label: str, pot: Path, po: Path, runs: int
               ) -> tuple[list[str], str, dict]:
    """Table rows for one scenario (time and fuzzy matches, ours and msgmerge's), the note,
    and the raw figures (``ours_ms``, ``peer_ms`` or None) for the runner."""
    out = work / "merged.po"
    stages: dict[str, list[float]] = {
        "read_po(pot)": [],
        "read_po(po)": [],
        "merge": [],
        "write_po": [],
    }
    result = {}

    def ours() -> None:
        t0 = time.perf_counter()
        template = read_po(pot)
        t1 = time.perf_counter()
        catalog = read_po(po)
        t2 = time.perf_counter()
        merged, result["stats"] = merge(template, catalog)
        t3 = time.perf_counter()
        write_po(out, merged)
        t4 = time.perf_counter()
        for name, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[name].append(seconds * 1000)

    ours_ms = median_ms(ours, runs, before=lambda: out.unlink(missing_ok=True))
    write_ms, fsync_ms = fsync_share(out, merge(read_po(pot), read_po(po))[0], runs)
    ours_fuzzy = result["stats"].fuzzy
    msgmerge = shutil.which("msgmerge")
    if msgmerge:
        peer_out = work / "msgmerge.po"
        command = [msgmerge, "--quiet", "--previous", "--no-wrap", "-o", peer_out, po, pot]
        peer_ms = median_ms(lambda: subprocess.run(command, check=True), max(3, runs // 2))
        theirs = fuzzy_msgids(peer_out)
        ratio = f"{ours_ms / peer_ms:.2f}"
        peer_cell, fuzzy_peer = f"{peer_ms:.0f} ms", str(len(theirs))
        both = len(theirs & fuzzy_msgids(out))
    else:
        peer_cell = fuzzy_peer = ratio = "n/a (msgmerge missing)"
        theirs, both, peer_ms = set(), 0, None
    rows = [
        f"| full merge, file to file: {label} | {ours_ms:.0f} ms | {peer_cell} | "
        f"{ratio} | <= 100 ms {'✓' if ours_ms <= 100 else '✗'} |",
        f"| fuzzy matches found: {label} | {ours_fuzzy} | {fuzzy_peer} | | "
        f"fuzzy >= msgmerge {'✓' if ours_fuzzy >= len(theirs) else '✗'} |",
    ]
    note = (
        f"{label}: ours {result['stats']} ({both} of msgmerge's fuzzy entries are ours too); "
        "median per stage: "
        + ", ".join(f"{name} {statistics.median(v):.0f} ms" for name, v in stages.items())
        + f"; of write_po's {write_ms:.0f} ms, {fsync_ms:.1f} ms are fsync (file and folder)."
    )
    numbers = {"ours_ms": ours_ms, "peer_ms": peer_ms,
               "fuzzy_ok": ours_fuzzy >= len(theirs)}
    return rows, note, numbers


def fsync_share(out: Path, catalog: Catalog, runs: int) -> tuple[float, float]:
    """Median ``write_po`` time and median time in ``os.fsync`` within it, from separate runs
    (the timer around fsync stays out of the main measurement)."""
    real_fsync = os.fsync
    spent: list[float] = []

    def timed_fsync(descriptor: int) -> None:
        start = time.perf_counter()
        real_fsync(descriptor)
        spent[-1] += (time.perf_counter() - start) * 1000

    totals = []
    os.fsync = timed_fsync
    try:
        for _ in range(runs):
            out.unlink(missing_ok=True)
            spent.append(0.0)
            start = time.perf_counter()
            write_po(out, catalog)
            totals.append((time.perf_counter() - start) * 1000)
    finally:
        os.fsync = real_fsync
    return statistics.median(totals), statistics.median(spent)


def run_codec_table(work: Path, po: Path, runs: int) -> list[str]:
    from app.core.pofile import format_po, parse_po

    text = po.read_text(encoding="utf-8")
    catalog = parse_po(text)
    target = work / "codec.po"
    rows = ["| codec | parse | write |", "|---|---|---|"]
    parse_ms = median_ms(lambda: parse_po(text), runs)
    format_ms = median_ms(lambda: format_po(catalog), runs)
    rows.append(
        f"| ours, in memory (parse_po / format_po) | {parse_ms:.1f} ms | {format_ms:.1f} ms |"
    )
    read_ms = median_ms(lambda: read_po(po), runs)
    write_ms = median_ms(
        lambda: write_po(target, catalog), runs, before=lambda: target.unlink(missing_ok=True)
    )
    rows.append(f"| ours, file (read_po / write_po) | {read_ms:.1f} ms | {write_ms:.1f} ms |")
    slow_runs = 3

    def add(name: str, load: Callable[[], object], save: Callable[[object], object]) -> None:
        try:
            loaded = load()
            parse = median_ms(load, slow_runs)
            write = median_ms(lambda: save(loaded), slow_runs)
            rows.append(f"| {name} | {parse:.0f} ms | {write:.0f} ms |")
        except Exception as exc:  # a report, not a test: show why a candidate is missing
            rows.append(f"| {name} | n/a ({type(exc).__name__}) | n/a |")

    def polib_load():
        import polib

        return polib.pofile(str(po))

    add("polib (pofile / save)", polib_load, lambda c: c.save(str(target)))

    def babel_load():
        from babel.messages.pofile import read_po as babel_read

        with po.open("rb") as handle:
            return babel_read(handle)

    def babel_save(c):
        from babel.messages.pofile import write_po as babel_write

        babel_write(io.BytesIO(), c)

    add("babel (read_po / write_po)", babel_load, babel_save)

    def toolkit_load():
        from translate.storage import po as toolkit_po

        with po.open("rb") as handle:
            return toolkit_po.pofile(handle)

    add("translate-toolkit (pofile / bytes)", toolkit_load, bytes)
    return rows


def figures(quick: bool = False) -> list:
    from bench.common import Figure

    entries, runs = 20000, 3 if quick else 7
    old_pot, po_catalog, new_pot = make_catalogs(entries, 20)
    found = []
    with tempfile.TemporaryDirectory(prefix="terjime-bench-merge-") as name:
        work = Path(name)
        write_po(work / "old.po", po_catalog)
        write_po(work / "new.pot", new_pot)
        write_po(work / "shifted.pot", shifted(new_pot))
        del old_pot, po_catalog, new_pot
        gc.collect()
        for label, pot in (("20 sentences edited", "new.pot"),
                           ("20 edited + every reference moved", "shifted.pot")):
            _rows, _note, numbers = merge_rows(work, label, work / pot, work / "old.po", runs)
            found.append(Figure(
                f"merge after amendment, {entries:,} segments, file to file: {label}",
                numbers["ours_ms"], "ms", "<= 100 ms, fuzzy >= msgmerge's",
                numbers["ours_ms"] <= 100 and numbers["fuzzy_ok"],
                "msgmerge --previous", numbers["peer_ms"]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    old_pot, po_catalog, new_pot = make_catalogs(args.entries, args.edits)
    with tempfile.TemporaryDirectory(prefix="terjime-bench-merge-") as name:
        work = Path(name)
        write_po(work / "old.pot", old_pot)
        write_po(work / "old.po", po_catalog)
        write_po(work / "new.pot", new_pot)
        write_po(work / "shifted.pot", shifted(new_pot))
        del old_pot, po_catalog, new_pot  # measure as a fresh `terjime update` would run
        gc.collect()
        print(f"### Merge ({args.entries} entries)\n")
        print("| figure | ours (median) | peer: msgmerge (median) | ratio | goal |")
        print("|---|---|---|---|---|")
        notes = []
        for label, pot in (
            (f"{args.edits} sentences with 1–3 words edited", "new.pot"),
            (
                "the same, plus a paragraph inserted at the top (every reference moves)",
                "shifted.pot",
            ),
        ):
            rows, note, _numbers = merge_rows(work, label, work / pot, work / "old.po",
                                              args.runs)
            print("\n".join(rows))
            notes.append(note)
        print("\n" + "\n\n".join(notes))
        print(f"\n### PO codecs on the {args.entries}-entry PO\n")
        print("\n".join(run_codec_table(work, work / "old.po", args.runs)))
    print(f"\nPython {sys.version.split()[0]}; median of {args.runs} runs (3 for the slow codecs).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
