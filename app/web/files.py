"""Download and upload a language's PO file (translators working offline); wires the writer."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.services import uploads, writer
from app.services.permissions import Action
from app.web import db_session, notify_saved, project
from app.web.security import require

bp = Blueprint("files", __name__)


def _catalogue(doc: str, lang: str):  # noqa: ANN202
    found = uploads.find_catalogue(db_session(), doc, lang)
    if found is None:
        abort(404)
    return found


@bp.get("/documents/<doc>/<lang>/po")
@require(Action.TRANSLATE)
def download_po(doc: str, lang: str) -> Response:
    """The database's current state of one language as a PO file."""
    document, language = _catalogue(doc, lang)
    data = uploads.download_po(db_session(), project(), document, language)
    name = uploads.download_name(document, language)
    return Response(data, mimetype="text/x-gettext-translation",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/documents/<doc>/<lang>/po/upload")
@require(Action.TRANSLATE)
def upload_form(doc: str, lang: str) -> str:
    document, language = _catalogue(doc, lang)
    return render_template("files/upload.html", document=document, language=language)


@bp.post("/documents/<doc>/<lang>/po")
@require(Action.TRANSLATE)
def upload_po(doc: str, lang: str) -> tuple[str, int] | str:
    """Merge an uploaded PO file; show what happened (or why nothing did)."""
    document, language = _catalogue(doc, lang)
    upload = request.files.get("po")
    if upload is None or not upload.filename:
        return _refused(document, language, "Choose a PO file to upload.")
    session = db_session()
    try:
        result = uploads.apply_upload(session, document, language, upload.read(),
                                      upload.filename, current_user.id)
    except uploads.UploadError as exc:
        session.rollback()
        return _refused(document, language, str(exc))
    session.commit()
    if result.updated or result.suggestions:
        notify_saved(document.name, language.code)
    return render_template("files/upload_result.html", document=document, language=language,
                           result=result, filename=upload.filename)


def _refused(document, language, message: str) -> tuple[str, int]:  # noqa: ANN001
    return render_template("files/upload.html", document=document, language=language,
                           error=message), 400


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    args = request.view_args or {}
    back = url_for("files.upload_form", **args) if {"doc", "lang"} <= set(args) else None
    return render_template("files/too_large.html", limit_mb=limit / (1024 * 1024),
                           back=back), 413


def init_app(app: Flask) -> None:
    """Start-on-demand background PO writer (only when ``SYNC_ENABLED``)."""
    writer.init_app(app)
