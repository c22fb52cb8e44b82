"""Word (DOCX) export, written with python-docx from the localized Markdown.

The document is built from the same rebuilt Markdown as the other text formats, walking
markdown-it's tokens: headings become Heading 1…6, paragraphs Normal, block quotes Quote,
bullet lists List Bullet (Word numbers those), and numbered lists keep the source's own
numbers as text (a signatory list's "1." … "72." stay exactly as published) on the List
style's hanging indent. Links are real ``w:hyperlink`` elements pointing at the URL.

Right-to-left languages: every paragraph is ``w:bidi`` (paragraph direction right to left)
aligned ``start``. Word reads ``left``/``right`` in a bidi paragraph as start/end, so
``start`` is unambiguous: flush right on the page. Runs holding right-to-left letters get
``w:rtl``. Fonts are named per script slot (see :mod:`app.export.print_fonts`) on the
document defaults and on every run, and the theme fonts are taken off the styles so
headings do not fall back to Calibri/Times for Uyghur.

The bytes are deterministic: core properties come from the statement, and the package is
re-zipped with fixed entry times (python-docx stamps the current time on each entry).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor

from app.core.document import markdown_parser, without_front_matter
from app.core.rebuild import _first_heading, _visible
from app.export.base import DRAFT_MARK, Localized, Renderer, register
from app.export.docx_walk import BlockWriter, set_fonts
from app.export.print_fonts import WINDOWS_FALLBACK, FontPlan, font_plan

_PARSER = markdown_parser()
DRAFT_RED = RGBColor(0xB0, 0x00, 0x20)
# Windows character sets of the print fonts (w:charset): Arabic, GB2312, Big5, Shift-JIS…
_CHARSETS = {"UKIJ Tuz Tom": "B2", "Noto Naskh Arabic": "B2", "Noto Sans CJK SC": "86",
             "Noto Sans CJK TC": "88", "Noto Sans CJK JP": "80", "Noto Sans CJK KR": "81"}


def build_document(item: Localized) -> WordDocument:
    """The Word document for ``item`` (not yet saved)."""
    tokens = _visible(_PARSER.parse(without_front_matter(item.rebuilt.text)))
    plan = font_plan(item.language)
    document = docx.Document()
    _set_defaults(document, plan, item.language.rtl)
    title = _first_heading(tokens) or item.name
    _set_properties(document, item, title)
    writer = BlockWriter(document, plan, rtl=item.language.rtl)
    if item.draft:
        _draft_header(document, writer)
        paragraph = writer.paragraph()
        writer.run(paragraph, DRAFT_MARK, bold=True, color=DRAFT_RED)
    if item.label:
        paragraph = writer.paragraph()
        writer.run(paragraph, item.label, italic=True)
    for token in tokens:
        writer.feed(token)
    return document


def _set_defaults(document: WordDocument, plan: FontPlan, rtl: bool) -> None:
    """Fonts and languages on ``w:docDefaults``; theme fonts removed from every style."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    set_fonts(fonts, plan)
    lang = defaults.find(qn("w:lang"))
    # Latin runs of a right-to-left statement are names and English fallbacks.
    lang.set(qn("w:val"), "en-US" if rtl else plan.tag)
    lang.set(qn("w:eastAsia"), plan.tag if plan.east_asian != plan.latin else "en-US")
    lang.set(qn("w:bidi"), plan.tag if rtl else "ar-SA")
    page = document.sections[0]  # A4 with 2 cm margins, as the PDF
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = Mm(20)
    if rtl:
        section = document.sections[0]._sectPr  # w:bidi sits before these in CT_SectPr
        section.insert_element_before(OxmlElement("w:bidi"), "w:rtlGutter", "w:docGrid",
                                      "w:printerSettings", "w:sectPrChange")


def _set_properties(document: WordDocument, item: Localized, title: str) -> None:
    created = _naive_utc(item.created)
    props = document.core_properties
    props.title = _clip(title)
    props.language = item.language.bcp47
    props.author = "Terjime"
    props.last_modified_by = "Terjime"
    props.created = created
    props.modified = created
    props.revision = 1
    props.comments = ""
    props.subject = _clip(item.notice or "")
    props.keywords = item.name
    props.identifier = item.source_revision
    props.version = str(item.release) if item.release is not None else "draft"


def _clip(text: str, limit: int = 255) -> str:
    """python-docx refuses core properties over 255 characters (a variant's label is longer)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _draft_header(document: WordDocument, writer: BlockWriter) -> None:
    """A "DRAFT" header on every page of the section (there is one section)."""
    header = document.sections[0].header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    writer.direct(paragraph)
    writer.run(paragraph, "DRAFT", bold=True, color=DRAFT_RED)


def save_deterministic(document: WordDocument, created: dt.datetime) -> bytes:
    """The saved package with every zip entry stamped ``created`` (not "now")."""
    raw = io.BytesIO()
    document.save(raw)
    moment = _naive_utc(created)
    stamp = max(moment, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                data = _with_fallbacks(data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _with_fallbacks(font_table: bytes) -> bytes:
    """Declare the print fonts with Windows substitutes (``w:altName``) in the font table."""
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>'
        f'<w:charset w:val="{_CHARSETS.get(name, "00")}"/>'
        f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in WINDOWS_FALLBACK.items()
    )
    return font_table.replace(b"</w:fonts>", entries.encode("utf-8") + b"</w:fonts>", 1)


@register
class DocxRenderer(Renderer):
    name = "docx"
    extension = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    label = "Word (DOCX)"

    def render(self, item: Localized) -> bytes:
        return save_deterministic(build_document(item), item.created)

