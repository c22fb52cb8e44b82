"""Rebuilding a localized statement (Markdown, HTML, plain text) from translations.

As po4a and translate-toolkit's po2md do, the source is the skeleton: every line that is not
part of a translatable block is copied verbatim, and each translated block is written as its
prefix from the source (``## ``, ``1. `` with its indentation, ``> ``) followed by its
segments' translations joined with the language's joiner, on one line. Numbering, bullets and
nesting therefore come from the source. A block whose segments are all untranslated (or
translated identically) keeps its source lines byte for byte.

Translations arrive as inline Markdown with numbered links (see ``app.core.inline``); an
unusable one (a dropped or invented link) falls back to the source and is reported. HTML and
plain text are rendered from the rebuilt Markdown, so all three formats agree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from markdown_it.rules_block.html_block import HTML_SEQUENCES
from markdown_it.token import Token

from app.core.document import (
    Block,
    Document,
    Segment,
    directive_of,
    markdown_parser,
    without_front_matter,
)
from app.core.inline import InlineError, restore
from app.core.languages import Language

FORMATS = ("md", "html", "txt")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}

_RENDERER = markdown_parser()

# A line of block content that would start a different block: escape its first character.
_LINE_START_RE = re.compile(
    r"""(?:
        \#{1,6}(?=[ \t]|$)                              # ATX heading
      | [>]                                             # blockquote
      | [-+*](?=[ \t]|$)                                # bullet
      | (?:=+|-+)[ \t]*$                                # setext underline
      | (?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$   # thematic break
      | `{3,}(?=[^`]*$) | ~{3,}                         # code fence
      | \[[^\]]*\]:                                     # link reference definition
    )""",
    re.VERBOSE,
)
_ORDERED_RE = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")
_CLOSING_HASHES_RE = re.compile(r"(?:^|[ \t])#+[ \t]*$")


@dataclass
class Rebuilt:
    """A rebuilt document and what in it is still the source text.

    ``missing``: no translation given; ``invalid``: a translation that could not be used,
    with the reason. Both fell back to the source.
    """

    text: str
    missing: list[Segment] = field(default_factory=list)
    invalid: list[tuple[Segment, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every segment is translated (a release needs this)."""
        return not self.missing and not self.invalid


@dataclass
class Rendered(Rebuilt):
    """A rebuilt document in one output format."""

    fmt: str = "md"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


def rebuild_markdown(
    document: Document,
    translations: Mapping[tuple[str | None, str], str],
    language: Language | None,
) -> Rebuilt:
    """The localized Markdown: ``translations`` maps segment keys to usable text.

    ``language`` None means the source language (sentences joined with a space).
    """
    joiner = language.joiner if language is not None else " "
    lines = document.lines()
    result = Rebuilt(text="")
    out: list[str] = []
    position = 0
    for block in document.blocks:
        out.extend(lines[position : block.start])
        out.extend(_block_lines(block, lines, translations, joiner, result))
        position = block.end
    out.extend(lines[position:])
    result.text = "".join(out)
    return result


def render(
    document: Document,
    translations: Mapping[tuple[str | None, str], str],
    language: Language | None,
    fmt: str,
) -> Rendered:
    """The localized document as "md", "html" (a standalone page) or "txt"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    rebuilt = rebuild_markdown(document, translations, language)
    text = rebuilt.text
    if fmt == "html":
        text = html_page(rebuilt.text, language, fallback_title=document.name)
    elif fmt == "txt":
        text = plain_text(rebuilt.text)
    return Rendered(text=text, missing=rebuilt.missing, invalid=rebuilt.invalid, fmt=fmt)


# --- one block -------------------------------------------------------------------------------


def _block_lines(
    block: Block,
    lines: list[str],
    translations: Mapping[tuple[str | None, str], str],
    joiner: str,
    result: Rebuilt,
) -> list[str]:
    texts: list[str | None] = []
    changed = False
    for segment in block.segments:
        text = _translation(block, segment, translations.get(segment.key), joiner, result)
        texts.append(text)
        changed = changed or (text is not None and translations[segment.key] != segment.msgid)
    if not changed:
        return lines[block.start : block.end]
    pieces = [
        text if text is not None else _source_text(segment, joiner)
        for text, segment in zip(texts, block.segments, strict=True)
    ]
    content = "\n" * block.leading_breaks + _join(pieces, block.breaks, joiner)
    return _write_block(block, lines, content)


def _translation(
    block: Block, segment: Segment, text: str | None, joiner: str, result: Rebuilt
) -> str | None:
    """The translation as Markdown, or None (recorded as missing or invalid)."""
    if not text or not text.strip():
        result.missing.append(segment)
        return None
    try:
        markdown = restore(text, segment.links, segment.msgid, open_ends=joiner == "")
    except InlineError as exc:
        result.invalid.append((segment, str(exc)))
        return None
    problem = _block_problem(block, markdown)
    if problem:
        result.invalid.append((segment, problem))
        return None
    return markdown


def _block_problem(block: Block, markdown: str) -> str | None:
    if not markdown:
        return "the translation has no text"
    if block.atx and "\n" in markdown:
        return "a heading cannot contain a line break"
    return None


def _source_text(segment: Segment, joiner: str) -> str:
    try:
        return restore(segment.msgid, segment.links, segment.msgid, open_ends=joiner == "")
    except InlineError:  # cannot happen for a msgid we wrote; keep it readable anyway
        return segment.msgid


def _join(pieces: list[str], breaks: tuple[int, ...], joiner: str) -> str:
    out = [pieces[0]]
    for i, piece in enumerate(pieces[1:]):
        count = breaks[i] if i < len(breaks) else 0
        out.append("\n" * count if count else joiner)
        out.append(piece)
    return "".join(out)


def _write_block(block: Block, lines: list[str], content: str) -> list[str]:
    """The block's new source lines: prefix + content, hard breaks on continuation lines."""
    newline = _ending(lines[block.start]) or "\n"
    last_ending = _ending(lines[block.content_end - 1])
    rows = content.split("\n")
    if block.atx:
        rows[0] = _escape_closing_hashes(rows[0])
    else:  # every row but the last ends with the hard break's backslash
        rows = [escape_line_start(row + "\\")[:-1] for row in rows[:-1]] + [
            escape_line_start(rows[-1])
        ]
    text = block.prefix + rows[0]
    for row in rows[1:]:
        text += "\\" + newline + block.continuation + row
    return [text + block.suffix + last_ending, *lines[block.content_end : block.end]]


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def escape_line_start(line: str) -> str:
    """Escape the first character of a line that would otherwise start another block."""
    if not line:
        return line
    if _LINE_START_RE.match(line):
        return "\\" + line
    match = _ORDERED_RE.match(line)
    if match:
        return match.group(1) + "\\" + line[match.end(1) :]
    if line[0] == "<" and any(seq[0].search(line) for seq in HTML_SEQUENCES):
        return "\\" + line
    return line


def _escape_closing_hashes(text: str) -> str:
    """Keep a heading that ends with "#" from losing it as a closing sequence."""
    stripped = text.rstrip()
    if _CLOSING_HASHES_RE.search(stripped):
        return stripped[:-1] + "\\#"
    return text


# --- HTML ------------------------------------------------------------------------------------

_STYLE = """\
body{max-width:42rem;margin:2rem auto;padding:0 1rem;font:1.05rem/1.6 system-ui,sans-serif;\
color:#1b1b1b;background:#fff}
h1,h2,h3,h4{line-height:1.25}
a{color:#0b57d0}
blockquote{margin-inline:0;padding-inline-start:1rem;border-inline-start:.25rem solid #ccc;\
color:#444}
pre{overflow-x:auto;padding:.75rem;background:#f4f4f4}
code{font-family:ui-monospace,monospace}
table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:start}
img{max-width:100%}
p,li,h1,h2,h3,h4,h5,h6,td,th{unicode-bidi:plaintext}"""


_COMMENT_RE = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)


def _html_block_as_text(_self: object, tokens: list[Token], i: int, *_: object) -> str:
    content = tokens[i].content
    if _COMMENT_RE.fullmatch(content):
        return ""
    return f"<p>{html.escape(content.strip())}</p>\n"


def _html_inline_as_text(_self: object, tokens: list[Token], i: int, *_: object) -> str:
    content = tokens[i].content
    return "" if _COMMENT_RE.fullmatch(content) else html.escape(content)


# Renders raw HTML of the statement as text, comments dropped (for files that leave Terjime).
_ESCAPING = markdown_parser()
_ESCAPING.add_render_rule("html_block", _html_block_as_text)
_ESCAPING.add_render_rule("html_inline", _html_inline_as_text)


def html_page(markdown: str, language: Language | None, *, fallback_title: str = "",
              notice: str | None = None, notice_class: str = "notice", extra_css: str = "",
              policy: str | None = None, raw_html: bool = True) -> str:
    """A standalone UTF-8 HTML page (no external assets) for rebuilt Markdown.

    Text blocks take their direction from their own first strong character
    (``unicode-bidi: plaintext``), so an English fallback paragraph in a draft of an RTL
    language reads left to right with its full stop in place. ``notice`` (escaped) opens
    the body as a ``<p role="note">``; ``extra_css`` follows the base style; ``policy`` is
    written as a Content-Security-Policy ``<meta>`` (for files opened outside the app);
    ``raw_html=False`` shows raw HTML of the statement as text instead of passing it on.
    """
    env: dict = {}
    tokens = _visible(_RENDERER.parse(without_front_matter(markdown), env))
    renderer = _RENDERER if raw_html else _ESCAPING
    body = renderer.renderer.render(tokens, renderer.options, env)
    lang = language.bcp47 if language is not None else "en"
    direction = "rtl" if language is not None and language.rtl else "ltr"
    title = html.escape(_first_heading(tokens) or fallback_title)
    meta = ('<meta http-equiv="Content-Security-Policy" content="'
            f'{html.escape(policy, quote=False).replace(chr(34), "&quot;")}">\n'
            if policy else "")
    style = f"{_STYLE}\n{extra_css}" if extra_css else _STYLE
    banner = (f'<p role="note" class="{html.escape(notice_class)}">{html.escape(notice)}</p>\n'
              if notice else "")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n'
        f'<meta charset="utf-8">\n{meta}'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{style}\n</style>\n</head>\n<body>\n"
        f"{banner}{body}</body>\n</html>\n"
    )


def _visible(tokens: list[Token]) -> list[Token]:
    """Tokens without directives, which are not part of the text."""
    return [t for t in tokens if directive_of(t) is None]


def _first_heading(tokens: list[Token]) -> str:
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            return _inline_text(tokens[i + 1].children or [], links=False).strip()
    return ""


# --- plain text --------------------------------------------------------------------------------


def plain_text(markdown: str) -> str:
    """Plain text for rebuilt Markdown: no markup characters, structure by indentation."""
    writer = _TextWriter()
    for token in _visible(_RENDERER.parse(without_front_matter(markdown))):
        writer.feed(token)
    return writer.result()


class _TextWriter:
    """Walks block tokens keeping a stack of container prefixes [first line, other lines]."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.frames: list[list[str]] = []
        self.table: list[list[str]] = []
        self.row: list[str] | None = None
        self.heading = 0
        self.tight = False
        self.last_tight = False

    def feed(self, token: Token) -> None:
        handler = getattr(self, "_on_" + token.type, None)
        if handler is not None:
            handler(token)

    def result(self) -> str:
        return "\n".join(self.out) + "\n" if self.out else ""

    def _on_blockquote_open(self, token: Token) -> None:
        self.frames.append(["    ", "    "])

    def _on_list_item_open(self, token: Token) -> None:
        marker = f"{token.info}{token.markup} " if token.info else "• "
        self.frames.append([marker, " " * len(marker)])

    def _on_blockquote_close(self, token: Token) -> None:
        self.frames.pop()

    _on_list_item_close = _on_blockquote_close

    def _on_heading_open(self, token: Token) -> None:
        self.heading = int(token.tag[1:])

    def _on_paragraph_open(self, token: Token) -> None:
        self.heading, self.tight = 0, token.hidden

    def _on_inline(self, token: Token) -> None:
        text = _inline_text(token.children or [])
        if self.row is not None:
            self.row.append(text)
            return
        rows = text.split("\n")
        if self.heading in (1, 2):
            rows.append("=-"[self.heading - 1] * max(len(row) for row in rows))
        self._leaf(rows, tight=self.tight and not self.heading)
        self.heading = 0

    def _on_fence(self, token: Token) -> None:
        self._leaf(["    " + row for row in token.content.rstrip("\n").split("\n")])

    _on_code_block = _on_fence

    def _on_hr(self, token: Token) -> None:
        self._leaf(["⁂"])

    def _on_tr_open(self, token: Token) -> None:
        self.row = []

    def _on_tr_close(self, token: Token) -> None:
        if self.row is not None:
            self.table.append(self.row)
        self.row = None

    def _on_table_close(self, token: Token) -> None:
        self._leaf(_table_rows(self.table))
        self.table = []

    def _leaf(self, rows: list[str], tight: bool = False) -> None:
        if self.out and not (tight and self.last_tight):
            self.out.append("")
        first = "".join(frame[0] for frame in self.frames)
        rest = "".join(frame[1] for frame in self.frames)
        for frame in self.frames:
            frame[0] = frame[1]
        self.out.append((first + rows[0]).rstrip())
        self.out.extend((rest + row).rstrip() for row in rows[1:])
        self.last_tight = tight


def _table_rows(table: list[list[str]]) -> list[str]:
    if not table:
        return [""]
    columns = max(len(row) for row in table)
    rows = [row + [""] * (columns - len(row)) for row in table]
    widths = [max(len(row[i]) for row in rows) for i in range(columns)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _inline_text(children: list[Token], *, links: bool = True) -> str:
    """Plain text of inline tokens; links as "text (url)" unless the text is the URL."""
    out: list[str] = []
    starts: list[int] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline"):
            out.append(token.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "image":
            alt = _inline_text(token.children or [], links=False)
            out.append(f"{alt} ({token.attrs.get('src', '')})" if links else alt)
        elif kind == "link_open":
            starts.append(len(out))
            out.append("")
            out[-1] = str(token.attrs.get("href", ""))
        elif kind == "link_close" and starts:
            start = starts.pop()
            href = out[start]
            label = "".join(out[start + 1 :])
            del out[start:]
            bare = href in (label, "mailto:" + label) or not links
            out.append(label if bare else f"{label} ({href})")
    return "".join(out)
