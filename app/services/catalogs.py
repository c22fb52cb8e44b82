"""Catalogue use cases shared by the CLI, the web UI and tests: extract, init, update, build, stats.

Every use case validates all its input before it writes anything, and every file is written
atomically, so bad input changes nothing and a crash never leaves a half-written catalogue.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch

from app import __version__
from app.core.babel_extractor import extract_markdown
from app.core.catalog import AUTOMATIC_FORMAT_FLAGS, Catalog, Entry
from app.core.document import Document, DocumentError, load_document
from app.core.languages import Language, get_language
from app.core.merge import MergeStats, merge
from app.core.pofile import PoSyntaxError, format_po_bytes, read_po, write_po
from app.core.rebuild import Rendered, render
from app.project import Project, ProjectError

DEFAULT_METHOD = "terjime_markdown"
BABEL_CFG = Path("babel.cfg")
FORMATS = ("md", "html", "txt")

#: Errors a use case reports to the user as one line, having changed nothing.
UserError = (ProjectError, DocumentError, PoSyntaxError, ValueError)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000")


# --- extraction --------------------------------------------------------------------------


def _extraction_method(project: Project, path: Path) -> tuple[str, dict]:
    """The method and options ``babel.cfg`` maps to ``path`` (Terjime's extractor by default).

    Patterns are tried against the path relative to the working directory and to the
    source folder, matching both ways ``pybabel extract`` may be run.
    """
    if not BABEL_CFG.is_file():
        return DEFAULT_METHOD, {}
    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(BABEL_CFG))
    candidates = [project.reference(path), path.relative_to(project.source_dir).as_posix()]
    for name in candidates:
        for pattern, method in method_map:
            if pathmatch(pattern, name):
                return method, dict(options_map.get(pattern, {}))
    return DEFAULT_METHOD, {}


def template_header(domain: str, created: str | None = None) -> dict[str, str]:
    """Header of a POT file, with gettext's placeholder values for translator fields."""
    return {
        "Project-Id-Version": domain,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created or _now(),
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"Terjime {__version__}",
    }


def extract_document(project: Project, domain: str, path: Path) -> Catalog:
    """Extract one statement through Babel's machinery and the mapped extraction method."""
    method, options = _extraction_method(project, path)
    reference = project.reference(path)
    entries: dict[tuple[str | None, str], Entry] = {}
    # Our own method is passed as the function the entry point names, sparing Babel a scan
    # of every installed distribution's entry points on each run.
    func = extract_markdown if method == DEFAULT_METHOD else method
    try:
        results = extract_from_file(func, str(path), keywords=DEFAULT_KEYWORDS, options=options)
    except OSError as exc:
        raise ProjectError(f"{reference}: cannot read ({exc.strerror or exc})") from exc
    for lineno, message, comments, context in results:
        key = (context, message)
        location = f"{reference}:{lineno}"
        entry = entries.get(key)
        if entry is None:
            entries[key] = Entry(
                msgid=message,
                msgctxt=context,
                locations=[location],
                auto_comments=list(dict.fromkeys(comments)),
            )
            continue
        if location not in entry.locations:
            entry.locations.append(location)
        for comment in comments:
            if comment not in entry.auto_comments:
                entry.auto_comments.append(comment)
    header = template_header(domain)
    return Catalog(
        header=header,
        header_comments=_header_comments(domain),
        header_flags=["fuzzy"],
        entries=list(entries.values()),
    )


def _header_comments(domain: str, language: Language | None = None) -> list[str]:
    what = f"{language.english_name} translation" if language else "Translation template"
    return [f"{what} of the statement '{domain}'.", "Managed by Terjime; edit with care."]


def load_statement(project: Project, domain: str) -> Document:
    path = project.document(domain)
    return load_document(path, project.reference(path))


@dataclass
class ExtractResult:
    domain: str
    pot_path: Path
    catalog: Catalog
    changed: bool


def extract(project: Project, domains: Iterable[str] | None = None) -> list[ExtractResult]:
    """Extract every (or the named) statement to its POT; an unchanged POT keeps its date."""
    documents = project.documents()
    wanted = list(domains) if domains else list(documents)
    for domain in wanted:
        project.document(domain)  # unknown names fail before anything is written
    results = []
    for domain in wanted:
        catalog = extract_document(project, domain, documents[domain])
        pot_path = project.pot_path(domain)
        if pot_path.is_file():
            old = read_po(pot_path)
            if "POT-Creation-Date" in old.header:
                catalog.header["POT-Creation-Date"] = old.header["POT-Creation-Date"]
            # Compare with the bytes on disk, as write_po does: formatting ``old`` as well
            # would decode every entry of a catalogue that was read without decoding.
            if format_po_bytes(catalog) == pot_path.read_bytes():
                results.append(ExtractResult(domain, pot_path, catalog, changed=False))
                continue
            catalog.header["POT-Creation-Date"] = _now()
        results.append(ExtractResult(domain, pot_path, catalog, changed=True))
    for result in results:
        if result.changed:
            result.pot_path.parent.mkdir(parents=True, exist_ok=True)
            write_po(result.pot_path, result.catalog)
    return results


# --- init -------------------------------------------------------------------------------


#: Never a volunteer's name in a PO header: PO files travel through git and email.
LAST_TRANSLATOR = "Terjime volunteers"


def translation_header(project_id: str, language: Language, *, created: str, revised: str,
                       bugs_to: str = "") -> dict[str, str]:
    """The header of a language's PO file (working files and exports alike)."""
    return {
        "Project-Id-Version": project_id,
        "Report-Msgid-Bugs-To": bugs_to,
        "POT-Creation-Date": created,
        "PO-Revision-Date": revised,
        "Last-Translator": LAST_TRANSLATOR,
        "Language-Team": language.english_name,
        "Language": language.code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
        "X-Generator": f"Terjime {__version__}",
    }


def new_translation(template: Catalog, domain: str, language: Language) -> Catalog:
    """A fresh PO for ``language`` from a template: correct headers, every entry empty."""
    header = translation_header(
        domain, language, created=template.header.get("POT-Creation-Date", _now()),
        revised=_now(), bugs_to=template.header.get("Report-Msgid-Bugs-To", ""))
    entries = [
        Entry(
            msgid=e.msgid,
            msgctxt=e.msgctxt,
            msgid_plural=e.msgid_plural,
            msgstr_plural={i: "" for i in range(language.nplurals)} if e.msgid_plural else {},
            locations=list(e.locations),
            auto_comments=list(e.auto_comments),
            flags=[f for f in e.flags if f not in AUTOMATIC_FORMAT_FLAGS and f != "fuzzy"],
        )
        for e in template.entries
        if not e.obsolete
    ]
    return Catalog(
        header=header, header_comments=_header_comments(domain, language), entries=entries
    )


@dataclass
class InitResult:
    language: str
    domain: str
    path: Path
    created: bool


def init(project: Project, languages: list[str]) -> list[InitResult]:
    """Create missing PO files for ``languages``; existing ones are never overwritten."""
    if not languages:
        raise ValueError("name at least one language code, e.g. terjime init ug tr")
    resolved = [get_language(code) for code in languages]  # all valid, or nothing happens
    templates = {r.domain: r.catalog for r in extract(project)}
    results, pending = [], []
    for language in resolved:
        for domain, template in templates.items():
            path = project.po_path(language.code, domain)
            if path.exists():
                results.append(InitResult(language.code, domain, path, created=False))
                continue
            pending.append((path, new_translation(template, domain, language)))
            results.append(InitResult(language.code, domain, path, created=True))
    for path, catalog in pending:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_po(path, catalog)
    return results


# --- update -----------------------------------------------------------------------------


@dataclass
class UpdateResult:
    language: str
    domain: str
    path: Path
    stats: MergeStats
    changed: bool


def update(project: Project) -> list[UpdateResult]:
    """Re-extract, then merge every template into every language's PO (all-or-nothing)."""
    templates = {r.domain: r.catalog for r in extract(project)}
    planned: list[tuple[UpdateResult, Catalog]] = []
    for code in project.languages():
        language = get_language(code)
        for domain, template in templates.items():
            path = project.po_path(code, domain)
            if path.is_file():
                old = read_po(path)
                merged, stats = merge(template, old)
                changed = format_po_bytes(merged) != path.read_bytes()
            else:
                merged = new_translation(template, domain, language)
                stats = MergeStats(new=len(merged.entries))
                changed = True
            planned.append((UpdateResult(code, domain, path, stats, changed), merged))
    for result, catalog in planned:
        if result.changed:
            result.path.parent.mkdir(parents=True, exist_ok=True)
            write_po(result.path, catalog)
    return [result for result, _ in planned]


# --- build ------------------------------------------------------------------------------


class IncompleteTranslationError(ValueError):
    """``--strict`` build of a language that still has untranslated, fuzzy or broken entries."""


def usable_translations(catalog: Catalog) -> dict[tuple[str | None, str], str]:
    """Translations a rebuild may use: complete and not fuzzy."""
    return {e.key: e.msgstr for e in catalog.entries if e.translated and e.msgid_plural is None}


def read_translations(project: Project, code: str, domain: str) -> Catalog:
    path = project.po_path(code, domain)
    if not path.is_file():
        raise ProjectError(f"{path}: no catalogue for {code!r}; run `terjime init {code}` first")
    return read_po(path)


def build(
    project: Project, code: str, domain: str, fmt: str = "md", strict: bool = False
) -> Rendered:
    """Render the localized statement; fallbacks to the source are reported, or refused."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    language = get_language(code)
    document = load_statement(project, domain)
    catalog = read_translations(project, language.code, domain)
    rendered = render(document, usable_translations(catalog), language, fmt)
    if strict and (rendered.missing or rendered.invalid):
        lines = [
            f"{domain} [{language.code}]: {len(rendered.missing)} untranslated or fuzzy, "
            f"{len(rendered.invalid)} unusable"
        ]
        lines += [f"  {document.path}:{s.line}: missing: {s.msgid[:70]}" for s in rendered.missing]
        lines += [
            f"  {document.path}:{s.line}: {why}: {s.msgid[:60]}" for s, why in rendered.invalid
        ]
        raise IncompleteTranslationError("\n".join(lines))
    return rendered


def write_output(path: Path, text: str) -> None:
    """Write a built document atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- stats ------------------------------------------------------------------------------


@dataclass
class Stats:
    domain: str
    language: str
    entries: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    words: int = 0
    translated_words: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.entries if self.entries else 100.0


def catalog_stats(catalog: Catalog, domain: str, language: str) -> Stats:
    stats = Stats(domain, language)
    for entry in catalog.active:
        words = len(entry.msgid.split())
        stats.entries += 1
        stats.words += words
        if entry.translated:
            stats.translated += 1
            stats.translated_words += words
        elif entry.fuzzy:
            stats.fuzzy += 1
        else:
            stats.untranslated += 1
    return stats


def stats(project: Project) -> list[Stats]:
    """Progress per statement and language, from the PO files on disk."""
    rows = []
    domains = list(project.documents())
    for domain in domains:
        for code in project.languages():
            path = project.po_path(code, domain)
            if path.is_file():
                rows.append(catalog_stats(read_po(path), domain, code))
    return rows
