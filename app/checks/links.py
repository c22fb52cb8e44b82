"""What a translator must carry over verbatim: URLs and emails, link placeholders and format
placeholders, and inline markup (read with the same inline parser the rebuild uses)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from markdown_it.token import Token

from app.checks.base import Check, CheckContext, Severity
from app.checks.text import FORMAT_RE, urls
from app.core.inline import parse_inline
from app.core.languages import Language

_SENTINEL_RE = re.compile(r"#terjime-link-(\d+)$")
#: Markup token types compared between source and translation.
_MARKUP_TYPES = {"em_open": "emphasis", "strong_open": "strong emphasis",
                 "code_inline": "code", "html_inline": "inline HTML", "hardbreak": "line break"}
_DELIMITERS = "*_`"


def _tokens(children: Sequence[Token]) -> Iterator[Token]:
    for token in children:
        yield token
        if token.children:
            yield from _tokens(token.children)


def link_numbers(text: str) -> Counter[int]:
    """How often each link placeholder number is used in ``text`` (``[x][n]``, ``![x][n]``)."""
    found: Counter[int] = Counter()
    for token in _tokens(parse_inline(text)):
        target = token.attrGet("href") if token.type == "link_open" else (
            token.attrGet("src") if token.type == "image" else None)
        match = _SENTINEL_RE.match(str(target or ""))
        if match:
            found[int(match.group(1))] += 1
    return found


def _listed(numbers: Counter[int] | set[int]) -> str:
    return ", ".join(f"[{n}]" for n in sorted(numbers))


class UrlsCheck(Check):
    check_id = "urls"
    name = "Links and emails"
    severity = Severity.ERROR
    description = "Every URL and email address of the source appears unchanged in the translation."

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        missing = Counter(urls(source)) - Counter(urls(target))
        return [f"missing or changed: {address}" for address in sorted(missing)]


class PlaceholdersCheck(Check):
    check_id = "placeholders"
    name = "Placeholders"
    severity = Severity.ERROR
    description = ("Link placeholders [text][n] and format placeholders such as {name} or %s "
                   "of the source are kept, each exactly once.")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        problems = []
        want, have = link_numbers(source), link_numbers(target)
        if missing := set(want) - set(have):
            problems.append(f"link placeholder(s) missing: {_listed(missing)}")
        if extra := set(have) - set(want):
            problems.append(f"link placeholder(s) not in the source: {_listed(extra)}")
        if twice := {n for n, count in have.items() if count > 1 and n in want}:
            problems.append(f"link placeholder(s) used more than once: {_listed(twice)}")
        fwant, fhave = Counter(FORMAT_RE.findall(source)), Counter(FORMAT_RE.findall(target))
        if fmissing := fwant - fhave:
            problems.append("placeholder(s) missing: " + ", ".join(sorted(fmissing)))
        if fextra := fhave - fwant:
            problems.append("placeholder(s) not in the source: " + ", ".join(sorted(fextra)))
        return problems


def _markup(text: str) -> tuple[Counter[str], int]:
    """(markup kinds used, stray delimiter characters left as plain text)."""
    kinds: Counter[str] = Counter()
    stray = 0
    for token in _tokens(parse_inline(text)):
        if token.type in _MARKUP_TYPES:
            kinds[_MARKUP_TYPES[token.type]] += 1
        elif token.type == "text":
            stray += sum(token.content.count(ch) for ch in _DELIMITERS)
    return kinds, stray


class MarkupCheck(Check):
    check_id = "markup"
    name = "Inline markup"
    severity = Severity.ERROR
    description = ("Emphasis, strong emphasis and code are balanced and of the same kinds "
                   "as in the source.")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        want, want_stray = _markup(source)
        have, have_stray = _markup(target)
        problems = []
        for kind in sorted(set(want) | set(have)):
            if want[kind] != have[kind]:
                problems.append(f"{kind}: {want[kind]} in the source, {have[kind]} here")
        if have_stray > want_stray:
            problems.append("unbalanced markup: a stray *, _ or ` is left as text")
        return problems
