"""An in-process fuzzy index over translation-memory sources, exact to ``rapidfuzz``.

``MemoryIndex.search(q, limit, score_cutoff)`` returns exactly what
``rapidfuzz.process.extract(q, index.texts(), scorer=fuzz.ratio, limit=limit,
score_cutoff=score_cutoff)`` returns — same texts, scores and order, ties included — but scores
only the few units that could reach the cutoff. Three filters, each a proven upper bound on
``fuzz.ratio = 200·LCS(a, b) / (|a| + |b|)`` (LCS: longest common subsequence), so nothing
that could reach the cutoff is ever dropped:

1. **Length.** LCS ≤ min(|a|, |b|), so a ratio ≥ c needs |b| within
   [c/(200−c)·|a|, (200−c)/c·|a|] — [0.6, 1/0.6]·|a| at c = 75. Units are kept sorted by
   length, so this is one contiguous slice.
2. **Character counts.** LCS ≤ Σ_ch min(count_a(ch), count_b(ch)). Counts of 63 frequent
   characters (plus one bucket for all others — merging buckets only raises the bound) are
   kept as a uint8 matrix and compared with numpy in one pass over the slice.
3. **Rare-character subsequence.** Split the alphabet into the 8 most frequent characters C
   (space, e, t, a, o…) and the rest R. A common subsequence's R-characters form a common
   subsequence of the R-only projections, its C-characters at most the C count overlap, so
   LCS(a, b) ≤ LCS(a|R, b|R) + Σ_{ch∈C} min(count_a(ch), count_b(ch)). The R-projections are
   ~40 % as long and are compared with ``rapidfuzz.process.cdist`` (one thread). This bound is
   what makes the index fast: for English prose the character counts of unrelated sentences
   overlap too much to prune (1 and 2 keep ~half the units), the order of rare letters does not.

Survivors are finally scored with ``process.extract`` in index order, so ties break the same
way. Units added later go to a small unsorted part searched plainly; removed ones are masked;
:meth:`compacted` rebuilds when those grow (see :attr:`needs_compaction`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

__all__ = ["MemoryIndex"]

#: Character classes counted per unit (the last one collects every other character).
CLASSES = 64
#: Frequent characters left out of the rare-character projection.
COMMON = 8
#: Units per chunk while counting characters (bounds the memory a build needs).
_CHUNK = 8192
#: Below this many candidates the rare-character pass costs more than it saves.
_RARE_PASS_MIN = 256
#: Scores are floats: compare bounds with a little slack so rounding never drops a unit.
_EPS = 1e-6


def _window(length: int, cutoff: float) -> tuple[float, float]:
    """The unit lengths that can reach ``cutoff`` against a query of ``length``."""
    c = cutoff - _EPS
    if c <= 0:
        return -math.inf, math.inf
    if c >= 200:
        return length, length
    return c * length / (200 - c) - 1, (200 - c) * length / c + 1


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class _Sorted:
    """The immutable, length-sorted part: lengths, character counts, rare projections."""

    def __init__(self, texts: list[str]) -> None:
        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        self.order = np.argsort(lengths, kind="stable")  # sorted position → build position
        self.lengths = lengths[self.order]
        self.lut, common = self._classes(texts)
        self.drop_common = dict.fromkeys(common)
        self.counts = np.empty((CLASSES, n), dtype=np.uint8)
        order = self.order.tolist()
        for start in range(0, n, _CHUNK):
            chunk = [texts[i] for i in order[start:start + _CHUNK]]
            self.counts[:, start:start + len(chunk)] = self._count(
                chunk, self.lengths[start:start + len(chunk)])
        # Allocated in length order, so a window's strings sit together in memory.
        self.rare = np.empty(n, dtype=object)
        self.rare[:] = [texts[i].translate(self.drop_common) for i in order]

    @staticmethod
    def _classes(texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """A character → class table: the 63 most frequent characters of (a sample of) the
        texts get their own class; the most frequent ``COMMON`` are the "common" ones."""
        step = max(1, len(texts) // 20_000)
        sample = "".join(texts[::step])
        lut = np.full(0x110000, CLASSES - 1, dtype=np.uint8)
        if not sample:
            return lut, []
        frequency = np.bincount(_codepoints(sample))
        ranked = np.argsort(-frequency, kind="stable")[: CLASSES - 1]
        ranked = ranked[frequency[ranked] > 0]
        lut[ranked] = np.arange(len(ranked), dtype=np.uint8)
        return lut, ranked[:COMMON].tolist()

    def _count(self, chunk: list[str], lengths: np.ndarray) -> np.ndarray:
        classes = self.lut[_codepoints("".join(chunk))].astype(np.int64)
        units = np.repeat(np.arange(len(chunk), dtype=np.int64), lengths)
        counts = np.bincount(classes * len(chunk) + units, minlength=CLASSES * len(chunk))
        return np.minimum(counts.reshape(CLASSES, len(chunk)), 255)

    def candidates(self, query: str, cutoff: float, alive: np.ndarray) -> np.ndarray:
        """Build positions (ascending) of live units whose bounds reach ``cutoff``."""
        low, high = _window(len(query), cutoff)
        lo = int(np.searchsorted(self.lengths, low, "left"))
        hi = int(np.searchsorted(self.lengths, high, "right"))
        if hi <= lo:
            return np.empty(0, dtype=np.int64)
        query_counts = np.bincount(self.lut[_codepoints(query)], minlength=CLASSES)
        if cutoff - _EPS <= 0 or query_counts.max() >= 255:  # uint8 counts: exact below 255
            return np.sort(self.order[lo + np.flatnonzero(alive[lo:hi])])
        lengths = self.lengths[lo:hi]
        need = (cutoff - _EPS) * (lengths + len(query)) / 200.0
        common = self._overlap(query_counts, np.flatnonzero(query_counts[:COMMON]), lo, hi)
        rest = self._overlap(query_counts, np.flatnonzero(query_counts[COMMON:]) + COMMON,
                             lo, hi)
        best = np.minimum(common + rest, np.minimum(lengths, len(query)))
        positions = np.flatnonzero((best >= need) & alive[lo:hi])
        if positions.size >= _RARE_PASS_MIN:
            rare = process.cdist([query.translate(self.drop_common)],
                                 self.rare[lo:hi][positions].tolist(),
                                 scorer=LCSseq.similarity, dtype=np.int32, workers=1)[0]
            positions = positions[rare + common[positions] >= need[positions]]
        return np.sort(self.order[lo + positions])

    def _overlap(self, query_counts: np.ndarray, classes: np.ndarray, lo: int, hi: int
                 ) -> np.ndarray:
        """Σ over ``classes`` of min(unit count, query count), for the window's units."""
        total = np.zeros(hi - lo, dtype=np.uint16)
        for cls in classes.tolist():
            total += np.minimum(self.counts[cls, lo:hi], np.uint8(query_counts[cls]))
        return total


class MemoryIndex:
    """Texts with integer keys, searchable like ``process.extract`` over :meth:`texts`.

    Not thread-safe: callers serialise access (the memory service holds a lock per index).
    """

    def __init__(self, entries: Iterable[tuple[int, str]] = ()) -> None:
        entries = list(entries)
        self._keys = [key for key, _ in entries]
        self._texts = [text for _, text in entries]
        self._position = {key: i for i, key in enumerate(self._keys)}
        if len(self._position) != len(self._keys):
            raise ValueError("duplicate keys")
        self._array = np.empty(len(self._texts), dtype=object)
        self._array[:] = self._texts
        self._sorted = _Sorted(self._texts)
        #: Liveness in length order (what the filters mask with).
        self._alive = np.ones(len(self._texts), dtype=bool)
        self._rank = np.empty(len(self._texts), dtype=np.int64)
        self._rank[self._sorted.order] = np.arange(len(self._texts))
        self._dead = 0
        self._added: dict[int, str] = {}
        self._exact: dict[str, list[int]] = {}
        for key, text in entries:
            self._exact.setdefault(text, []).append(key)

    def __len__(self) -> int:
        return len(self._keys) - self._dead + len(self._added)

    def __contains__(self, key: int) -> bool:
        return key in self._added or self._is_live(key)

    def _is_live(self, key: int) -> bool:
        position = self._position.get(key)
        return position is not None and bool(self._alive[self._rank[position]])

    @property
    def needs_compaction(self) -> bool:
        """True once the unsorted or removed parts are big enough to slow searches."""
        size = len(self._keys)
        return len(self._added) > max(1000, size // 10) or self._dead > max(1000, size // 4)

    def compacted(self) -> MemoryIndex:
        """A fresh index of the live entries, in the same order."""
        return MemoryIndex(self.entries())

    def entries(self) -> list[tuple[int, str]]:
        """(key, text) of the live entries, in index order."""
        live = [(k, t) for k, t in zip(self._keys, self._texts, strict=True) if self._is_live(k)]
        return live + list(self._added.items())

    def texts(self) -> list[str]:
        """The live texts in index order: what a plain ``process.extract`` would be given."""
        return [text for _, text in self.entries()]

    def text(self, key: int) -> str | None:
        if key in self._added:
            return self._added[key]
        return self._texts[self._position[key]] if self._is_live(key) else None

    def add(self, key: int, text: str) -> None:
        """Add (or replace: the entry moves to the end) the text of ``key``."""
        self.discard(key)
        self._added[key] = text
        self._exact.setdefault(text, []).append(key)

    def discard(self, key: int) -> None:
        text = self._added.pop(key, None)
        if text is None and self._is_live(key):
            text = self._texts[self._position[key]]
            self._alive[self._rank[self._position[key]]] = False
            self._dead += 1
        if text is not None:
            keys = self._exact[text]
            keys.remove(key)
            if not keys:
                del self._exact[text]

    def exact(self, text: str) -> list[int]:
        """Keys whose text is exactly ``text``, in index order of insertion."""
        return list(self._exact.get(text, ()))

    def search(self, query: str, *, limit: int | None = 5,
               score_cutoff: float = 75.0) -> list[tuple[str, float, int]]:
        """(text, score, key) like ``process.extract(query, self.texts(), scorer=fuzz.ratio,
        limit=limit, score_cutoff=score_cutoff)``, with keys instead of positions."""
        found: list[tuple[float, int, str, int]] = []
        if self._keys:
            positions = self._sorted.candidates(query, score_cutoff, self._alive)
            choices = self._array[positions].tolist()
            for text, score, i in process.extract(query, choices, scorer=fuzz.ratio,
                                                  limit=limit, score_cutoff=score_cutoff):
                found.append((score, int(positions[i]), text, self._keys[positions[i]]))
        if self._added:
            keys = list(self._added)
            for text, score, i in process.extract(query, list(self._added.values()),
                                                  scorer=fuzz.ratio, limit=limit,
                                                  score_cutoff=score_cutoff):
                found.append((score, len(self._keys) + i, text, keys[i]))
        found.sort(key=lambda hit: (-hit[0], hit[1]))
        if limit is not None:
            found = found[:limit]
        return [(text, score, key) for score, _, text, key in found]
