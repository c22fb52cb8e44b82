"""Benchmark: export every format for every language of the bundled statement.

    .venv/bin/python -m bench.export [--runs 3] [--formats html,pdf,...]

The bundled statement in each of its 14 target languages plus the two Uyghur script variants
(16 outputs), every segment translated with real sentences of that language (the export tests'
samples), rendered through every renderer in ``app.export.RENDERERS`` — what a release of all
languages does, minus writing files. Goal: all formats × 15 languages in <= 5 s. The first run
in a fresh process is reported apart ("cold": it includes importing WeasyPrint and subsetting
the HTML fonts, both cached for the process afterwards); the goal is judged on the median.

Peers, measured in the same run on the same languages where a tool exists: GNU ``msgfmt``
compiling our PO into MO, and Chromium's ``--print-to-pdf`` printing our HTML export (the PDF
engine of most "save as PDF" workflows). Both run as commands, so they include process start.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as ``python bench/export.py``
    sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 5.0


def _samples():
    """tests/export/samples.py, loaded by path (``tests`` is not a package)."""
    spec = importlib.util.spec_from_file_location("terjime_export_samples",
                                                  ROOT / "tests" / "export" / "samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def items() -> list:
    """Every language of the bundled statement (+ script variants), fully translated."""
    samples = _samples()
    codes = sorted(path.name for path in (ROOT / "locales").iterdir() if path.is_dir())
    found = [samples.sample_localized(code) for code in codes]
    try:
        from app.export.variants import SCRIPT_VARIANTS, make_variant
    except ImportError:  # the variants module is optional for this figure
        return found
    for item in list(found):
        for script in SCRIPT_VARIANTS.get(item.language.code, ()):
            found.append(make_variant(item, script))
    return found


def render_all(renderers: list, languages: list) -> dict[str, float]:
    """Seconds per format for rendering it in every language (fresh items: no shared cache)."""
    spent: dict[str, float] = {}
    for renderer in renderers:
        start = time.perf_counter()
        for item in languages:
            renderer.render(item)
        spent[renderer.name] = time.perf_counter() - start
    return spent


def _written(renderer, languages: list, work: Path) -> list[Path]:  # noqa: ANN001
    """Our export of every language in one format, as files for a peer command to read."""
    paths = []
    for index, item in enumerate(languages):
        path = work / f"{index}.{renderer.extension}"
        path.write_bytes(renderer.render(item))
        paths.append(path)
    return paths


def peer_times(languages: list, work: Path) -> dict[str, float]:
    """msgfmt (MO) and Chromium --print-to-pdf (PDF) over the same languages, as commands."""
    from app.export import RENDERERS

    peers: dict[str, float] = {}
    msgfmt = shutil.which("msgfmt")
    if msgfmt and "po" in RENDERERS:
        files = _written(RENDERERS["po"], languages, work)
        start = time.perf_counter()
        for path in files:
            subprocess.run([msgfmt, "-o", str(path.with_suffix(".mo")), str(path)], check=True)
        peers["mo"] = time.perf_counter() - start
    chromium = shutil.which("chromium")
    if chromium and "html" in RENDERERS:
        pages = _written(RENDERERS["html"], languages, work)
        start = time.perf_counter()
        for page in pages:
            subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--no-first-run",
                 f"--user-data-dir={work / 'profile'}", "--no-pdf-header-footer",
                 f"--print-to-pdf={page.with_suffix('.pdf')}", page.as_uri()],
                check=True, capture_output=True, timeout=120)
        peers["pdf"] = time.perf_counter() - start
    return peers


def measure(runs: int = 3, formats: list[str] | None = None) -> dict:
    from app.export import RENDERERS

    renderers = [RENDERERS[name] for name in (formats or sorted(RENDERERS))]
    per_format: dict[str, list[float]] = {r.name: [] for r in renderers}
    totals = []
    count = 0
    for _ in range(runs):
        languages = items()
        count = len(languages)
        spent = render_all(renderers, languages)
        for name, seconds in spent.items():
            per_format[name].append(seconds)
        totals.append(sum(spent.values()))
    with tempfile.TemporaryDirectory(prefix="terjime-bench-export-") as name:
        peers = peer_times(items(), Path(name))
    return {"count": count, "totals": totals, "per_format": per_format, "peers": peers}


def figures(quick: bool = False) -> list:
    from bench.common import Figure

    result = measure(runs=1 if quick else 3)
    total = statistics.median(result["totals"])
    rows = [Figure(f"export all {len(result['per_format'])} formats × {result['count']} "
                   "languages", total, "s", f"<= {GOAL_SECONDS:.0f} s", total <= GOAL_SECONDS),
            Figure("the same, first run in a fresh process (cold)", result["totals"][0], "s",
                   "(information)", None)]
    for name, peer_seconds in result["peers"].items():
        ours = statistics.median(result["per_format"][name])
        peer = "msgfmt (command)" if name == "mo" else "chromium --print-to-pdf"
        rows.append(Figure(f"export {name} × {result['count']} languages", ours, "s",
                           "faster than the peer", ours < peer_seconds, peer, peer_seconds))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", help="comma-separated format names (default: all)")
    args = parser.parse_args(argv)
    formats = args.formats.split(",") if args.formats else None
    result = measure(args.runs, formats)
    total = statistics.median(result["totals"])
    print(f"Export of the bundled statement in {result['count']} languages; median of "
          f"{args.runs} runs\n")
    print("| format | ours (median, all languages) | per language | peer | peer (same run) |")
    print("|---|---|---|---|---|")
    for name, times in result["per_format"].items():
        seconds = statistics.median(times)
        peer = result["peers"].get(name)
        label = {"mo": "msgfmt", "pdf": "chromium --print-to-pdf"}.get(name, "")
        peer_cell = f"{peer:.2f} s" if peer is not None else "n/a"
        print(f"| {name} | {seconds:.3f} s | {seconds / result['count'] * 1000:.1f} ms | "
              f"{label or 'none'} | {peer_cell} |")
    verdict = "met" if total <= GOAL_SECONDS else "MISSED"
    print(f"| **all formats** | **{total:.2f} s** | | | goal <= {GOAL_SECONDS:.0f} s "
          f"({verdict}) |")
    print(f"\nFirst (cold) run in this process: {result['totals'][0]:.2f} s.")
    return 0 if total <= GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
