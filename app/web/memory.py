"""Translation-memory page (editors and admins): TMX import and export per language, and — for
admins — feeding the memory from the PO files in ``locales/``.

An editor imports into the languages they edit; an admin may also import every language of
the file that this server has. A refused file changes nothing. API tokens are refused here.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.services import memory
from app.services.permissions import Action, can, languages_for
from app.store.models import Language
from app.web import db_session, project
from app.web.auth import ConfirmForm, me
from app.web.security import require

bp = Blueprint("memory", __name__, url_prefix="/memory")

ALL_LANGUAGES = "*"


@bp.before_request
def _editors_and_admins():
    user = current_user if current_user.is_authenticated else None
    if g.get("token_auth") or not can(user, Action.APPROVE):
        abort(403)


def _editable() -> list[Language]:
    languages = list(db_session().scalars(select(Language).order_by(Language.code)))
    allowed = set(languages_for(current_user, Action.APPROVE, [row.code for row in languages]))
    return [row for row in languages if row.code in allowed]


def _page(status: int = 200, **context: object):  # noqa: ANN202
    return render_template("memory/index.html", languages=_editable(),
                           counts=memory.memory_counts(db_session()),
                           admin=can(current_user, Action.ADMIN), all_languages=ALL_LANGUAGES,
                           **context), status


@bp.get("")
def index():
    return _page()


@bp.post("/import")
def import_tmx():
    """Add a TMX file's units to the memory of the chosen language (or all, for admins)."""
    code = request.form.get("lang", "")
    if code == ALL_LANGUAGES:
        if not can(current_user, Action.ADMIN):
            abort(403)
        languages = None
    elif code and can(current_user, Action.APPROVE, code):
        languages = [code]
    else:
        return _page(400, error="Choose a language you edit.", chosen=code)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(400, error="Choose a TMX file to import.", chosen=code)
    session = db_session()
    try:
        report = memory.import_tmx(session, upload.read(), upload.filename, languages,
                                   user=me())
    except memory.MemoryImportError as error:
        session.rollback()
        return _page(400, error=f"Nothing was imported: {error}", chosen=code)
    session.commit()
    return render_template("memory/import_result.html", report=report)


@bp.get("/<lang>/export.tmx")
@require(Action.APPROVE)
def export(lang: str) -> Response:
    if db_session().scalar(select(Language).where(Language.code == lang)) is None:
        abort(404)
    data = memory.export_tmx(db_session(), lang)
    return Response(data, mimetype="application/x-tmx+xml", headers={
        "Content-Disposition": f'attachment; filename="memory-{lang}.tmx"'})


@bp.post("/po-feed")
def po_feed():
    """Admins: add every translated entry of the PO files (obsolete ones too) to the memory."""
    if not can(current_user, Action.ADMIN):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = db_session()
    report = memory.import_po_files_to_memory(session, project())
    session.commit()
    message = (f"Added {report.total} units from the PO files "
               f"({report.duplicates} already in the memory).")
    if report.errors:
        message += " Not readable: " + "; ".join(report.errors[:5])
    flash(message, "warning" if report.errors else "success")
    return redirect(url_for("memory.index"), code=303)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):  # noqa: ANN202
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
    return _page(413, error=f"Nothing was imported: the file is larger than {limit:.0f} MB. "
                            "Import it with `terjime memory import` instead.")
