"""The DOCX renderer: re-opened with python-docx and read back as Word would see it."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from export import samples as _samples  # tests/export/samples.py

from app.core.document import parse_document
from app.core.languages import get_language
from app.core.states import State
from app.export import DRAFT_MARK, RENDERERS, Localized, Unit
from app.export.docx_walk import direction_runs

CREATED = _samples.CREATED
sample_localized = _samples.sample_localized

RENDERER = RENDERERS["docx"]

LINKED = """\
# Statement title

Read [the full report](https://example.org/report?id=7) now. We ask *all* **states** to act.

> Protection cannot wait.

- Governments must act.
  - Parliaments must inquire.

<!-- terjime: signatories -->
3. Alpha Association
4. Beta (ABC)
"""

LINKED_RU = {
    "Statement title": "Заголовок заявления",
    "Read [the full report][1] now.": "Прочитайте [полный доклад][1] сейчас.",
    "We ask *all* **states** to act.": "Мы просим *все* **государства** действовать.",
    "Protection cannot wait.": "Защита не может ждать.",
    "Governments must act.": "Правительства должны действовать.",
    "Parliaments must inquire.": "Парламенты должны провести расследование.",
}


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def body_paragraphs(document) -> list:
    """Paragraphs after the notice lines (the DRAFT mark and the variant label)."""
    paragraphs = document.paragraphs
    while paragraphs and (paragraphs[0].text == DRAFT_MARK or _is_note(paragraphs[0])):
        paragraphs = paragraphs[1:]
    return paragraphs


def _is_note(paragraph) -> bool:
    return paragraph.style.name == "Normal" and all(run.italic for run in paragraph.runs) \
        and bool(paragraph.runs)


def expected_texts(item: Localized) -> list[str]:
    """Each block's translations joined, numbered items with their source number + tab."""
    translations = item.translations
    texts = []
    for block in item.document.blocks:
        text = item.language.joiner.join(translations[s.key] for s in block.segments)
        if block.containers and block.containers[-1] == "numbered list":
            text = block.prefix.strip() + "\t" + text
        texts.append(text)
    return texts


def linked_item(code: str = "ru", **kwargs) -> Localized:
    document = parse_document(LINKED, name="linked", path="source/linked.md")
    units = [Unit(context=s.msgctxt, source=s.msgid, target=LINKED_RU.get(s.msgid, s.msgid),
                  state=State.APPROVED.value) for s in document.segments()]
    return Localized(name="linked", document=document, language=get_language(code),
                     units=units, created=CREATED, **kwargs)


@pytest.mark.parametrize("code", ["ug", "ar", "ru", "tr", "zh_Hans", "fa", "kk"])
def test_paragraph_texts_are_the_translations_in_order(code: str) -> None:
    item = sample_localized(code)
    document = open_docx(RENDERER.render(item))
    assert [p.text for p in body_paragraphs(document)] == expected_texts(item)


@pytest.mark.parametrize("code", ["ug", "ar"])
def test_right_to_left_paragraphs_are_bidi_and_flush_right(code: str) -> None:
    document = open_docx(RENDERER.render(sample_localized(code)))
    assert document.paragraphs
    for paragraph in document.paragraphs:
        ppr = paragraph._p.pPr
        assert ppr is not None and ppr.find(qn("w:bidi")) is not None, paragraph.text
        # In a bidi paragraph Word reads "left"/"right" as start/end: "start" is the right.
        assert ppr.find(qn("w:jc")).get(qn("w:val")) == "start"
    runs = [run for p in document.paragraphs for run in p.runs if run.text.strip()]
    arabic = [run for run in runs if any("\u0600" <= ch <= "\u06ff" for ch in run.text)]
    latin = [run for run in runs if run.text.isascii() and any(c.isalpha() for c in run.text)]
    assert arabic and latin  # the statement's text and the Latin signatory names
    assert all(run.font.rtl for run in arabic)
    assert not any(run.font.rtl for run in latin)
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None


@pytest.mark.parametrize("code", ["ru", "tr"])
def test_left_to_right_paragraphs_have_no_bidi(code: str) -> None:
    data = RENDERER.render(sample_localized(code))
    document = open_docx(data)
    for paragraph in document.paragraphs:
        ppr = paragraph._p.pPr
        assert ppr is None or ppr.find(qn("w:bidi")) is None
        assert paragraph.alignment is None
    assert b"<w:rtl/>" not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_an_english_fallback_in_a_uyghur_draft_is_its_own_left_to_right_run() -> None:
    item = sample_localized("ug", draft=True, untranslated=2)
    document = open_docx(RENDERER.render(item))
    mixed = body_paragraphs(document)[1]  # English first sentence, then Uyghur
    assert mixed.runs[0].text.startswith("Ahead of World Refugee Day 2022")
    assert not mixed.runs[0].font.rtl
    assert mixed.runs[-1].font.rtl and "بىز" in mixed.runs[-1].text


def test_direction_runs_cut_only_where_the_strong_direction_changes() -> None:
    assert direction_runs("In 2022, we (UN). بىز 12 خەلق. Then!") == [
        "In 2022, we (UN). ", "بىز 12 خەلق. ", "Then!"]
    assert direction_runs("... 12") == ["... 12"]
    assert direction_runs("") == []


def test_headings_lists_and_quotes_use_word_styles() -> None:
    document = open_docx(RENDERER.render(linked_item()))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles == [
        ("Heading 1", "Заголовок заявления"),
        ("Normal", "Прочитайте полный доклад сейчас. Мы просим все государства действовать."),
        ("Quote", "Защита не может ждать."),
        ("List Bullet", "Правительства должны действовать."),
        ("List Bullet 2", "Парламенты должны провести расследование."),
        ("List", "3.\tAlpha Association"),  # the source's numbers, not Word's
        ("List", "4.\tBeta (ABC)"),
    ]
    runs = document.paragraphs[1].runs
    assert [r.text for r in runs if r.italic] == ["все"]
    assert [r.text for r in runs if r.bold] == ["государства"]


def test_links_are_real_hyperlinks_to_the_source_url() -> None:
    document = open_docx(RENDERER.render(linked_item()))
    paragraph = document.paragraphs[1]
    links = paragraph._p.findall(qn("w:hyperlink"))
    assert len(links) == 1
    relationship = document.part.rels[links[0].get(qn("r:id"))]
    assert relationship.is_external
    assert relationship.target_ref == "https://example.org/report?id=7"
    text = "".join(t.text for t in links[0].iter(qn("w:t")))
    assert text == "полный доклад"
    assert paragraph.hyperlinks[0].address == "https://example.org/report?id=7"


def test_draft_mark_first_paragraph_and_header_only_for_drafts() -> None:
    draft = open_docx(RENDERER.render(sample_localized("ug", draft=True)))
    first = draft.paragraphs[0]
    assert first.text == DRAFT_MARK
    assert first.runs[0].bold and str(first.runs[0].font.color.rgb) == "B00020"
    assert "DRAFT" in draft.sections[0].header.paragraphs[0].text
    assert not draft.sections[0].header.is_linked_to_previous
    release = open_docx(RENDERER.render(sample_localized("ug")))
    assert all("DRAFT" not in p.text for p in release.paragraphs)
    header = release.sections[0].header
    assert header.is_linked_to_previous or all("DRAFT" not in p.text for p in header.paragraphs)


def test_variant_label_is_the_first_note() -> None:
    item = linked_item(label="Automatic transliteration: check before use", draft=True)
    document = open_docx(RENDERER.render(item))
    assert [p.text for p in document.paragraphs[:2]] == [
        DRAFT_MARK, "Automatic transliteration: check before use"]
    assert document.paragraphs[1].runs[0].italic


def test_signatory_names_are_kept() -> None:
    item = sample_localized("zh_Hans")
    names = [u.target for u in item.units if u.context == "signatory"]
    assert len(names) == 72 and "Australian Uyghur Tangritagh Women’s Association" in names
    texts = [p.text for p in open_docx(RENDERER.render(item)).paragraphs]
    listed = [t.split("\t", 1)[1] for t in texts if "\t" in t]
    assert listed == names
    assert texts[-1] == "72.\tWorld Uyghur Congress Foundation"


def test_core_properties_fonts_and_languages() -> None:
    item = sample_localized("ug")
    data = RENDERER.render(item)
    document = open_docx(data)
    props = document.core_properties
    assert props.title == item.translations[item.document.segments()[0].key]
    assert props.language == "ug"
    assert props.created == props.modified == CREATED
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    lang = defaults.find(qn("w:rPr")).find(qn("w:lang"))
    assert fonts.get(qn("w:cs")) == "UKIJ Tuz Tom"
    assert lang.get(qn("w:bidi")) == "ug-CN"
    # No theme font left on a style: headings would fall back to Calibri/Times.
    assert b"Theme=" not in zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml")
    table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="UKIJ Tuz Tom"><w:altName w:val="Microsoft Uighur"/>' in table


@pytest.mark.parametrize(("code", "slot", "family", "tag_attr", "tag"), [
    ("zh_Hans", "w:eastAsia", "Noto Sans CJK SC", "w:eastAsia", "zh-CN"),
    ("ja", "w:eastAsia", "Noto Sans CJK JP", "w:eastAsia", "ja-JP"),
    ("ar", "w:cs", "Noto Naskh Arabic", "w:bidi", "ar-EG"),
    ("ru", "w:ascii", "Noto Sans", "w:val", "ru-RU"),
])
def test_fonts_cover_the_script(code: str, slot: str, family: str, tag_attr: str,
                                tag: str) -> None:
    document = open_docx(RENDERER.render(sample_localized(code)))
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))[0]
    assert rpr.find(qn("w:rFonts")).get(qn(slot)) == family
    assert rpr.find(qn("w:lang")).get(qn(tag_attr)) == tag
    run = document.paragraphs[0].runs[0]
    assert run._r.rPr.find(qn("w:rFonts")).get(qn(slot)) == family


def test_same_item_same_bytes_with_fixed_zip_times() -> None:
    first = RENDERER.render(sample_localized("ug", draft=True))
    assert RENDERER.render(sample_localized("ug", draft=True)) == first
    dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert dates == {(2026, 11, 27, 12, 0, 0)}
    assert RENDERER.filename(sample_localized("ug", draft=True)) == "statement.ug.draft.docx"


def test_long_title_and_label_are_clipped_in_the_properties_only() -> None:
    label = "Automatic transliteration, not reviewed by a translator. " * 8
    item = linked_item(label=label)
    item.units[0] = Unit(context=None, source="Statement title", target="Заголовок " * 40,
                         state=State.APPROVED.value)
    document = open_docx(RENDERER.render(item))
    assert document.paragraphs[0].text == label  # the page shows all of it
    assert document.paragraphs[1].text == ("Заголовок " * 40).strip()
    assert len(document.core_properties.title) == 255
    assert document.core_properties.title.endswith("…")
    assert len(document.core_properties.subject) <= 255
