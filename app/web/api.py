"""The JSON API (``/api/v1``): used by the editor's script, by tests and by volunteers' tools.

Authentication is either a bearer token (``Authorization: Bearer …``; no CSRF token needed,
as no browser sends it by itself) or the browser session, which must then send the CSRF token
in the ``X-CSRFToken`` header. Every error under ``/api/`` is JSON: ``{"error": message}``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, default_exceptions

from app.services import provenance, quality, signoff, translations
from app.services.permissions import Action
from app.services.segment_queries import Filters, parse_page
from app.services.translations import Conflict, NotFound, ValidationError
from app.store.models import Document
from app.web import db_session, notify_saved
from app.web.dashboard import visible_languages
from app.web.editor import lookup, me, page_size
from app.web.security import csrf, require

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

SEGMENTS = "/documents/<doc>/languages/<lang>/segments"


@bp.before_request
def _csrf_unless_token() -> None:
    """Session callers prove the request comes from our page; token callers need not."""
    if not current_user.is_authenticated or g.get("token_auth"):
        return
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def error(message: str, status: int, **extra: Any):
    return jsonify(error=message, **extra), status


def _body() -> dict:
    """The request's JSON object, or a 422 explaining what was expected."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # deeply nested arrays: ``silent`` only covers ValueError
        data = None
    if not isinstance(data, dict):
        raise ValidationError('send a JSON object, e.g. {"text": "…", "revision": 3}, with '
                              "Content-Type: application/json")
    if _holds_nul(data):
        raise ValidationError("a control character (NUL, \\u0000) is not allowed in any field")
    return data


def _holds_nul(data: object) -> bool:
    """True when any key or string in ``data`` holds NUL (iterative: bodies nest deeply)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _conflict(conflict: Conflict):
    return error(str(conflict), 409, current={"text": conflict.text, "revision": conflict.revision,
                                              "state": conflict.state},
                 suggestion_id=conflict.suggestion_id)


def _progress_json(progress: translations.Progress) -> dict:
    return {"segments": dict(progress.counts), "words": dict(progress.words),
            "total": progress.total, "total_words": progress.total_words}


@bp.get("/documents")
def documents():
    """Documents, the languages the caller may view, their progress and sign-off."""
    session = db_session()
    docs = list(session.scalars(select(Document).order_by(Document.name)))
    languages = visible_languages(me())
    progress = translations.progress(session, [d.id for d in docs], [lang.id for lang in languages])
    sign_offs = signoff.latest(session)
    out = []
    for document in docs:
        entries = []
        for language in languages:
            key = (document.id, language.id)
            sign_off = sign_offs.get(key)
            entries.append({
                "code": language.code, "name": language.name, "direction": language.direction,
                "progress": _progress_json(progress.get(key) or translations.Progress()),
                "signed_off": sign_off is not None and sign_off.reopened_at is None,
                "reopened_reason": sign_off.reopened_reason if sign_off else None,
            })
        out.append({"name": document.name, "title": document.title, "languages": entries})
    return jsonify(documents=out)


@bp.get(SEGMENTS)
@require(Action.VIEW)
def segments(doc: str, lang: str):
    """One page of segments: ``?state=&q=&page=`` (and ``fuzzy``, ``comments``,
    ``suggestions`` flags, as in the editor)."""
    document, language = lookup(doc, lang)
    try:
        filters, number = Filters.parse(request.args), parse_page(request.args.get("page"))
    except ValueError as exc:
        return error(str(exc), 422)
    page = translations.list_segments(db_session(), document, language, filters, number,
                                      page_size(), details=False)
    return jsonify(
        document=document.name, language=language.code, direction=language.direction,
        page=page.number, pages=page.pages, page_size=page.size, total=page.total,
        segments=[{"id": row.segment.id, "source": row.segment.msgid,
                   "context": row.segment.context or None, "translation": row.text,
                   "state": row.state, "revision": row.revision, "fuzzy": row.fuzzy,
                   "previous_source": row.previous_source, "position": row.segment.position + 1}
                  for row in page.rows])


@bp.put(SEGMENTS + "/<int:segment_id>")
@require(Action.TRANSLATE)
def save_segment(doc: str, lang: str, segment_id: int):
    """``{"text", "revision"}`` → 200 ``{"revision", "state"}``, or 409 with the current text.

    Optional ``"draft_origin"`` (``memory`` / ``engine:<name>``) and ``"draft_text"``: the
    suggestion the text was started from, for its provenance."""
    document, language = lookup(doc, lang)
    session = db_session()
    segment, row = translations.segment_translation(session, document, segment_id, language)
    data = _body()
    if "text" not in data or "revision" not in data:
        raise ValidationError('both "text" and "revision" are required')
    if not isinstance(data["revision"], int) or isinstance(data["revision"], bool):
        raise ValidationError('"revision" must be a whole number')
    result = translations.save_translation(session, row, data["text"], data["revision"], me(),
                                           draft=provenance.posted_draft(data))
    if not result.ok:
        session.commit()  # the refused text is kept as a suggestion
        return _conflict(result.conflict)
    if result.changed:
        session.commit()
        notify_saved(document.name, language.code)
    return jsonify(id=segment.id, revision=result.revision, state=result.state,
                   changed=result.changed, checks=_checks_after(segment, result.translation))


@bp.post(SEGMENTS + "/<int:segment_id>/approve")
@require(Action.APPROVE)
def approve_segment(doc: str, lang: str, segment_id: int):
    """``{"revision"}`` (and ``"override": true`` to approve a draft as is)."""
    document, language = lookup(doc, lang)
    session = db_session()
    segment, row = translations.segment_translation(session, document, segment_id, language)
    data = _body()
    if not isinstance(data.get("revision"), int) or isinstance(data.get("revision"), bool):
        raise ValidationError('"revision" (a whole number) is required')
    override = data.get("override", False)
    if not isinstance(override, bool):
        raise ValidationError('"override" must be true or false')
    try:
        translations.approve(session, row, data["revision"], me(), override=override)
    except Conflict as conflict:
        session.rollback()
        return _conflict(conflict)
    session.commit()
    notify_saved(document.name, language.code)
    return jsonify(id=segment.id, revision=row.revision, state=row.state,
                   checks=_checks_after(segment, row))


def _checks_after(segment, row) -> list[dict]:  # noqa: ANN001
    """The saved text's findings, computed afresh and cached (committed on their own: the
    save is already committed, a failing cache write must not touch it)."""
    session = db_session()
    results = quality.results_for(session, row, segment, fresh=True)
    session.commit()
    return [result.as_json() for result in results]


@bp.post(SEGMENTS + "/<int:segment_id>/check")
@require(Action.TRANSLATE)
def check_segment(doc: str, lang: str, segment_id: int):
    """``{"text"}`` → ``{"checks": [...]}`` for a text being typed; nothing is saved."""
    document, language = lookup(doc, lang)
    session = db_session()
    segment, row = translations.segment_translation(session, document, segment_id, language)
    text = translations.clean_text(_body().get("text"))
    results = quality.results_for_text(session, segment, language, text, row)
    session.rollback()  # a translation row created for the lookup is not a change
    return jsonify(id=segment.id, checks=[result.as_json() for result in results])


@bp.post(SEGMENTS + "/<int:segment_id>/dismiss")
@require(Action.TRANSLATE)
def dismiss_check(doc: str, lang: str, segment_id: int):
    """``{"check", "reason"}`` → dismiss a failing warning on the saved text."""
    document, language = lookup(doc, lang)
    session = db_session()
    segment, row = translations.segment_translation(session, document, segment_id, language)
    data = _body()
    try:
        quality.dismiss(session, row, data.get("check"), data.get("reason"), me())
    except quality.QualityError as exc:
        session.rollback()
        return error(str(exc), 422)
    except quality.QualityDenied as exc:
        session.rollback()
        return error(str(exc), 403)
    session.commit()
    return jsonify(id=segment.id, checks=[r.as_json() for r in
                                          quality.results_for(session, row, segment)])


@bp.errorhandler(ValidationError)
def _invalid(exc: ValidationError):
    db_session().rollback()
    return error(str(exc), 422)


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    return error(str(exc), 404)


def _http_error(previous: Callable | None, exc: HTTPException):
    """JSON under /api/, whatever another blueprint renders elsewhere."""
    if request.path.startswith("/api/"):
        return error(exc.description or exc.name, exc.code or 500)
    return previous(exc) if previous else exc


def init_app(app: Flask) -> None:
    """JSON errors for /api/ (including 404 and 405, which happen before any blueprint is
    chosen); pages elsewhere keep whatever handler was registered before."""
    for code in (400, 401, 403, 404, 405, 413, 415, 429):
        exc_class = default_exceptions[code]
        previous = app.error_handler_spec[None][code].get(exc_class)
        app.register_error_handler(code, partial(_http_error, previous))
