"""Publishing in the browser: which languages are ready, numbered releases, draft exports.

Every rule lives in :mod:`app.services.releases` (the same service ``terjime publish`` uses);
these views only gather what a publisher needs to see and turn refusals into messages. A
release file is served only under a name recorded for that release: the URL never becomes a
path on disk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from app.services import releases as release_service
from app.services import signoff, translations
from app.services.permissions import Action, can
from app.services.preview import word_diff
from app.services.release_bundle import MANIFEST
from app.services.release_diff import SnapshotUnreadable
from app.store.models import Document, Language, Release
from app.web import db_session, project
from app.web.security import require

bp = Blueprint("publish", __name__)

#: Scripts written right to left (for a variant tag such as ``ug-Arab``); others are LTR.
_RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"})


def _instance() -> Path:
    return Path(current_app.config["INSTANCE_PATH"])


def renderers() -> list:
    """Every registered format, the readers' ones first (as a publisher thinks of them)."""
    from app.export import RENDERERS

    return sorted(RENDERERS.values(), key=lambda r: (r.for_translators, r.name))


def script_variants() -> dict[str, tuple[str, ...]]:
    """Automatic script variants per language code (``ug`` → Latn, Cyrl)."""
    codes = db_session().scalars(select(Language.code))
    return {code: scripts for code in codes if (scripts := release_service.script_variants(code))}


@dataclass(frozen=True)
class TagInfo:
    """How a release file's language tag is shown: name, native name, direction."""

    tag: str
    name: str
    native_name: str
    direction: str
    variant: bool


def tag_info(tag: str, language: Language) -> TagInfo:
    """The release's own language, or one of its automatic script variants (LTR for Latin
    and Cyrillic Uyghur)."""
    main = language.code.replace("_", "-")
    if tag == main:
        return TagInfo(tag, language.name, language.native_name, language.direction, False)
    try:
        from app.export.variants import parse_variant, variant_language

        variant = variant_language(*parse_variant(tag))
        return TagInfo(tag, variant.english_name, variant.native_name, variant.direction, True)
    except (ImportError, ValueError, TypeError):
        script = tag.partition("-")[2][:4].title()
        return TagInfo(tag, f"{language.name} ({script}, automatic transliteration)", "",
                       "rtl" if script in _RTL_SCRIPTS else "ltr", True)


def diff_pieces(row) -> list[tuple[str, str]]:  # noqa: ANN001
    """Word diff of a changed row (the service's, or computed here from its two texts)."""
    pieces = getattr(row, "pieces", None)
    return list(pieces) if pieces else word_diff(row.old or "", row.new or "")


# --- the publish page ----------------------------------------------------------------------


def _publish_page(status: int = 200, chosen: dict[str, set[str]] | None = None):
    session = db_session()
    documents = list(session.scalars(select(Document).order_by(Document.name)))
    languages = list(session.scalars(select(Language).order_by(Language.code)))
    progress = translations.progress(session, [d.id for d in documents],
                                     [language.id for language in languages])
    latest: dict[tuple[int, int], Release] = {}
    for release in release_service.releases(session):  # newest first
        latest.setdefault((release.document_id, release.language_id), release)
    readiness = {(d.id, language.id): release_service.readiness(session, project(), d, language)
                 for d in documents for language in languages}
    session.rollback()  # computing readiness may cache check results: nothing to keep here
    return render_template(
        "publish/index.html", documents=documents, languages=languages, progress=progress,
        sign_offs=signoff.latest(session), readiness=readiness, latest=latest,
        renderers=renderers(), variants=script_variants(), chosen=chosen or {}), status


@bp.get("/publish")
@require(Action.PUBLISH, language_arg=None)
def index():
    """Per statement: each language's progress, sign-off, readiness and latest release."""
    return _publish_page()


@bp.post("/publish")
@require(Action.PUBLISH, language_arg=None)
def publish():
    """Publish the chosen languages of one statement: all of them, or none (with reasons)."""
    session = db_session()
    document = session.scalar(select(Document).where(
        Document.name == request.form.get("document", "")))
    if document is None:
        flash("Unknown statement: reload the page and choose again.", "error")
        return _publish_page(400)
    codes = list(dict.fromkeys(request.form.getlist("languages")))
    chosen = {document.name: set(codes)}
    if not codes:
        flash(f"Choose at least one language of {document.name} to publish.", "error")
        return _publish_page(400, chosen)
    found = {language.code: language for language in session.scalars(
        select(Language).where(Language.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        flash(f"Unknown language: {', '.join(unknown)}. Nothing was published.", "error")
        return _publish_page(400, chosen)
    try:
        made = release_service.publish(session, project(), _instance(), document,
                                       [found[code] for code in codes], me())
    except release_service.ReleaseRefused as refused:
        session.rollback()
        if refused.reasons:
            flash("Nothing was published. Every chosen language must be ready:", "error")
            for where, why in refused.reasons.items():
                flash(f"{where}: {'; '.join(why)}.", "error")
        else:
            flash(f"Nothing was published: {refused}.", "error")
        return _publish_page(409, chosen)
    session.commit()
    for release in made:
        flash(f"Published {document.name} in {release.language.name}: release "
              f"{release.number} ({len(release.files)} files).", "info")
    if len(made) == 1:
        return redirect(url_for("publish.release", release_id=made[0].id))
    return redirect(url_for("publish.index"))


def me():  # noqa: ANN201
    return current_user._get_current_object()  # type: ignore[attr-defined]


# --- draft exports -------------------------------------------------------------------------


def _not_found(message: str) -> tuple[str, int]:
    return render_template("publish/not_found.html", message=message), 404


def _language_and_script(tag: str) -> tuple[Language | None, str | None]:
    """``zh-Hans`` → (zh_Hans, None); ``ug-Latn`` → (ug, "Latn"), a script variant of ug."""
    code = tag.replace("-", "_")
    session = db_session()
    language = session.scalar(select(Language).where(Language.code == code))
    if language is not None or "_" not in code:
        return language, None
    base, _, script = code.rpartition("_")
    return session.scalar(select(Language).where(Language.code == base)), script.title()


@bp.get("/export/<doc>/<filename>")
def export(doc: str, filename: str):
    """A draft (marked DRAFT, never recorded) of ``<lang>.<fmt>``; ``ug-Latn.html`` asks for a
    script variant. For anyone who may view the language."""
    tag, dot, fmt = filename.rpartition(".")
    session = db_session()
    document = session.scalar(select(Document).where(Document.name == doc))
    if document is None:
        return _not_found(f"There is no statement called {doc!r}.")
    language, script = _language_and_script(tag) if dot else (None, None)
    if language is None:
        return _not_found(f"There is no language {tag or filename!r} in this project.")
    if not can(me(), Action.VIEW, language.code):
        abort(403)
    if script and script not in release_service.script_variants(language.code):
        return _not_found(f"{language.name} has no automatic {script!r} script variant.")
    from app.export import RENDERERS

    if fmt not in RENDERERS:
        known = ", ".join(sorted(RENDERERS))
        return _not_found(f"Unknown format {fmt!r}; known formats: {known}.")
    name, data, media_type = release_service.export_draft(
        session, project(), document, language, fmt, variant=script or None)
    session.rollback()
    return Response(data, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- releases ------------------------------------------------------------------------------


def _release_or_404(release_id: int) -> Release:
    release = release_service.get_release(db_session(), release_id)
    if release is None:
        abort(404)
    if not can(me(), Action.VIEW, release.language.code):
        abort(403)
    return release


@bp.get("/releases/<int:release_id>")
def release(release_id: int):
    """One release: its files with checksums, the ZIP, and what changed since the last one."""
    found = _release_or_404(release_id)
    session = db_session()
    main_tag = found.language.code.replace("_", "-")
    by_tag: dict[str, list] = defaultdict(list)
    for item in found.files:
        by_tag[item.language].append(item)
    groups = sorted(by_tag.items(), key=lambda pair: (pair[0] != main_tag, pair[0]))
    history = release_service.releases(session, document=found.document,
                                       language=found.language)
    try:
        diff, unreadable = release_service.changes_since_previous(session, _instance(), found), ""
    except SnapshotUnreadable as error:
        diff, unreadable = None, str(error)
    labels = {r.name: r.label for r in renderers()}
    return render_template(
        "publish/release.html", release=found, groups=groups, history=history, diff=diff,
        unreadable=unreadable,
        problems=release_service.verify(_instance(), found), labels=labels,
        main_tag=main_tag, tags={tag: tag_info(tag, found.language) for tag, _ in groups},
        diff_pieces=diff_pieces,
        may_publish=can(me(), Action.PUBLISH))


@bp.get("/releases/<int:release_id>/files/<filename>")
def release_file(release_id: int, filename: str):
    """A file of a release (or its ZIP), by a name recorded for that release only."""
    found = _release_or_404(release_id)
    recorded = {item.filename: item.media_type for item in found.files}
    recorded[found.zip_name] = "application/zip"
    recorded[MANIFEST] = "application/json"
    if filename not in recorded:
        return _not_found(f"Release {found.number} has no file called {filename!r}.")
    try:
        path = release_service.release_file_path(_instance(), found, filename)
    except release_service.NotInRelease as missing:
        return _not_found(f"{missing}.")
    if not path.is_file():
        return _not_found(f"The file {filename!r} of release {found.number} is missing on "
                          "the server; ask the coordinator to restore it from a backup.")
    return send_file(path, mimetype=recorded[filename], as_attachment=True,
                     download_name=filename, etag=False, max_age=0)
