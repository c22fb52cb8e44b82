"""The PO codec: msgcat's layout byte for byte, lossless round trips, precise errors."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import pofile
from app.core.catalog import Catalog, Entry
from app.core.pofile import PoSyntaxError, format_po, format_po_bytes, parse_po, read_po, write_po

# A file in msgcat --no-wrap layout with every shape the codec knows.
CANONICAL = r"""# Uyghur translation of the statement.
# Copyright the translators.
#
msgid ""
msgstr ""
"Project-Id-Version: statement\n"
"Report-Msgid-Bugs-To: \n"
"POT-Creation-Date: 2024-05-01 10:00+0000\n"
"PO-Revision-Date: 2024-05-02 09:00+0000\n"
"Last-Translator: Terjime volunteers\n"
"Language-Team: Uyghur\n"
"Language: ug\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#. heading
#: source/statement.md:1
msgid "Stop the deportations"
msgstr "قايتۇرۇپ بېرىشنى توختىتىڭ"

# checked by the editor
#  indented translator note
#
#. paragraph
#. second extracted line
#: source/statement.md:3 source/statement.md:4
msgid "They said \"no\" to a tab\there and a backslash \\ here."
msgstr "ئۇلار «ياق» دېدى\tبۇ يەردە \\ بار."

#: source/statement.md:5
#, fuzzy
#| msgid "Governments must protect Uyghurs."
msgid "Governments must protect Uyghurs at risk."
msgstr "ھۆكۈمەتلەر ئۇيغۇرلارنى قوغدىشى كېرەك."

#: source/statement.md:7
#, fuzzy
#| msgctxt "old"
#| msgid ""
#| "First line\n"
#| "second line"
msgctxt "signatory"
msgid ""
"Line one\n"
"line two\n"
msgstr ""
"بىرىنچى\n"
"ئىككىنچى\n"

#: source/statement.md:9
msgid "Ends with a newline\n"
msgstr ""

#: source/statement.md:10
msgid "A long sentence that goes past seventy-nine columns: --no-wrap keeps it on one line."
msgstr "ئۇزۇن جۈملە، يەتمىش توققۇز ئىستوندىن ئېشىپ كېتىدۇ: --no-wrap بىر قۇردا ساقلايدۇ."

#: source/a-rather-long-file-name-for-wrapping.md:11
#: source/a-rather-long-file-name-for-wrapping.md:12 source/other.md:13
#, c-format, no-wrap
msgid "%d signatory"
msgid_plural "%d signatories"
msgstr[0] "%d ئىمزا"
msgstr[1] "%d ئىمزالار"

#, fuzzy
#| msgid "One old"
#| msgid_plural "Many old"
msgid "One new"
msgid_plural "Many new"
msgstr[0] "بىر"
msgstr[1] "كۆپ"

msgctxt "signatory"
msgid "Human Rights Watch"
msgstr "كىشىلىك ھوقۇق كۆزىتىش تەشكىلاتى"

msgid "Bell \a backspace \b formfeed \f vertical \v return \r"
msgstr ""

# kept for the record
#. paragraph
#: source/statement.md:2
#~ msgid "A removed sentence."
#~ msgstr "ئۆچۈرۈلگەن جۈملە."

#, fuzzy
#~| msgid "An older removed sentence."
#~ msgid ""
#~ "A removed sentence\n"
#~ "on two lines."
#~ msgstr "ئۆچۈرۈلگەن."

#~ msgctxt "signatory"
#~ msgid "One"
#~ msgid_plural "Many"
#~ msgstr[0] "بىر"
#~ msgstr[1] "كۆپ"
"""


def msgcat(path: Path) -> bytes:
    """What ``msgcat --no-wrap`` makes of ``path`` (it must accept the file)."""
    tool = require_tool("msgcat")
    done = subprocess.run([tool, "--no-wrap", "--force-po", str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode() + path.read_text(encoding="utf-8")
    return done.stdout


# --- layout -----------------------------------------------------------------------------


def test_canonical_text_round_trips_exactly() -> None:
    assert format_po(parse_po(CANONICAL)) == CANONICAL


@pytest.mark.system
def test_canonical_text_is_what_msgcat_writes(tmp_path: Path) -> None:
    path = tmp_path / "canonical.po"
    path.write_text(CANONICAL, encoding="utf-8")
    assert msgcat(path) == CANONICAL.encode("utf-8")


def test_parse_reads_every_field() -> None:
    catalog = parse_po(CANONICAL)
    assert catalog.header["Language"] == "ug"
    assert catalog.header["Report-Msgid-Bugs-To"] == ""
    assert catalog.header_comments == [
        "Uyghur translation of the statement.",
        "Copyright the translators.",
        "",
    ]
    quoted = catalog.entries[1]
    assert quoted.msgid == 'They said "no" to a tab\there and a backslash \\ here.'
    assert quoted.comments == ["checked by the editor", " indented translator note", ""]
    assert quoted.auto_comments == ["paragraph", "second extracted line"]
    assert quoted.locations == ["source/statement.md:3", "source/statement.md:4"]
    amended = catalog.entries[2]
    assert amended.fuzzy and amended.previous_msgid == "Governments must protect Uyghurs."
    multi = catalog.entries[3]
    assert multi.key == ("signatory", "Line one\nline two\n")
    assert (multi.previous_msgctxt, multi.previous_msgid) == ("old", "First line\nsecond line")
    plural = catalog.entries[6]
    assert plural.msgid_plural == "%d signatories"
    assert plural.msgstr_plural == {0: "%d ئىمزا", 1: "%d ئىمزالار"}
    assert plural.flags == ["c-format", "no-wrap"]
    assert catalog.entries[7].previous_msgid_plural == "Many old"
    assert catalog.entries[9].msgid == "Bell \a backspace \b formfeed \f vertical \v return \r"
    obsolete = catalog.obsolete
    assert [e.msgid for e in obsolete] == [
        "A removed sentence.",
        "A removed sentence\non two lines.",
        "One",
    ]
    assert obsolete[0].comments == ["kept for the record"]
    assert obsolete[1].previous_msgid == "An older removed sentence."
    assert obsolete[2].msgctxt == "signatory" and obsolete[2].msgstr_plural == {0: "بىر", 1: "كۆپ"}


@pytest.mark.system
def test_wrapped_files_from_other_tools_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "canonical.po"
    path.write_text(CANONICAL, encoding="utf-8")
    tool = require_tool("msgcat")
    wrapped = subprocess.run([tool, "--width=40", str(path)], check=True, capture_output=True)
    text = wrapped.stdout.decode("utf-8")
    assert '"vertical \\v return \\r"' in text  # really wrapped
    assert parse_po(text) == parse_po(CANONICAL)


def test_fast_and_slow_paths_agree() -> None:
    assert pofile._parse(CANONICAL, "x.po", fast=False) == parse_po(CANONICAL)


def odd_catalog() -> Catalog:
    """Entries in shapes our model allows but msgcat normalises: we must normalise alike."""
    long = "source/" + "x" * 60 + ".md"
    return Catalog(
        header={"Project-Id-Version": "odd", "Content-Type": "text/plain; charset=ISO-8859-1"},
        header_flags=["fuzzy"],
        entries=[
            Entry("refs", "r", locations=[f"{long}:1", f"{long}:2", f"{long}:2", "./b.md:007"]),
            Entry("flags", "f", flags=["no-wrap", "python-format", "fuzzy", "c-format"]),
            Entry("untranslated fuzzy", "", flags=["fuzzy"]),
            Entry("plural fuzzy", msgid_plural="p", msgstr_plural={0: "", 1: "x"}, flags=["fuzzy"]),
            Entry("gone", "eski", obsolete=True),
            Entry("gone untranslated", "", obsolete=True, comments=["dropped, as msgcat does"]),
            Entry("after obsolete", "keyin", comments=[""], auto_comments=[""]),
            Entry("\nstarts", "a\n\nb"),
            Entry("only\n", "\n"),
            Entry("two\n\n", "x"),
            Entry("", "empty msgid with context", msgctxt="ctx"),
            Entry("rtl \u200f mark \u00a0 and \x01 control", "ok"),
        ],
    )


@pytest.mark.system
def test_odd_shapes_come_out_exactly_as_msgcat_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "odd.po"
    write_po(path, odd_catalog())
    assert msgcat(path) == path.read_bytes()
    text = path.read_text(encoding="utf-8")
    assert "charset=UTF-8" in text
    assert text.index('msgid "after obsolete"') < text.index('#~ msgid "gone"')


@pytest.mark.system
def test_output_passes_msgfmt_check(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    path = tmp_path / "ug.po"
    write_po(path, parse_po(CANONICAL))
    subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], check=True)


def test_unchanged_resave_is_identical_and_one_edit_is_a_small_diff() -> None:
    catalog = parse_po(CANONICAL)
    assert format_po(parse_po(format_po(catalog))) == CANONICAL
    catalog.entries[4].msgstr = "يېڭى تەرجىمە"
    diff = [
        line
        for line in difflib.unified_diff(CANONICAL.splitlines(), format_po(catalog).splitlines())
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert diff == ['-msgstr ""', '+msgstr "يېڭى تەرجىمە"']


def test_line_endings_and_byte_order_mark_are_accepted() -> None:
    text = "\ufeff" + CANONICAL.replace("\n", "\r\n")
    assert format_po(parse_po(text)) == CANONICAL


def test_a_missing_content_type_is_added_and_foreign_charsets_become_utf8() -> None:
    text = format_po(Catalog(header={"Language": "tr"}, entries=[Entry("a", "b")]))
    assert 'msgstr ""\n"Language: tr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n' in text


# --- property ---------------------------------------------------------------------------

# Everything gettext can carry in a string: no NUL, no EOT (its context separator in MO
# files); surrogates are not text.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x04"), max_size=40
)
CHUNK = st.sampled_from(['"', "\\", "\n", "\t", "\r", "\\n", 'a"b', "ü", "ئۇ", " ", "%s"])
STRING = st.lists(st.one_of(TEXT, CHUNK), max_size=6).map("".join)
# A comment is one line: no line break (CRLF files are read as LF), and no backslash at its
# end (gettext's reader would join the next line to it).
COMMENT = STRING.filter(lambda s: "\n" not in s and "\r" not in s and not s.endswith("\\"))
WORD = st.from_regex(r"[a-z][a-z._/-]{0,11}", fullmatch=True)
FLAGS = st.lists(st.sampled_from(["c-format", "python-format", "no-wrap"]), unique=True).map(
    lambda flags: sorted(flags, key=["c-format", "python-format", "no-wrap"].index)
)


# Mostly what real catalogues hold (so that most entries are read as raw text, in our
# layout), now and then anything at all.
PLAIN = st.text(st.sampled_from([*"Uyghur rights, 'quoted' \"text\". ئۇيغۇر ü%", "\\", "\t"]))
USUAL = st.one_of(PLAIN, PLAIN, PLAIN, STRING)
USUAL_COMMENT = st.one_of(PLAIN, COMMENT).filter(lambda s: "\n" not in s and not s.endswith("\\"))


@st.composite
def entries(draw: st.DrawFn, obsolete: bool = False, usual: bool = False) -> Entry:
    text = USUAL if usual else STRING
    plural = draw(st.booleans()) and not (usual and draw(st.integers(0, 5)))
    msgstr = draw(text)
    forms = {i: draw(text) for i in range(draw(st.integers(1, 3)))} if plural else {}
    translated = bool(forms.get(0)) if plural else bool(msgstr)
    fuzzy = translated and draw(st.booleans())
    previous = draw(st.none() | text) if fuzzy else None
    references = st.lists(WORD.map(lambda w: f"{w}:{len(w)}"), unique=True, max_size=4)
    return Entry(
        msgid=draw(text.filter(bool)),
        msgstr="" if plural else msgstr,
        msgctxt=draw(st.none() | text),
        msgid_plural=draw(text) if plural else None,
        msgstr_plural=forms,
        locations=draw(references.map(lambda refs: refs[: 1 + len(refs) // 3] if usual else refs)),
        auto_comments=draw(st.lists(USUAL_COMMENT if usual else COMMENT, max_size=2)),
        comments=draw(st.lists(USUAL_COMMENT if usual else COMMENT, max_size=2)),
        flags=(["fuzzy"] if fuzzy else []) + draw(st.just([]) if usual else FLAGS),
        previous_msgctxt=draw(st.none() | text) if previous is not None else None,
        previous_msgid=previous,
        previous_msgid_plural=draw(st.none() | text) if previous is not None and plural else None,
        obsolete=obsolete,
    )


@st.composite
def catalogs(draw: st.DrawFn, usual: bool = False) -> Catalog:
    active = draw(st.lists(entries(usual=usual), max_size=8, unique_by=lambda e: e.key))
    retired = draw(
        st.lists(
            entries(obsolete=True).filter(lambda e: e.msgstr or e.msgstr_plural.get(0)),
            max_size=3,
            unique_by=lambda e: e.key,
        )
    )
    keys = {e.key for e in active}
    return Catalog(
        header={"Language": "ug", "Content-Type": "text/plain; charset=UTF-8"},
        header_comments=draw(st.lists(WORD, max_size=2)),
        entries=active + [e for e in retired if e.key not in keys],
    )


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_parse_reproduces_what_format_wrote(catalog: Catalog) -> None:
    text = format_po(catalog)
    assert parse_po(text) == catalog
    assert pofile._parse(text, "x", fast=False) == catalog


@pytest.mark.system
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_random_catalogues_are_in_msgcat_layout(tmp_path_factory, catalog: Catalog) -> None:
    path = tmp_path_factory.mktemp("prop") / "random.po"
    write_po(path, catalog)
    assert msgcat(path) == path.read_bytes()


# --- errors -----------------------------------------------------------------------------

ERRORS = [
    ('msgid "a"\nmsgstr "b\n', 2, "unterminated string"),
    ('msgid "a"\nmsgstr "b"\n\nthis is garbage\n', 4, "syntax error"),
    ('# comment\nmsgstr "b"\n', 2, "msgstr without msgid"),
    ('msgid "a"\nmsgstr "b\\q"\n', 2, "invalid control sequence"),
    ('msgid "a"\nmsgstr "x"\n\nmsgid "b"\nmsgstr ""\n\nmsgid "a"\nmsgstr "y"\n', 7, "duplicate"),
    ('msgctxt "c"\nmsgid "a"\nmsgstr ""\n\nmsgctxt "c"\nmsgid "a"\nmsgstr ""\n', 6, "duplicate"),
    ('msgid "a" junk\nmsgstr ""\n', 1, "unexpected text after the closing quote"),
    ('msgid "a "quoted" word"\nmsgstr ""\n', 1, "unexpected text"),
    ('msgid "a"\n"continued\nmsgstr ""\n', 2, "unterminated string"),
    ('msgid "a"\nmsgid_plural "b"\nmsgstr "c"\n', 3, "msgstr[0]"),
    ('msgid "a"\nmsgstr[0] "c"\n', 2, "without msgid_plural"),
    ('msgid "a"\n', 2, "msgstr missing"),
    ('"orphan string"\n', 1, "without a keyword"),
    ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', 3, "second msgstr"),
    ('msgid "a"\nmsgstr "x"\n\n#~ msgid "a"\n#~ msgstr "y"\n', 4, "duplicate"),
    ('msgidx "a"\nmsgstr ""\n', 1, "unknown keyword"),
]


@pytest.mark.parametrize(("text", "line", "message"), ERRORS)
def test_syntax_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    body = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    with pytest.raises(PoSyntaxError) as caught:
        parse_po(body + text, "locales/ug/LC_MESSAGES/statement.po")
    error = caught.value
    assert (error.filename, error.line) == ("locales/ug/LC_MESSAGES/statement.po", line + 3)
    assert message in error.message
    assert str(error) == f"locales/ug/LC_MESSAGES/statement.po:{line + 3}: {error.message}"
    assert isinstance(error, ValueError) and "\n" not in str(error)


def test_invalid_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    data = format_po(parse_po(CANONICAL)).encode("utf-8").split(b"\n")
    data[20] = data[20][:-3] + b'\xff"'
    path.write_bytes(b"\n".join(data))
    with pytest.raises(PoSyntaxError, match=r"bad\.po:21: invalid byte"):
        read_po(path)


def test_unknown_charset_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.po"
    path.write_text(CANONICAL.replace("charset=UTF-8", "charset=KLINGON"), encoding="utf-8")
    with pytest.raises(PoSyntaxError, match=r"odd\.po:14: unknown charset 'KLINGON'"):
        read_po(path)


def test_other_charsets_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    text = CANONICAL.replace("charset=UTF-8", "charset=ISO-8859-1").split("\n#. heading")[0]
    path.write_bytes((text + '\n\nmsgid "Grüße"\nmsgstr "Größe"\n').encode("latin-1"))
    catalog = read_po(path)
    assert catalog.entries[0].msgstr == "Größe"
    assert "charset=UTF-8" in format_po(catalog)


def test_octal_and_hex_escapes_are_bytes_of_the_file() -> None:
    text = 'msgid "\\303\\251t\\x41"\nmsgstr ""\n'
    assert parse_po(text).entries[0].msgid == "étA"


def test_a_pot_placeholder_charset_reads_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "new.pot"
    path.write_text(CANONICAL.replace("charset=UTF-8", "charset=CHARSET"), encoding="utf-8")
    assert read_po(path).entries[0].msgstr == "قايتۇرۇپ بېرىشنى توختىتىڭ"


# --- writing ----------------------------------------------------------------------------


def test_write_is_skipped_when_nothing_changed(tmp_path: Path) -> None:
    path = tmp_path / "ug.po"
    catalog = parse_po(CANONICAL)
    write_po(path, catalog)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    write_po(path, parse_po(path.read_text(encoding="utf-8")))
    assert path.stat().st_mtime_ns == 1_000_000_000
    catalog.entries[0].msgstr = "باشقا"
    write_po(path, catalog)
    assert path.stat().st_mtime_ns != 1_000_000_000
    assert read_po(path).entries[0].msgstr == "باشقا"


def test_a_failed_write_leaves_the_old_file_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ug.po"
    write_po(path, parse_po(CANONICAL))
    path.chmod(0o640)
    before = path.read_bytes()

    def broken_replace(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pofile.os, "replace", broken_replace)
    catalog = parse_po(CANONICAL)
    catalog.entries[0].msgstr = "x"
    with pytest.raises(OSError, match="disk full"):
        write_po(path, catalog)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ug.po"]
    monkeypatch.undo()
    write_po(path, catalog)
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ug.po"]


# --- raw entries ------------------------------------------------------------------------
# A file in our own layout is read as raw text and written back by copying it (see
# app.core.pofile). Whatever the input, the result must be byte for byte what the
# straightforward path gives: the line parser into plain entries, then the formatter.


def straightforward(text: str) -> str:
    """The line parser's catalogue (after parse_po's own line-end clean-up), formatted."""
    return format_po(pofile._parse(text.replace("\r\n", "\n"), "x", fast=False))


def raw_items(catalog: Catalog) -> list[object]:
    raw = pofile.raw_entries(catalog)
    assert raw is not None, "the catalogue was not read as raw entries"
    return raw.items


def test_entries_in_our_layout_are_kept_as_raw_text() -> None:
    catalog = parse_po(CANONICAL)
    kinds = ["raw" if not isinstance(item, Entry) else "-" for item in raw_items(catalog)]
    # Decoded: two references on a line, multi-line strings, plurals, obsolete entries.
    assert kinds == ["raw", "-", "raw", "-", "raw", "raw", "-", "-", "raw", "raw", "-", "-", "-"]
    assert format_po(catalog) == CANONICAL
    assert format_po_bytes(catalog) == CANONICAL.encode("utf-8")
    assert catalog.entries == pofile._parse(CANONICAL, "x", fast=False).entries
    assert pofile.raw_entries(catalog) is None  # decoded once read: now the plain model


def relayout(draw: st.DrawFn, text: str) -> str:
    """``text`` (in our layout) rewritten as other tools may write it, meaning unchanged:
    msgcat's wrapped strings, octal escapes, raw tabs, references spread over lines or with
    "./", comments without their space, blank lines doubled, CRLF line ends."""
    out: list[str] = []
    for line in text.split("\n"):
        keyword, _, rest = line.partition(' "')
        if keyword in ("msgid", "msgstr", "msgctxt") and rest.endswith('"') and draw(CHANGE):
            content = rest[:-1]
            if draw(st.booleans()):  # \" as an octal escape, \t as a raw tab: same string
                content = ESCAPE.sub(lambda m: OTHER_ESCAPES.get(m.group(), m.group()), content)
            inside = {i for m in ESCAPE.finditer(content) for i in range(m.start() + 1, m.end())}
            cuts = draw(st.sets(st.integers(0, len(content)), max_size=3)) - inside
            pieces, start = [], 0
            for cut in sorted(cuts):
                pieces.append(content[start:cut])
                start = cut
            pieces.append(content[start:])
            out.append(f'{keyword} ""')
            out.extend(f'"{piece}"' for piece in pieces)
            continue
        if line.startswith("#: ") and draw(CHANGE):
            for reference in line[3:].split():
                out.append("#: ./" + reference if draw(st.booleans()) else "#: " + reference)
            continue
        if line[:3] in ("# ", "#. ", "#, ") and line[3:4] not in ("", " ") and draw(CHANGE):
            line = line[:2] + line[3:] if line[:2] != "# " else "#" + line[2:]
        if line == "" and draw(CHANGE):
            out.append("")
        out.append(line)
    text = "\n".join(out)
    return text.replace("\n", "\r\n") if draw(CHANGE) else text


CHANGE = st.integers(0, 4).map(lambda n: n == 0)  # a fifth of the time
ESCAPE = re.compile(r"\\(?:[0-7]{1,3}|.)")
OTHER_ESCAPES = {'\\"': "\\042", "\\t": "\t"}


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(usual=True) | catalogs(), st.data())
def test_raw_path_writes_what_the_straightforward_path_writes(
    catalog: Catalog, data: st.DataObject
) -> None:
    canonical = format_po(catalog)  # a built catalogue: formatted from its entries
    assert parse_po(canonical) == catalog  # decoding the raw entries gives the model
    for text in (canonical, relayout(data.draw, canonical)):
        parsed = parse_po(text)
        assert format_po(parsed) == straightforward(text) == canonical
        assert format_po_bytes(parse_po(text)) == canonical.encode("utf-8")
        assert parsed == pofile._parse(text.replace("\r\n", "\n"), "x", fast=False)


@pytest.mark.system
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(usual=True))
def test_msgcat_default_wrapping_reads_and_writes_as_the_straightforward_path(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog
) -> None:
    tool = require_tool("msgcat")
    path = tmp_path_factory.mktemp("wrap") / "ug.po"
    canonical = format_po(catalog)
    path.write_text(canonical, encoding="utf-8")
    done = subprocess.run([tool, "--force-po", str(path)], capture_output=True, check=True)
    wrapped = done.stdout.decode("utf-8")  # msgcat's default: strings wrapped at 79 columns
    assert format_po(parse_po(wrapped)) == straightforward(wrapped) == canonical
    path.write_bytes(done.stdout)
    assert format_po_bytes(read_po(path)) == canonical.encode("utf-8")


MUTATIONS = st.sampled_from(
    [
        lambda e: setattr(e, "msgstr", e.msgstr + " (edited)"),
        lambda e: setattr(e, "msgid", e.msgid + " (edited)"),
        lambda e: setattr(e, "msgctxt", "new context"),
        lambda e: setattr(e, "obsolete", not e.obsolete),
        lambda e: setattr(e, "fuzzy", not e.fuzzy),
        lambda e: e.locations.append("source/added.md:9"),
        lambda e: e.auto_comments.insert(0, "added"),
        lambda e: e.comments.clear(),
        lambda e: setattr(e, "previous_msgid", "an older text"),
        lambda e: e.msgstr_plural.update({0: "bir"}) if e.msgid_plural else None,
    ]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(usual=True), st.data())
def test_changes_after_reading_are_written_not_the_stale_raw_text(
    catalog: Catalog, data: st.DataObject
) -> None:
    text = format_po(catalog)
    raw, plain = parse_po(text), pofile._parse(text, "x", fast=False)
    for _ in range(data.draw(st.integers(1, 3))):
        if not plain.entries:
            break
        i = data.draw(st.integers(0, len(plain.entries) - 1))
        mutate = data.draw(MUTATIONS)
        mutate(raw.entries[i])
        mutate(plain.entries[i])
    if data.draw(st.booleans()):
        raw.entries.append(Entry("appended", "qoshuldi"))
        plain.entries.append(Entry("appended", "qoshuldi"))
    try:
        expected = format_po(plain)
    except KeyError:  # a mutation made two keys equal: nothing to compare
        return
    assert format_po(raw) == expected
    assert format_po_bytes(raw) == expected.encode("utf-8")


def test_every_escape_and_odd_string_reads_as_the_line_parser_reads_it() -> None:
    body = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
    cases = [
        ('msgid "tab\\there"\nmsgstr "\\\\ and \\"q\\""\n', True),  # canonical escapes: raw
        ('msgid "ends\\n"\nmsgstr "x"\n', True),
        ('msgid "\\101"\nmsgstr "octal"\n', False),  # valid, not our layout: decoded
        ('msgid "raw\ttab"\nmsgstr "x"\n', False),
        ('msgid "in\\nside"\nmsgstr "x"\n', False),
        ('msgid "bell\\a"\nmsgstr "\\x41"\n', False),
        ('#: a.md:1\n#: b.md:2\nmsgid "two lines"\nmsgstr "x"\n', False),
        ('#: ./a.md:007\nmsgid "normalised"\nmsgstr "x"\n', False),
        ('#: a.md:0\nmsgid "line zero"\nmsgstr "x"\n', True),
        ('#: a.md:0012345\nmsgid "padded line"\nmsgstr "x"\n', False),
        ('#: a.md:123456789\nmsgid "long line number"\nmsgstr "x"\n', False),  # not raw: safe
        ('#: x:0y:5\nmsgid "only the last colon counts"\nmsgstr "x"\n', True),
        ('#: a.md:1 b.md:2\nmsgid "two on a line"\nmsgstr "x"\n', False),
        ('#: a\u00a0b:1\nmsgid "a no-break space splits a reference"\nmsgstr "x"\n', False),
        ('#. \nmsgid "empty comment with a space"\nmsgstr "x"\n', False),
        ('#, fuzzy\nmsgid "fuzzy, untranslated"\nmsgstr ""\n', False),
        ('#, fuzzy\n#| msgctxt "c"\n#| msgid "o\\"ld"\nmsgid "new"\nmsgstr "y"\n', True),
        ('#| msgid "previous, not fuzzy"\nmsgid "p"\nmsgstr "y"\n', True),
        ('msgctxt ""\nmsgid ""\nmsgstr "empty context and msgid"\n', True),
    ]
    for case, raw in cases:
        text = f"{body}\n{case}"
        catalog = parse_po(text)
        assert isinstance(raw_items(catalog)[0], Entry) is not raw, case
        assert format_po(catalog) == straightforward(text), case
        assert catalog.entries == pofile._parse(text, "x", fast=False).entries, case


@pytest.mark.parametrize(
    "case",
    [
        'msgid "abc\\"\n"\nmsgstr ""\n',  # an escaped quote where the closing one should be
        'msgid "a"\nmsgstr "x\\"\n"\n',
        'msgid "a"\nmsgstr "x\\" y\\"\n"\n',
        '#, fuzzy\n#| msgid "o\\"\n"\nmsgid "a"\nmsgstr "x"\n',
        'msgid "a"\nmsgstr "x" y"\n',  # an unescaped quote
        'msgid "a"\nmsgstr "x\\\\" y"\n',  # an escaped backslash, then an unescaped quote
        'msgid "a"\nmsgstr "\\q"\n',
        'msgid "a\\"\nmsgstr ""\n',
    ],
)
def test_broken_strings_fail_as_the_line_parser_fails(case: str) -> None:
    text = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#. c\n' + case
    with pytest.raises(PoSyntaxError) as expected:
        straightforward(text)
    with pytest.raises(PoSyntaxError) as caught:
        parse_po(text, "x")
    assert (caught.value.line, caught.value.message) == (
        expected.value.line,
        expected.value.message,
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(usual=True), st.data())
def test_damaged_files_fail_as_the_line_parser_fails(catalog: Catalog, data: st.DataObject) -> None:
    text = format_po(catalog)
    quotes = [i for i, c in enumerate(text) if c == '"']  # where damage is most telling
    at = data.draw(st.sampled_from(quotes) | st.integers(0, len(text) - 1))
    after = at + data.draw(
        st.sampled_from([0, 1])
    )  # insert before the character there, or replace it
    damaged = text[:at] + data.draw(st.sampled_from(['"', "\\", "\n", "#", "x", ""])) + text[after:]
    try:
        expected = straightforward(damaged)
    except PoSyntaxError as error:
        with pytest.raises(PoSyntaxError) as caught:
            parse_po(damaged, "x")
        assert (caught.value.line, caught.value.message) == (error.line, error.message)
    else:
        assert format_po(parse_po(damaged)) == expected


def test_an_entry_spread_over_blank_lines_is_one_entry() -> None:
    text = (
        'msgid ""\nmsgstr ""\n\n# note\n\n#. auto\n\nmsgid "a"\n\nmsgstr "b"\n\n'
        'msgid "c"\nmsgstr "d"\n'
    )
    catalog = parse_po(text)
    assert [(e.comments, e.auto_comments, e.msgid) for e in catalog.entries] == [
        (["note"], ["auto"], "a"),
        ([], [], "c"),
    ]
    assert format_po(parse_po(text)) == straightforward(text)
