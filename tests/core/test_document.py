"""Parsing statements into blocks and segments; inline serialization of msgids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from samples import STATEMENT

from app.core.catalog import SIGNATORY_CONTEXT
from app.core.document import DocumentError, load_document, parse_document
from app.core.inline import INLINE_PARSER, restore, serialize


def parse(text: str):
    return parse_document(text, name="statement", path="source/statement.md")


def pairs(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.msgid) for s in parse(text).segments()]


def test_statement_segments() -> None:
    document = parse(STATEMENT)
    segments = document.segments()
    assert [s.msgid for s in segments][:4] == [
        "Civil Society calls for urgent measures",
        "Ahead of World Refugee Day 2022, a group of 22 groups are calling on governments.",
        "As crimes unfold in the Uyghur region of China—including mass detention—Uyghurs outside "
        "China are at risk.",
        "Research shows that more than 1,500 Uyghurs have been detained.",
    ]
    assert [s.kind for s in segments].count("bullet list item") == 4
    signatories = [s for s in segments if s.kind == "signatory"]
    assert [s.msgid for s in signatories] == [
        "Alberta Uyghur Association",
        "ASEAN Parliamentarians for Human Rights (APHR)",
        "Uyghur U.K. Association",
    ]
    assert all(s.msgctxt == SIGNATORY_CONTEXT for s in signatories)
    assert all(s.comments == ("signatory",) for s in signatories)
    assert all(s.key == (SIGNATORY_CONTEXT, s.msgid) for s in signatories)
    assert document.name == "statement" and document.path == "source/statement.md"


def test_segment_positions() -> None:
    segments = parse(STATEMENT).segments()
    assert [(s.line, s.block, s.index) for s in segments[:5]] == [
        (1, 0, 0),
        (3, 1, 0),
        (3, 1, 1),
        (5, 2, 0),
        (5, 2, 1),
    ]
    assert segments[-1].line == 17


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# Title", [("heading 1", "Title")]),
        ("### Deep ###", [("heading 3", "Deep")]),
        ("Setext\n===", [("heading 1", "Setext")]),
        ("Setext two\n---", [("heading 2", "Setext two")]),
        ("Plain text.", [("paragraph", "Plain text.")]),
        ("- item", [("bullet list item", "item")]),
        ("3. item", [("numbered list item", "item")]),
        ("> quoted", [("blockquote paragraph", "quoted")]),
        ("> - listed", [("bullet list item", "listed")]),
        ("- > quoted", [("blockquote paragraph", "quoted")]),
        (
            "- a\n  - b\n    1. c",
            [("bullet list item", "a"), ("bullet list item", "b"), ("numbered list item", "c")],
        ),
        ("- # Heading in item", [("heading 1", "Heading in item")]),
        ("A heading. Not split.\n===", [("heading 1", "A heading. Not split.")]),
    ],
)
def test_block_kinds(markdown: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "```\n# code\n- fenced\n```",
        "    indented code",
        "<div>\nraw *html*\n</div>",
        "***",
        "[ref]: https://example.org",
        "| a | b |\n|---|---|\n| c | d |",
        "---\ntitle: front matter\n---",
        "",
        "#",
        "<!-- an ordinary comment -->",
    ],
)
def test_untranslatable_blocks(markdown: str) -> None:
    assert parse(markdown).segments() == []


def test_block_frame() -> None:
    text = "> 1. first\n>    lazy\n\n   - > deep\n\n## Title ##\n\nUnder\n-----\n"
    blocks = parse(text).blocks
    assert [(b.prefix, b.continuation, b.suffix) for b in blocks] == [
        ("> 1. ", ">    ", ""),
        ("   - > ", "     > ", ""),
        ("## ", "", " ##"),
        ("", "", ""),
    ]
    assert [(b.start, b.end, b.content_end) for b in blocks] == [
        (0, 2, 2),
        (3, 4, 4),
        (5, 6, 6),
        (7, 9, 8),
    ]
    assert blocks[0].containers == ("blockquote", "numbered list")
    assert blocks[1].nesting == 2


def test_links_are_numbered_per_sentence() -> None:
    text = (
        'See [the report](https://example.org/r "Report") and [this](https://x.org). '
        "Then ![a map](map.png) and [more][m].\n\n[m]: https://example.org/more\n"
    )
    first, second = parse(text).segments()
    assert first.msgid == "See [the report][1] and [this][2]."
    assert first.comments == (
        "paragraph",
        '[1]: https://example.org/r "Report"',
        "[2]: https://x.org",
    )
    assert second.msgid == "Then ![a map][1] and [more][2]."
    assert second.comments == ("paragraph", "[1]: map.png", "[2]: https://example.org/more")
    assert [link.image for link in second.links] == [True, False]


def test_hard_breaks_and_soft_breaks() -> None:
    (block,) = parse("First line  \nsecond line\nthird. Next one.\\\nLast.").blocks
    assert [s.msgid for s in block.segments] == [
        "First line\nsecond line third.",
        "Next one.",
        "Last.",
    ]
    assert block.breaks == (0, 1)


@pytest.mark.parametrize(
    ("markdown", "msgid"),
    [
        ("50% of U.S. groups (and others) — it’s", "50% of U.S. groups (and others) — it’s"),
        ("5 * 3 and snake_case", "5 * 3 and snake_case"),
        ("\\*not emphasis\\*", "\\*not emphasis\\*"),
        ("\\_not\\_ either", "\\_not\\_ either"),
        ("a \\` tick", "a \\` tick"),
        ("back\\\\slash", "back\\\\slash"),
        ("1 < 2 and \\<b> literal", "1 < 2 and \\<b> literal"),
        ("AT&T and &amp; and &nbsp;", "AT&T and &amp; and &nbsp;"),
        ("\\&amp; literal", "\\&amp; literal"),
        ("wow, \\!\\[not image\\](x)", "wow, \\![not image\\](x)"),
        ("[sic] stays", "[sic] stays"),
        ("\\[1\\] is not a link", "\\[1] is not a link"),
        (
            "*em* and _em_ and **strong** and __strong__",
            "*em* and _em_ and **strong** and __strong__",
        ),
        ("``code with ` tick``", "``code with ` tick``"),
        ("<b>inline</b> html", "<b>inline</b> html"),
        ("<https://example.org/auto>", "<https://example.org/auto>"),
        ("non\u00a0breaking\u202fspaces", "non\u00a0breaking\u202fspaces"),
        ("\\# not a heading", "# not a heading"),
        ("2022\\. not a list", "2022. not a list"),
    ],
)
def test_msgid_escaping_is_minimal_and_exact(markdown: str, msgid: str) -> None:
    (segment,) = parse(markdown).segments()
    assert segment.msgid == msgid
    rebuilt = restore(segment.msgid, segment.links, segment.msgid)
    md = MarkdownIt("commonmark")
    assert md.renderInline(rebuilt) == md.renderInline(markdown)


@pytest.mark.parametrize(
    "inline",
    [
        "[a [b] c](u) and [x](y (z))",
        "***both*** and **_mixed_** and *__m__*",
        "[![img](i.png)](https://x.org) after",
        "a]b [c] [d](e) [f][g]",
        "*a* b* c *d",
        "\\[x\\](y) and \\[z\\]\\[1\\]",
        "&copy; \\&copy; &#x41;",
    ],
)
def test_serialize_round_trip(inline: str) -> None:
    children = INLINE_PARSER.parseInline(inline)[0].children
    text = serialize(children)
    markdown = restore(text.text, text.targets, text.text)
    md = MarkdownIt("commonmark")
    assert md.renderInline(markdown) == md.renderInline(inline)


PIECES = st.sampled_from(
    list("ab *_`[]()!<>&\\#;:/.\"'")
    + [
        "&amp;",
        "&nbsp;",
        "<b>",
        "</b>",
        "<https://x.y>",
        "](u)",
        "[1]",
        "  \n",
        "\n",
        "x@y.z",
        "&#42;",
        "***",
        "__",
    ]
)


def _html(markdown: str) -> str:
    html = re.sub(r"\s+", " ", MarkdownIt("commonmark").renderInline(markdown))
    return html.replace(" <br", "<br")


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(PIECES, max_size=30))
def test_msgids_parse_back_to_the_source_markup(pieces: list[str]) -> None:
    source = "".join(pieces).strip()
    text = serialize(INLINE_PARSER.parseInline(source)[0].children)
    markdown = restore(text.text, text.targets, text.text)
    expected = _html(source)
    if expected.startswith("<br") or expected.endswith("<br /> "):
        return  # a leading or trailing hard break is dropped with the whitespace
    assert _html(markdown.replace("\n", "\\\n")) == expected


def test_no_split_directive() -> None:
    text = "<!-- terjime: no-split -->\nOne. Two.\n\nThree. Four.\n"
    assert pairs(text) == [
        ("paragraph", "One. Two."),
        ("paragraph", "Three."),
        ("paragraph", "Four."),
    ]
    blocks = parse(text).blocks
    assert [b.split for b in blocks] == [False, True]


def test_no_split_covers_a_whole_list() -> None:
    text = "<!-- terjime: no-split -->\n- One. Two.\n- Three. Four.\n\nFive. Six.\n"
    assert [s.msgid for s in parse(text).segments()] == [
        "One. Two.",
        "Three. Four.",
        "Five.",
        "Six.",
    ]


def test_signatories_directive_nested_and_blank_line() -> None:
    text = "- intro\n\n  <!-- terjime: signatories -->\n\n  - Dr. A. One\n  - B. Two\n"
    segments = parse(text).segments()
    assert [(s.msgctxt, s.msgid, s.kind) for s in segments] == [
        (None, "intro", "bullet list item"),
        ("signatory", "Dr. A. One", "signatory"),
        ("signatory", "B. Two", "signatory"),
    ]


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        ("Text.\n\n<!-- terjime: shout -->\nMore.", 3, "unknown directive 'shout'"),
        ("<!-- terjime: signatories -->\nNot a list.", 1, "must precede a list"),
        ("<!-- terjime: no-split -->\n```\ncode\n```", 1, "must precede translatable text"),
        ("Text.\n\n<!-- terjime: no-split -->\n", 3, "must come before a block"),
        ("- <!-- terjime: no-split -->\n\nText.", 1, "must come before a block"),
        ("<!-- terjime:no-split extra -->\nText.", 1, "unknown directive"),
    ],
)
def test_directive_errors(markdown: str, line: int, message: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse(markdown)
    assert info.value.line == line
    assert str(info.value).startswith(f"source/statement.md:{line}: ")
    assert message in str(info.value)


def test_document_error_format() -> None:
    assert str(DocumentError("source/x.md", 12, "bad")) == "source/x.md:12: bad"
    assert str(DocumentError("source/x.md", None, "bad")) == "source/x.md: bad"
    assert isinstance(DocumentError("a", 1, "b"), ValueError)


def test_load_document(tmp_path: Path) -> None:
    path = tmp_path / "statement.md"
    path.write_bytes("\ufeff# Title\n\nText.\n".encode())
    document = load_document(path, "source/statement.md")
    assert document.name == "statement"
    assert document.path == "source/statement.md"
    assert [s.msgid for s in document.segments()] == ["Title", "Text."]
    assert load_document(path).path == path.as_posix()


def test_load_document_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"# Title\n\nfine\nbroken \xff here\n")
    with pytest.raises(DocumentError) as info:
        load_document(path, "source/bad.md")
    assert str(info.value).startswith("source/bad.md:4: not valid UTF-8")


def test_load_document_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as info:
        load_document(tmp_path / "missing.md", "source/missing.md")
    assert str(info.value).startswith("source/missing.md: cannot read")
    with pytest.raises(DocumentError):
        load_document(tmp_path)


def test_crlf_and_nul_are_handled() -> None:
    document = parse("# Title\r\n\r\n> quote\x00d\r\n")
    assert [s.msgid for s in document.segments()] == ["Title", "quote\ufffdd"]
    assert document.blocks[1].prefix == "> "


@pytest.mark.parametrize(
    "markdown",
    [
        ">" * 10000 + " deep",
        "- " * 10000 + "deep",
        "1. " * 5000 + "deep",
        "*" * 10000 + "x" + "*" * 10000,
        "[" * 10000 + "x" + "](u)" * 10000,
        "![" * 3000 + "x" + "](u)" * 3000,
        "`" * 10000,
        "\n".join("  " * i + "- item" for i in range(2000)),
    ],
    ids=["blockquotes", "bullets", "ordered", "emphasis", "links", "images", "ticks", "indents"],
)
def test_deep_nesting_does_not_crash(markdown: str) -> None:
    document = parse(markdown)
    for segment in document.segments():
        restore(segment.msgid, segment.links, segment.msgid)


def test_large_document_parses() -> None:
    text = (STATEMENT.replace("<!-- terjime: signatories -->\n", "") + "\n") * 200
    segments = parse(text).segments()
    assert len(segments) == 200 * 14
