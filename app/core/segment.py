"""Sentence segmentation of block text (sentencex plus a project abbreviation list).

Each sentence of a multi-sentence block becomes its own catalogue entry, so a one-word
amendment fuzzies one sentence, not a paragraph. sentencex does the heavy lifting (it is a
compiled library, fast on megabytes); it has no API to add abbreviations, so its pieces are
post-processed here: pieces are re-joined after abbreviations that cannot end a sentence
("Dr.", "No.", "e.g."), after ones that can but are followed by a lowercase word or a number
("U.S. and", "Inc. 2020"), across spans that must stay whole (inline markup such as
``[link text][1]`` or ``*em. phasis*``), and wherever no whitespace separates two pieces (so
that joining the sentences with a space reproduces the text). An ellipsis ("…" as well as
"...") followed by a capitalised word ends a sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from sentencex import segment as _sentencex_segment

from app.core.languages import joiner_for

Span = tuple[int, int]

#: Abbreviations that never end a sentence: titles, references, months, "e.g.".
NON_TERMINAL_ABBREVIATIONS = frozenset(
    """
    Dr Mr Mrs Ms Mx Prof St Mt No Nos Art Arts para paras p pp e.g i.e cf vs viz approx
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Gen Sen Rep Gov Amb Rev Hon Col Capt Lt Sgt Pres Fr
    """.split()
)

#: Abbreviations that may end a sentence: joined only when what follows cannot start one
#: (a lowercase word, a digit, an opening parenthesis).
TERMINAL_ABBREVIATIONS = frozenset(
    """
    U.S U.K U.N U.S.A E.U P.R.C Inc Ltd Co Corp Bros Jr Sr etc a.m p.m
    """.split()
)


def _abbreviation_re(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})\.$")


_NON_TERMINAL_RE = _abbreviation_re(NON_TERMINAL_ABBREVIATIONS)
_TERMINAL_RE = _abbreviation_re(TERMINAL_ABBREVIATIONS)
_ELLIPSIS_RE = re.compile(r"(?:…|\.\.\.)[\"'”’»)]*([ \t\n]+)[\"'“‘«(]*(?=[^\W\d_])")
_OPENS_CLAUSE_RE = re.compile(r"[\d(\[]")
_BREAKING_SPACE_RE = re.compile(r"[^\S\xa0\u2007\u202f]")


def split_sentences(text: str, language: str = "en") -> list[str]:
    """The stripped sentences of ``text``; joined with " " they give back ``text`` (modulo
    the whitespace between sentences). Inline markup is never split in the middle."""
    return [text[start:end] for start, end in sentence_spans(text, language)]


def sentence_spans(
    text: str, language: str = "en", protected: Sequence[Span] | None = None
) -> list[Span]:
    """(start, end) offsets of the stripped sentences of ``text``.

    ``protected`` are spans that must not be cut (the extractor knows exactly where its
    markup lies); without it the markup is located by :func:`markup_spans`.
    """
    spans = _ellipsis_splits(text, _sentencex_spans(text, language))
    if len(spans) < 2:
        return spans
    guard = _Guard(markup_spans(text) if protected is None else protected)
    spaced = _spaced(language)
    merged = [spans[0]]
    for span in spans[1:]:
        if _joined(text, merged[-1], span, guard, spaced):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _spaced(language: str) -> bool:
    """Whether sentences of this language are separated by whitespace (not zh/ja)."""
    try:
        return joiner_for(language) == " "
    except ValueError:
        return True


def _sentencex_spans(text: str, language: str) -> list[Span]:
    pieces = _sentencex_segment(language, text)
    spans: list[Span] = []
    position = 0
    for piece in pieces:
        start = text.find(piece, position)
        if start < 0:  # sentencex changed the text: fall back to one sentence
            return _stripped([(0, len(text))], text)
        position = start + len(piece)
        spans.append((start, position))
    return _stripped(spans, text)


def _stripped(spans: Iterable[Span], text: str) -> list[Span]:
    out = []
    for start, end in spans:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((start + lead, start + lead + len(stripped)))
    return out


def _ellipsis_splits(text: str, spans: list[Span]) -> list[Span]:
    """Split after an ellipsis followed by a capitalised word, as sentencex does for "..."."""
    if "…" not in text and "..." not in text:
        return spans
    out: list[Span] = []
    for start, end in spans:
        for match in _ELLIPSIS_RE.finditer(text, start, end):
            if text[match.end()].isupper():
                out.append((start, match.start(1)))
                start = match.end(1)
        out.append((start, end))
    return out


def _joined(text: str, prev: Span, span: Span, guard: _Guard, spaced: bool) -> bool:
    """Whether the boundary between two pieces is not a sentence boundary."""
    if spaced and not _BREAKING_SPACE_RE.search(text, prev[1], span[0]):
        return True  # no space, or only no-break spaces: not a boundary
    if guard.covers(prev[1], span[0]):
        return True
    before = text[prev[0] : prev[1]]
    first = text[span[0]]
    if _NON_TERMINAL_RE.search(before) or first.islower():
        return True
    return bool(_TERMINAL_RE.search(before) and _OPENS_CLAUSE_RE.match(first))


class _Guard:
    """Answers "does a protected span straddle this gap?" in O(log n)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def covers(self, gap_start: int, gap_end: int) -> bool:
        i = bisect.bisect_left(self._starts, gap_end) - 1
        return i >= 0 and self._ends[i] > gap_start


# --- locating markup in plain strings ------------------------------------------------------

_MARKUP_RE = re.compile(r"\\.|`+|!?\[|\]\(|\]|\*+|_+", re.DOTALL)
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»—–…")


def markup_spans(text: str) -> list[Span]:
    """Spans of inline Markdown in ``text``: code spans, bracketed link text with its
    destination, and matched emphasis delimiters. Unmatched delimiters count as literal."""
    spans: list[Span] = []
    brackets: list[int] = []
    emphasis: list[tuple[str, int]] = []
    position = 0
    while True:
        match = _MARKUP_RE.search(text, position)
        if match is None:
            return spans
        token, start, position = match.group(), match.start(), match.end()
        if token[0] == "\\":
            continue
        if token[0] == "`":
            position = _code_span(text, token, start, position, spans)
        elif token[-1] == "[":
            brackets.append(start)
        elif token[0] == "]":
            if token == "](":
                position = _closing_paren(text, position)
            if brackets:
                spans.append((brackets.pop(), position))
        else:
            _delimiter(text, token, start, position, emphasis, spans)


def _code_span(text: str, run: str, start: int, end: int, spans: list[Span]) -> int:
    closing = re.compile(rf"(?<!`){run}(?!`)").search(text, end)
    if closing is None:
        return end
    spans.append((start, closing.end()))
    return closing.end()


def _closing_paren(text: str, position: int) -> int:
    depth = 1
    for match in re.finditer(r"\\.|[()]", text[position:]):
        if match.group() == "(":
            depth += 1
        elif match.group() == ")":
            depth -= 1
            if depth == 0:
                return position + match.end()
    return position


def _delimiter(
    text: str,
    run: str,
    start: int,
    end: int,
    stack: list[tuple[str, int]],
    spans: list[Span],
) -> None:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    left = not after.isspace() and (after not in _PUNCT or before.isspace() or before in _PUNCT)
    right = not before.isspace() and (after.isspace() or after in _PUNCT or before not in _PUNCT)
    if run[0] == "_" and left and right:
        return  # intraword underscore: literal
    if right:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == run[0]:
                spans.append((stack[i][1], end))
                del stack[i:]
                return
    if left:
        stack.append((run[0], start))
