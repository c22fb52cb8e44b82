"""Benchmark: segment + extract a 1 MB statement, against translate-toolkit's md2po and po4a.

    .venv/bin/python -m bench.extract [--size-mb 1] [--runs 5]

Every tool runs as a command on the same generated file (interpreter start-up included for
all), median of several runs; ours is also timed in-process for information.
"""

from __future__ import annotations

import argparse
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
WORDS = (
    "governments must protect Uyghurs and other Turkic peoples at risk of refoulement detention "
    "torture transnational repression international protection refugee convention UNHCR states "
    "organisations civil society human rights defenders deportation asylum resettlement"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 28))]
    if rng.random() < 0.2:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(1, 9)},{rng.randint(100, 999)}")
    if rng.random() < 0.1:
        words.insert(rng.randint(0, len(words)), "the U.N.")
    if rng.random() < 0.1:
        i = rng.randint(0, len(words) - 1)
        words[i] = f"[{words[i]}](https://example.org/{rng.randint(1, 10**6)})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!"])


def generate(size: int, seed: int = 7) -> str:
    """A statement of about ``size`` bytes: headings, paragraphs, bullets, numbered signatories."""
    rng = random.Random(seed)
    parts: list[str] = []
    total, section = 0, 0
    while total < size:
        section += 1
        block = [f"## Section {section}: {sentence(rng)[:-1]}", ""]
        for _ in range(rng.randint(2, 5)):
            block += [" ".join(sentence(rng) for _ in range(rng.randint(1, 5))), ""]
        block += [f"- {sentence(rng)}" for _ in range(rng.randint(2, 5))] + [""]
        block += ["<!-- terjime: signatories -->"]
        block += [f"{i}. Organisation {section}-{i} for Human Rights" for i in range(1, 6)] + [""]
        chunk = "\n".join(block) + "\n"
        parts.append(chunk)
        total += len(chunk.encode("utf-8"))
    return "# Generated statement\n\n" + "".join(parts)


def median_time(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command(args: list[str], cwd: Path) -> Callable[[], object]:
    return lambda: subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def measure(size_mb: float = 1.0, runs: int = 5) -> dict:
    """Median times of ``terjime extract`` and of each installed peer, as commands."""
    from app.core.pofile import read_po
    from app.project import Project
    from app.services.catalogs import extract

    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "source").mkdir()
        doc = work / "source" / "big.md"
        doc.write_text(generate(int(size_mb * 1024 * 1024)), encoding="utf-8")
        size = doc.stat().st_size
        project = Project(work / "source", work / "locales")

        def ours_in_process() -> None:
            (work / "locales" / "big.pot").unlink(missing_ok=True)
            extract(project)

        ours_cmd = [str(bindir / "terjime"), "extract"]
        rows = [("terjime extract (command)", median_time(command(ours_cmd, work), runs))]
        in_process = median_time(ours_in_process, runs)
        entries = len(read_po(work / "locales" / "big.pot").entries)
        peers: list[tuple[str, list[str]]] = []
        md2po = bindir / "md2po"
        if md2po.exists():
            peers.append(("translate-toolkit md2po", [str(md2po), "-i", str(doc), "-o", "tt.pot"]))
        if shutil.which("po4a-gettextize"):
            # po4a 0.69's gettextize insists on a translation (-l): give it the master itself.
            peers.append(
                (
                    "po4a-gettextize -f text -o markdown",
                    [
                        "po4a-gettextize",
                        "-f",
                        "text",
                        "-o",
                        "markdown",
                        "-M",
                        "UTF-8",
                        "-L",
                        "UTF-8",
                        "-m",
                        str(doc),
                        "-l",
                        str(doc),
                        "-p",
                        "po4a.po",
                    ],
                )
            )
            # What po4a itself recommends for a plain POT; removed first so it extracts afresh.
            peers.append(
                (
                    "po4a-updatepo -f text -o markdown",
                    [
                        "bash",
                        "-c",
                        f"rm -f po4a.pot && po4a-updatepo -f text -o markdown -M UTF-8 "
                        f"-m {doc} -p po4a.pot",
                    ],
                )
            )
        peer_runs = max(3, runs // 2)
        for name, cmd in peers:
            rows.append((name, median_time(command(cmd, work), peer_runs)))

    return {"rows": rows, "size": size, "entries": entries, "in_process": in_process,
            "peer_runs": peer_runs}


def figures(quick: bool = False) -> list:
    from bench.common import Figure

    result = measure(runs=3 if quick else 5)
    rows = result["rows"]
    ours = rows[0][1]
    label = f"segment + extract a {result['size'] / 1e6:.2f} MB statement"
    if len(rows) == 1:
        return [Figure(label, ours, "s", ">= 2x faster than the peer", None, "no peer installed")]
    return [Figure(label, ours, "s", ">= 2x faster than the peer", seconds / ours >= 2,
                   name, seconds) for name, seconds in rows[1:]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    result = measure(args.size_mb, args.runs)
    rows, size, entries = result["rows"], result["size"], result["entries"]
    in_process, peer_runs = result["in_process"], result["peer_runs"]
    ours = rows[0][1]
    print(
        f"Segment + extract a {size / 1e6:.2f} MB statement ({entries} entries); "
        f"median of {args.runs} runs (peers {peer_runs}); in-process ours: {in_process:.3f} s"
    )
    print()
    print("| figure | ours (median) | peer | peer (median) | ratio peer/ours | goal |")
    print("|---|---|---|---|---|---|")
    for name, seconds in rows[1:]:
        ratio = seconds / ours
        verdict = "met" if ratio >= 2 else "MISSED"
        print(
            f"| extract 1 MB | {ours:.3f} s | {name} | {seconds:.3f} s | {ratio:.1f}x | "
            f">= 2x ({verdict}) |"
        )
    if len(rows) == 1:
        print(f"| extract 1 MB | {ours:.3f} s | (no peer installed) | n/a | n/a | >= 2x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
