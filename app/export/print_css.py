"""The print stylesheet of the PDF export: A4 pages, running header and footer, fonts.

Kept apart from :mod:`app.export.pdf` so the page design can be read (and changed) in one
place. Margin boxes (``@top-center``, ``@bottom-center``) repeat on every page, which is
how a draft carries its DRAFT line on each page; the large diagonal watermark is a
``position: fixed`` element, which WeasyPrint also paints on every page.
"""

from __future__ import annotations

from app.export.base import DRAFT_MARK, Localized
from app.export.print_fonts import font_plan

_BASE = """\
@page {{
  size: A4;
  margin: 24mm 20mm 22mm 20mm;
  @top-center {{ content: {header}; font: {weight} 8.5pt {family}; color: {color}; }}
  @bottom-center {{ content: counter(page) " / " counter(pages);
                   font: 8.5pt {family}; color: #555; }}
}}
html {{ font-family: {family}; font-size: {size}; line-height: 1.5; color: #1b1b1b; }}
body {{ margin: 0; }}
h1 {{ font-size: 18pt; line-height: 1.3; margin: 0 0 12pt; }}
h2 {{ font-size: 14pt; line-height: 1.3; margin: 14pt 0 8pt; }}
h3, h4, h5, h6 {{ font-size: 12pt; margin: 12pt 0 6pt; }}
h1, h2, h3, h4, h5, h6 {{ break-after: avoid; }}
p {{ margin: 0 0 8pt; orphans: 2; widows: 2; }}
ul, ol {{ margin: 0 0 8pt; padding-inline-start: 22pt; }}
li {{ margin: 0 0 3pt; }}
blockquote {{ margin: 0 0 8pt; padding-inline-start: 10pt; border-inline-start: 2pt solid #bbb;
             color: #444; }}
a {{ color: #0b57d0; text-decoration: none; }}
pre, code {{ font-family: "DejaVu Sans Mono", monospace; font-size: 9.5pt; }}
pre {{ white-space: pre-wrap; padding: 6pt; background: #f4f4f4; }}
table {{ border-collapse: collapse; margin: 0 0 8pt; }}
th, td {{ border: 0.5pt solid #999; padding: 2pt 5pt; text-align: start; }}
img {{ max-width: 100%; }}
.notice {{ margin: 0 0 12pt; padding: 4pt 8pt; border: 1pt solid #999; font-size: 10pt; }}
.notice.draft {{ color: #b00020; border-color: #b00020; font-weight: bold; }}
.watermark {{ position: fixed; top: 100mm; left: 0; width: 170mm; height: 60mm;
             direction: ltr; text-align: center; font: bold 110pt/60mm {family};
             color: rgba(176, 0, 32, 0.10); transform: rotate(-40deg); }}
"""

# WeasyPrint draws a bullet list's outside marker at the line's visual left even in a
# right-to-left list (where it lands after the text); right-to-left pages draw their own.
_RTL_MARKERS = """\
ul, ol { list-style: none; }
li::before { display: inline-block; box-sizing: border-box; width: 22pt; margin-right: -22pt;
             padding-left: 5pt; text-align: left; }
ul > li::before { content: "•"; }
ol > li::before { content: counter(list-item) "."; }
"""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for ``content:``)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def print_stylesheet(item: Localized) -> str:
    """The stylesheet for ``item``: its fonts, and the running header when it has a notice."""
    header = []
    if item.draft:
        header.append(DRAFT_MARK)
    if item.label:  # its first part only ("English / Uyghur" labels): the page shows all
        header.append(item.label.split(" / ")[0])
    content = css_string(" · ".join(header)) if header else "none"
    plan = font_plan(item.language)
    # Arabic-script faces are small on the body: a point more reads like Noto Sans at 11.
    size = "12pt" if plan.complex != plan.latin else "11pt"
    weight, color = ("bold", "#b00020") if item.draft else ("normal", "#555")
    css = _BASE.format(header=content, family=plan.css_family, size=size, weight=weight,
                       color=color)
    return css + _RTL_MARKERS if item.language.rtl else css
