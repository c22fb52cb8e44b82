"""XSS: hostile text from volunteers stays text — in every page and every export format.

A translation, a comment, a suggestion, a display name and a glossary term hold the classic
payloads; the editor (with history), preview, dashboard, assist panel, glossary, people and
audit pages must contain them only as escaped text, under the strict CSP. Every registered
export renderer is checked the way its format can carry active content.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from review_helpers import DOC, database, save, segment_ids
from sqlalchemy import select

from app.export import RENDERERS
from app.services import discussion, glossary
from app.store.models import Language, Segment, Suggestion, User

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "[a](javascript:alert(1))", '"><svg onload=alert(1)>']
NAME = '"><svg onload=alert(1)><script>alert(1)</script>'
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcdoc"}
#: Inline SVG (the dashboard's progress bars) is static; its handlers are caught as attributes.
ACTIVE_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "applet"}


class ActiveContent(HTMLParser):
    """Collects whatever in an HTML document could run: inline or foreign scripts, event
    handlers, javascript: URLs, embedded documents; and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script {values}>")
        if tag in ACTIVE_ELEMENTS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", value or "").lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "vbscript:",
                                                              "data:text/html")):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def inspect_html(markup: str) -> tuple[list[str], str]:
    parser = ActiveContent()
    parser.feed(markup)
    parser.close()
    return parser.problems, "".join(parser.text)


def test_the_inspector_does_catch_active_content() -> None:
    """The checks below would be worthless if the parser missed the payloads themselves."""
    for payload in PAYLOADS[:2] + ['<a href=" java\tscript:alert(1)">x</a>', PAYLOADS[3],
                                   '<form action="JavaScript:alert(1)">']:
        problems, _ = inspect_html(payload)
        assert problems, payload
    assert inspect_html("&lt;script&gt;alert(1)")[0] == []


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def hostile(app, make_user) -> dict:  # noqa: ANN001
    """Hostile texts everywhere a volunteer can write, by a volunteer with a hostile name."""
    admin = make_user("xss-admin", "admin")
    author = make_user(NAME, "editor", ["ug"])
    ids = segment_ids(app)
    for sid, payload in zip(ids, PAYLOADS, strict=False):
        save(app, author, sid, f"ئىككى {payload}")
        save(app, author, sid, f"ئۈچ {payload}")  # so that history has an older text
    with database(app).session() as session:
        user = session.get(User, author)
        ug = session.scalar(select(Language).where(Language.code == "ug"))
        for sid, payload in zip(ids, PAYLOADS, strict=False):
            segment = session.get(Segment, sid)
            discussion.add_comment(session, segment, ug, user, f"ئىزاھ {payload}")
            session.add(Suggestion(segment_id=sid, language_id=ug.id, text=f"تەكلىپ {payload}",
                                   user_id=author))
            glossary.add_term(session, "ug", f"Term {payload}", f"ئاتالغۇ {payload}",
                              note=f"note {payload}")
    return {"admin": admin, "author": author, "ids": ids}


def _pages(hostile: dict) -> list[str]:
    editor = f"/documents/{DOC}/ug"
    return [
        "/", editor, f"{editor}?comments=1", f"{editor}?suggestions=1",
        f"{editor}?q=alert", f"{editor}/preview", f"{editor}/preview/fragment",
        f"{editor}/segments/{hostile['ids'][0]}/assist",
        f"{editor}/segments/{hostile['ids'][1]}/assist/fragment", "/glossary/ug",
        "/admin/people", f"/admin/people/{hostile['author']}", "/admin/audit", "/account",
        "/publish",
    ]


def test_pages_show_hostile_text_as_text(app, client, login, hostile: dict) -> None:
    login(client, hostile["admin"])
    seen = 0
    for path in _pages(hostile):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        problems, text = inspect_html(response.get_data(as_text=True))
        assert not problems, f"{path}: {problems}"
        seen += "alert(1)" in text
    assert seen >= 10, "the hostile texts did not reach the pages: the test proves nothing"


def test_the_editor_page_shows_each_kind_of_hostile_text(app, client, login,
                                                         hostile: dict) -> None:
    """Non-vacuous: every payload, as text, in the editor (translation, history, comments,
    suggestions) and the author's name."""
    login(client, hostile["admin"])
    _, text = inspect_html(client.get(f"/documents/{DOC}/ug").get_data(as_text=True))
    for payload in PAYLOADS:
        assert f"ئۈچ {payload}" in text  # the current translation
        assert f"ئىزاھ {payload}" in text  # a comment
        assert f"تەكلىپ {payload}" in text  # a suggestion
    assert "alert(1)>" in text and NAME in text


def test_the_api_returns_json_not_html(app, client, login, hostile: dict) -> None:
    login(client, hostile["admin"])
    response = client.get(f"/api/v1/documents/{DOC}/languages/ug/segments")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- export renderers ----------------------------------------------------------------------


def hostile_localized(code: str = "ug"):  # noqa: ANN201
    """The sample statement with a payload after every translation (links and numbers kept,
    so each translation stays valid and reaches the output)."""
    from export.samples import sample_localized

    item = sample_localized(code)
    units = [replace(unit, target=f"{unit.target} {PAYLOADS[i % len(PAYLOADS)]}")
             if unit.target else unit for i, unit in enumerate(item.units)]
    return replace(item, units=units)


def _check_html(data: bytes) -> None:
    problems, text = inspect_html(data.decode("utf-8"))
    assert not problems, problems
    assert "alert(1)" in text


def _check_markdown(data: bytes) -> None:
    """Published Markdown goes through site generators that pass raw HTML: rendered with
    raw HTML allowed, it must still be inert."""
    _check_html(MarkdownIt("commonmark").render(data.decode("utf-8")).encode())


def _check_text(data: bytes) -> None:
    assert "alert(1)" in data.decode("utf-8")


def _check_xml(data: bytes) -> None:
    """XLIFF, TMX: the payload is character data, not markup."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(data)
    names = {element.tag.rsplit("}", 1)[-1].lower() for element in root.iter()}
    assert not names & {"script", "img", "svg"}, names
    assert any("alert(1)" in (element.text or "") + (element.tail or "")
               for element in root.iter())


def _check_binary_catalogue(data: bytes) -> None:
    assert b"alert(1)" in data  # MO: data for gettext, never rendered as markup


def _check_docx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert not [n for n in names if "vbaProject" in n or n.endswith((".bin", ".html",
                                                                          ".htm", ".mht"))]
        everything = b"".join(archive.read(n) for n in names if n.endswith((".xml", ".rels")))
    lowered = everything.lower()
    assert b"altchunk" not in lowered and b"attachedtemplate" not in lowered
    assert not re.search(rb'target="\s*javascript:', lowered)
    assert not re.search(rb"hyperlink\s+&quot;\s*javascript:|hyperlink\s+\"\s*javascript:",
                         lowered)
    assert b"alert(1)" in everything


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject

    reader = PdfReader(io.BytesIO(data))
    found = []

    def walk(node, depth: int = 0) -> None:  # noqa: ANN001
        if isinstance(node, IndirectObject):
            return  # every object is visited from the cross-reference table below
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ("/JS", "/JavaScript", "/Launch", "/OpenAction", "/AA",
                           "/SubmitForm", "/ImportData", "/RichMedia", "/EmbeddedFile"):
                    found.append(key)
                if key == "/URI" and str(value).strip().lower().startswith("javascript:"):
                    found.append(f"/URI {value}")
                walk(value, depth + 1)
        elif isinstance(node, list):
            for value in node:
                walk(value, depth + 1)

    for number in range(1, int(reader.trailer["/Size"])):
        try:
            walk(reader.get_object(number))
        except (KeyError, ValueError, OSError):  # a free number in the cross-reference table
            continue
    walk(reader.trailer)
    assert not found, found
    assert "alert(1)" in "".join(page.extract_text() for page in reader.pages)


CHECKS = {"html": _check_html, "md": _check_markdown, "txt": _check_text, "po": _check_text,
          "xliff": _check_xml, "tmx": _check_xml, "mo": _check_binary_catalogue,
          "docx": _check_docx, "pdf": _check_pdf}


def test_the_pdf_check_does_catch_javascript() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert(1);")})
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(AssertionError, match="JavaScript|/JS"):
        _check_pdf(out.getvalue())


def test_every_renderer_has_an_xss_check() -> None:
    missing = sorted(set(RENDERERS) - set(CHECKS))
    assert not missing, f"add an XSS check for the new export format(s) {missing}"


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_export_keeps_hostile_text_inert(name: str) -> None:
    item = hostile_localized()
    data = RENDERERS[name].render(item)
    CHECKS[name](data)


@pytest.mark.parametrize("name", sorted(set(RENDERERS) & {"html", "md"}))
def test_draft_exports_are_inert_too(name: str) -> None:
    item = replace(hostile_localized(), draft=True)
    CHECKS[name](RENDERERS[name].render(item))
