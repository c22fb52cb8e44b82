"""An editor's sign-off of one language of a statement: "every sentence is approved".

A sign-off is never deleted: a later edit or a source amendment re-opens it
(``reopened_at`` + the reason, see :func:`app.services.importer.reopen_sign_offs`), and the
next sign-off is a new row — so the audit trail shows who signed what, and what re-opened it.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.core.states import State
from app.services.permissions import Action, can
from app.services.segment_queries import progress_for
from app.store.models import AuditLog, Document, Language, SignOff, User


class SignOffRefused(ValueError):
    """The language is not ready (or the user may not sign it off); nothing was changed."""


def current(session: Session, document: Document, language: Language) -> SignOff | None:
    """The latest sign-off of this document and language (active or re-opened), if any."""
    return session.scalar(select(SignOff).where(SignOff.document_id == document.id,
                                                SignOff.language_id == language.id)
                          .options(joinedload(SignOff.user))
                          .order_by(SignOff.id.desc()).limit(1))


def latest(session: Session) -> dict[tuple[int, int], SignOff]:
    """The latest sign-off per (document id, language id), for the dashboard: one query."""
    newest = (select(func.max(SignOff.id)).group_by(SignOff.document_id, SignOff.language_id)
              .scalar_subquery())
    rows = session.scalars(select(SignOff).where(SignOff.id.in_(newest))
                           .options(joinedload(SignOff.user)))
    return {(row.document_id, row.language_id): row for row in rows}


def checks_blocker(session: Session, document: Document, language: Language,
                   project: object | None) -> str | None:
    """Why error-level quality checks block this language (sign-off and release), or None."""
    from app.services import quality

    errors = quality.document_errors(session, document, language)
    whole = [f for f in quality.document_findings(session, project, document, language)
             if f.severity == "error"]
    if not errors and not whole:
        return None
    parts = [quality.describe(errors)] if errors else []
    parts += [f"document {f.check_id}: {f.message}" for f in whole]
    total = len(errors) + len(whole)
    remain = "errors remain" if total != 1 else "error remains"
    return f"{total} quality check {remain} ({'; '.join(parts)}); fix them before signing off"


def approval_blocker(session: Session, document: Document, language: Language) -> str | None:
    """Why not every active segment is approved (sign-off and release), or None."""
    progress = progress_for(session, document, language)
    if progress.total == 0:
        return "this statement has no segments to sign off"
    pending = progress.total - progress.counts[State.APPROVED.value]
    if not pending:
        return None
    details = ", ".join(f"{progress.counts[state]} {State(state).label.lower()}"
                        for state in ("empty", "draft", "translated") if progress.counts[state])
    return (f"{pending} of {progress.total} segments are not approved yet ({details}); "
            "approve every segment first")


def sign_off(session: Session, document: Document, language: Language, user: User,
             project: object | None = None) -> SignOff:
    """Sign off a language whose every active segment is approved and passes the error-level
    quality checks; editors only. With ``project`` the rebuilt document is checked too."""
    if not can(user, Action.APPROVE, language.code):
        raise SignOffRefused(f"only an editor of {language.name} can sign it off")
    reason = approval_blocker(session, document, language) or checks_blocker(
        session, document, language, project)
    if reason:
        raise SignOffRefused(reason)
    existing = current(session, document, language)
    if existing is not None and existing.reopened_at is None:
        return existing
    row = SignOff(document_id=document.id, language_id=language.id, user_id=user.id)
    session.add(row)
    session.add(AuditLog(actor_id=user.id, action="sign-off",
                         target=f"{document.name}/{language.code}",
                         details={"segments": progress_for(session, document, language).total}))
    session.flush()
    return row
