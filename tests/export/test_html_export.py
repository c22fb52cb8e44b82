"""The HTML export: valid, self-contained, inert, and with the fonts its script needs."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import require_vnu
from export import samples  # tests/export/samples.py
from fontTools.ttLib import TTFont

from app.core.document import load_document, parse_document
from app.core.languages import get_language
from app.core.rebuild import html_page
from app.core.states import State
from app.export import DRAFT_MARK, RENDERERS, Localized, Unit
from app.export.fonts import (
    FONT_DIR,
    NASKH,
    NASKH_BOLD,
    UKIJ_TUZ_TOM,
    font_face_css,
    fonts_for,
    script_of,
)
from app.export.html import bold_text

ROOT = Path(__file__).resolve().parents[2]
HTML = RENDERERS["html"]
LABEL = "Automatic transliteration (Latin script): check against the original"


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(data: bytes) -> _Elements:
    parser = _Elements()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


def labelled(code: str) -> Localized:
    item = samples.sample_localized(code)
    item.label = LABEL
    return item


def latin_uyghur() -> Localized:
    """The Uyghur statement as a Latin-script variant would be labelled (the text stays
    Arabic script here: only the language decides the fonts)."""
    language = dataclasses.replace(get_language("ug"), code="ug_Latn", direction="ltr")
    return samples.sample_localized("ug", language=language)


def test_valid_html_for_every_kind_of_page(tmp_path: Path) -> None:
    vnu = require_vnu()
    items = {f"{code}.html": samples.sample_localized(code)
             for code in ("ug", "ru", "tr", "zh_Hans", "ar")}
    items["draft.html"] = samples.sample_localized("ug", draft=True)
    items["label.html"] = labelled("ug")
    paths = []
    for filename, item in items.items():
        path = tmp_path / filename
        path.write_bytes(HTML.render(item))
        paths.append(str(path))
    result = subprocess.run([*vnu, "--errors-only", "--format", "json",
                             *paths], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == []
    assert result.returncode == 0


@pytest.mark.parametrize(("code", "lang", "direction"),
                         [("ug", "ug", "rtl"), ("ar", "ar", "rtl"), ("ru", "ru", "ltr"),
                          ("zh_Hans", "zh-Hans", "ltr")])
def test_language_and_direction(code: str, lang: str, direction: str) -> None:
    tags = elements(HTML.render(samples.sample_localized(code))).tags
    assert ("html", {"lang": lang, "dir": direction}) in tags


def test_draft_banner_first_then_text() -> None:
    data = HTML.render(samples.sample_localized("ug", draft=True))
    page = elements(data)
    body = page.tags[[tag for tag, _ in page.tags].index("body") + 1:]
    assert body[0] == ("p", {"role": "note", "class": "draft"})
    assert f'<p role="note" class="draft">{DRAFT_MARK}</p>' in data.decode()
    release = HTML.render(samples.sample_localized("ug")).decode()
    assert 'role="note"' not in release and DRAFT_MARK not in release


def test_variant_label_is_shown() -> None:
    data = HTML.render(labelled("ug")).decode()
    assert f'<p role="note" class="label">{LABEL}</p>' in data
    draft = samples.sample_localized("ug", draft=True)
    draft.label = LABEL
    both = HTML.render(draft).decode()
    assert f'class="draft">{DRAFT_MARK} · {LABEL}</p>' in both


@pytest.mark.parametrize("code", ["ug", "ar", "ru", "zh_Hans"])
def test_nothing_is_fetched(code: str) -> None:
    data = HTML.render(samples.sample_localized(code, draft=True))
    page = elements(data)
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed")
        if tag != "a":
            for attr in ("src", "href", "srcset", "poster"):
                assert not attrs.get(attr), (tag, attrs)
    css = data.decode().split("<style>")[1].split("</style>")[0]
    urls = re.findall(r"url\(([^)]*)\)", css)
    assert all(url.startswith("data:font/woff2;base64,") for url in urls)
    assert "@import" not in css
    policies = [attrs["content"] for tag, attrs in page.tags
                if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(policies) == 1 and policies[0].startswith("default-src 'none';")
    assert "script-src" not in policies[0]


XSS = ["<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>",
       '<a href="javascript:alert(1)">x</a>', "<svg onload=alert(1)>"]


def hostile() -> Localized:
    """The Russian statement with a hostile translation in every paragraph without links."""
    document = load_document(samples.STATEMENT, "source/statement.md")
    units, used = [], 0
    for index, segment in enumerate(document.segments()):
        target = samples.sample_text("ru", segment.msgid, index)
        if not segment.links and segment.msgctxt is None and used < len(XSS) * 2:
            target = XSS[used % len(XSS)]
            used += 1
        units.append(Unit(segment.msgctxt, segment.msgid, target, State.APPROVED.value))
    assert used == len(XSS) * 2
    return Localized(name="statement", document=document, language=get_language("ru"),
                     units=units, created=samples.CREATED, release=1)


def _assert_inert(data: bytes) -> None:
    for tag, attrs in elements(data).tags:
        assert tag not in ("script", "img", "svg", "iframe")
        for attr, value in attrs.items():
            assert not attr.startswith("on"), (tag, attrs)
            assert "javascript:" not in (value or "").lower(), (tag, attrs)


def test_hostile_translations_are_inert() -> None:
    item = hostile()
    data = HTML.render(item)
    _assert_inert(data)
    text = "".join(elements(data).text)
    assert "<script>alert(1)</script>" in text  # shown as text, escaped in the markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in data.decode()


def test_markdown_links_to_javascript_are_refused() -> None:
    # Straight through the page builder: the rebuild may also refuse such a translation,
    # so check markdown-it's own link validation too.
    links = "[y](JaVaScRiPt:alert(1)) [z](vbscript:msgbox(1)) [ok](https://example.org)\n"
    data = html_page(links, get_language("ru")).encode()
    _assert_inert(data)
    hrefs = [attrs.get("href") for tag, attrs in elements(data).tags if tag == "a"]
    assert hrefs == ["https://example.org"]


def test_raw_html_in_the_statement_is_shown_as_text() -> None:
    markdown = "".join(f"{text}\n\n" for text in XSS) + "Text <b onclick=x()>bold</b>.\n"
    markdown += "\n<!-- an editor's note -->\n\nMore <!-- inline --> text.\n"
    assert "<script>" in html_page(markdown, None)  # the preview keeps the statement's HTML
    data = html_page(markdown, None, raw_html=False).encode()
    _assert_inert(data)
    assert not [tag for tag, _ in elements(data).tags if tag == "b"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in data.decode()
    assert "editor" not in data.decode() and "<p>More  text.</p>" in data.decode()
    statement = samples.STATEMENT.read_text(encoding="utf-8")
    hostile_source = statement.replace("\n\n", "\n\n<script>alert(1)</script>\n\n", 1)
    item = samples.sample_localized("ru")
    item.document = parse_document(hostile_source, name="statement",
                                   path="source/statement.md")
    assert "<script>" in item.rebuilt.text
    _assert_inert(HTML.render(item))


# --- fonts ------------------------------------------------------------------------------------


def test_fonts_follow_the_script() -> None:
    assert fonts_for(get_language("ug")) == (UKIJ_TUZ_TOM, NASKH, NASKH_BOLD)
    assert fonts_for(get_language("ar")) == (NASKH, NASKH_BOLD)
    assert fonts_for(get_language("fa")) == (NASKH, NASKH_BOLD)
    assert fonts_for(get_language("ur")) == (NASKH, NASKH_BOLD)
    for code in ("ru", "tr", "zh_Hans", "ja", "kk", "uz"):
        assert fonts_for(get_language(code)) == (), code
    assert script_of(latin_uyghur().language) == "Latn"
    assert fonts_for(latin_uyghur().language) == ()
    assert all((FONT_DIR / font.file).is_file() for font in (UKIJ_TUZ_TOM, NASKH, NASKH_BOLD))
    assert (FONT_DIR / "OFL.txt").is_file() and (FONT_DIR / "README.md").is_file()


def _faces(data: bytes) -> dict[tuple[str, str], TTFont]:
    css = data.decode().split("<style>")[1].split("</style>")[0]
    faces = {}
    for family, weight, payload in re.findall(
            r'@font-face\{font-family:"([^"]+)";font-style:normal;font-weight:(\d+);'
            r'font-display:swap;src:url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)', css):
        faces[(family, weight)] = TTFont(io.BytesIO(base64.b64decode(payload)))
    return faces


def _arabic(text: str) -> set[str]:
    return set(re.findall("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]", text))


@pytest.mark.parametrize(("code", "family"),
                         [("ug", "UKIJ Tuz Tom"), ("ar", "Noto Naskh Arabic"),
                          ("fa", "Noto Naskh Arabic")])
def test_embedded_subset_covers_the_text(code: str, family: str) -> None:
    item = samples.sample_localized(code)
    data = HTML.render(item)
    faces = _faces(data)
    regular = faces[(family, "400")]
    assert regular.flavor == "woff2"
    cmap = set(map(chr, regular.getBestCmap()))
    assert _arabic(item.rebuilt.text) <= cmap
    # A subset: far fewer glyphs than the vendored font, and no Latin letters.
    full = TTFont(FONT_DIR / {"UKIJ Tuz Tom": UKIJ_TUZ_TOM, "Noto Naskh Arabic": NASKH}[
        family].file)
    assert len(regular.getGlyphOrder()) < len(full.getGlyphOrder()) / 2
    assert "A" not in cmap
    # Joining forms came along (the subsetter follows GSUB): more glyphs than characters.
    assert len(regular.getGlyphOrder()) > len(cmap)
    assert "GSUB" in regular
    assert len(data) < 60_000  # the whole page, fonts included
    stack = f'body{{font-family:"{family}"'
    assert stack in data.decode()


def test_bold_face_only_for_bold_text() -> None:
    item = samples.sample_localized("ar")
    faces = _faces(HTML.render(item))
    bold = set(map(chr, faces[("Noto Naskh Arabic", "700")].getBestCmap()))
    regular = set(map(chr, faces[("Noto Naskh Arabic", "400")].getBestCmap()))
    title = samples.POOLS["ar"][0]  # the translated heading
    assert _arabic(title) <= bold
    assert _arabic(bold_text(item.rebuilt.text)) == bold - {" ", "\u00a0"}
    assert bold < regular


def test_uyghur_needs_no_fallback_face_when_ukij_covers_it() -> None:
    faces = _faces(HTML.render(samples.sample_localized("ug")))
    assert set(faces) == {("UKIJ Tuz Tom", "400")}  # bold is synthesised from it


def test_fallback_face_carries_what_ukij_lacks() -> None:
    ukij = set(map(chr, TTFont(FONT_DIR / UKIJ_TUZ_TOM.file).getBestCmap()))
    naskh = set(map(chr, TTFont(FONT_DIR / NASKH.file).getBestCmap()))
    missing = sorted(c for c in naskh - ukij if "\u0600" <= c <= "\u06ff")
    assert missing
    text = "ئۇيغۇر " + missing[0]
    css, families = font_face_css(get_language("ug"), text)
    assert families == ("UKIJ Tuz Tom", "Noto Naskh Arabic")
    assert css.count("@font-face") == 2


def test_no_fonts_for_other_scripts() -> None:
    for item in (samples.sample_localized("ru"), samples.sample_localized("zh_Hans"),
                 latin_uyghur()):
        data = HTML.render(item).decode()
        assert "@font-face" not in data
        assert "font-family:system-ui" not in data.split("</style>")[0].split(".label")[1]


def test_subsets_are_reproducible() -> None:
    from app.export.fonts import subset_woff2_base64

    chars = frozenset("ئۇيغۇرلار خىتايغا")
    build = subset_woff2_base64.__wrapped__  # bypass the cache: build it twice for real
    first = build(NASKH, chars)
    assert build(NASKH, chars) == first
    subset = TTFont(io.BytesIO(base64.b64decode(first)))
    original = TTFont(FONT_DIR / NASKH.file)
    assert subset["head"].modified == original["head"].modified
    assert "OFL" in subset["name"].getDebugName(13)  # the license notice travels along
