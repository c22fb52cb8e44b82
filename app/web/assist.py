"""Machine assistance in the editor: the suggestions panel and bulk pretranslation jobs.

- ``GET …/segments/<id>/assist``: the panel for one segment — a page of its own (what the
  editor's "Suggestions" link opens without JavaScript), or JSON with ``Accept:
  application/json``; ``…/assist/fragment`` is the same panel as an HTML fragment for
  ``static/assist.js``. ``?ask=<engine>`` (or ``all``) is the only thing that sends text to
  an engine, and only to engines switched on for the language.
- ``POST …/pretranslate`` (editors): a background job with its own database session;
  ``GET …/jobs/<id>`` shows its progress (JSON for the poller, a page otherwise).

Views stay thin: the rules live in :mod:`app.services.suggest`, :mod:`~app.services.pretranslate`
and :mod:`~app.services.provenance`.
"""

from __future__ import annotations

import threading

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
from markupsafe import Markup
from sqlalchemy import select

from app.services import provenance, suggest
from app.services.permissions import Action
from app.services.pretranslate import PretranslateError, run_job, start_job
from app.store.models import Job, Translation
from app.web import database, db_session
from app.web.editor import PREFIX, SEGMENT, lookup, me, segment_of
from app.web.security import require

bp = Blueprint("assist", __name__)

_start_lock = threading.Lock()


# --- template helpers (used by the editor's templates) -------------------------------------


@bp.app_template_filter("provenance")
def provenance_filter(row: Translation | None) -> str:
    """"Machine draft from Google Translate, 12 % edited" (or "" for plain human work)."""
    return provenance.describe(row)


@bp.app_template_filter("unedited_machine_draft")
def unedited_machine_filter(row: Translation | None) -> str:
    """The engine's label when ``row`` is an unedited machine draft, else ""."""
    if not provenance.is_unedited_machine_draft(row):
        return ""
    return provenance.origin_label(row.draft_origin)


def assist_engines(code: str) -> list[dict]:
    """Engines switched on for a language: the choices of the pretranslate form."""
    return [{"name": name, "label": label, "third_party": third_party}
            for name, label, third_party in suggest.engines_for(db_session(), current_app.config,
                                                               code)]


def _helpers() -> dict:
    return {"assist_engines": assist_engines}


# --- the suggestions panel -----------------------------------------------------------------


def _ask() -> list[str]:
    value = request.args.get("ask", "").strip()
    return [value] if value else []


def _panel(doc: str, lang: str, segment_id: int):
    document, language = lookup(doc, lang)
    segment = segment_of(document, segment_id)
    session = db_session()
    panel = suggest.gather(session, current_app.config, segment, language, ask=_ask())
    session.commit()  # machine results were cached
    return document, language, segment, panel


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.get(SEGMENT + "/assist")
@require(Action.TRANSLATE)
def panel(doc: str, lang: str, segment_id: int):
    """The panel as a page (no JavaScript needed), or JSON."""
    document, language, segment, found = _panel(doc, lang, segment_id)
    if _wants_json():
        return jsonify(found.as_json())
    row = db_session().scalar(select(Translation).where(
        Translation.segment_id == segment.id, Translation.language_id == language.id))
    return render_template("assist/panel.html", document=document, language=language,
                           segment=segment, panel=found, row=row,
                           back=request.args.get("back", ""))


@bp.get(SEGMENT + "/assist/fragment")
@require(Action.TRANSLATE)
def fragment(doc: str, lang: str, segment_id: int):
    """The panel's body only, for ``static/assist.js``."""
    document, language, segment, found = _panel(doc, lang, segment_id)
    return render_template("assist/_panel.html", document=document, language=language,
                           segment=segment, panel=found, back=request.args.get("back", ""))


# --- bulk pretranslation -------------------------------------------------------------------


def _jobs() -> dict[int, threading.Thread]:
    return current_app.extensions.setdefault("terjime.jobs", {})


def _alive(job_id: int) -> bool:
    thread = _jobs().get(job_id)
    return thread is not None and thread.is_alive()


def _notifier(app: Flask):
    def notify(documents: set[str], code: str) -> None:
        writer = app.extensions.get("terjime.writer")
        if writer is not None:
            for name in sorted(documents):
                writer.notify(name, code)

    return notify


@bp.post(PREFIX + "/pretranslate")
@require(Action.APPROVE)
def pretranslate(doc: str, lang: str):
    """Start a background pretranslation of this document (editors and admins)."""
    document, language = lookup(doc, lang)
    engine = request.form.get("engine", "").strip() or None
    session = db_session()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _start_lock:
        try:
            job = start_job(session, app.config, language, document, engine, me(), _alive)
        except PretranslateError as error:
            session.rollback()
            flash(f"Not started: {error}.", "error")
            return redirect(url_for("editor.edit", doc=doc, lang=lang))
        session.commit()
        thread = threading.Thread(target=run_job, name=f"pretranslate-{job.id}", daemon=True,
                                  args=(database(), dict(app.config), job.id, _notifier(app)))
        _jobs()[job.id] = thread
        thread.start()
    return redirect(url_for("assist.job", doc=doc, lang=lang, job_id=job.id))


def job_json(job: Job) -> dict:
    return {"id": job.id, "status": job.status, "engine": job.engine, "total": job.total,
            "processed": job.processed, "from_memory": job.from_memory,
            "from_engine": job.from_engine, "failed": job.failed, "errors": list(job.errors),
            "finished": job.status in ("done", "failed")}


@bp.get(PREFIX + "/jobs/<int:job_id>")
@require(Action.VIEW)
def job(doc: str, lang: str, job_id: int):
    """A job's progress: JSON for the poller, otherwise a page with a refresh link."""
    document, language = lookup(doc, lang)
    found = db_session().get(Job, job_id)
    if found is None or found.language_id != language.id or found.kind != "pretranslate":
        abort(404)
    if _wants_json():
        return jsonify(job_json(found))
    return render_template("assist/job.html", document=document, language=language, job=found,
                           engine_label=provenance.engine_label(found.engine or ""))


@bp.app_template_filter("diff_html")
def diff_filter(pieces: list[tuple[str, str]]) -> Markup:
    """A word diff as escaped HTML with ``<del>``/``<ins>``."""
    out = []
    for op, text in pieces:
        escaped = Markup.escape(text)
        out.append(f"<del>{escaped}</del>" if op == "delete"
                   else f"<ins>{escaped}</ins>" if op == "insert" else str(escaped))
    return Markup("".join(out))


def init_app(app: Flask) -> None:
    app.context_processor(_helpers)
