"""Who may do what, for which language: one place, used by every page, API call and command.

Roles come from memberships: admin (coordinator, everything), editor and translator (for one
language, or for all when the membership has no language), publisher (exports and releases).
"""

from __future__ import annotations

from enum import StrEnum

from app.core.states import Role
from app.store.models import User


class Action(StrEnum):
    VIEW = "view"  # see documents, progress, segments of a language
    TRANSLATE = "translate"  # save, suggest, comment, mark as needing edit
    APPROVE = "approve"  # approve segments, sign off a language, run bulk jobs
    PUBLISH = "publish"  # create releases, export
    ADMIN = "admin"  # accounts, invites, languages, engines


#: Which roles grant an action (admins are granted everything).
_GRANTS: dict[Action, set[Role]] = {
    Action.VIEW: {Role.TRANSLATOR, Role.EDITOR, Role.PUBLISHER},
    Action.TRANSLATE: {Role.TRANSLATOR, Role.EDITOR},
    Action.APPROVE: {Role.EDITOR},
    Action.PUBLISH: {Role.PUBLISHER},
    Action.ADMIN: set(),
}

#: Roles that are not tied to a language (a publisher publishes every language).
_LANGUAGE_FREE = {Role.PUBLISHER, Role.ADMIN}


def roles(user: User | None) -> set[tuple[Role, str | None]]:
    """(role, language code or None for all) pairs of an active user."""
    if user is None or not user.active:
        return set()
    return {
        (Role(m.role), m.language.code if m.language is not None else None)
        for m in user.memberships
    }


def is_admin(user: User | None) -> bool:
    return any(role is Role.ADMIN for role, _ in roles(user))


def can(user: User | None, action: Action | str, language: str | None = None) -> bool:
    """True when ``user`` may do ``action`` (on ``language`` if the action concerns one).

    With ``language=None`` the question is "on at least one language".
    """
    action = Action(action)
    granted = roles(user)
    if any(role is Role.ADMIN for role, _ in granted):
        return True
    for role, code in granted:
        if role not in _GRANTS[action]:
            continue
        if role in _LANGUAGE_FREE or code is None or language is None or code == language:
            return True
    return False


def languages_for(user: User | None, action: Action | str, all_codes: list[str]) -> list[str]:
    """The subset of ``all_codes`` on which ``user`` may do ``action``."""
    return [code for code in all_codes if can(user, action, code)]
