"""Inline Markdown ⇄ translatable text.

Translators see inline Markdown, kept translatable but protected:

* emphasis, strong emphasis and code spans as written in the source (``*x*``, ``**x**``,
  `` `x` ``; the source's own delimiter characters are kept, so re-parsing is exact);
* links as numbered references ``[link text][1]`` and images as ``![alt][1]``: the URL and
  title never appear in the msgid (they cannot be mistranslated; they are shown in the
  entry's ``#.`` comments as ``[1]: https://…``). Numbers run 1..n per segment;
* autolinks ``<https://…>``, inline HTML and entity references (``&nbsp;``) verbatim: they
  are not translatable, and a translation may not add new ones;
* a hard line break as "\\n"; a soft line break as a single space (the block is reflowed).

Literal characters that would be markup are backslash-escaped only where they would
otherwise parse as markup, judged from their neighbours as CommonMark does, so msgids stay
readable ("50% of", "U.S.", "5 * 3", "snake_case", "[sic]" need no escapes). Where that
judgement is not local (brackets that might pair into a link, a literal ``*`` touching an
emphasis delimiter run), the serialization is re-parsed and kept only if it gives back the
same inline structure; otherwise more escaping is tried, ending with every markup character
escaped. A literal ``[3]`` is always escaped: in a msgid or a translation it means link 3.

:func:`restore` does the reverse for a translation: it parses it with markdown-it's inline
parser, checks that it uses exactly the source's links, and writes ordinary Markdown with
inline ``[text](url "title")`` links.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.token import Token

Span = tuple[int, int]

#: Inline parser for msgids and translations: CommonMark, link labels recorded, escapes and
#: entities left as separate tokens so that entities can be kept verbatim.
INLINE_PARSER = MarkdownIt("commonmark", {"store_labels": True}).disable("text_join")

_LABEL_RE = re.compile(r"\[\s*(\d{1,6})\s*\]")
_NEWLINE_RE = re.compile(r"[ \t]*\n[ \t]*")
_ENTITY_RE = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_CANDIDATE_RE = re.compile(r"[\\`<&!]|\*+|_+")
_CANDIDATE_CHARS_RE = re.compile(r"[\\`<&!*_]")
_FULL_RE = re.compile(r"[\\`*_\[\]<>&!()]")
_BRACKET_RE = re.compile(r"\](?=[(\[])")
_ANY_BRACKET_RE = re.compile(r"[\[\]]")
_NUMBER_LABEL_RE = re.compile(r"\[(?=\s*\d{1,6}\s*\])")
_MINIMAL, _BRACKETS, _FULL, _BARE = 0, 1, 2, 3
_SENTINEL = "#terjime-link-"


class InlineError(ValueError):
    """A translation whose inline markup cannot replace the source's (the reason is str())."""


@dataclass(frozen=True)
class LinkTarget:
    """Where a numbered link (or image) of a segment points."""

    url: str
    title: str = ""
    image: bool = False

    def comment(self, number: int) -> str:
        """The ``#.`` line telling the translator what ``[number]`` is."""
        title = ' "' + self.title + '"' if self.title else ""
        return f"[{number}]: {INLINE_PARSER.normalizeLinkText(self.url)}{title}"


@dataclass(frozen=True)
class InlineText:
    """The translatable text of one block, before it is cut into sentences.

    ``labels`` are the offsets of each link's number in ``text`` (targets are numbered in
    order of appearance); ``spans`` cover every piece of markup, which must not be split.
    """

    text: str
    targets: tuple[LinkTarget, ...] = ()
    labels: tuple[Span, ...] = ()
    spans: tuple[Span, ...] = ()

    def cut(self, start: int, end: int) -> tuple[str, tuple[LinkTarget, ...]]:
        """The text between two offsets, its links renumbered from 1, and their targets."""
        if not self.labels:
            return self.text[start:end], ()
        inside = [k for k, (a, _) in enumerate(self.labels) if start <= a < end]
        if not inside:
            return self.text[start:end], ()
        number = {k: n for n, k in enumerate(inside, 1)}
        pieces, position = [], start
        for k in sorted(inside, key=lambda k: self.labels[k][0]):
            a, b = self.labels[k]
            pieces += [self.text[position:a], str(number[k])]
            position = b
        pieces.append(self.text[position:end])
        return "".join(pieces), tuple(self.targets[k] for k in inside)


def serialize(children: Sequence[Token]) -> InlineText:
    """The translatable text of a block's inline tokens (links as ``[text][n]``)."""
    plain = _plain_text(children)
    if plain is not None:
        return InlineText(plain)
    parts = _Parts.build(children, placeholders=True)
    text, offsets = parts.finish_checked()
    return InlineText(
        text=text,
        targets=tuple(parts.targets),
        labels=tuple((offsets[i], offsets[i + 1]) for i in parts.labels),
        spans=tuple((offsets[a], offsets[b + 1]) for a, b in parts.spans),
    )


def _plain_text(children: Sequence[Token]) -> str | None:
    """The escaped text of tokens without markup or brackets (most blocks), else None."""
    pieces = []
    for token in children:
        if token.type == "text":
            pieces.append(token.content)
        elif token.type == "softbreak":
            pieces.append(" ")
        else:
            return None
    text = "".join(pieces)
    if "[" in text or "]" in text:
        return None
    return _escape(text, " ", " ", _MINIMAL)


def to_markdown(children: Sequence[Token], *, open_ends: bool = False) -> str:
    """Ordinary inline Markdown for inline tokens, links written inline.

    ``open_ends``: the text will be glued to other text without a space (zh, ja), so its
    first and last characters are escaped as if something could follow them.
    """
    parts = _Parts.build(children, placeholders=False)
    return parts.finish_checked(edge=None if open_ends else " ")[0]


def restore(
    translated: str,
    targets: Sequence[LinkTarget],
    source: str = "",
    *,
    open_ends: bool = False,
) -> str:
    """Markdown for a translation of a segment whose links are ``targets``.

    Raises :class:`InlineError` when the translation drops a link, uses an unknown number,
    writes a link with its URL, or changes the source's autolinks (``source`` is the msgid).
    HTML that is not in the source is escaped, so it shows as text.
    """
    text = prepare(translated)
    children = _reparse(text, _labels(text, len(targets)))
    problems = _link_problems(children, targets)
    if "<" in text:
        problems += _raw_problems(children, source)
    if problems:
        raise InlineError("; ".join(problems))
    return to_markdown(children, open_ends=open_ends)


def prepare(text: str) -> str:
    """A translation as inline Markdown: trimmed, each "\\n" a hard line break."""
    text = _NEWLINE_RE.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return text.replace("\n", "\\\n") if "\n" in text else text


def parse_inline(text: str) -> list[Token]:
    """Inline tokens of a msgid or translation ("\\n" read as a hard break)."""
    text = prepare(text)
    return _reparse(text, _labels(text))


def _labels(text: str, count: int = 0) -> set[int]:
    """The link numbers to define: 1..count and every ``[n]`` written in ``text``."""
    return set(range(1, count + 1)).union(int(n) for n in _LABEL_RE.findall(text))


def _reparse(text: str, labels: set[int] | None = None) -> list[Token]:
    """Parse prepared inline Markdown in which ``[text][n]`` is a link for n in ``labels``."""
    refs = {str(n): {"href": f"{_SENTINEL}{n}", "title": ""} for n in labels or ()}
    tokens = INLINE_PARSER.parseInline(text, {"references": refs})
    return tokens[0].children or [] if tokens else []


# --- checking a translation's links --------------------------------------------------------


def _link_problems(children: Sequence[Token], targets: Sequence[LinkTarget]) -> list[str]:
    problems: list[str] = []
    used: set[int] = set()
    for kind, token in _events(children):
        if kind not in ("link_open", "image_open") or token.markup == "autolink":
            continue
        image = kind == "image_open"
        label = token.meta.get("label")
        if label is None or not label.isdigit():
            url = token.attrs.get("src" if image else "href")
            problems.append(f"write links as [text][n], not with their URL ({url})")
            continue
        number = int(label)
        if not 1 <= number <= len(targets):
            problems.append(f"unknown link [{number}]")
            continue
        problems += _kind_problem(number, image, targets[number - 1])
        _point(token, targets[number - 1], image)
        used.add(number)
    missing = [n for n in range(1, len(targets) + 1) if n not in used]
    problems += [f"link [{n}] missing" for n in missing]
    return problems


def _kind_problem(number: int, image: bool, target: LinkTarget) -> list[str]:
    if target.image and not image:
        return [f"[{number}] is an image: write ![…][{number}]"]
    if image and not target.image:
        return [f"[{number}] is a link, not an image: write […][{number}]"]
    return []


def _point(token: Token, target: LinkTarget, image: bool) -> None:
    token.attrSet("src" if image else "href", target.url)
    if target.title:
        token.attrSet("title", target.title)
    elif "title" in token.attrs:
        del token.attrs["title"]


def _raw_problems(children: list[Token], source: str) -> list[str]:
    """Check autolinks against the source's; turn HTML the source lacks into text."""
    source_children = parse_inline(source) if "<" in source else []
    allowed_html = Counter(_raw_pieces(source_children, "html_inline"))
    for kind, token in _events(children):
        if kind == "html_inline":
            if allowed_html[token.content] > 0:
                allowed_html[token.content] -= 1
            else:
                token.type = "text"
    wanted = set(_raw_pieces(source_children, "autolink"))
    found = set(_raw_pieces(children, "autolink"))
    problems = [f"link <{url}> missing" for url in sorted(wanted - found)]
    return problems + [f"unknown link <{url}>" for url in sorted(found - wanted)]


def _raw_pieces(children: Sequence[Token], kind: str) -> Iterator[str]:
    for event, token in _events(children):
        if kind == "autolink" and event == "link_open" and token.markup == "autolink":
            yield token.attrs["href"]
        elif event == kind:
            yield token.content


# --- walking inline tokens without recursion -----------------------------------------------


def _events(tokens: Sequence[Token]) -> Iterator[tuple[str, Token]]:
    """Inline tokens in order; an image's alt tokens come between image_open/image_close."""
    stack: list[Iterator[Token]] = [iter(tokens)]
    images: list[Token | None] = [None]
    while stack:
        for token in stack[-1]:
            if token.type == "image":
                yield "image_open", token
                stack.append(iter(token.children or ()))
                images.append(token)
                break
            yield token.type, token
        else:
            stack.pop()
            image = images.pop()
            if image is not None:
                yield "image_close", image


def _shape(children: Sequence[Token], links: str) -> list[tuple[str, ...]]:
    """What a serialization must give back when re-parsed (text runs merged).

    ``links`` says how links are identified: "count" (their order: a source block),
    "label" (their ``[n]`` label: a re-parsed msgid) or "url" (ordinary Markdown).
    """
    shape: list[tuple[str, ...]] = []
    text: list[str] = []
    count = 0
    for kind, token in _events(children):
        if kind == "text" or (kind == "text_special" and token.info != "entity"):
            text.append(token.content)
            continue
        if kind == "softbreak":
            text.append(" ")
            continue
        if text:
            shape.append(("text", "".join(text)))
            text = []
        if kind in ("link_open", "image_open") and token.markup != "autolink":
            count += 1
            shape.append(_link_shape(kind, token, links, count))
        else:
            shape.append(_shape_of(kind, token))
    if text:
        shape.append(("text", "".join(text)))
    return shape


def _link_shape(kind: str, token: Token, links: str, count: int) -> tuple[str, ...]:
    if links == "count":
        return (kind, str(count))
    if links == "label":
        return (kind, str(token.meta.get("label")))
    url = str(token.attrs.get("src" if kind == "image_open" else "href", ""))
    return (kind, url, str(token.attrs.get("title", "")))


def _shape_of(kind: str, token: Token) -> tuple[str, ...]:
    if kind == "link_open":  # autolink
        return (kind, str(token.attrs.get("href", "")))
    if kind in ("code_inline", "html_inline"):
        return (kind, token.content.replace("\n", " "))
    if kind == "text_special":
        return (kind, token.markup)
    return (kind,)


# --- writing ---------------------------------------------------------------------------------


class _Parts:
    """Output pieces: markup written as is, and text still to be escaped."""

    def __init__(self, placeholders: bool) -> None:
        self.placeholders = placeholders
        self.items: list[str] = []
        self.is_text: list[bool] = []
        self.targets: list[LinkTarget] = []
        self.labels: list[int] = []  # item index of each target's number
        self.spans: list[tuple[int, int]] = []  # first and last item of each construct
        self.children: Sequence[Token] = ()
        self.shape: list[tuple[str, ...]] | None = None
        self.unsure = False  # brackets or autolinks: the minimal escaping may be ambiguous
        self.emphasis = False
        self.delimiters = False  # literal * or _ (escaping them splits delimiter runs)

    @classmethod
    def build(cls, children: Sequence[Token], placeholders: bool) -> _Parts:
        parts = cls(placeholders)
        opened: list[int] = []
        numbers: list[int] = []
        autolink = False
        for kind, token in _events(children):
            handler = _HANDLERS.get(kind)
            if autolink and kind in ("text", "text_special"):
                parts.markup(token.content)
            elif handler is not None:
                handler(parts, token, opened, numbers)
            else:
                parts.text(token.content)
            autolink = (autolink or token.markup == "autolink") and kind != "link_close"
        parts.children = children
        return parts

    def matches(self, text: str) -> bool:
        """Whether ``text`` parses back to the inline structure it was written from."""
        text = text.replace("\n", "\\\n")  # hard breaks, even leading ones
        reparsed = _reparse(text, _labels(text, len(self.targets)))
        if self.shape is None:
            self.shape = _shape(self.children, "count" if self.placeholders else "url")
        return _shape(reparsed, "label" if self.placeholders else "url") == self.shape

    def text(self, value: str) -> None:
        if not value:
            return
        self.unsure = self.unsure or "[" in value or "]" in value
        self.delimiters = self.delimiters or "*" in value or "_" in value
        if self.is_text and self.is_text[-1]:
            self.items[-1] += value
        else:
            self.items.append(value)
            self.is_text.append(True)

    def markup(self, value: str) -> int:
        self.items.append(value)
        self.is_text.append(False)
        return len(self.items) - 1

    @property
    def needs_check(self) -> bool:
        return self.unsure or (self.emphasis and self.delimiters)

    def finish_checked(self, edge: str | None = " ") -> tuple[str, list[int]]:
        """The most readable escaping that parses back to the same structure.

        Without brackets, autolinks or literal delimiters next to emphasis the minimal
        escaping is exact; otherwise escapings are tried in order of readability.
        """
        minimal = self.finish(_MINIMAL, edge)
        if not self.needs_check or self.matches(minimal[0]):
            return minimal
        for level in (_BRACKETS, _BARE, _FULL):
            text, offsets = self.finish(level, edge)
            if self.matches(text):
                return text, offsets
        return text, offsets  # pathological input: everything escaped, nothing invented

    def finish(self, level: int, edge: str | None = " ") -> tuple[str, list[int]]:
        """The text, and the offset at which each item starts (plus the total length)."""
        out: list[str] = []
        offsets: list[int] = []
        position, last = 0, edge
        for i, item in enumerate(self.items):
            if self.is_text[i]:
                after = self.items[i + 1][:1] if i + 1 < len(self.items) else edge
                item = _escape(item, last, after or edge, level, not self.placeholders)
            offsets.append(position)
            out.append(item)
            position += len(item)
            if item:
                last = item[-1]
        offsets.append(position)
        return "".join(out), offsets


def _on_text(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    if token.type == "text_special" and token.info == "entity":
        parts.markup(token.markup)
    else:
        parts.text(token.content)


def _on_softbreak(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    parts.text(" ")


def _on_hardbreak(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    parts.markup("\n")


def _on_open(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    parts.emphasis = True
    opened.append(parts.markup(token.markup))


def _on_close(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    parts.spans.append((opened.pop(), parts.markup(token.markup)))


def _on_code(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    index = parts.markup(_code_span(token.content, token.markup))
    parts.spans.append((index, index))


def _on_html(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    index = parts.markup(token.content.replace("\n", " "))
    parts.spans.append((index, index))


def _on_link_open(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    image = token.type == "image"
    if token.markup == "autolink":
        opened.append(parts.markup("<"))
        parts.unsure = True
        return
    opened.append(parts.markup("![" if image else "["))
    url = str(token.attrs.get("src" if image else "href", ""))
    parts.targets.append(LinkTarget(url, str(token.attrs.get("title", "")), image))
    numbers.append(len(parts.targets))


def _on_link_close(parts: _Parts, token: Token, opened: list[int], numbers: list[int]) -> None:
    if token.markup == "autolink":
        parts.spans.append((opened.pop(), parts.markup(">")))
        return
    number = numbers.pop()
    if parts.placeholders:
        parts.markup("][")
        parts.labels.append(parts.markup(str(number)))
        end = parts.markup("]")
    else:
        end = parts.markup("](" + _destination(parts.targets[number - 1]) + ")")
    parts.spans.append((opened.pop(), end))


_Handler = Callable[[_Parts, Token, list[int], list[int]], None]
_HANDLERS: dict[str, _Handler] = {
    "text": _on_text,
    "text_special": _on_text,
    "softbreak": _on_softbreak,
    "hardbreak": _on_hardbreak,
    "em_open": _on_open,
    "strong_open": _on_open,
    "em_close": _on_close,
    "strong_close": _on_close,
    "code_inline": _on_code,
    "html_inline": _on_html,
    "link_open": _on_link_open,
    "image_open": _on_link_open,
    "link_close": _on_link_close,
    "image_close": _on_link_close,
}


def _code_span(content: str, fence: str) -> str:
    pad = content[:1] == "`" or content[-1:] == "`"
    pad = pad or (content[:1] == " " and content[-1:] == " " and content.strip(" ") != "")
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    if len(fence) == longest or not fence:
        fence = "`" * (longest + 1)
    space = " " if pad else ""
    return f"{fence}{space}{content}{space}{fence}"


def _destination(target: LinkTarget) -> str:
    url = _ENTITY_RE.sub(lambda m: "\\" + m.group(), target.url)
    if not url or re.search(r"[\s()<>]", url):
        url = "<" + re.sub(r"([<>\\])", r"\\\1", url) + ">"
    if not target.title:
        return url
    title = re.sub(r'(["\\])', r"\\\1", target.title)
    return url + ' "' + _ENTITY_RE.sub(lambda m: "\\" + m.group(), title) + '"'


# --- escaping --------------------------------------------------------------------------------


def _space(ch: str | None) -> bool:
    return ch is not None and isWhiteSpace(ord(ch))


def _punct(ch: str | None) -> bool:
    return ch is not None and (isMdAsciiPunct(ord(ch)) or isPunctChar(ch))


def _other(ch: str | None) -> bool:
    return ch is not None and not _space(ch) and not _punct(ch)


def _escape(
    text: str, before: str | None, after: str | None, level: int, every_bracket: bool = False
) -> str:
    """Backslash-escape what would parse as markup; ``None`` neighbours are unknown.

    Brackets are left bare (level 0), escaped where they could close a link (level 1), or
    escaped with every other markup character (level 2); level 3 is level 1 with ``*`` and
    ``_`` left bare, for delimiter runs that only parse as the source's when unbroken.
    ``every_bracket``: the text goes into a document whose own link definitions could turn
    any bracketed word into a link, so all brackets are escaped.
    """
    if level == _FULL:
        return _FULL_RE.sub(r"\\\g<0>", text)
    if _CANDIDATE_CHARS_RE.search(text):
        text = _escape_delimiters(text, before, after, bare=level == _BARE)
    if every_bracket:
        text = _ANY_BRACKET_RE.sub(r"\\\g<0>", text)
        return text
    if "[" in text:  # "[3]" always means link 3 in a msgid or a translation
        text = _NUMBER_LABEL_RE.sub(r"\\\g<0>", text)
    if level in (_BRACKETS, _BARE) and ("[" in text or "]" in text):
        tail = "(" if after is None else after  # an unknown neighbour might open a link
        text = _BRACKET_RE.sub(r"\\\g<0>", text + tail)
        text = text[: len(text) - len(tail)]
    return text


def _escape_delimiters(text: str, before: str | None, after: str | None, bare: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        run, start, end = match.group(), match.start(), match.end()
        if bare and run[0] in "*_":
            return run
        prev = text[start - 1] if start else before
        nxt = text[end] if end < len(text) else after
        if _inert(run[0], prev, nxt, text, start):
            return run
        return "".join("\\" + ch for ch in run)

    return _CANDIDATE_RE.sub(replace, text)


def _inert(ch: str, prev: str | None, nxt: str | None, text: str, start: int) -> bool:
    if ch == "*":
        return _space(prev) and _space(nxt)
    if ch == "_":
        return (_space(prev) and _space(nxt)) or (_other(prev) and _other(nxt))
    if ch == "<":
        return _space(nxt)
    if ch == "!":
        return nxt is not None and nxt != "["
    if ch == "&":
        return not _ENTITY_RE.match(text, start)
    return False
