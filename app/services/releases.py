"""Releases: numbered, immutable, verifiable publications of signed-off languages.

``publish`` is a gate before it is a writer: every named language must be signed off (the
sign-off still active), every segment approved and no error-level check failing — checked
for *all* languages before anything is written, so a refusal leaves no file and no row. A
release renders every registered format (:data:`app.export.RENDERERS`) of the language and
of its script variants from one database snapshot into
``<instance>/releases/<document>/<language>/<number>/`` with ``units.json`` (the snapshot,
for the next release's diff), ``manifest.json`` (SHA-256 of every file) and a ZIP of it all.
Earlier releases are never touched. Drafts (:func:`export_draft`) carry the DRAFT mark and
are never recorded.

Used by ``terjime publish/export/releases`` (:mod:`app.cli.publish`) and the publish pages.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.core.languages import get_language
from app.export import RENDERERS, Localized, Renderer, get_renderer
from app.project import Project, ProjectError
from app.services import release_bundle as bundle
from app.services import signoff
from app.services.localized import localize, source_revision
from app.services.permissions import Action, can
from app.services.release_diff import (  # noqa: F401  (part of this module's interface)
    DiffRow,
    ReleaseDiff,
    changes_since_previous,
    release_folder,
)
from app.store.models import AuditLog, Document, Language, Release, ReleaseFile, User

Progress = Callable[[int, int], None]


class ReleaseRefused(ValueError):
    """Nothing was published; the message says, per language, what to do first."""

    def __init__(self, message: str, reasons: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.reasons = dict(reasons or {})


class NotInRelease(LookupError):
    """A file name that is not one of the release's recorded files."""


# --- lookups ---------------------------------------------------------------------------------


def find_document(session: Session, document: Document | str) -> Document:
    if isinstance(document, Document):
        return document
    row = session.scalar(select(Document).where(Document.name == document))
    if row is None:
        known = ", ".join(session.scalars(select(Document.name).order_by(Document.name)))
        raise ReleaseRefused(f"unknown statement {document!r} (known: {known or 'none'})")
    return row


def find_language(session: Session, language: Language | str) -> Language:
    if isinstance(language, Language):
        return language
    try:
        code = get_language(language).code
    except ValueError:
        code = language
    row = session.scalar(select(Language).where(Language.code == code))
    if row is None:
        known = ", ".join(session.scalars(select(Language.code).order_by(Language.code)))
        raise ReleaseRefused(f"unknown language {language!r} (known: {known or 'none'})")
    return row


def script_variants(code: str) -> tuple[str, ...]:
    """The scripts a language is also published in (``app.export.variants``, if present)."""
    variants = _variants_module()
    return tuple(variants.SCRIPT_VARIANTS.get(code, ())) if variants else ()


def split_variant(session: Session, code: str) -> tuple[Language, str | None]:
    """``ug`` → (ug, None); ``ug-Latn`` / ``ug_Latn`` → (ug, "Latn") when that variant exists."""
    try:
        return find_language(session, code), None
    except ReleaseRefused:
        base, _, script = code.replace("-", "_").rpartition("_")
        if base and script.title() in script_variants(base):
            return find_language(session, base), script.title()
        raise


def _variants_module():  # noqa: ANN202
    try:
        from app.export import variants
    except ModuleNotFoundError as exc:
        if exc.name != "app.export.variants":
            raise
        return None
    return variants


# --- the gate --------------------------------------------------------------------------------


def readiness(session: Session, project: Project, document: Document | str,
              language: Language | str) -> list[str]:
    """Why this language of this statement cannot be released now; empty when it can."""
    document, language = find_document(session, document), find_language(session, language)
    reasons: list[str] = []
    try:
        if source_revision(project, document.name) != document.source_sha256:
            reasons.append("the source file changed since it was imported: sync it "
                           "(terjime sync), review the amended sentences and sign off again")
    except (ProjectError, OSError) as exc:
        return [f"the source file cannot be read ({exc})"]
    signed = signoff.current(session, document, language)
    if signed is None:
        reasons.append(f"{language.name} is not signed off: an editor approves every segment "
                       "and signs it off first")
    elif signed.reopened_at is not None:
        reasons.append(f"the sign-off was re-opened ({signed.reopened_reason or 'no reason'}):"
                       " review the changes and sign off again")
    for blocker in (signoff.approval_blocker(session, document, language),
                    signoff.checks_blocker(session, document, language, project)):
        if blocker:
            reasons.append(blocker)
    return reasons


def refusal(reasons: Mapping[str, list[str]]) -> ReleaseRefused:
    parts = [f"{where}: {'; '.join(why)}" for where, why in reasons.items()]
    return ReleaseRefused("nothing was published — " + " | ".join(parts), reasons)


# --- publishing ------------------------------------------------------------------------------


def publish(session: Session, project: Project, instance_path: str | Path,
            document: Document | str, languages: list[Language] | list[str],
            user: User | None, *, renderers: Mapping[str, Renderer] | None = None,
            progress: Progress | None = None) -> list[Release]:
    """Release each language (all ready, or none): files on disk, rows in the session.

    ``user`` None means the command line. The caller commits; if the commit fails, the
    folders written stay as orphans and the next release takes the following number (a
    release folder is never overwritten). ``progress(done, total)`` counts rendered files.
    """
    document = find_document(session, document)
    chosen = list({row.id: row for row in (find_language(session, code)
                                           for code in languages)}.values())
    if not chosen:
        raise ReleaseRefused("name at least one language to publish")
    denied = [row.code for row in chosen if user is not None and not can(user, Action.PUBLISH,
                                                                          row.code)]
    if denied:
        raise ReleaseRefused(f"you may not publish {', '.join(denied)}: publishers and the "
                             "coordinator can")
    renderers = dict(RENDERERS if renderers is None else renderers)
    if not renderers:
        raise ReleaseRefused("no export format is installed; nothing to publish")
    reasons = {f"{document.name} {row.code}": why for row in chosen
               if (why := readiness(session, project, document, row))}
    if reasons:
        raise refusal(reasons)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    plan = [(row, script_variants(row.code)) for row in chosen]
    readers = [r for r in renderers.values() if not r.for_translators]
    total = sum(len(renderers) + len(scripts) * len(readers) for _, scripts in plan)
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    written: list[Path] = []
    made: list[Release] = []
    try:
        with session.begin_nested():  # a failure records nothing, even if the caller commits
            for language, scripts in plan:
                number = next_number(session, instance_path, document, language)
                item = localize(session, project, document, language, draft=False,
                                created=created, release=number)
                jobs = [(item, list(renderers.values()))]
                jobs += [(_variant(item, script), readers) for script in scripts]
                files = bundle.render_files(jobs, step)
                folder = (Path(instance_path) / "releases" / document.name / language.code
                          / str(number))
                made.append(_store(session, folder, item, files, document, language, user))
                written.append(folder)
    except BaseException as exc:
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, FileExistsError):  # another publisher took this number meanwhile
            raise ReleaseRefused(f"{exc}: someone published at the same moment; try again"
                                 ) from exc
        raise
    return made


def _variant(item: Localized, script: str) -> Localized:
    return _variants_module().make_variant(item, script)


def next_number(session: Session, instance_path: str | Path, document: Document,
                language: Language) -> int:
    """One more than the highest release recorded *or* found on disk (orphans included)."""
    recorded = session.scalar(select(func.max(Release.number)).where(
        Release.document_id == document.id, Release.language_id == language.id)) or 0
    folder = Path(instance_path) / "releases" / document.name / language.code
    on_disk = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() \
        else []
    return max([recorded, *on_disk]) + 1


def _store(session: Session, folder: Path, item: Localized, files: list[bundle.BundleFile],
           document: Document, language: Language, user: User | None) -> Release:
    """Write the release folder (atomically) and record it."""
    files = [*files, bundle.units_file(item)]
    manifest = bundle.manifest(item, files)
    archive = bundle.zip_bytes(item, files, manifest)
    name = bundle.zip_name(item)
    bundle.write_folder(folder, {**{f.name: f.data for f in files},
                                 bundle.MANIFEST: manifest, name: archive})
    release = Release(document_id=document.id, language_id=language.id, number=item.release,
                      user_id=user.id if user is not None else None,
                      created_at=item.created.replace(tzinfo=None),
                      source_revision=item.source_revision, zip_name=name,
                      zip_size=len(archive), zip_sha256=bundle.sha256_bytes(archive),
                      manifest_sha256=bundle.sha256_bytes(manifest))
    release.files = [ReleaseFile(filename=f.name, language=f.language, format=f.format,
                                 media_type=f.media_type, size=f.size, sha256=f.sha256,
                                 label=f.label) for f in files]
    session.add(release)
    session.add(AuditLog(actor_id=release.user_id, action="publish",
                         target=f"{document.name}/{language.code}",
                         details={"release": item.release, "files": len(files),
                                  "source_revision": item.source_revision}))
    session.flush()
    return release


# --- reading releases ------------------------------------------------------------------------


def releases(session: Session, document: Document | str | None = None,
             language: Language | str | None = None) -> list[Release]:
    """Releases, newest first (optionally of one statement and/or language)."""
    query = select(Release).options(selectinload(Release.files),
                                    selectinload(Release.document),
                                    selectinload(Release.language), selectinload(Release.user))
    if document is not None:
        query = query.where(Release.document_id == find_document(session, document).id)
    if language is not None:
        query = query.where(Release.language_id == find_language(session, language).id)
    return list(session.scalars(query.order_by(Release.created_at.desc(), Release.id.desc())))


def get_release(session: Session, release_id: int) -> Release | None:
    return session.get(Release, release_id)


def release_file_path(instance_path: str | Path, release: Release, filename: str) -> Path:
    """Where a recorded file of ``release`` is; the name must be one the release recorded."""
    allowed = {f.filename for f in release.files} | {bundle.MANIFEST, release.zip_name}
    if filename not in allowed:
        raise NotInRelease(f"release {release.number} has no file {filename!r}")
    return release_folder(instance_path, release) / filename


def verify(instance_path: str | Path, release: Release) -> list[str]:
    """Problems with a release on disk: missing files and checksum mismatches (empty: sound)."""
    folder = release_folder(instance_path, release)
    expected = {f.filename: f.sha256 for f in release.files}
    expected[bundle.MANIFEST] = release.manifest_sha256
    expected[release.zip_name] = release.zip_sha256
    problems = []
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif bundle.sha256_file(path) != digest:
            problems.append(f"{name}: checksum mismatch")
    if not problems:
        problems += bundle.check_zip(folder / release.zip_name, expected)
    return problems


# --- drafts ----------------------------------------------------------------------------------


def export_draft(session: Session, project: Project, document: Document | str,
                 language: Language | str, fmt: str, *, variant: str | None = None
                 ) -> tuple[str, bytes, str]:
    """(file name, bytes, media type) of a DRAFT-marked export; nothing is recorded."""
    renderer = get_renderer(fmt)
    document, language = find_document(session, document), find_language(session, language)
    item = localize(session, project, document, language, draft=True)
    if variant is not None:
        script = variant.replace("-", "_").rpartition("_")[2].title()
        if script not in script_variants(language.code):
            offered = ", ".join(script_variants(language.code)) or "none"
            raise ReleaseRefused(f"{language.code} has no {variant!r} script variant "
                                 f"(offered: {offered})")
        item = _variant(item, script)
    return renderer.filename(item), renderer.render(item), renderer.media_type
