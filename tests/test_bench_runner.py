"""The benchmark runner: every benchmark offers figures() and the table reads right.

Benchmarks are measured by ``python -m bench``, never timed in tests; these tests only keep
the runner's structure honest (a benchmark module without ``figures`` would break the run).
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS
from bench.common import Figure, table

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_every_benchmark_offers_figures(name: str) -> None:
    module = importlib.import_module(BENCHMARKS[name])
    assert "quick" in inspect.signature(module.figures).parameters
    assert callable(module.main)


def test_every_bench_script_is_in_the_runner() -> None:
    scripts = {path.stem for path in (ROOT / "bench").glob("*.py")
               if path.stem not in {"__init__", "__main__", "common"}}
    assert scripts == set(BENCHMARKS)


def test_table_has_ratio_and_verdict() -> None:
    rows = table([
        Figure("merge", 50.0, "ms", "<= 100 ms", True, "msgmerge", 1000.0),
        Figure("extract", 0.5, "s", ">= 2x", None, "no peer installed"),
        Figure("export", 6.0, "s", "<= 5 s", False),
    ]).splitlines()
    assert rows[0].startswith("| figure | ours (median) | peer (same run) | ratio")
    assert rows[2] == "| merge | 50.0 ms | msgmerge: 1000 ms | 20.0x | <= 100 ms (met) |"
    assert rows[3] == "| extract | 0.50 s | no peer installed | n/a | >= 2x (n/a) |"
    assert rows[4] == "| export | 6.00 s | none | n/a | <= 5 s (MISSED) |"


def test_runner_refuses_an_unknown_benchmark() -> None:
    result = subprocess.run([sys.executable, "-m", "bench", "--only", "nope"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "unknown benchmark(s): nope" in result.stderr
