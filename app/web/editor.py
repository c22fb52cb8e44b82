"""The editor: one statement in one language, source beside target, page by page.

Everything works with plain form posts (post → redirect → get, with a flash message), so a
volunteer on a locked-down browser can still translate; ``static/editor.js`` upgrades saves
to the JSON API in place. A refused save is never a redirect: the page shows both texts.
Views are thin — every rule lives in :mod:`app.services.translations` and friends.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, select, true
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Forbidden

from app.core.states import State
from app.services import discussion, provenance, quality, signoff, translations
from app.services.permissions import Action, can
from app.services.preview import build_preview, isolate_latin, word_diff
from app.services.segment_queries import STATES, Filters, parse_page
from app.services.translations import Conflict, NotFound, PermissionDenied, ValidationError
from app.store.models import Document, Language, Segment, User
from app.web import db_session, notify_saved, project
from app.web.security import require

bp = Blueprint("editor", __name__)

PREFIX = "/documents/<doc>/<lang>"
SEGMENT = PREFIX + "/segments/<int:segment_id>"


# --- lookups and helpers (shared with the dashboard and the API) ---------------------------


def me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


#: One query for both (a deliberate join of two one-row lookups), built once.
_LOOKUP = (select(Document, Language).join(Language, true())
           .where(Document.name == bindparam("p_doc"), Language.code == bindparam("p_lang")))


def lookup(doc: str, lang: str) -> tuple[Document, Language]:
    """The document and language named in the URL, or 404."""
    found = db_session().execute(_LOOKUP, {"p_doc": doc, "p_lang": lang}).first()
    if found is None:
        abort(404)
    return found[0], found[1]


def segment_of(document: Document, segment_id: int) -> Segment:
    """An active segment of this document, or 404 (ids of other documents are not guessed)."""
    segment = db_session().get(Segment, segment_id)
    if segment is None or segment.document_id != document.id or not segment.active:
        abort(404)
    return segment


def page_size() -> int:
    return max(1, int(current_app.config.get("PAGE_SIZE", translations.PAGE_SIZE)))


def _back_url(document: Document, language: Language, anchor: str = "") -> str:
    """The editor page the form came from: its filters and page, re-validated (never a URL
    taken from the request)."""
    args = dict(parse_qsl(request.form.get("back", ""), keep_blank_values=False))
    try:
        query = Filters.parse(args).args()
        number = parse_page(args.get("page"))
    except ValueError:
        query, number = {}, 1
    if number > 1:
        query["page"] = str(number)
    url = url_for("editor.edit", doc=document.name, lang=language.code, **query)
    return url + (f"#{anchor}" if anchor else "")


def _back(document: Document, language: Language, anchor: str = ""):
    return redirect(_back_url(document, language, anchor))


def _refused(document: Document, language: Language, segment: Segment, message: str,
             text: str | None = None, status: int = 422):
    """Nothing was changed: say why, and give the typed text back so it is not lost."""
    db_session().rollback()
    return render_template("editor/refused.html", document=document, language=language,
                           segment=segment, message=message, text=text,
                           back_url=_back_url(document, language, f"seg-{segment.id}")), status


def _conflict(document: Document, language: Language, segment: Segment, mine: str,
              conflict: Conflict):
    """Both texts side by side (the refused one is already kept as a suggestion)."""
    return render_template("editor/conflict.html", document=document, language=language,
                           segment=segment, mine=mine, conflict=conflict,
                           back=request.form.get("back", ""),
                           back_url=_back_url(document, language, f"seg-{segment.id}")), 409


def _changed(document: Document, language: Language) -> None:
    db_session().commit()
    notify_saved(document.name, language.code)


def cache_commit(session) -> None:  # noqa: ANN001
    """Keep the findings a page computed (app.services.quality caches them); a busy database
    only costs the cache, never the page."""
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        current_app.logger.warning("could not cache quality findings; computed again later")


def _isolate(text: str | None) -> Markup:
    return Markup(isolate_latin(text or ""))


def _bcp47(code: str) -> str:
    return code.replace("_", "-")


@bp.app_template_filter("bidi")
def bidi_filter(text: str | None) -> Markup:
    """Escaped text with Latin runs (names, numbers, URLs) isolated in ``<bdi>``."""
    return _isolate(text)


@bp.app_template_filter("bcp47")
def bcp47_filter(code: str) -> str:
    """``zh_Hans`` → ``zh-Hans`` for HTML ``lang`` attributes."""
    return _bcp47(code)


@bp.app_template_filter("state_label")
def state_label_filter(state: str) -> str:
    return State(state).label


@bp.app_template_filter("when")
def when_filter(moment: dt.datetime | None) -> str:
    """Stored times are naive UTC."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


# --- the editor page -----------------------------------------------------------------------


@bp.get(PREFIX)
@require(Action.VIEW)
def edit(doc: str, lang: str):
    """Segments in document order, grouped by block, with filters, search and paging."""
    document, language = lookup(doc, lang)
    session = db_session()
    try:
        filters, number = Filters.parse(request.args), parse_page(request.args.get("page"))
    except ValueError as error:
        flash(f"{error}; showing everything instead.", "error")
        filters, number = Filters(), 1
    progress = translations.progress_for(session, document, language)
    page = translations.list_segments(session, document, language, filters, number, page_size(),
                                      total=progress.total)
    blocks = [list(rows) for _, rows in groupby(page.rows, key=lambda row: row.segment.block)]
    diffs = {row.segment.id: word_diff(row.previous_source, row.segment.msgid)
             for row in page.rows if row.fuzzy}
    checks = quality.results_for_rows(
        session, [(row.segment, row.translation) for row in page.rows], language)
    cache_commit(session)
    user = me()
    return render_template(
        "editor/editor.html", document=document, language=language, page=page, blocks=blocks,
        diffs=diffs, filters=filters, checks=checks,
        back=request.query_string.decode("utf-8", "replace"), progress=progress,
        sign_off=signoff.current(session, document, language),
        may_translate=can(user, Action.TRANSLATE, language.code),
        may_approve=can(user, Action.APPROVE, language.code), states=STATES)


# --- form posts ----------------------------------------------------------------------------


def _save_typed(document: Document, language: Language, segment: Segment):
    """Save the posted text first if it differs (Approve / Needs editing after an edit).

    Returns (translation, base revision for the next step, None), or (None, None, response)
    when the save was refused. An unchanged text is not re-saved: an unedited draft stays a
    draft.
    """
    session = db_session()
    row = translations.translation_for(session, segment, language)
    text = request.form.get("text")
    try:
        base = translations.clean_revision(request.form.get("revision", ""))
        if text is None or translations.clean_text(text) == row.text:
            return row, base, None
        result = translations.save_translation(session, row, text, base, me(),
                                               draft=provenance.posted_draft(request.form))
    except ValidationError as error:
        return None, None, _refused(document, language, segment, str(error), text)
    if not result.ok:
        session.commit()  # keeps the refused text as a suggestion
        return None, None, _conflict(document, language, segment, text, result.conflict)
    return result.translation, result.revision, None


@bp.post(SEGMENT)
@require(Action.TRANSLATE)
def save(doc: str, lang: str, segment_id: int):
    """Save a translation (plain form post: redirects back with a message)."""
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    session = db_session()
    text = request.form.get("text")
    if text is None:
        return _refused(document, language, segment, "the form sent no text", None, 400)
    try:
        result = translations.save_translation(session, (segment, language), text,
                                               request.form.get("revision", ""), me(),
                                               draft=provenance.posted_draft(request.form))
    except ValidationError as error:
        return _refused(document, language, segment, str(error), text)
    if not result.ok:
        session.commit()
        return _conflict(document, language, segment, text, result.conflict)
    if result.changed:
        _changed(document, language)
        flash(f"Saved segment {segment.position + 1} (revision {result.revision}).", "info")
    else:
        flash(f"Segment {segment.position + 1}: no change to save.", "info")
    return _back(document, language, f"seg-{segment.id}")


def _action(document: Document, language: Language, segment: Segment, do, done: str):
    """Save the typed text if it changed, then ``do(row, revision)``; PRG on success."""
    row, base, refused = _save_typed(document, language, segment)
    if refused is not None:
        return refused
    try:
        do(row, base)
    except ValidationError as error:
        _changed(document, language)  # a save that came first stands
        flash(f"Segment {segment.position + 1}: {error}", "error")
        return _back(document, language, f"seg-{segment.id}")
    except Conflict as conflict:
        db_session().rollback()
        return _conflict(document, language, segment, request.form.get("text") or "", conflict)
    _changed(document, language)
    flash(f"Segment {segment.position + 1} {done}.", "info")
    return _back(document, language, f"seg-{segment.id}")


@bp.post(SEGMENT + "/approve")
@require(Action.APPROVE)
def approve(doc: str, lang: str, segment_id: int):
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    override = request.form.get("override") == "1"
    return _action(document, language, segment,
                   lambda row, rev: translations.approve(db_session(), row, rev, me(), override),
                   "approved")


@bp.post(SEGMENT + "/needs-edit")
@require(Action.TRANSLATE)
def needs_edit(doc: str, lang: str, segment_id: int):
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    return _action(document, language, segment,
                   lambda row, rev: translations.mark_needs_edit(db_session(), row, rev, me()),
                   "marked as needing editing")


@bp.post(SEGMENT + "/dismiss")
@require(Action.TRANSLATE)
def dismiss(doc: str, lang: str, segment_id: int):
    """Dismiss a failing warning on the saved text, with a reason (kept in history)."""
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    session = db_session()
    row = translations.translation_for(session, segment, language)
    check_id = request.form.get("check", "")
    try:
        quality.dismiss(session, row, check_id, request.form.get("reason", ""), me())
    except quality.QualityDenied as error:
        session.rollback()
        raise Forbidden(str(error)) from error
    except quality.QualityError as error:
        return _refused(document, language, segment, str(error))
    session.commit()
    flash(f"Segment {segment.position + 1}: warning {check_id} dismissed.", "info")
    return _back(document, language, f"seg-{segment.id}")


@bp.post(SEGMENT + "/revert")
@require(Action.TRANSLATE)
def revert(doc: str, lang: str, segment_id: int):
    """Make an older text current again (a new revision)."""
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    session = db_session()
    row = translations.translation_for(session, segment, language)
    try:
        history_id = int(request.form.get("history_id", ""))
        translations.revert(session, row, history_id, me())
    except (ValueError, NotFound):
        abort(404)
    except Conflict as conflict:
        return _conflict(document, language, segment, "", conflict)
    _changed(document, language)
    flash(f"Segment {segment.position + 1} reverted (now revision {row.revision}).", "info")
    return _back(document, language, f"seg-{segment.id}")


@bp.post(SEGMENT + "/comments")
@require(Action.TRANSLATE)
def comment(doc: str, lang: str, segment_id: int):
    return _add_talk(doc, lang, segment_id, discussion.add_comment, "Comment added.")


@bp.post(SEGMENT + "/suggestions")
@require(Action.TRANSLATE)
def suggest(doc: str, lang: str, segment_id: int):
    return _add_talk(doc, lang, segment_id, discussion.add_suggestion, "Suggestion added.")


def _add_talk(doc: str, lang: str, segment_id: int, add, done: str):  # noqa: ANN001, ANN202
    """Add a comment or a suggestion from a form post; a refused text is shown back, not lost."""
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    text = request.form.get("text", "")
    try:
        add(db_session(), segment, language, me(), text)
    except ValidationError as error:
        return _refused(document, language, segment, str(error), text)
    db_session().commit()
    flash(done, "info")
    return _back(document, language, f"seg-{segment.id}")


def _suggestion(document: Document, language: Language, segment: Segment, suggestion_id: int):
    try:
        return discussion.open_suggestion(db_session(), suggestion_id, segment, language)
    except NotFound:
        abort(404)


@bp.post(SEGMENT + "/suggestions/<int:suggestion_id>/accept")
@require(Action.TRANSLATE)
def accept(doc: str, lang: str, segment_id: int, suggestion_id: int):
    """The suggestion becomes the translation (refused if the segment changed meanwhile)."""
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    suggestion = _suggestion(document, language, segment, suggestion_id)
    session = db_session()
    try:
        result = translations.accept_suggestion(session, suggestion,
                                                request.form.get("revision", ""), me())
    except ValidationError as error:
        return _refused(document, language, segment, str(error), suggestion.text)
    if not result.ok:
        session.rollback()
        flash(f"Segment {segment.position + 1} changed meanwhile: the suggestion is still open; "
              "look again and accept it if it is still better.", "warning")
        return _back(document, language, f"seg-{segment.id}")
    _changed(document, language)
    flash(f"Suggestion accepted for segment {segment.position + 1}.", "info")
    return _back(document, language, f"seg-{segment.id}")


@bp.post(SEGMENT + "/suggestions/<int:suggestion_id>/reject")
@require(Action.TRANSLATE)
def reject(doc: str, lang: str, segment_id: int, suggestion_id: int):
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    suggestion = _suggestion(document, language, segment, suggestion_id)
    discussion.reject_suggestion(db_session(), suggestion, me())
    db_session().commit()
    flash("Suggestion rejected.", "info")
    return _back(document, language, f"seg-{segment.id}")


@bp.post(PREFIX + "/sign-off")
@require(Action.APPROVE)
def sign_off(doc: str, lang: str):
    """Sign off the language: refused, with how many segments are left, until all approved."""
    document, language = lookup(doc, lang)
    session = db_session()
    try:
        signoff.sign_off(session, document, language, me(), project())
    except signoff.SignOffRefused as error:
        session.rollback()
        flash(f"Not signed off: {error}", "error")
        return _back(document, language)
    session.commit()
    flash(f"{language.name} is signed off.", "info")
    return _back(document, language)


# --- preview -------------------------------------------------------------------------------


def _preview(doc: str, lang: str):
    document, language = lookup(doc, lang)
    return document, language, build_preview(db_session(), project(), document, language)


@bp.get(PREFIX + "/preview")
@require(Action.VIEW)
def preview(doc: str, lang: str):
    """The whole statement as it stands now, beside its source."""
    document, language, result = _preview(doc, lang)
    return render_template("editor/preview.html", document=document, language=language,
                           preview=result)


@bp.get(PREFIX + "/preview/fragment")
@require(Action.VIEW)
def preview_fragment(doc: str, lang: str):
    """Only the translated column, for the editor's live preview pane."""
    document, language, result = _preview(doc, lang)
    return render_template("editor/_preview_fragment.html", document=document, language=language,
                           preview=result)


def _forbidden(error: PermissionDenied):
    """A service refused on role grounds (the views check first; this is the backstop)."""
    if request.path.startswith("/api/"):
        return jsonify(error=str(error)), 403
    return Forbidden(str(error))


def init_app(app: Flask) -> None:
    app.register_error_handler(PermissionDenied, _forbidden)
