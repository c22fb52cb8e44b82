"""The whole localized statement as it stands in the database, beside its source.

Weblate and Pontoon show one string at a time; a statement is read as a whole, so the editor
shows the assembled text, rebuilt by the same code as ``terjime build``
(:func:`app.core.rebuild.render`) from the *database* — always current, no PO file involved.
Sentences that are not translated yet (empty, or drafts that need editing) fall back to the
source and are marked, so a reader can see at a glance what is left.

Also here, because they are display logic shared by the editor and preview: the word diff of
a fuzzy entry against its previous source, and bidi isolation of Latin runs in RTL text.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.document import Document as ParsedDocument
from app.core.document import load_document
from app.core.languages import Language as CoreLanguage
from app.core.languages import get_language
from app.core.rebuild import render
from app.core.states import State
from app.project import Project
from app.store.models import Document, Language, Segment, Translation

#: Private-use characters around a fallback sentence, turned into a <span> after rendering.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKERS = re.compile("[\ue000\ue001]")
_TAG = re.compile(r"<[^>]*>")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
FALLBACK_OPEN = '<span class="fallback" lang="en" dir="ltr" title="not translated yet">'


@dataclass
class Preview:
    """Rendered HTML (escaped by the renderer) of the source and the translation."""

    source_html: str
    target_html: str
    language: CoreLanguage
    fallbacks: int = 0
    invalid: list[tuple[str, str]] = field(default_factory=list)


def database_translations(session: Session, document: Document, language: Language
                          ) -> dict[tuple[str | None, str], str]:
    """Usable (translated or approved, non-empty) translations by (msgctxt, msgid)."""
    rows = session.execute(
        select(Segment.context, Segment.msgid, Translation.text)
        .join(Translation, Translation.segment_id == Segment.id)
        .where(Segment.document_id == document.id, Segment.active.is_(True),
               Translation.language_id == language.id,
               Translation.state.in_([State.TRANSLATED.value, State.APPROVED.value])))
    return {(context or None, msgid): _MARKERS.sub("", text)
            for context, msgid, text in rows if text}


def _with_markers(parsed: ParsedDocument, usable: dict) -> dict[tuple[str | None, str], str]:
    """Translations plus marked source text for every sentence still to translate.

    A block with nothing translated is marked as one span (its English stays readable as one
    left-to-right run inside right-to-left text); in a partly translated block each source
    sentence is marked on its own. Sentences that occur twice are always marked on their own
    (one key, one text), so the markers stay balanced.
    """
    marked = dict(usable)
    occurrences = Counter(segment.key for segment in parsed.segments())
    for block in parsed.blocks:
        keys = [segment.key for segment in block.segments]
        if not any(key in usable for key in keys) and all(occurrences[k] == 1 for k in keys):
            for index, key in enumerate(keys):
                opening = _OPEN if index == 0 else ""
                closing = _CLOSE if index == len(keys) - 1 else ""
                marked[key] = f"{opening}{key[1]}{closing}"
            continue
        for key in keys:
            if key not in usable:
                marked[key] = f"{_OPEN}{key[1]}{_CLOSE}"
    return marked


def _body(rendered: str) -> str:
    match = _BODY.search(rendered)
    return match.group(1).strip() if match else rendered


def _mark_fallbacks(rendered: str) -> str:
    """Markers inside tags (attributes) are dropped; the others become a marked span."""
    rendered = _TAG.sub(lambda m: _MARKERS.sub("", m.group()), rendered)
    return rendered.replace(_OPEN, FALLBACK_OPEN).replace(_CLOSE, "</span>")


def build_preview(session: Session, project: Project, document: Document,
                  language: Language) -> Preview:
    """Render the statement from the database translations (translated and approved)."""
    path = project.document(document.name)
    parsed = load_document(path, project.reference(path))
    usable = database_translations(session, document, language)
    target_language = get_language(language.code)
    target = render(parsed, _with_markers(parsed, usable), target_language, "html")
    source = render(parsed, {}, None, "html")
    invalid = [(segment.msgid, str(why)) for segment, why in target.invalid]
    waiting = sum(1 for segment in parsed.segments() if segment.key not in usable)
    target_html = _mark_fallbacks(_body(target.text))
    if target_language.rtl:
        target_html = isolate_html(target_html)
    return Preview(source_html=_body(source.text), target_html=target_html,
                   language=target_language, fallbacks=waiting + len(invalid),
                   invalid=invalid)


# --- display helpers -----------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces turning ``old`` into ``new`` word by word: equal, delete, insert."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


_L = "A-Za-z0-9\u00c0-\u024f"
_LATIN_RUN = re.compile(
    r"https?://[^\s<>\"]*[^\s<>\".,;:!?)]"
    rf"|[{_L}](?:[{_L}.,:/%&'’@+_\-]*[{_L}])?(?:\s+[{_L}](?:[{_L}.,:/%&'’@+_\-]*[{_L}])?)*")


def isolate_latin(text: str) -> str:
    """Escaped HTML of ``text`` with Latin names, numbers and URLs in ``<bdi>``, so they keep
    their order inside right-to-left text."""
    out, last = [], 0
    for match in _LATIN_RUN.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(f"<bdi>{html.escape(match.group())}</bdi>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


_PARTS = re.compile(r"(<[^>]*>)")
_VERBATIM = re.compile(r"<(code|pre)\b", re.I)


def isolate_html(fragment: str) -> str:
    """:func:`isolate_latin` on the text of rendered HTML, except in code and in the marked
    source fallbacks (already a left-to-right isolate)."""
    out, closing = [], None
    for part in _PARTS.split(fragment):
        if part.startswith("<"):
            out.append(part)
            if closing is None:
                verbatim = _VERBATIM.match(part)
                if part == FALLBACK_OPEN:
                    closing = "</span>"
                elif verbatim:
                    closing = f"</{verbatim.group(1).lower()}>"
            elif part.lower() == closing:
                closing = None
        elif part and closing is None:
            out.append(isolate_latin(html.unescape(part)))
        else:
            out.append(part)
    return "".join(out)
