"""The HTML export: one standalone page that shows the statement the same everywhere.

Nothing is fetched when the page is opened (a reader's request to a third-party server
could reveal them): the style is embedded, Arabic-script fonts are inlined as subset WOFF2
(:mod:`app.export.fonts`). Markup cannot get in: translations reach the page through the
rebuild, which escapes their HTML; raw HTML in the statement itself is shown as text;
markdown-it refuses ``javascript:`` links; and a Content-Security-Policy ``<meta>``
forbids scripts and any outside resource should anything slip through all that.
"""

from __future__ import annotations

from markdown_it.token import Token

from app.core.document import markdown_parser, without_front_matter
from app.core.rebuild import html_page
from app.export.base import Localized, Renderer, register
from app.export.fonts import font_face_css

#: For the file opened from disk or another site; the app serves its own CSP header.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:"

_NOTICE_CSS = """\
.draft,.label{margin:0 0 1.5rem;padding:.6rem .9rem;border-radius:.25rem}
.draft{border:2px solid #b3261e;background:#fdecea;color:#8c1d18;font-weight:700}
.label{border:1px solid #888;background:#f4f4f4;color:#333}"""


_PARSER = markdown_parser()


def bold_text(markdown: str) -> str:
    """The text the page shows in bold (headings, table headers, strong emphasis): the
    characters a bold font face must hold."""
    out: list[str] = []
    bold_block = False
    for token in _PARSER.parse(without_front_matter(markdown)):
        if token.type in ("heading_open", "th_open"):
            bold_block = True
        elif token.type in ("heading_close", "th_close"):
            bold_block = False
        elif token.type == "inline":
            out.append(token.content if bold_block else _strong(token.children or []))
    return "\n".join(out)


def _strong(children: list[Token]) -> str:
    depth, out = 0, []
    for child in children:
        depth += {"strong_open": 1, "strong_close": -1}.get(child.type, 0)
        if depth and child.content:
            out.append(child.content)
    return " ".join(out)


@register
class HtmlRenderer(Renderer):
    name = "html"
    extension = "html"
    media_type = "text/html; charset=utf-8"
    label = "Web page (HTML)"

    def render(self, item: Localized) -> bytes:
        text = item.rebuilt.text
        notice = item.notice or ""
        faces, families = font_face_css(item.language, f"{notice}\n{text}",
                                        f"{notice}\n{bold_text(text)}" if item.draft
                                        else bold_text(text))
        css = [_NOTICE_CSS]
        if faces:
            stack = ",".join(f'"{family}"' for family in families)
            css += [faces, f"body{{font-family:{stack},system-ui,sans-serif}}"]
        page = html_page(text, item.language, fallback_title=item.name, notice=item.notice,
                         notice_class="draft" if item.draft else "label",
                         extra_css="\n".join(css), policy=POLICY, raw_html=False)
        return page.encode("utf-8")
