"""The memory index returns exactly what a plain ``rapidfuzz.process.extract`` returns."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from app.core.memory_index import MemoryIndex

WORDS = ("the of and to in a is that for it as was with be by on not this are or from at "
         "which have an they were been one all their has would when if no will more other its "
         "who them what some could these two may first then do any like now over such our "
         "Uyghurs Turkic peoples risk refoulement detention torture transnational repression "
         "international protection refugee convention UNHCR states organisations civil society "
         "human rights defenders deportation asylum families children camps region evidence "
         "testimony survivors forced labour surveillance religious cultural heritage").split()


def sentence(rng: random.Random, low: int = 3, high: int = 30) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[:1].upper() + text[1:] + rng.choice(".?;")


def edited(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(0, 3)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def plain(index: MemoryIndex, query: str, limit: int | None = 5,
          cutoff: float = 75.0) -> list[tuple[str, float, int]]:
    """The reference: rapidfuzz over the index's live texts, positions mapped to keys."""
    keys = [key for key, _ in index.entries()]
    return [(text, score, keys[i]) for text, score, i in
            process.extract(query, index.texts(), scorer=fuzz.ratio, limit=limit,
                            score_cutoff=cutoff)]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    rng = random.Random(4)
    units = [sentence(rng) for _ in range(3000)]
    units += [edited(rng, units[i]) for i in range(0, 3000, 7)]  # near duplicates
    units += units[:50]  # exact duplicates: ties
    return units


def test_same_results_as_plain_extract_on_random_data(corpus: list[str]) -> None:
    rng = random.Random(9)
    index = MemoryIndex(enumerate(corpus))
    queries = [edited(rng, rng.choice(corpus)) for _ in range(60)]
    queries += [sentence(rng) for _ in range(20)] + corpus[:10]
    found = 0
    for query in queries:
        for limit, cutoff in ((5, 75.0), (None, 75.0), (3, 90.0), (5, 60.0)):
            ours = index.search(query, limit=limit, score_cutoff=cutoff)
            assert ours == plain(index, query, limit, cutoff), query
        found += bool(index.search(query))
    assert found > 50  # the test exercises real matches, not only empty results


def test_ties_keep_index_order(corpus: list[str]) -> None:
    index = MemoryIndex(enumerate(corpus))
    query = corpus[3]
    ours = index.search(query, limit=None, score_cutoff=100)
    assert [key for _, _, key in ours] == [i for i, text in enumerate(corpus) if text == query]
    assert index.exact(query) == [key for _, _, key in ours]


def test_additions_and_removals_stay_identical_to_plain(corpus: list[str]) -> None:
    rng = random.Random(2)
    index = MemoryIndex(enumerate(corpus[:2000]))
    next_key = 10_000
    for _ in range(300):
        action = rng.random()
        if action < 0.4:
            index.add(next_key, edited(rng, rng.choice(corpus)))
            next_key += 1
        elif action < 0.7:
            index.discard(rng.choice([key for key, _ in index.entries()]))
        else:
            key = rng.choice([key for key, _ in index.entries()])
            index.add(key, edited(rng, rng.choice(corpus)))  # replaced: moves to the end
    assert len(index) == len(index.entries())
    for _ in range(40):
        query = edited(rng, rng.choice(index.texts()))
        assert index.search(query, limit=5) == plain(index, query)
    compact = index.compacted()
    assert compact.entries() == index.entries()
    for _ in range(20):
        query = edited(rng, rng.choice(index.texts()))
        assert compact.search(query) == plain(index, query)


def test_exact_lookup_follows_changes() -> None:
    index = MemoryIndex([(1, "Free them."), (2, "Free them."), (3, "Stop.")])
    assert index.exact("Free them.") == [1, 2]
    index.discard(1)
    index.add(4, "Free them.")
    assert index.exact("Free them.") == [2, 4]
    index.add(2, "Changed.")
    assert index.exact("Free them.") == [4] and index.exact("Changed.") == [2]
    assert index.text(2) == "Changed." and index.text(1) is None
    assert 1 not in index and 4 in index
    with pytest.raises(ValueError, match="duplicate"):
        MemoryIndex([(1, "a"), (1, "b")])


def test_compaction_is_signalled() -> None:
    index = MemoryIndex((i, f"sentence {i}") for i in range(100))
    for i in range(1001):
        index.add(1000 + i, f"added {i}")
    assert index.needs_compaction
    assert not index.compacted().needs_compaction


def test_edge_cases() -> None:
    empty = MemoryIndex()
    assert empty.search("anything") == [] and len(empty) == 0
    index = MemoryIndex([(1, ""), (2, "a"), (3, "x" * 300), (4, "ئۇيغۇر تىلى 🙂")])
    for query in ("", "a", "x" * 299, "x" * 600 + "y", "ئۇيغۇر تىلى", "\ud800 lone"):
        for cutoff in (0.0, 50.0, 75.0, 100.0):
            assert index.search(query, limit=None, score_cutoff=cutoff) == plain(
                index, query, None, cutoff)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(alphabet="abcde fgAB.ئۇ", max_size=40), min_size=1,
                      max_size=60),
       query=st.text(alphabet="abcde fgAB.ئۇ", max_size=40),
       cutoff=st.sampled_from([0.0, 40.0, 75.0, 90.0, 100.0]))
def test_property_identical_to_plain(texts: list[str], query: str, cutoff: float) -> None:
    index = MemoryIndex(enumerate(texts))
    assert index.search(query, limit=None, score_cutoff=cutoff) == plain(index, query, None,
                                                                        cutoff)


def test_the_rare_character_pass_runs_and_prunes() -> None:
    """Enough candidates for the third filter: still identical to plain extract."""
    rng = random.Random(5)
    texts = [sentence(rng, 18, 22) for _ in range(4000)]
    index = MemoryIndex(enumerate(texts))
    query = edited(rng, texts[17])
    candidates = index._sorted.candidates(query, 75.0, index._alive)
    assert 0 < len(candidates) < len(texts) // 4
    assert index.search(query, limit=None) == plain(index, query, None)
