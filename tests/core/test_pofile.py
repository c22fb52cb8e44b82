"""The PO codec: msgcat's layout byte for byte, lossless round trips, precise errors."""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import pofile
from app.core.catalog import Catalog, Entry
from app.core.pofile import PoSyntaxError, format_po, parse_po, read_po, write_po

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


@st.composite
def entries(draw: st.DrawFn, obsolete: bool = False) -> Entry:
    plural = draw(st.booleans())
    msgstr = draw(STRING)
    forms = {i: draw(STRING) for i in range(draw(st.integers(1, 3)))} if plural else {}
    translated = bool(forms.get(0)) if plural else bool(msgstr)
    fuzzy = translated and draw(st.booleans())
    previous = draw(st.none() | STRING) if fuzzy else None
    return Entry(
        msgid=draw(STRING.filter(bool)),
        msgstr="" if plural else msgstr,
        msgctxt=draw(st.none() | STRING),
        msgid_plural=draw(STRING) if plural else None,
        msgstr_plural=forms,
        locations=draw(st.lists(WORD.map(lambda w: f"{w}:{len(w)}"), unique=True, max_size=4)),
        auto_comments=draw(st.lists(COMMENT, max_size=2)),
        comments=draw(st.lists(COMMENT, max_size=2)),
        flags=(["fuzzy"] if fuzzy else []) + draw(FLAGS),
        previous_msgctxt=draw(st.none() | STRING) if previous is not None else None,
        previous_msgid=previous,
        previous_msgid_plural=draw(st.none() | STRING) if previous is not None and plural else None,
        obsolete=obsolete,
    )


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    active = draw(st.lists(entries(), max_size=8, unique_by=lambda e: e.key))
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
