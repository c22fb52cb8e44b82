"""TMX and TBX/CSV glossary files: round trips, tool variants, and hostile or broken input."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.tbx import (
    GlossaryFileError,
    GlossaryRow,
    read_csv,
    read_tbx,
    write_csv,
    write_tbx,
)
from app.core.tmx import (
    TmxError,
    TmxPair,
    language_matches,
    normalise_tag,
    read_tmx,
    write_tmx,
)
from app.core.xmlsafe import XmlError, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<tmx version="1.4"><header srclang="en"/><body><tu>
<tuv xml:lang="en"><seg>&lol9;</seg></tuv><tuv xml:lang="ug"><seg>x</seg></tuv>
</tu></body></tmx>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><header srclang="en"/><body><tu>
<tuv xml:lang="en"><seg>&secret;</seg></tuv></tu></body></tmx>"""

OMEGAT_STYLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          segtype="sentence" srclang="EN-US"/>
  <body>
    <tu>
      <tuv lang="EN-US"><seg>Release <bpt i="1">&lt;b&gt;</bpt>all<ept i="1">&lt;/b&gt;</ept>
 detainees.</seg></tuv>
      <tuv lang="UG-CN"><seg>بارلىق تۇتقۇنلارنى قويۇپ بېرىڭ.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"><seg>Only English.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en-GB"><seg>Stop <hi>now</hi>.</seg></tuv>
      <tuv xml:lang="ug_Arab"><seg>توختىتىڭ.</seg></tuv>
      <tuv xml:lang="tr-TR"><seg>Durdurun.</seg></tuv>
    </tu>
  </body>
</tmx>
""".encode()


# --- safe XML ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused_before_expansion(data: bytes) -> None:
    with pytest.raises(XmlError, match="DTD|entit"):
        parse_xml(data)
    with pytest.raises(TmxError, match="not a TMX file"):
        read_tmx(data, "bomb.tmx")


def test_undefined_entities_and_garbage_are_refused() -> None:
    with pytest.raises(XmlError, match="undefined entity"):
        parse_xml(b"<tmx>&nbsp;</tmx>")
    with pytest.raises(XmlError, match="entit"):
        parse_xml(b'<!DOCTYPE tmx SYSTEM "http://example.invalid/x.dtd"><tmx>&x;</tmx>')
    with pytest.raises(XmlError, match="not well-formed"):
        parse_xml(bytes(range(256)))
    with pytest.raises(XmlError, match="line 2"):
        parse_xml(b"<tmx>\n<body></tmx>")
    with pytest.raises(XmlError):
        parse_xml(b"")


def test_a_plain_doctype_without_declarations_is_accepted() -> None:
    assert parse_xml(b'<!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx/>').tag == "tmx"


# --- TMX ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "code", "expected"), [
    ("ug", "ug", True), ("UG", "ug", True), ("ug-CN", "ug", True), ("ug_Arab", "ug", True),
    ("UG-arab-cn", "ug", True), ("uz", "ug", False), ("ugx", "ug", False),
    ("zh-Hans", "zh_Hans", True), ("zh-Hant", "zh_Hans", False), ("en-US", "en", True),
    ("", "ug", False), ("ug", "", False),
])
def test_language_tags_match_case_insensitively_with_variants(tag: str, code: str,
                                                              expected: bool) -> None:
    assert language_matches(tag, code) is expected


def test_normalise_tag() -> None:
    assert normalise_tag(" UG_cn ") == "ug-cn"


def test_tmx_round_trip_keeps_texts_exactly() -> None:
    pairs = [
        TmxPair("Release <all> detainees & \"now\".", "بارلىق تۇتقۇنلارنى قويۇپ بېرىڭ.",
                dt.datetime(2026, 1, 2, 3, 4, 5), "document statement"),
        TmxPair("  Two\nlines ", "ئىككى\nقۇر", None, ""),
        TmxPair("Bad \x0b control", "ok", None, ""),
    ]
    data = write_tmx(pairs, "en", "ug", tool_version="9.9")
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'creationdate="20260102T030405Z"' in data
    assert b"creationid" not in data  # no names of volunteers in a file that travels
    document = read_tmx(data)
    assert document.srclang == "en"
    assert document.languages() == ["en", "ug"]
    assert document.pairs("en", "ug") == [
        ("Release <all> detainees & \"now\".", "بارلىق تۇتقۇنلارنى قويۇپ بېرىڭ."),
        ("  Two\nlines ", "ئىككى\nقۇر"),
        ("Bad  control", "ok"),
    ]


def test_tmx_from_other_tools_variants_and_inline_codes() -> None:
    document = read_tmx(OMEGAT_STYLE, "omegat.tmx")
    assert document.srclang == "en-us"
    assert document.languages() == ["en-us", "ug-cn", "en", "en-gb", "ug-arab", "tr-tr"]
    assert document.pairs("en", "ug") == [
        ("Release all\n detainees.", "بارلىق تۇتقۇنلارنى قويۇپ بېرىڭ."),
        ("Stop now.", "توختىتىڭ."),
    ]
    assert document.pairs("en", "tr") == [("Stop now.", "Durdurun.")]
    assert document.pairs("en", "ru") == []


def test_tmx_in_utf16_is_read() -> None:
    data = ('<?xml version="1.0" encoding="UTF-16"?><tmx version="1.4"><header srclang="en"/>'
            '<body><tu><tuv xml:lang="en"><seg>Hi</seg></tuv><tuv xml:lang="ug"><seg>سالام</seg>'
            "</tuv></tu></body></tmx>").encode("utf-16")
    assert read_tmx(data).pairs("en", "ug") == [("Hi", "سالام")]


@pytest.mark.parametrize(("data", "message"), [
    (b"<xliff version='1.2'/>", "root element is <xliff>, not <tmx>"),
    (b"<tmx version='1.4'><header srclang='en'/></tmx>", "no <body>"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed"),
    (b"<tmx><body><tu>", "not well-formed"),
])
def test_broken_tmx_files_are_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(TmxError, match=message) as caught:
        read_tmx(data, "memory.tmx")
    assert str(caught.value).startswith("memory.tmx is not a TMX file")


# --- TBX ---------------------------------------------------------------------------------

ROWS = [
    GlossaryRow("UNHCR", "UNHCR", "UN refugee agency", True),
    GlossaryRow("United Nations", "ب د ت", "", False),
    GlossaryRow("refoulement", "قايتۇرۇۋېتىش", "Forced return; see the 1951 Convention.", False),
]


def test_tbx_round_trip() -> None:
    data = write_tbx(ROWS, "en", "ug")
    assert b'<martif type="TBX-Basic" xml:lang="en">' in data
    assert b'<termNote type="translationNote">no</termNote>' in data
    back = read_tbx(data, "en", "ug")
    assert [(r.source, r.target, r.note, r.do_not_translate) for r in back] == [
        (r.source, r.target, r.note, r.do_not_translate) for r in ROWS]
    assert read_tbx(data, "en", "tr") == [
        GlossaryRow("UNHCR", "", "", True, line=1)]  # a do-not-translate term needs no target


def test_tbx_v3_and_weblate_style_files_are_read() -> None:
    v3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <descrip type="definition">A UN agency.</descrip>
      <langSec xml:lang="en-US"><termSec><term>UNHCR</term>
        <termNote type="translationNote">no</termNote></termSec></langSec>
      <langSec xml:lang="tr"><termSec><term>BMMYK</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="en"><termSec><term>asylum</term></termSec></langSec>
      <langSec xml:lang="tr-TR"><termSec><term>sığınma</term><note>legal term</note>
        </termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c3">
      <langSec xml:lang="en"><termSec><term>no Turkish here</term></termSec></langSec>
      <langSec xml:lang="de"><termSec><term>kein Türkisch</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>""".encode()
    rows = read_tbx(v3, "en", "tr")
    assert [(r.source, r.target, r.note, r.do_not_translate) for r in rows] == [
        ("UNHCR", "BMMYK", "A UN agency.", True),
        ("asylum", "sığınma", "legal term", False),
    ]


@pytest.mark.parametrize(("data", "message"), [
    (BILLION_LAUGHS, "not a TBX file: it declares its own DTD"),
    (b"<glossary/>", "root element is <glossary>"),
    (b"\x00\x01\x02", "not well-formed"),
])
def test_broken_tbx_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(GlossaryFileError, match=message):
        read_tbx(data, "en", "ug", "terms.tbx")


# --- CSV ---------------------------------------------------------------------------------


def test_csv_round_trip_with_bom_and_formula_guard() -> None:
    rows = ROWS + [GlossaryRow("=HYPERLINK(\"x\")", "-minus", "@note", False)]
    data = write_csv(rows)
    assert data.startswith(b"\xef\xbb\xbfsource,target,note,do_not_translate\r\n")
    assert b"'=HYPERLINK" in data and b"'-minus" in data
    back = read_csv(data)
    assert [(r.source, r.target, r.note, r.do_not_translate) for r in back] == [
        (r.source, r.target, r.note, r.do_not_translate) for r in rows]


def test_csv_variants_semicolons_aliases_and_flags() -> None:
    data = ("Term;Translation;DNT\nUNHCR;;yes\nasylum;sığınma;\nAPHR;APHR;1\n\n"
            "camp;kamp;No\n").encode()
    rows = read_csv(data, "terms.csv")
    assert [(r.source, r.target, r.do_not_translate, r.line) for r in rows] == [
        ("UNHCR", "", True, 2), ("asylum", "sığınma", False, 3), ("APHR", "APHR", True, 4),
        ("camp", "kamp", False, 6)]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"\xff\xfe\x00s\x00o", "NUL bytes"),
    (b"source,target\n\xe9t\xe9,x\n", "not UTF-8 text"),
    (b"term,meaning\nx,y\n", "unknown column 'meaning'"),
    (b"source,note\nx,y\n", "no target column"),
    (b"source,target,source\nx,y,z\n", "column 'source' appears twice"),
    (b"source,target\nx,y,z\n", "line 2: 3 cells"),
    (b"source,target,do_not_translate\nx,y,maybe\n", "line 2: do_not_translate must be yes"),
    (b'source,target\n"unclosed,y\n', "not valid CSV"),
])
def test_broken_csv_files_are_refused_with_the_line(data: bytes, message: str) -> None:
    with pytest.raises(GlossaryFileError, match=message):
        read_csv(data, "terms.csv")
