"""Babel extraction method for Markdown statements (entry point ``terjime_markdown``).

Babel calls this for each file mapped in ``babel.cfg``; it yields Babel's extraction tuples
``(lineno, funcname, messages, comments)``. Signatories carry a context, so they are
yielded as ``pgettext`` calls, which Babel's default keywords turn into ``msgctxt``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from app.core.document import DocumentError, parse_document

ExtractionResult = tuple[int, str, str | tuple[str, str], list[str]]


def extract_markdown(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[ExtractionResult]:
    """Yield one extraction tuple per segment, in document order."""
    name = getattr(fileobj, "name", "<markdown>")
    path = name if isinstance(name, str) else "<markdown>"
    data = fileobj.read()
    try:
        text = data.decode(options.get("encoding", "utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(path, line, f"not valid UTF-8 ({exc.reason})") from exc
    document = parse_document(text, name=path.rsplit("/", 1)[-1].removesuffix(".md"), path=path)
    for segment in document.segments():
        if segment.msgctxt is not None:
            yield segment.line, "pgettext", (segment.msgctxt, segment.msgid), list(segment.comments)
        else:
            yield segment.line, "gettext", segment.msgid, list(segment.comments)
