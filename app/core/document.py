"""A Markdown statement as a skeleton of blocks, each holding its translatable segments.

The source is parsed once with markdown-it-py (CommonMark plus GFM tables and front matter),
keeping each block's source line map, as po4a does: the rebuild splices translations into
the source by those maps, so whatever is not translatable (tables, code, raw HTML,
link reference definitions, directives, front matter, blank lines) is copied byte for byte.

Translatable blocks are headings and paragraphs wherever they are nested (list items,
blockquotes, nested lists). A paragraph is cut into sentences (see ``app.core.segment``);
a heading is one entry. Two directives, HTML comments on their own line before a block,
change that:

* ``<!-- terjime: no-split -->``: the next block (every paragraph in it) is one entry each;
* ``<!-- terjime: signatories -->``: the next list holds names; each item is one entry with
  the ``signatory`` context and is never split.

The walk over the token stream is iterative, so nesting depth cannot exhaust the stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.catalog import SIGNATORY_CONTEXT
from app.core.inline import InlineText, LinkTarget, serialize
from app.core.segment import sentence_spans

#: Directive names, as written in ``<!-- terjime: NAME -->``.
NO_SPLIT = "no-split"
SIGNATORIES = "signatories"
DIRECTIVES = (NO_SPLIT, SIGNATORIES)

_DIRECTIVE_RE = re.compile(r"<!--\s*terjime:\s*(.*?)\s*-->\s*\Z", re.DOTALL)
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")
_LIST_MARKER_RE = re.compile(r"\d{1,9}[.)]|[-+*]")
_ATX_OPENING_RE = re.compile(r"#{1,6}[ \t]*")
_CONTAINERS = {
    "blockquote_open": "blockquote",
    "bullet_list_open": "bullet list",
    "ordered_list_open": "numbered list",
}
_ITEM_KINDS = {"bullet list": "bullet list item", "numbered list": "numbered list item"}


def markdown_parser(*, join_text: bool = True) -> MarkdownIt:
    """The parser statements are read with: CommonMark and GFM tables.

    ``join_text=False`` keeps escapes and entities as separate tokens (for extraction).
    Front matter is not Markdown: see :func:`without_front_matter`.
    """
    md = MarkdownIt("commonmark").enable("table")
    return md if join_text else md.disable("text_join")


def without_front_matter(text: str) -> str:
    """``text`` with a leading YAML front matter block (``---`` … ``---``/``...``) blanked.

    The lines stay (empty), so line maps still point into the original text, where the
    front matter is copied verbatim; it is never translated nor rendered.
    """
    if not text.startswith("---"):
        return text
    lines = source_lines(text)
    if lines[0].strip() != "---":
        return text
    for end, line in enumerate(lines[1:], 2):
        if line.strip() in ("---", "..."):
            blank = "".join(row[len(row.rstrip("\r\n")) :] for row in lines[:end])
            return blank + "".join(lines[end:])
    return text


_PARSER = markdown_parser(join_text=False)


class DocumentError(ValueError):
    """A statement that cannot be read or parsed; str() is "path:line: message"."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Segment:
    """One catalogue entry: a sentence, or a whole block that is not split.

    ``comments`` are the ``#.`` lines: the block kind, then one ``[n]: url`` line per link.
    ``links`` are the targets of ``[text][n]`` in ``msgid``, in number order.
    """

    msgid: str
    msgctxt: str | None
    line: int
    block: int
    index: int
    kind: str
    comments: tuple[str, ...]
    links: tuple[LinkTarget, ...] = ()

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity in a catalogue: (msgctxt, msgid)."""
        return (self.msgctxt, self.msgid)


@dataclass(frozen=True)
class Block:
    """A translatable heading or paragraph and where it sits in the source.

    Lines are 0-based, ``end`` exclusive (``token.map``). The block's content is rewritten
    as ``prefix`` + content + ``suffix`` on line ``start``; extra lines (hard breaks) start
    with ``continuation``; lines from ``content_end`` to ``end`` (a setext underline) are
    kept. ``breaks[i]`` is the number of hard breaks between segments i and i+1 (0: the
    language's joiner); ``leading_breaks`` those before the first (rare, but kept).
    """

    index: int
    kind: str
    start: int
    end: int
    content_end: int
    prefix: str
    suffix: str
    continuation: str
    containers: tuple[str, ...]
    split: bool
    atx: bool
    segments: tuple[Segment, ...]
    breaks: tuple[int, ...] = ()
    leading_breaks: int = 0

    @property
    def line(self) -> int:
        """1-based first source line."""
        return self.start + 1

    @property
    def nesting(self) -> int:
        """How many containers (lists, blockquotes) enclose the block."""
        return len(self.containers)


@dataclass(frozen=True)
class Document:
    """A parsed statement: ``name`` is the gettext domain, ``path`` the ``#:`` reference."""

    name: str
    path: str
    text: str
    blocks: tuple[Block, ...] = field(default=())

    def segments(self) -> list[Segment]:
        """Every entry in document order (duplicates included)."""
        return [segment for block in self.blocks for segment in block.segments]

    def lines(self) -> list[str]:
        """Source lines with their line endings, numbered as the line maps number them."""
        return source_lines(self.text)


def source_lines(text: str) -> list[str]:
    """Split like markdown-it does (\\r\\n, \\r, \\n) but keep the endings."""
    return _LINE_RE.findall(text)


def load_document(path: Path, ref_path: str | None = None) -> Document:
    """Read and parse a UTF-8 statement (a BOM is accepted); ``ref_path`` names it."""
    ref = ref_path or path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(ref, None, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        raise DocumentError(ref, line, message) from exc
    return parse_document(text, name=path.stem, path=ref)


def parse_document(text: str, *, name: str, path: str, language: str = "en") -> Document:
    """Parse a Markdown statement into blocks and segments (``language``: the source's)."""
    tokens = _PARSER.parse(without_front_matter(text))
    walker = _Walker(path, source_lines(text), language)
    return Document(name=name, path=path, text=text, blocks=tuple(walker.walk(tokens)))


def directive_of(token: Token) -> str | None:
    """The directive an ``html_block`` token holds, if it is one (not validated)."""
    if token.type != "html_block" or "terjime:" not in token.content:
        return None
    match = _DIRECTIVE_RE.match(token.content.strip())
    return match.group(1) if match else ""


# --- the walk ----------------------------------------------------------------------------------


@dataclass
class _Scope:
    directive: str
    level: int
    line: int


class _Walker:
    """Turns the flat token stream into blocks, tracking containers and directive scopes."""

    def __init__(self, path: str, lines: list[str], language: str) -> None:
        self.path = path
        self.lines = lines
        self.language = language
        self.stack: list[Token] = []
        self.containers: list[tuple[str, ...]] = [()]
        self.pending: list[_Scope] = []
        self.scopes: list[_Scope] = []
        self.count = 0

    def walk(self, tokens: Sequence[Token]) -> Iterator[Block]:
        for token in tokens:
            if token.nesting == 1:
                self._enter(token)
            elif token.nesting == -1:
                if self.pending and self.pending[-1].level > token.level:
                    raise self._error(self.pending[-1].line, "a directive must come before a block")
                self.stack.pop()
                self.containers.pop()
                while self.scopes and self.scopes[-1].level == token.level:
                    self.scopes.pop()
            elif token.type == "inline" and self.stack[-1].type in _LEAVES:
                block = self._block(self.stack[-1], token)
                if block is not None:
                    yield block
            elif token.type != "inline":
                self._leaf(token)
        if self.pending:
            raise self._error(self.pending[0].line, "a directive must come before a block")

    def _enter(self, token: Token) -> None:
        self._claim(token)
        self.stack.append(token)
        container = _CONTAINERS.get(token.type)
        outer = self.containers[-1]
        self.containers.append((*outer, container) if container else outer)

    def _leaf(self, token: Token) -> None:
        directive = directive_of(token)
        if directive is None:
            self._claim(token)
            return
        line = _line(token)
        if directive not in DIRECTIVES:
            known = ", ".join(DIRECTIVES)
            raise self._error(line, f"unknown directive {directive!r} (known: {known})")
        self.pending.append(_Scope(directive, token.level, line))

    def _claim(self, token: Token) -> None:
        """Give pending directives to the block that follows them at their level."""
        while self.pending and self.pending[-1].level == token.level:
            scope = self.pending.pop()
            self._check_target(scope, token)
            self.scopes.append(scope)

    def _check_target(self, scope: _Scope, token: Token) -> None:
        if scope.directive == SIGNATORIES:
            if token.type not in ("bullet_list_open", "ordered_list_open"):
                raise self._error(scope.line, "the signatories directive must precede a list")
        elif token.nesting != 1 or token.type.startswith("table"):
            raise self._error(scope.line, "the no-split directive must precede translatable text")

    def _error(self, line: int | None, message: str) -> DocumentError:
        return DocumentError(self.path, line, message)

    def _active(self, directive: str) -> bool:
        return bool(self.scopes) and any(scope.directive == directive for scope in self.scopes)

    def _block(self, opener: Token, inline: Token) -> Block | None:
        content = serialize(inline.children or [])
        if not content.text.strip():
            return None
        signatory = self._active(SIGNATORIES)
        heading = opener.type == "heading_open"
        split = not (heading or signatory or self._active(NO_SPLIT))
        kind = "signatory" if signatory else self._kind(opener)
        start, end = opener.map or inline.map or (0, 0)
        atx = heading and opener.markup.startswith("#")
        prefix, suffix = _frame(self.lines[start], inline.content, atx)
        if split:
            spans = sentence_spans(content.text, self.language, protected=content.spans)
        else:
            spans = [(0, len(content.text))]
        context = SIGNATORY_CONTEXT if signatory else None
        self.count += 1
        return Block(
            index=self.count - 1,
            kind=kind,
            start=start,
            end=end,
            content_end=end - 1 if heading and not atx else end,
            prefix=prefix,
            suffix=suffix,
            continuation="" if atx else _continuation(prefix),
            containers=self.containers[-1],
            split=split,
            atx=atx,
            segments=_segments(content, spans, context, kind, start + 1, self.count - 1),
            breaks=_breaks(content.text, spans),
            leading_breaks=len(content.text) - len(content.text.lstrip("\n")),
        )

    def _kind(self, opener: Token) -> str:
        if opener.type == "heading_open":
            return f"heading {opener.tag[1:]}"
        parent = self.stack[-2] if len(self.stack) > 1 else None
        if parent is not None and parent.type == "list_item_open":
            container = self.stack[-3].type if len(self.stack) > 2 else ""
            return _ITEM_KINDS.get(_CONTAINERS.get(container, ""), "list item")
        if parent is not None and parent.type == "blockquote_open":
            return "blockquote paragraph"
        return "paragraph"


_LEAVES = frozenset({"paragraph_open", "heading_open"})


def _line(token: Token) -> int | None:
    return token.map[0] + 1 if token.map else None


def _segments(
    content: InlineText,
    spans: list[tuple[int, int]],
    context: str | None,
    kind: str,
    line: int,
    block: int,
) -> tuple[Segment, ...]:
    """One segment per span of the block's text, links renumbered within each."""
    segments = []
    for index, (start, end) in enumerate(spans):
        msgid, links = content.cut(start, end)
        comments = (kind, *(target.comment(n) for n, target in enumerate(links, 1)))
        segments.append(Segment(msgid.strip(), context, line, block, index, kind, comments, links))
    return tuple(segments)


def _breaks(text: str, spans: list[tuple[int, int]]) -> tuple[int, ...]:
    """How many hard breaks ("\n") separate each pair of consecutive sentences."""
    if len(spans) < 2 or "\n" not in text:
        return (0,) * (len(spans) - 1) if spans else ()
    return tuple(text.count("\n", p[1], q[0]) for p, q in zip(spans, spans[1:], strict=False))


@lru_cache(maxsize=1024)
def _continuation(prefix: str) -> str:
    """The prefix of a block's further lines: list markers become spaces, ">" stays."""
    return _LIST_MARKER_RE.sub(lambda m: " " * len(m[0]), prefix)


def _frame(line: str, content: str, atx: bool) -> tuple[str, str]:
    """What precedes the block's content on its first line, and (ATX) what follows it."""
    text = line.rstrip("\r\n").replace("\0", "\ufffd")
    if atx:
        opening = _ATX_OPENING_RE.search(text)
        at = opening.end() if opening else -1
        if at < 0 or not text.startswith(content, at):
            return text[: len(text) - len(text.lstrip())] + "# ", ""
        return text[:at], text[at + len(content) :].rstrip()
    first = content.split("\n", 1)[0].rstrip()
    body = text.rstrip()
    if first and body.endswith(first):
        return text[: len(body) - len(first)], ""
    return text[: len(text) - len(text.lstrip())], ""
