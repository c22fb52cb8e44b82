"""Glossary pages: every language's terms for whoever may view the language; adding, editing,
deleting and CSV/TBX import for its editors (and admins); CSV/TBX export.

Thin views over :mod:`app.services.glossary`: a refusal re-shows the page with the message and
the typed values, and nothing is changed. API tokens may read (export) but not change.
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
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from app.services import glossary
from app.services.permissions import Action, can
from app.store.models import GlossaryTerm, Language
from app.web import db_session
from app.web.auth import me
from app.web.dashboard import visible_languages
from app.web.security import require

bp = Blueprint("glossary", __name__, url_prefix="/glossary")

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "tbx": "application/x-tbx+xml"}


@bp.before_request
def _changes_need_a_browser_session():
    if request.method != "GET" and g.get("token_auth"):
        abort(403)


def _language(code: str) -> Language:
    language = db_session().scalar(select(Language).where(Language.code == code))
    if language is None:
        abort(404)
    return language


def _values() -> dict[str, object]:
    form = request.form
    return {"source": form.get("source", ""), "target": form.get("target", ""),
            "note": form.get("note", ""), "do_not_translate": form.get("do_not_translate") == "1"}


def _page(language: Language, status: int = 200, **context: object):  # noqa: ANN202
    query = request.args.get("q", "").strip()[:200]
    terms = glossary.list_terms(db_session(), language.code, query)
    return render_template("glossary/language.html", language=language, terms=terms, q=query,
                           editable=can(current_user, Action.APPROVE, language.code),
                           values=context.pop("values", {}), **context), status


@bp.get("")
def index():
    """The languages this person can see, with the size of each glossary."""
    languages = visible_languages(current_user)
    counts = dict(db_session().execute(
        select(GlossaryTerm.language_id, func.count()).group_by(GlossaryTerm.language_id)).all())
    return render_template("glossary/index.html", languages=languages, counts=counts)


@bp.get("/<lang>")
@require(Action.VIEW)
def page(lang: str):
    return _page(_language(lang))


@bp.post("/<lang>/terms")
@require(Action.APPROVE)
def add(lang: str):
    language = _language(lang)
    session = db_session()
    values = _values()
    try:
        term = glossary.add_term(session, language.code, user=me(), **values)
    except glossary.GlossaryError as error:
        session.rollback()
        return _page(language, 400, error=error.message, field=error.field, values=values)
    session.commit()
    flash(f"Added “{term.source_term}”.", "success")
    return redirect(url_for("glossary.page", lang=language.code), code=303)


def _term(language: Language, term_id: int) -> GlossaryTerm:
    try:
        return glossary.get_term(db_session(), language.code, term_id)
    except glossary.GlossaryError:
        abort(404)


@bp.get("/<lang>/terms/<int:term_id>/edit")
@require(Action.APPROVE)
def edit(lang: str, term_id: int):
    language = _language(lang)
    term = _term(language, term_id)
    values = {"source": term.source_term, "target": term.target_term, "note": term.note,
              "do_not_translate": term.do_not_translate}
    return render_template("glossary/edit.html", language=language, term=term, values=values)


@bp.post("/<lang>/terms/<int:term_id>")
@require(Action.APPROVE)
def update(lang: str, term_id: int):
    language = _language(lang)
    term = _term(language, term_id)
    session = db_session()
    values = _values()
    try:
        glossary.update_term(session, language.code, term.id, user=me(), **values)
    except glossary.GlossaryError as error:
        session.rollback()
        return render_template("glossary/edit.html", language=language, term=term,
                               values=values, error=error.message, field=error.field), 400
    session.commit()
    flash(f"Saved “{term.source_term}”.", "success")
    return redirect(url_for("glossary.page", lang=language.code), code=303)


@bp.post("/<lang>/terms/<int:term_id>/delete")
@require(Action.APPROVE)
def delete(lang: str, term_id: int):
    language = _language(lang)
    term = _term(language, term_id)
    name = term.source_term
    session = db_session()
    glossary.delete_term(session, language.code, term.id, user=me())
    session.commit()
    flash(f"Deleted “{name}”.", "success")
    return redirect(url_for("glossary.page", lang=language.code), code=303)


@bp.post("/<lang>/import")
@require(Action.APPROVE)
def import_file(lang: str):
    """Merge a CSV or TBX file; all or nothing."""
    language = _language(lang)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(language, 400, import_error="Choose a CSV or TBX file to import.")
    session = db_session()
    try:
        report = glossary.import_glossary(session, language.code, upload.read(),
                                          upload.filename, user=me())
    except glossary.GlossaryError as error:
        session.rollback()
        return _page(language, 400, import_error=f"Nothing was imported: {error.message}")
    session.commit()
    flash(f"Imported {upload.filename}: {report.added} added, {report.updated} updated, "
          f"{report.unchanged} unchanged.", "success")
    return redirect(url_for("glossary.page", lang=language.code), code=303)


@bp.get("/<lang>/export.<fmt>")
@require(Action.VIEW)
def export(lang: str, fmt: str) -> Response:
    language = _language(lang)
    if fmt not in EXPORT_TYPES:
        abort(404)
    data = glossary.export_glossary(db_session(), language.code, fmt)
    return Response(data, mimetype=EXPORT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="glossary-{language.code}.{fmt}"'})


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):  # noqa: ANN202
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
    lang = (request.view_args or {}).get("lang")
    if lang and db_session().scalar(select(Language).where(Language.code == lang)):
        return _page(_language(lang), 413,
                     import_error=f"Nothing was imported: the file is larger than "
                                  f"{limit:.0f} MB.")
    return f"The file is larger than {limit:.0f} MB.", 413
