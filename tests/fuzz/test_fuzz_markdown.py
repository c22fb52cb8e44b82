"""Fuzzing Markdown sources: load, segment, extract and rebuild hostile statements.

Every input either fails with a :class:`DocumentError` (one clear line naming the file) or
gives a document that rebuilds to exactly its source when nothing is translated, and that
renders to every format when everything is.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from fuzz_helpers import FUZZ, hostile_bytes, one_line
from hypothesis import given
from hypothesis import strategies as st

from app.core.document import DocumentError, load_document, parse_document
from app.core.languages import get_language
from app.core.rebuild import html_page, plain_text, rebuild_markdown
from app.project import Project, ProjectError
from app.services.catalogs import extract_document

PIECES = [
    b"# ", b"## ", b"###### ", b"#", b"- ", b"* ", b"+ ", b"1. ", b"2) ", b"> ", b">", b"  ",
    b"    ", b"\t", b"\n", b"\n\n", b"\r\n", b"\r", b"---\n", b"***\n", b"===\n", b"```\n",
    b"~~~\n", b"| a | b |\n|---|---|\n| c | d |\n", b"<div>\n", b"</div>\n", b"<br>",
    b"<!-- terjime: signatories -->\n", b"<!-- terjime: no-split -->\n",
    b"<!-- terjime: bogus -->\n", b"<!-- terjime: -->", b"<!--", b"-->",
    b"[link](https://example.org)", b"[ref][1]", b"[1]: https://example.org\n", b"[", b"]",
    b"(", b")", b"*emph*", b"**strong**", b"`code`", b"_", b"\\", b"![img](a.png)",
    b"<https://example.org>", b"javascript:alert(1)", b"<script>alert(1)</script>",
    b"Sentence one. Sentence two! Three?", b"Dr. Smith said 3.5% of 1,000.",
    "ئۇيغۇر تىلى. ".encode(), "中文。日本語。".encode(), b"&amp;", b"&#0;", b"&#x110000;",
    b"---\ntitle: x\n---\n",
]

LANGUAGES = {"ug": lambda m: "«" + m + "»", "zh_Hans": lambda m: m + "。", "de": str.upper}


def _check_document(path: Path, data: bytes, project: Project, code: str = "ug",
                    extract: bool = True) -> None:
    path.write_bytes(data)
    try:
        document = load_document(path, "source/fuzz.md")
    except DocumentError as exc:
        assert one_line(str(exc)) and str(exc).startswith("source/fuzz.md"), str(exc)
        if extract:
            with pytest.raises((DocumentError, ProjectError)):
                extract_document(project, "fuzz", path)
        return
    assert rebuild_markdown(document, {}, None).text == document.text
    same = {segment.key: segment.msgid for segment in document.segments()}
    assert rebuild_markdown(document, same, None).text == document.text
    if extract:  # the ``terjime extract`` path (Babel's machinery) finds the same entries
        extracted = extract_document(project, "fuzz", path)
        assert {(e.msgctxt, e.msgid) for e in extracted.entries} == set(same)
    language = get_language(code)
    rebuilt = rebuild_markdown(document, {k: LANGUAGES[code](m) for k, m in same.items()},
                               language)
    html_page(rebuilt.text, language, fallback_title="fuzz")
    plain_text(rebuilt.text)
    try:  # a rebuilt statement is Markdown we wrote: it must read back (or fail cleanly)
        parse_document(rebuilt.text, name="fuzz", path="rebuilt.md")
    except DocumentError as exc:
        assert one_line(str(exc))


@pytest.fixture
def fuzz_project(tmp_path: Path) -> tuple[Path, Project]:
    (tmp_path / "source").mkdir()
    return tmp_path / "source" / "fuzz.md", Project(tmp_path / "source", tmp_path / "locales")


def _nested(depth: int) -> st.SearchStrategy[bytes]:
    marker = st.sampled_from([b"> ", b"- ", b"1. ", b"* ", b"  ", b">"])
    line = st.tuples(st.lists(marker, min_size=1, max_size=depth), st.sampled_from(PIECES))
    return st.lists(line.map(lambda pair: b"".join(pair[0]) + b"Deep. Text." + pair[1] + b"\n"),
                    min_size=1, max_size=4).map(b"".join)


@FUZZ
@given(data=st.one_of(hostile_bytes(PIECES), _nested(300)),
       code=st.sampled_from(sorted(LANGUAGES)), extract=st.booleans())
def test_hostile_markdown_is_refused_clearly_or_round_trips(fuzz_project, data: bytes,
                                                            code: str, extract: bool) -> None:
    """Random bytes, Markdown fragments and nesting up to 300 levels (one target)."""
    path, project = fuzz_project
    _check_document(path, data, project, code, extract)


@pytest.mark.parametrize("kind", ["quotes", "lists", "indented lists", "mixed"])
def test_ten_thousand_levels_deep(fuzz_project, kind: str) -> None:
    """markdown-it caps nesting; deeper input must neither crash nor hang (CI: < 30 s)."""
    depth = 10_000
    if kind == "quotes":
        data = b"> " * depth + b"Deep sentence. Another one.\n"
    elif kind == "lists":
        data = b"- " * depth + b"Deep sentence.\n"
    elif kind == "indented lists":
        # two more spaces per level: 1,000 levels are already a 1 MB file
        data = b"".join(b"  " * i + b"- Item " + str(i).encode() + b".\n" for i in range(1000))
    else:
        data = b"".join([b"> - 1. "] * (depth // 3)) + b"Mixed. Deep.\n"
    path, project = fuzz_project
    started = time.monotonic()
    _check_document(path, data, project)
    assert time.monotonic() - started < 30
    assert sys.getrecursionlimit() <= 10_000, "no test may raise the recursion limit"


@pytest.mark.parametrize("data", [
    b"A" * 5_000_000 + b".\n",
    (b"Word. " * 40_000) + b"\n",
    b"\xff" * 1000,
    b"Valid line.\n" * 1000 + b"\xc3\x28\n",
    b"\x00" * 1000,
    b"\xef\xbb\xbf# Title\n\nText.\n",
    b"\xff\xfe#\x00 \x00T\x00",
    b"[" * 20_000 + b"x" + b"]" * 20_000,
    b"*" * 100_000,
    b"<!-- terjime: signatories -->\n" * 1000,
], ids=["5MB-line", "40k-sentences", "binary", "late-invalid-utf8", "nul", "bom", "utf16",
        "brackets", "stars", "directives"])
def test_huge_and_binary_sources(fuzz_project, data: bytes) -> None:
    path, project = fuzz_project
    _check_document(path, data, project)
