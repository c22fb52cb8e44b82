"""Markdown and plain-text exports: the rebuilt statement as readers and editors get it.

Both come from :attr:`Localized.rebuilt`, so they say exactly what the HTML and PDF say.
A draft (or a script variant with a label) opens with its notice, so a copy that travels
on without its file name still tells the reader what it is.
"""

from __future__ import annotations

import re

from app.core.document import source_lines, without_front_matter
from app.core.rebuild import plain_text
from app.export.base import Localized, Renderer, register

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def _markdown_notice(notice: str) -> str:
    """The notice as a bold blockquote, its Markdown characters escaped."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", notice)
    return f"> **{escaped}**\n\n"


def _after_front_matter(text: str, insert: str) -> str:
    """``insert`` placed after a YAML front matter block (which must stay first), else first."""
    if without_front_matter(text) == text:
        return insert + text
    lines = source_lines(text)
    for end, line in enumerate(lines[1:], 2):
        if line.strip() in ("---", "..."):
            return "".join(lines[:end]) + "\n" + insert + "".join(lines[end:])
    return insert + text  # pragma: no cover - without_front_matter found the end above


@register
class MarkdownRenderer(Renderer):
    name = "md"
    extension = "md"
    media_type = "text/markdown; charset=utf-8"
    label = "Markdown (for websites and editors)"

    def render(self, item: Localized) -> bytes:
        text = item.rebuilt.text
        if item.notice:
            text = _after_front_matter(text, _markdown_notice(item.notice))
        return text.encode("utf-8")


@register
class TextRenderer(Renderer):
    name = "txt"
    extension = "txt"
    media_type = "text/plain; charset=utf-8"
    label = "Plain text (for email)"

    def render(self, item: Localized) -> bytes:
        text = plain_text(item.rebuilt.text)
        if item.notice:
            text = f"{item.notice}\n\n{text}"
        return text.encode("utf-8")
