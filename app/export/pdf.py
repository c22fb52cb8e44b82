"""PDF for print, laid out by WeasyPrint from the same Markdown as the HTML export.

The page is built here rather than reusing the screen HTML: print needs an ``@page`` box (A4,
margins, page numbers, a running DRAFT header and watermark on every page of a draft) and
the language's print fonts by family name (see :mod:`app.export.print_fonts`), which
fontconfig finds among the installed Debian font packages. Text is shaped by Pango and
HarfBuzz, so Uyghur letters join and lines run right to left under ``dir="rtl"``.

Nothing is fetched: the URL fetcher refuses every URL but ``data:`` (a statement's remote
image is left out, never downloaded), and there is no base URL. The output is deterministic:
the dates come from the statement's ``created`` time, the document ID is a digest of the
content, and WeasyPrint names font subsets the same way on every run (checked by the tests
in one process and by hand across processes).

The FontConfiguration and parsed stylesheets are kept per process; WeasyPrint is not
documented as thread-safe, so a threaded server should render PDFs one at a time.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from markdown_it.token import Token

from app.core.document import markdown_parser, without_front_matter
from app.core.rebuild import _first_heading, _visible
from app.export.base import DRAFT_MARK, Localized, Renderer, register
from app.export.print_css import print_stylesheet

if TYPE_CHECKING:  # WeasyPrint is imported on first render: loading Pango takes ~1 s
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

_PARSER = markdown_parser()


def offline_fetcher() -> URLFetcher:
    """A URL fetcher that refuses every URL but ``data:`` and lists what it refused
    (``.refused``), for the logs and the tests."""
    return _fetcher_class()()


@lru_cache(maxsize=1)
def _fetcher_class() -> type[URLFetcher]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OfflineFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"export never fetches {url!r}")
            return super().fetch(url, headers)

    return OfflineFetcher


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    """One FontConfiguration per process: building it scans fontconfig (slow to repeat)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def print_page(item: Localized, *, style: bool = True) -> str:
    """The print HTML for ``item``: notice lines, body, metadata for the PDF Info.

    ``style=False`` leaves the stylesheet out (:func:`render_pdf` passes it parsed).
    """
    env: dict = {}
    tokens = _visible(_PARSER.parse(without_front_matter(item.rebuilt.text), env))
    _mark_directions(tokens, "rtl" if item.language.rtl else "ltr")
    body = _PARSER.renderer.render(tokens, _PARSER.options, env)
    language = item.language
    title = html.escape(_first_heading(tokens) or item.name)
    stamp = _w3c(item.created)
    direction = "rtl" if language.rtl else "ltr"
    notices = ""
    if item.draft:
        notices += f'<p class="notice draft" dir="ltr">{html.escape(DRAFT_MARK)}</p>\n'
        notices += '<div class="watermark" aria-hidden="true">DRAFT</div>\n'
    if item.label:
        own = first_strong(item.label)
        turn = f' dir="{own}"' if own and own != direction else ""
        notices += f'<p class="notice label"{turn}>{html.escape(item.label)}</p>\n'
    css = f"<style>\n{print_stylesheet(item)}\n</style>\n" if style else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{language.bcp47}" dir="{direction}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta name="dcterms.created" content="{stamp}">\n'
        f'<meta name="dcterms.modified" content="{stamp}">\n'
        f'<meta name="generator" content="Terjime">\n'
        f"{css}</head>\n<body>\n"
        f"{notices}{body}</body>\n</html>\n"
    )


def _mark_directions(tokens: list[Token], page: str) -> None:
    """Give a paragraph or heading whose text runs the other way than the page its ``dir``.

    An English fallback sentence in a Uyghur draft then reads left to right with its full
    stop at the end (what ``unicode-bidi: plaintext`` does on screen; WeasyPrint has no
    ``plaintext``). List items keep the page's direction so their numbers stay on its side.
    """
    for index, token in enumerate(tokens[:-1]):
        if token.type in ("paragraph_open", "heading_open") and not token.hidden:
            direction = first_strong(tokens[index + 1].content)
            if direction is not None and direction != page:
                token.attrSet("dir", direction)


def first_strong(text: str) -> str | None:
    """"ltr"/"rtl" from the first strongly directional character of ``text`` (UAX #9 P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _w3c(moment: dt.datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_pdf(item: Localized, fetcher: URLFetcher | None = None) -> bytes:
    """The PDF bytes (``fetcher``: for tests that watch what would have been fetched)."""
    from weasyprint import HTML

    document = HTML(string=print_page(item, style=False), base_url=None,
                    url_fetcher=fetcher or offline_fetcher())
    return document.write_pdf(stylesheets=[_stylesheet(print_stylesheet(item))],
                              font_config=font_configuration(), pdf_identifier=True,
                              optimize_images=True)


@lru_cache(maxsize=64)
def _stylesheet(text: str) -> CSS:
    """Parsed once per distinct stylesheet (fonts and notice): saves ~5% of a render."""
    from weasyprint import CSS

    return CSS(string=text, base_url=None, url_fetcher=offline_fetcher(),
               font_config=font_configuration())


@register
class PdfRenderer(Renderer):
    name = "pdf"
    extension = "pdf"
    media_type = "application/pdf"
    label = "PDF (print)"

    def render(self, item: Localized) -> bytes:
        return render_pdf(item)
