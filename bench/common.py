"""What every benchmark reports to the runner (``python -m bench``): one row per figure.

Each benchmark module keeps its own detailed table (``python -m bench.<name>``) and also
offers ``figures(quick=False) -> list[Figure]``, measured with its defaults; the runner prints
all of them in one table. A figure's ``ours`` and ``peer`` come from the same run, so machine
load hits both alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure: ours (median), the peer measured in the same run, the goal."""

    figure: str
    ours: float
    unit: str  # "ms" or "s"
    goal: str  # e.g. "<= 100 ms", ">= 2x the peer"
    met: bool | None  # None when the goal cannot be judged (peer missing)
    peer: str = ""
    peer_value: float | None = None

    def cells(self) -> list[str]:
        ratio = (f"{self.peer_value / self.ours:.1f}x" if self.peer_value and self.ours
                 else "n/a")
        peer = (f"{self.peer}: {_fmt(self.peer_value, self.unit)}"
                if self.peer_value is not None else (self.peer or "none"))
        verdict = {True: "met", False: "MISSED", None: "n/a"}[self.met]
        return [self.figure, _fmt(self.ours, self.unit), peer, ratio,
                f"{self.goal} ({verdict})"]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def table(figures: list[Figure]) -> str:
    """A Markdown table: figure, ours (median), peer (same run), ratio peer/ours, goal."""
    lines = ["| figure | ours (median) | peer (same run) | ratio peer/ours | goal |",
             "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(figure.cells()) + " |" for figure in figures]
    return "\n".join(lines)
