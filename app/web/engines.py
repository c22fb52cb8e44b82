"""Machine-translation engines (admins only): the privacy switch per engine and language.

Turning an engine on for a language is what lets segment text leave the server, so the page
says plainly who receives it; every change goes to the audit log. API tokens are refused.
"""

from __future__ import annotations

from flask import (
    Blueprint,
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

from app.services import machine
from app.services.permissions import Action, can
from app.web import db_session
from app.web.auth import ConfirmForm, me

bp = Blueprint("engines", __name__, url_prefix="/admin/engines")


@bp.before_request
def _admins_only():
    user = current_user if current_user.is_authenticated else None
    if g.get("token_auth") or not can(user, Action.ADMIN):
        abort(403)


@bp.route("")
def index():
    """Engines × languages, with on/off switches and who would receive the text."""
    statuses = machine.engine_status(db_session(), current_app.config)
    languages = statuses[0].languages if statuses else []
    return render_template("engines/index.html", statuses=statuses, languages=languages)


@bp.route("/<engine>/<lang>", methods=["POST"])
def switch(engine: str, lang: str):
    """Turn ``engine`` on (``enabled=1``) or off for ``lang``."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    enabled = request.form.get("enabled") == "1"
    session = db_session()
    try:
        machine.set_engine_enabled(session, engine, lang, enabled, me())
    except machine.MachineSettingError as error:
        session.rollback()
        flash(f"Nothing changed: {error}.", "error")
        return redirect(url_for("engines.index"), code=303)
    session.commit()
    status = next(s for s in machine.engine_status(session, current_app.config)
                  if s.name == engine.strip().lower())
    code = lang.strip().replace("-", "_")
    name = next((s.name for s in status.languages if s.code == code), lang)
    if enabled:
        receiver = "a third party" if status.sends_text_to_third_party else "your own server"
        flash(f"{status.label} is on for {name}: the text of its segments is now sent to "
              f"{status.label} ({receiver}) when someone asks for a suggestion.", "warning")
    else:
        flash(f"{status.label} is off for {name}: no more text is sent to it.", "info")
    return redirect(url_for("engines.index"), code=303)
