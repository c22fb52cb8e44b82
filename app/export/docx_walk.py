"""Markdown tokens to Word paragraphs and runs: the walk behind :mod:`app.export.docx`.

One :class:`BlockWriter` follows markdown-it's flat token stream with a stack of open
containers (lists, block quotes), so nesting needs no recursion, and writes each heading
or paragraph with its style, direction and fonts. See :mod:`app.export.docx` for the
choices (styles, numbering, right-to-left).
"""

from __future__ import annotations

import unicodedata

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from app.export.print_fonts import FontPlan

LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
MONOSPACE = "DejaVu Sans Mono"
# pPr children that come after w:bidi in the schema's sequence (CT_PPrBase).
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
               "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
# tblPr children after w:bidiVisual (CT_TblPrBase).
_AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                      "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                      "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_LISTS = {"bullet_list_open": "bullet", "ordered_list_open": "ordered"}


def is_rtl_text(text: str) -> bool:
    """True when ``text`` holds a right-to-left letter (Arabic, Hebrew, Syriac, Thaana…)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _has_ltr_letter(text: str) -> bool:
    return any(unicodedata.bidirectional(char) == "L" for char in text)


def direction_runs(text: str) -> list[str]:
    """``text`` cut where its strong direction changes; neutrals stay with what precedes.

    Word wants an English sentence inside Uyghur text in its own run without ``w:rtl``
    (as Word itself writes it), or its digits and punctuation are ordered right to left.
    """
    pieces: list[str] = []
    start, current = 0, None
    for index, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        strong = "rtl" if kind in ("R", "AL") else "ltr" if kind == "L" else None
        if strong is None:
            continue
        if current is not None and strong != current:
            pieces.append(text[start:index])
            start = index
        current = strong
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def set_fonts(fonts: OxmlElement, plan: FontPlan, *, latin: str | None = None) -> None:
    """Name a family in each of Word's script slots of ``w:rFonts``."""
    fonts.set(qn("w:ascii"), latin or plan.latin)
    fonts.set(qn("w:hAnsi"), latin or plan.latin)
    fonts.set(qn("w:cs"), plan.complex)
    fonts.set(qn("w:eastAsia"), plan.east_asian)


class BlockWriter:
    """Writes block tokens into ``document``; inline tokens become runs."""

    def __init__(self, document: WordDocument, plan: FontPlan, *, rtl: bool) -> None:
        self.document = document
        self.plan = plan
        self.rtl = rtl
        self.containers: list[str] = []  # "bullet", "ordered", "quote"
        self.marker: str | None = None  # the number of the list item being opened
        self.first_in_item = False
        self.current: Paragraph | None = None
        self.table: list[list[str]] | None = None
        self.row: list[str] | None = None
        self.style_ids: dict[str, str] = {}  # python-docx looks names up slowly, every time

    # --- paragraphs ---------------------------------------------------------------------

    def paragraph(self, style: str | None = None) -> Paragraph:
        """A new body paragraph with the document's direction."""
        paragraph = self.document.add_paragraph()
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        self.direct(paragraph)
        return paragraph

    def direct(self, paragraph: Paragraph) -> None:
        """Right-to-left documents: ``w:bidi`` and ``w:jc="start"`` (flush right)."""
        if not self.rtl:
            return
        ppr = paragraph._p.get_or_add_pPr()
        if ppr.find(qn("w:bidi")) is None:
            ppr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
        ppr.get_or_add_jc().set(qn("w:val"), "start")

    def run(self, paragraph: Paragraph, text: str, *, bold: bool = False,
            italic: bool = False, color: RGBColor | None = None, code: bool = False,
            into: OxmlElement | None = None) -> Run:
        """A run with the plan's fonts; ``into`` a hyperlink element instead of the paragraph."""
        run = paragraph.add_run(text)
        set_fonts(run._r.get_or_add_rPr().get_or_add_rFonts(), self.plan,
                  latin=MONOSPACE if code else None)
        font = run.font
        if bold:
            font.bold = font.cs_bold = True
        if italic:
            font.italic = font.cs_italic = True
        if color is not None:
            font.color.rgb = color
        if self.rtl and (is_rtl_text(text) or not _has_ltr_letter(text)):
            font.rtl = True
        if into is not None:
            into.append(run._r)
        return run

    # --- the token walk -----------------------------------------------------------------

    def feed(self, token: Token) -> None:
        handler = getattr(self, "_on_" + token.type, None)
        if handler is not None:
            handler(token)

    def _on_bullet_list_open(self, token: Token) -> None:
        self.containers.append(_LISTS[token.type])

    _on_ordered_list_open = _on_bullet_list_open

    def _on_blockquote_open(self, token: Token) -> None:
        self.containers.append("quote")

    def _on_bullet_list_close(self, token: Token) -> None:
        self.containers.pop()

    _on_ordered_list_close = _on_blockquote_close = _on_bullet_list_close

    def _on_list_item_open(self, token: Token) -> None:
        self.marker = f"{token.info}{token.markup}" if token.info else None
        self.first_in_item = True

    def _on_heading_open(self, token: Token) -> None:
        self.current = self.paragraph(f"Heading {min(int(token.tag[1:]), 9)}")

    def _on_paragraph_open(self, token: Token) -> None:
        lists = [kind for kind in self.containers if kind != "quote"]
        depth = min(len(lists), 3)
        suffix = f" {depth}" if depth > 1 else ""
        if lists and self.first_in_item:
            style = ("List Bullet" if lists[-1] == "bullet" else "List") + suffix
        elif lists:
            style = "List Continue" + suffix
        else:
            style = "Quote" if "quote" in self.containers else None
        self.current = self.paragraph(style)
        if lists and self.first_in_item and lists[-1] == "ordered" and self.marker:
            self.run(self.current, self.marker + "\t")
        self.first_in_item = False

    def _on_inline(self, token: Token) -> None:
        if self.row is not None:
            self.row.append(_plain(token.children or []))
        elif self.current is not None:
            InlineWriter(self, self.current).write(token.children or [])

    def _on_fence(self, token: Token) -> None:
        paragraph = self.paragraph("No Spacing")
        for number, line in enumerate(token.content.rstrip("\n").split("\n")):
            if number:
                paragraph.add_run().add_break()
            self.run(paragraph, line, code=True)

    _on_code_block = _on_fence

    def _on_hr(self, token: Token) -> None:
        paragraph = self.paragraph()
        paragraph._p.get_or_add_pPr().get_or_add_jc().set(qn("w:val"), "center")
        self.run(paragraph, "⁂")

    def _on_table_open(self, token: Token) -> None:
        self.table = []

    def _on_tr_open(self, token: Token) -> None:
        self.row = []

    def _on_tr_close(self, token: Token) -> None:
        if self.table is not None and self.row is not None:
            self.table.append(self.row)
        self.row = None

    def _on_table_close(self, token: Token) -> None:
        rows = self.table or []
        self.table = None
        if not rows:
            return
        columns = max(len(row) for row in rows)
        table: Table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        if self.rtl:
            table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *_AFTER_BIDI_VISUAL)
        for cells, row in zip(table.rows, rows, strict=True):
            for cell, text in zip(cells.cells, row + [""] * (columns - len(row)), strict=True):
                paragraph = cell.paragraphs[0]
                self.direct(paragraph)
                self.run(paragraph, text)


class InlineWriter:
    """Runs for one paragraph's inline tokens: emphasis, code, breaks and hyperlinks."""

    def __init__(self, blocks: BlockWriter, paragraph: Paragraph) -> None:
        self.blocks = blocks
        self.paragraph = paragraph
        self.bold = 0
        self.italic = 0
        self.link: OxmlElement | None = None

    def write(self, children: list[Token]) -> None:
        for token in children:
            kind = token.type
            if kind in ("text", "code_inline"):
                self._text(token.content, code=kind == "code_inline")
            elif kind == "softbreak":
                self._text(" ")
            elif kind == "hardbreak":
                self.blocks.run(self.paragraph, "", into=self.link).add_break()
            elif kind in ("strong_open", "strong_close"):
                self.bold += 1 if kind == "strong_open" else -1
            elif kind in ("em_open", "em_close"):
                self.italic += 1 if kind == "em_open" else -1
            elif kind == "link_open":
                self.link = self._hyperlink(str(token.attrs.get("href", "")))
            elif kind == "link_close":
                self.link = None
            elif kind == "image":  # never fetched: the alternative text stands in
                self._text(_plain(token.children or []), italic=True)

    def _text(self, text: str, *, code: bool = False, italic: bool = False) -> None:
        pieces = direction_runs(text) if self.blocks.rtl else [text] if text else []
        for piece in pieces:
            run = self.blocks.run(self.paragraph, piece, bold=self.bold > 0,
                                  italic=italic or self.italic > 0, code=code, into=self.link)
            if self.link is not None:
                run.font.color.rgb = LINK_BLUE
                run.font.underline = True

    def _hyperlink(self, href: str) -> OxmlElement:
        """A ``w:hyperlink`` to ``href`` (an external relationship; ``#name`` an anchor)."""
        element = OxmlElement("w:hyperlink")
        if href.startswith("#"):
            element.set(qn("w:anchor"), href[1:])
        else:
            r_id = self.paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
            element.set(qn("r:id"), r_id)
        self.paragraph._p.append(element)
        return element


def _plain(children: list[Token]) -> str:
    return "".join(t.content if t.type in ("text", "code_inline") else
                   " " if t.type in ("softbreak", "hardbreak") else "" for t in children)
