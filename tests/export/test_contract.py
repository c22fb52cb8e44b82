"""The contract every export renderer keeps, re-run for each one in the registry.

A format registered later (DOCX, PDF, …) is covered without touching this file. Where a
format is human-readable, :func:`text_of` gets its text so the DRAFT mark, the fallback to
the source and the RTL/CJK content can be looked for in what a reader would see.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import json
import pkgutil
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from gettext import GNUTranslations
from pathlib import Path

import pytest
from export import samples  # tests/export/samples.py

import app.export
from app.core.states import State
from app.export import DRAFT_MARK, RENDERERS, Renderer
from app.export.base import Localized

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(RENDERERS)
_MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+(; ?charset=utf-8)?$")


# --- reading a rendered file back as text -------------------------------------------------------


def _xml_text(data: bytes) -> str:
    return "\n".join(ET.fromstring(data).itertext())


def _mo_text(data: bytes) -> str:
    catalog = GNUTranslations(io.BytesIO(data))._catalog  # type: ignore[attr-defined]
    return "\n".join(f"{key}\n{value}" for key, value in catalog.items())


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    # Every text run of every part (body, headers, footers, notes): what Word shows.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
        texts = []
        for part in sorted(parts):
            root = ET.fromstring(archive.read(part))
            paragraphs = root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")
            for paragraph in paragraphs:
                runs = paragraph.iter(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
                texts.append("".join(run.text or "" for run in runs))
    return "\n".join(texts)


_TEXT_OF = {
    "md": lambda data: re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", data.decode("utf-8")),
    "txt": lambda data: data.decode("utf-8"),
    "html": lambda data: data.decode("utf-8"),
    "po": lambda data: data.decode("utf-8"),
    "mo": _mo_text,
    "xliff": _xml_text,
    "tmx": _xml_text,
    "pdf": _pdf_text,
    "docx": _docx_text,
}


def text_of(name: str, data: bytes) -> str | None:
    """The text a reader or tool sees in a rendered file; None for a format without a
    reader here (its own tests must check the content)."""
    reader = _TEXT_OF.get(name)
    return None if reader is None else reader(data)


def normalised(text: str) -> str:
    """Text compared without whitespace and presentation forms (PDF extraction yields
    Arabic contextual forms and breaks lines where it likes)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- renders, shared between the tests of one module run -----------------------------------------

_CACHE: dict[tuple[str, str], bytes] = {}
LONG_LABEL = (
    "Automatic transliteration of the approved Uyghur (Arabic script) text into Uyghur Latin "
    "script (ULY) — not reviewed by a translator. / ئەرەب يېزىقىدىكى تەستىقلانغان ئۇيغۇرچە "
    "تېكىستنىڭ لاتىن يېزىقىغا ئاپتوماتىك ئۆزگەرتىلگەن نۇسخىسى، تەرجىمان تەرىپىدىن تەكشۈرۈلمىگەن."
)


def _item(variant: str) -> Localized:
    if variant == "release":
        return samples.sample_localized("ru")
    if variant == "draft":
        return samples.sample_localized("ru", draft=True)
    if variant == "untranslated":
        return samples.sample_localized("ru", untranslated=3)
    return samples.sample_localized(variant)  # a language code


def rendered(name: str, variant: str) -> bytes:
    key = (name, variant)
    if key not in _CACHE:
        _CACHE[key] = RENDERERS[name].render(_item(variant))
    return _CACHE[key]


# --- the contract -------------------------------------------------------------------------------


def test_names_and_extensions_are_unique() -> None:
    renderers = list(RENDERERS.values())
    assert len({r.extension for r in renderers}) == len(renderers)
    assert len({r.label for r in renderers}) == len(renderers)
    assert all(key == r.name for key, r in RENDERERS.items())


def test_the_reader_and_translator_formats_are_registered() -> None:
    assert {"md", "txt", "html", "po", "mo", "xliff", "tmx"} <= set(RENDERERS)


def test_every_renderer_module_is_imported_by_the_package() -> None:
    """A format module that defines a renderer but is missing from ``app/export/__init__``
    would never show up in the CLI or the web UI: check in a fresh interpreter."""
    code = "import json, app.export; print(json.dumps(sorted(app.export.RENDERERS)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    registered = set(json.loads(result.stdout))
    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(app.export.__path__):
        module = importlib.import_module(f"app.export.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, Renderer) and cls.__module__ == module.__name__
                    and not inspect.isabstract(cls)):
                defined[cls.name] = module.__name__
    assert defined, "no renderer classes found"
    missing = {name: module for name, module in defined.items() if name not in registered}
    assert not missing, f"renderers not imported by app/export/__init__.py: {missing}"
    for name, module in defined.items():
        assert type(RENDERERS[name]).__module__ == module


@pytest.mark.parametrize("name", NAMES)
class TestRenderer:
    def test_class_attributes(self, name: str) -> None:
        renderer = RENDERERS[name]
        assert re.fullmatch(r"[a-z0-9]+", renderer.name)
        assert re.fullmatch(r"[a-z0-9]+", renderer.extension)
        assert _MEDIA_TYPE.match(renderer.media_type), renderer.media_type
        assert renderer.label.strip()
        assert isinstance(renderer.for_translators, bool)

    def test_filename(self, name: str) -> None:
        renderer = RENDERERS[name]
        extension = renderer.extension
        assert renderer.filename(samples.sample_localized("ug")) == f"statement.ug.{extension}"
        draft = samples.sample_localized("zh_Hans", draft=True)
        assert renderer.filename(draft) == f"statement.zh-Hans.draft.{extension}"

    def test_renders_bytes_deterministically(self, name: str) -> None:
        data = rendered(name, "release")
        assert isinstance(data, bytes) and data
        # A second, separately built snapshot of the same statement: the same bytes.
        assert RENDERERS[name].render(_item("release")) == data

    def test_draft_is_marked(self, name: str) -> None:
        release, draft = rendered(name, "release"), rendered(name, "draft")
        assert draft != release
        text = text_of(name, draft)
        if text is not None:
            assert DRAFT_MARK in text
            assert DRAFT_MARK not in text_of(name, release)

    @pytest.mark.parametrize("code", ["ug", "zh_Hans"])
    def test_rtl_and_unspaced_languages(self, name: str, code: str) -> None:
        data = rendered(name, code)
        assert data
        text = text_of(name, data)
        if text is None:
            return
        sentence = samples.POOLS[code][0]
        assert normalised(sentence) in normalised(text)
        if code == "zh_Hans" and not RENDERERS[name].for_translators and name != "pdf":
            # Sentences of one paragraph are joined without a space.
            pool = samples.POOLS[code]
            assert any(a + b in text for a in pool for b in pool)

    def test_variant_label_is_shown(self, name: str) -> None:
        # As long as a real script-variant label (in two scripts, well over 255 characters).
        item = samples.sample_localized("ug")
        item.label = LONG_LABEL
        data = RENDERERS[name].render(item)
        assert data and data != rendered(name, "ug")
        text = text_of(name, data)
        if text is not None:
            assert normalised(LONG_LABEL) in normalised(text)

    def test_untranslated_segments_fall_back_to_the_source(self, name: str) -> None:
        item = _item("untranslated")
        empty = [unit for unit in item.units if unit.state == State.EMPTY.value]
        assert len(empty) == 3
        data = rendered(name, "untranslated")
        assert data
        text = text_of(name, data)
        if text is not None and name not in ("mo", "tmx"):  # these hold translations only
            title = empty[0].source
            assert normalised(title) in normalised(text)


# --- the notice in the Markdown and plain-text exports ------------------------------------------


def test_markdown_and_text_notice() -> None:
    item = samples.sample_localized("zh_Hans", draft=True)
    item.label = "Automatic transliteration (Latin script)"
    markdown = RENDERERS["md"].render(item).decode()
    notice = f"{DRAFT_MARK} · Automatic transliteration \\(Latin script\\)"
    assert markdown.startswith(f"> **{notice}**\n\n# ")
    text = RENDERERS["txt"].render(item).decode()
    assert text.startswith(f"{DRAFT_MARK} · Automatic transliteration (Latin script)\n\n")
    release = samples.sample_localized("zh_Hans")
    assert RENDERERS["md"].render(release).decode() == release.rebuilt.text
    assert markdown.endswith(release.rebuilt.text)


def test_markdown_notice_after_front_matter() -> None:
    from app.core.document import parse_document

    item = samples.sample_localized("ru", draft=True)
    source = "---\ntitle: x\n---\n" + item.document.text
    item.document = parse_document(source, name="statement", path="source/statement.md")
    markdown = RENDERERS["md"].render(item).decode()
    assert markdown.startswith(f"---\ntitle: x\n---\n\n> **{DRAFT_MARK}**\n\n")
    assert DRAFT_MARK in RENDERERS["html"].render(item).decode()
