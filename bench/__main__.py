"""Run every benchmark and print one table: ``python -m bench [--quick] [--only NAME,...]``.

Each benchmark measures ours and its peer in the same run (see each module's docstring and
``python -m bench.<name> --help`` for its detailed table). ``--quick`` uses smaller inputs for
a smoke run; the figures recorded in bench/README.md come from a full run.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Figure, table  # noqa: E402

#: name → module; in the order of the issues that asked for them.
BENCHMARKS = {
    "merge": "bench.merge",
    "extract": "bench.extract",
    "save": "bench.save",
    "editor_page": "bench.editor_page",
    "memory": "bench.memory",
    "export": "bench.export",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs (a smoke run)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    found: list[Figure] = []
    for name in names:
        started = time.perf_counter()
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        found.extend(importlib.import_module(BENCHMARKS[name]).figures(quick=args.quick))
        print(f"bench: {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(table(found))
    print(f"\nPython {platform.python_version()} on {platform.machine()}, "
          f"{'quick' if args.quick else 'full'} run, {time.strftime('%Y-%m-%d')}.")
    return 0 if all(figure.met is not False for figure in found) else 1


if __name__ == "__main__":
    raise SystemExit(main())
