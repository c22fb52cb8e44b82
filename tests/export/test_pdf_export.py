"""The PDF renderer: text extracted with pdftotext and pypdf, fonts, DRAFT marks, no fetching.

Extraction quirks handled here (of the readers, not of the PDF): pdftotext wraps
right-to-left runs in bidi controls and reverses the two letters of a lam-alef ligature
glyph, and both readers give Arabic presentation forms; text is compared after NFKC,
without controls or combining marks, and with runs of lam/alef compared as multisets.
pypdf orders the phrases of a right-to-left line visually, so for Uyghur and Arabic it is
checked word by word rather than for sentence order.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from conftest import require_tool
from export import samples as _samples  # tests/export/samples.py

from app.core.document import parse_document
from app.core.languages import get_language
from app.core.states import State
from app.export import DRAFT_MARK, RENDERERS, Localized, Unit
from app.export.pdf import first_strong, offline_fetcher, print_page, render_pdf

CREATED = _samples.CREATED
sample_localized = _samples.sample_localized

RENDERER = RENDERERS["pdf"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "exports"
_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LAM_ALEF = re.compile("[\u0644\u0627]+")
_PAGE_NUMBER = re.compile(r"^\s*\d+\s*/\s*\d+\s*$", re.MULTILINE)
_CACHE: dict[tuple[str, bool], bytes] = {}


def pdf_of(code: str, draft: bool = False) -> bytes:
    if (code, draft) not in _CACHE:
        _CACHE[code, draft] = RENDERER.render(sample_localized(code, draft=draft))
    return _CACHE[code, draft]


def normalise(text: str) -> str:
    text = _CONTROLS.sub("", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _LAM_ALEF.sub(lambda m: "".join(sorted(m.group())), text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d+", normalise(text))  # "8Austria": pypdf glues markers


def pdftotext(data: bytes, page: int | None = None) -> str:
    command = [require_tool("pdftotext"), "-enc", "UTF-8"]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    result = subprocess.run([*command, "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def block_texts(item: Localized) -> list[str]:
    return [item.language.joiner.join(item.translations[s.key] for s in block.segments)
            for block in item.document.blocks]


def assert_in_order(expected: list[str], extracted: str) -> None:
    """Every expected text appears (spaces aside) after the one before it."""
    haystack = squash(_PAGE_NUMBER.sub("", extracted))
    position = 0
    for text in expected:
        found = haystack.find(squash(text), position)
        assert found >= 0, f"not found in order: {text!r}"
        position = found + len(squash(text))


@pytest.mark.parametrize("code", ["ug", "ru", "tr", "zh_Hans"])
def test_pdftotext_reads_the_translations_in_logical_order(code: str) -> None:
    assert_in_order(block_texts(sample_localized(code)), pdftotext(pdf_of(code)))


@pytest.mark.parametrize("code", ["ru", "tr", "zh_Hans"])
def test_pypdf_reads_the_translations_in_logical_order(code: str) -> None:
    assert_in_order(block_texts(sample_localized(code)), pypdf_text(pdf_of(code)))


@pytest.mark.parametrize("code", ["ug", "ar"])
def test_every_word_of_a_right_to_left_statement_is_extracted_by_both_readers(
        code: str) -> None:
    expected = Counter(w for text in block_texts(sample_localized(code)) for w in words(text))
    for extracted in (pdftotext(pdf_of(code)), pypdf_text(pdf_of(code))):
        found = Counter(words(extracted))
        missing = expected - found
        assert not missing, f"missing or misread words: {list(missing)[:5]}"
        extra = [w for w in found - expected if not w.isdigit()]
        assert not extra, f"words the statement does not have: {extra[:5]}"


def test_uyghur_words_are_shaped_and_in_reading_order() -> None:
    text = normalise(pdftotext(pdf_of("ug")))
    sentence = "ھۆكۈمەتلەر پاناھلىق ئىلتىماسلىرىنى تېزدىن بىر تەرەپ قىلىشى كېرەك"
    line = re.sub(r"\s+", " ", text)
    assert normalise(sentence) in line
    # Each word in order, within one sentence (not only somewhere in the file).
    start = line.index(normalise(sentence))
    positions = [line.index(normalise(w), start) for w in sentence.split()]
    assert positions == sorted(positions)
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)


@pytest.mark.parametrize(("code", "family"), [("ug", "UKIJ"), ("zh_Hans", "CJK"),
                                              ("ar", "Naskh"), ("ru", "Noto-Sans")])
def test_the_script_font_is_embedded(code: str, family: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf_of(code)))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        names |= {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any(family in name for name in names), names
    if code == "ug":
        assert not any("CJK" in name for name in names)


def test_draft_says_draft_on_every_page_and_the_release_nowhere() -> None:
    draft = pdf_of("ug", draft=True)
    pages = len(pypdf.PdfReader(io.BytesIO(draft)).pages)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert DRAFT_MARK in normalise(pdftotext(draft, page))
    release = pdf_of("ug")
    assert "DRAFT" not in pdftotext(release)
    assert "DRAFT" not in pypdf_text(release)


def test_metadata_and_determinism() -> None:
    item = sample_localized("ug")
    data = RENDERER.render(item)
    assert data == pdf_of("ug")  # the same statement renders to the same bytes
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == item.translations[item.document.segments()[0].key]
    assert reader.metadata["/CreationDate"] == "D:20261127120000Z"
    assert reader.trailer["/Root"]["/Lang"] == "ug"
    assert len(reader.trailer["/ID"]) == 2  # a digest of the content, so also stable
    assert RENDERER.filename(item) == "statement.ug.pdf"


def test_print_page_directions() -> None:
    page = print_page(sample_localized("ug", draft=True, untranslated=2))
    assert '<html lang="ug" dir="rtl">' in page
    # The English fallback heading and paragraph read left to right on a Uyghur page.
    assert '<h1 dir="ltr">Civil Society' in page
    assert page.count(' dir="ltr"') == 3  # heading, mixed paragraph, the DRAFT line
    labelled = sample_localized("ug")
    labelled.label = "Automatic transliteration"
    assert '<p class="notice label" dir="ltr">Automatic transliteration</p>' in print_page(
        labelled)
    assert "<style>" not in print_page(labelled, style=False)
    assert first_strong("  (12) بىز and") == "rtl"
    assert first_strong("12 ...") is None


REMOTE = """\
# Title

See ![a map](http://example.invalid/map.png) and [the site](https://example.invalid/).

![dot](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==)
"""


def remote_item() -> Localized:
    document = parse_document(REMOTE, name="remote", path="source/remote.md")
    units = [Unit(context=s.msgctxt, source=s.msgid, target=s.msgid,
                  state=State.APPROVED.value) for s in document.segments()]
    return Localized(name="remote", document=document, language=get_language("de"),
                     units=units)


def test_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF export opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    fetcher = offline_fetcher()
    data = render_pdf(remote_item(), fetcher)
    assert fetcher.refused == ["http://example.invalid/map.png"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    images = reader.pages[0]["/Resources"].get_object().get("/XObject", {})
    assert len(images) == 1  # the data: image only
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])]
    assert links == ["https://example.invalid/"]  # a link, never followed


def test_offline_fetcher_refuses_files_too() -> None:
    fetcher = offline_fetcher()
    with pytest.raises(ValueError, match="never fetches"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.refused == ["file:///etc/passwd"]
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"


@pytest.mark.parametrize(("code", "draft"), [("ug", False), ("ug", True), ("ru", False),
                                             ("tr", False), ("zh_Hans", False)])
def test_first_page_renders_to_png(code: str, draft: bool) -> None:
    """First pages as PNG in artifacts/exports/ (for people to look at) and not blank."""
    tool = require_tool("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    item = sample_localized(code, draft=draft)
    stem = ARTIFACTS / item.filename_stem
    subprocess.run([tool, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", stem],
                   input=pdf_of(code, draft), check=True)
    png = stem.with_suffix(stem.suffix + ".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
