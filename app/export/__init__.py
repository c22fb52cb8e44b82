"""Export renderers: one class per output format, all registered in :data:`RENDERERS`.

Importing this package imports every format module, each of which registers its renderer
with :func:`app.export.base.register`. Add a format: write its module, import it below.
"""

from __future__ import annotations

from app.export.base import (
    DRAFT_MARK,
    RENDERERS,
    Localized,
    Renderer,
    Unit,
    UnknownFormatError,
    get_renderer,
    register,
)

# isort: split
# Format modules (each registers itself on import). Keep one import per line.
import app.export.catalogs  # noqa: F401
import app.export.docx  # noqa: F401
import app.export.html  # noqa: F401
import app.export.pdf  # noqa: F401
import app.export.text  # noqa: F401
import app.export.tmx  # noqa: F401
import app.export.xliff  # noqa: F401

__all__ = ["DRAFT_MARK", "RENDERERS", "Localized", "Renderer", "Unit", "UnknownFormatError",
           "get_renderer", "register"]
