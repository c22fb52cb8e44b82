"""The dashboard: every statement × the languages this person may see, with progress and
sign-off status — three queries whatever the number of documents and languages."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.services import quality, signoff, translations
from app.services.permissions import Action, languages_for
from app.store.models import Document, Language
from app.web import db_session
from app.web.editor import cache_commit

bp = Blueprint("dashboard", __name__)


def visible_languages(user) -> list[Language]:  # noqa: ANN001
    """Languages the user may view, by code."""
    languages = list(db_session().scalars(select(Language).order_by(Language.code)))
    allowed = set(languages_for(user, Action.VIEW, [language.code for language in languages]))
    return [language for language in languages if language.code in allowed]


@bp.get("/")
def index():
    session = db_session()
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    documents = list(session.scalars(select(Document).order_by(Document.name)))
    languages = visible_languages(user)
    progress = defaultdict(translations.Progress, translations.progress(
        session, [d.id for d in documents], [language.id for language in languages]))
    checks = quality.counts(session, documents, languages)
    cache_commit(session)
    return render_template("dashboard/index.html", documents=documents, languages=languages,
                           progress=progress, sign_offs=signoff.latest(session), checks=checks)
