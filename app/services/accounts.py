"""Accounts: invite-only sign-up, passwords, roles per language, API tokens, the audit log.

Volunteers may face transnational repression, so the account model is deliberately thin:
a pseudonymous display name, an optional email, a password hash. Secrets (invites, API tokens)
are stored only as hashes; no client address is ever stored — log-in throttling per client
lives in process memory only (:class:`ClientThrottle`), keyed by a salted hash.

Every refusal is an :class:`AccountError` (a ``ValueError``, so the CLI prints it as one line)
naming the form field it concerns, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.languages import get_language
from app.core.states import Role
from app.services.tokens import new_token, token_hash
from app.store.models import (
    ApiToken,
    AuditLog,
    Invite,
    Language,
    LoginFailure,
    Membership,
    User,
    display_name_key,
    utcnow,
)

NAME_MIN, NAME_MAX = 2, 40
PASSWORD_MIN, PASSWORD_MAX = 10, 512
EMAIL_MAX = 254
DEFAULT_HASH_METHOD = "scrypt"
#: Roles that always cover every language (a membership with language NULL).
LANGUAGE_FREE = frozenset({Role.ADMIN, Role.PUBLISHER})
SETUP_NOTE = "setup"
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class AccountError(ValueError):
    """A refused account action; ``field`` names the form field to show it next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InviteError(AccountError):
    """An unknown, used, expired or revoked invite link."""


class LoginError(AccountError):
    """A failed log-in: the same words whether or not the account exists."""


class LoginThrottled(LoginError):
    """Too many recent failures for an account name or a client."""


# --- validation ----------------------------------------------------------------------------


def clean_display_name(session: Session, name: str, exclude: User | None = None) -> str:
    """A trimmed, NFC-normalised display name that no other account uses in any letter case."""
    name = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise AccountError(f"A display name has {NAME_MIN} to {NAME_MAX} characters.",
                           "display_name")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cn"} for ch in name):
        raise AccountError("A display name cannot contain control or invisible characters.",
                           "display_name")
    query = select(User.id).where(User.name_key == display_name_key(name))
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    if session.scalar(query) is not None:
        raise AccountError("That display name is taken; choose another.", "display_name")
    return name


def clean_email(email: str | None) -> str | None:
    """An optional email, checked only loosely (it is for password-less contact, not login)."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > EMAIL_MAX or not _EMAIL_RE.match(email):
        raise AccountError("That does not look like an email address (or leave it empty).",
                           "email")
    return email


def check_new_password(password: str, display_name: str) -> None:
    """At least 10 characters and not the display name: the rest is the volunteer's choice."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"Use at least {PASSWORD_MIN} characters.", "password")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"Use at most {PASSWORD_MAX} characters.", "password")
    if display_name_key(password) == display_name_key(display_name):
        raise AccountError("The password must not be your display name.", "password")


def hash_password(password: str, method: str = DEFAULT_HASH_METHOD) -> str:
    return generate_password_hash(password, method=method)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


# --- users, roles and languages ------------------------------------------------------------


def find_user(session: Session, name: str) -> User | None:
    """The account with this display name in any letter case, or None."""
    return session.scalar(select(User).where(User.name_key == display_name_key(name or "")))


def get_user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise AccountError(f"no account named {name!r}", "display_name")
    return user


def _language(session: Session, code: str) -> Language:
    try:
        code = get_language(code.strip()).code
    except ValueError:
        code = code.strip()
    row = session.scalar(select(Language).where(Language.code == code))
    if row is None:
        known = ", ".join(session.scalars(select(Language.code).order_by(Language.code))) or "none"
        raise AccountError(f"unknown language {code!r} (known: {known})", "languages")
    return row


def clean_grant(session: Session, role: str,
                languages: Iterable[str] | None) -> tuple[Role, list[str]]:
    """Validate a role with its languages; no languages means all (``[]``).

    Admins and publishers are never tied to a language. ``"*"`` among the codes means all.
    """
    try:
        role_value = Role((role or "").strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise AccountError(f"unknown role {role!r} (choose {choices})", "role") from None
    codes = [c for c in (languages or []) if c and c.strip()]
    if "*" in codes:
        codes = []
    if role_value in LANGUAGE_FREE and codes:
        raise AccountError(f"The {role_value.value} role covers every language: "
                           "choose no languages.", "languages")
    return role_value, sorted({_language(session, code).code for code in codes})


def _grant(session: Session, user: User, role: Role, codes: list[str]) -> list[Membership]:
    """Add memberships (skipping ones the user already has); [] codes = all languages."""
    existing = {(m.role, m.language_id) for m in user.memberships}
    language_ids: list[int | None] = [_language(session, c).id for c in codes] or [None]
    added = []
    for language_id in language_ids:
        if (role.value, language_id) in existing:
            continue
        membership = Membership(role=role.value, language_id=language_id)
        user.memberships.append(membership)
        added.append(membership)
    return added


def describe_memberships(user: User) -> list[tuple[str, str]]:
    """(role, "all languages" or a language code) pairs for display, sorted."""
    return sorted((m.role, m.language.code if m.language is not None else "all languages")
                  for m in user.memberships)


def _flush_new_name(session: Session) -> None:
    """Flush; a name taken by a concurrent request in the meantime is a normal refusal."""
    try:
        session.flush()
    except IntegrityError:
        raise AccountError("That display name is taken; choose another.",
                           "display_name") from None


def _active_admin_ids(session: Session) -> set[int]:
    query = (select(User.id).join(Membership)
             .where(Membership.role == Role.ADMIN.value, User.active.is_(True)))
    return set(session.scalars(query))


def create_user(session: Session, display_name: str, password: str, role: str,
                languages: Iterable[str] | None = None, email: str | None = None,
                actor: User | None = None, method: str = DEFAULT_HASH_METHOD) -> User:
    """A new active account with one role (for its languages): scripted set-up and invites."""
    role_value, codes = clean_grant(session, role, languages)
    name = clean_display_name(session, display_name)
    email = clean_email(email)
    check_new_password(password, name)
    user = User(display_name=name, email=email, password_hash=hash_password(password, method))
    session.add(user)
    _grant(session, user, role_value, codes)
    _flush_new_name(session)
    audit(session, actor, "user.create", user,
          role=role_value.value, languages=codes or ["*"])
    return user


def add_membership(session: Session, user: User, role: str, languages: Iterable[str] | None,
                   actor: User | None) -> list[Membership]:
    role_value, codes = clean_grant(session, role, languages)
    added = _grant(session, user, role_value, codes)
    if not added:
        raise AccountError(f"{user.display_name} already has that role.", "role")
    session.flush()
    audit(session, actor, "membership.add", user, role=role_value.value,
          languages=codes or ["*"])
    return added


def remove_membership(session: Session, user: User, membership_id: int,
                      actor: User | None) -> None:
    """Remove one role; the last active admin cannot lose theirs (nobody could fix it)."""
    membership = next((m for m in user.memberships if m.id == membership_id), None)
    if membership is None:
        raise AccountError("No such role for this person.")
    if membership.role == Role.ADMIN.value and _active_admin_ids(session) == {user.id}:
        raise AccountError("This is the last active admin: make someone else admin first.")
    code = membership.language.code if membership.language is not None else "*"
    user.memberships.remove(membership)
    session.flush()
    audit(session, actor, "membership.remove", user, role=membership.role, language=code)


def set_active(session: Session, user: User, active: bool, actor: User | None) -> None:
    """Deactivate (sessions end, API tokens are revoked) or reactivate an account."""
    if user.active == active:
        return
    if not active:
        if actor is not None and actor.id == user.id:
            raise AccountError("You cannot deactivate your own account.")
        if _active_admin_ids(session) == {user.id}:
            raise AccountError("This is the last active admin: make someone else admin first.")
        user.session_version += 1
        for token in _open_tokens(session, user):
            token.revoked_at = utcnow()
    user.active = active
    session.flush()
    audit(session, actor, "user.activate" if active else "user.deactivate", user)


def update_profile(session: Session, user: User, display_name: str, email: str | None) -> None:
    name = clean_display_name(session, display_name, exclude=user)
    email = clean_email(email)
    changes = {}
    if name != user.display_name:
        changes["display_name"] = [user.display_name, name]
        user.display_name = name
    if email != user.email:
        changes["email"] = "changed"  # the address itself stays out of the log
        user.email = email
    if changes:
        _flush_new_name(session)
        audit(session, user, "user.profile", user, **changes)


def change_password(session: Session, user: User, current: str, new: str,
                    method: str = DEFAULT_HASH_METHOD) -> None:
    """Check the current password, set the new one and end every other session."""
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError("That is not your current password.", "current_password")
    check_new_password(new, user.display_name)
    user.password_hash = hash_password(new, method)
    user.session_version += 1
    session.flush()
    audit(session, user, "user.password", user)


def end_other_sessions(session: Session, user: User) -> None:
    """Log out every browser (a lost phone, a shared computer)."""
    user.session_version += 1
    session.flush()
    audit(session, user, "user.logout_everywhere", user)


# --- log-in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 5
    window_seconds: int = 15 * 60


def _account_key(name: str) -> str:
    # A hash, so a password typed into the name field is not kept in clear either.
    return hashlib.sha256(display_name_key(name or "").encode("utf-8")).hexdigest()


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def authenticate(session: Session, name: str, password: str,
                 limits: LoginLimits = LoginLimits(),
                 method: str = DEFAULT_HASH_METHOD) -> User:
    """The user for these credentials, or :class:`LoginError` (same words for unknown names).

    Failures are counted per account name (stored hashed, pruned after the window); a
    success clears them. An unknown name costs a dummy hash check so timing tells nothing.

    The attempt is recorded as a failure and **committed before** the (deliberately slow)
    password hash is checked: so no database lock is held during the hash — on SQLite a
    failed log-in used to stall every save for its duration — and parallel guesses cannot all
    pass the count before any of them is recorded. A success removes the record again.
    """
    key = _account_key(name)
    _one_attempt_at_a_time(session, key)
    since = utcnow() - dt.timedelta(seconds=limits.window_seconds)
    session.execute(delete(LoginFailure).where(LoginFailure.created_at < since))
    recent, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.created_at))
        .where(LoginFailure.account == key)).one()
    if recent >= limits.max_failures:
        wait = (oldest - since).total_seconds()
        raise LoginThrottled("Too many failed log-ins for this name. Try again in "
                             f"{_minutes(wait)}.", "display_name")
    attempt = LoginFailure(account=key)
    session.add(attempt)
    user = find_user(session, name)
    hashed = user.password_hash if user is not None else _dummy_hash(method)
    session.commit()  # counted, and every lock released, before the slow part
    ok = check_password_hash(hashed, password or "") and user is not None
    if not ok:
        raise LoginError("Wrong name or password.", "password")
    if not user.active:
        session.delete(attempt)  # the right password: not a guess
        raise LoginError("This account has been deactivated; ask a coordinator.", "display_name")
    session.execute(delete(LoginFailure).where(LoginFailure.account == key))
    return user


def _one_attempt_at_a_time(session: Session, key: str) -> None:
    """Serialise counting and recording the attempts on one name (until the commit in
    :func:`authenticate`), so that parallel guesses cannot all pass the count (a burst of 64
    got 8 guesses instead of 5 on PostgreSQL). SQLite already serialises them: the first write
    locks the database; PostgreSQL needs a transaction-level advisory lock on the name."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(int(key[:15], 16))))


class ClientThrottle:
    """Failed log-ins per client, in process memory only (never on disk or in the database).

    Clients are keyed by an HMAC of their address with a random per-process salt, so even a
    memory dump does not list addresses; entries expire with the window.
    """

    def __init__(self, max_failures: int = 20, window_seconds: int = 15 * 60,
                 max_clients: int = 100_000) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_clients = max_clients
        self._salt = secrets.token_bytes(32)
        self._failures: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()

    def _key(self, client: str) -> bytes:
        return hmac.new(self._salt, (client or "").encode("utf-8"), hashlib.sha256).digest()

    def _recent(self, key: bytes, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        while times and times[0] <= now - self.window:
            times.popleft()
        if times is not None and not times:
            del self._failures[key]
            return None
        return times

    def blocked_for(self, client: str, now: float | None = None) -> float:
        """Seconds until this client may try again (0 when it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(self._key(client), now)
            if times is None or len(times) < self.max_failures:
                return 0.0
            return times[0] + self.window - now

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        key = self._key(client)
        with self._lock:
            if key not in self._failures and len(self._failures) >= self.max_clients:
                self._prune(now)
            self._recent(key, now)
            self._failures.setdefault(key, deque()).append(now)

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        while len(self._failures) >= self.max_clients:  # still full: forget the oldest
            del self._failures[next(iter(self._failures))]

    def check(self, client: str) -> None:
        wait = self.blocked_for(client)
        if wait > 0:
            raise LoginThrottled("Too many failed log-ins from this connection. Try again in "
                                 f"{_minutes(wait)}.")


# --- invites and first-start setup ---------------------------------------------------------


def create_invite(session: Session, role: str, languages: Iterable[str] | None,
                  created_by: User | None, days: int = 7, note: str = "") -> str:
    """A one-time invite link's secret (only its hash is stored); valid for ``days`` days."""
    role_value, codes = clean_grant(session, role, languages)
    if not 1 <= int(days) <= 90:
        raise AccountError("An invite is valid for 1 to 90 days.", "days")
    token = new_token()
    invite = Invite(token_hash=token_hash(token), role=role_value.value, languages=codes,
                    note=note[:200], created_by=created_by.id if created_by else None,
                    expires_at=utcnow() + dt.timedelta(days=int(days)))
    session.add(invite)
    session.flush()
    audit(session, created_by, "invite.create", f"invite:{invite.id}", role=role_value.value,
          languages=codes or ["*"], days=int(days), note=invite.note)
    return token


def check_invite(session: Session, token: str, setup: bool = False) -> Invite:
    """The open invite for this link, or :class:`InviteError` saying why it cannot be used."""
    invite = session.scalar(select(Invite).where(Invite.token_hash == token_hash(token or "")))
    is_setup = invite is not None and invite.note == SETUP_NOTE
    if (setup or is_setup) and not setup_needed(session):
        # A stale set-up link must never mint a second admin once someone has an account.
        raise InviteError("Set-up is already done: log in, or ask an admin for an invite.")
    if invite is None or (setup and not is_setup):
        raise InviteError("This invite link is not valid: it may have been revoked or mistyped. "
                          "Ask for a new one.")
    if invite.used_at is not None:
        raise InviteError("This invite link has already been used. Ask for a new one.")
    if invite.expires_at <= utcnow():
        raise InviteError("This invite link has expired. Ask for a new one.")
    return invite


def accept_invite(session: Session, token: str, display_name: str, password: str,
                  email: str | None = None, method: str = DEFAULT_HASH_METHOD,
                  setup: bool = False) -> User:
    """Create the invited account with the invite's role and languages, atomically.

    The invite is claimed with a conditional update, so two people racing on one link
    cannot both get an account.
    """
    invite = check_invite(session, token, setup=setup)
    codes = [c for c in invite.languages
             if session.scalar(select(Language.id).where(Language.code == c)) is not None]
    if invite.languages and not codes:
        raise InviteError("The languages of this invite no longer exist. Ask for a new one.")
    name = clean_display_name(session, display_name)
    email = clean_email(email)
    check_new_password(password, name)
    user = User(display_name=name, email=email, password_hash=hash_password(password, method))
    session.add(user)
    _grant(session, user, Role(invite.role), codes)
    _flush_new_name(session)
    claimed = session.execute(update(Invite)
                              .where(Invite.id == invite.id, Invite.used_at.is_(None))
                              .values(used_at=utcnow(), used_by=user.id))
    if claimed.rowcount != 1:
        raise InviteError("This invite link has already been used. Ask for a new one.")
    audit(session, user, "invite.accept", user, invite=invite.id, role=invite.role,
          languages=codes or ["*"], setup=setup)
    return user


def open_invites(session: Session) -> list[Invite]:
    """Invites not yet used nor expired, newest first."""
    return list(session.scalars(select(Invite)
                                .where(Invite.used_at.is_(None), Invite.expires_at > utcnow())
                                .order_by(Invite.created_at.desc(), Invite.id.desc())))


def revoke_invite(session: Session, invite_id: int, actor: User | None) -> None:
    invite = session.get(Invite, invite_id)
    if invite is None or invite.used_at is not None:
        raise AccountError("That invite is already used or revoked.")
    session.delete(invite)
    session.flush()
    audit(session, actor, "invite.revoke", f"invite:{invite_id}", role=invite.role,
          languages=invite.languages or ["*"])


def setup_needed(session: Session) -> bool:
    """True until the first account exists."""
    return session.scalar(select(User.id).limit(1)) is None


def ensure_setup_invite(session: Session, days: int = 7) -> str | None:
    """On a first start with no users, a fresh one-time admin link (older ones stop working)."""
    if not setup_needed(session):
        return None
    session.execute(delete(Invite).where(Invite.note == SETUP_NOTE, Invite.used_at.is_(None)))
    return create_invite(session, Role.ADMIN.value, [], None, days=days, note=SETUP_NOTE)


def invite_link(base_url: str, token: str, setup: bool = False) -> str:
    """The absolute link for an invite (``/invite/<token>``) or set-up (``/setup/<token>``)."""
    return f"{base_url.rstrip('/')}/{'setup' if setup else 'invite'}/{token}"


# --- API tokens ----------------------------------------------------------------------------


def _open_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken)
                                .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .order_by(ApiToken.created_at, ApiToken.id)))


def create_token(session: Session, user: User, name: str = "", actor: User | None = None) -> str:
    """A new API token (shown once; only its hash is stored) for an active user.

    ``actor`` is who asked (the user themself on the web, None on the command line).
    """
    if not user.active:
        raise AccountError(f"{user.display_name} is deactivated.")
    name = " ".join((name or "").split())[:100]
    token = new_token("tj_")
    row = ApiToken(user_id=user.id, token_hash=token_hash(token), name=name)
    session.add(row)
    session.flush()
    audit(session, actor, "token.create", user, token=row.id, name=name)
    return token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that still work."""
    return _open_tokens(session, user)


def revoke_token(session: Session, user: User, token_id: int, actor: User | None = None) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise AccountError("No such token (it may be revoked already).")
    row.revoked_at = utcnow()
    session.flush()
    audit(session, actor, "token.revoke", user, token=row.id, name=row.name)


# --- audit log -----------------------------------------------------------------------------


def audit(session: Session, actor: User | None, action: str, target: User | str = "",
          **details: object) -> AuditLog:
    """Record an account or role action (never an address; log-in attempts are not audited)."""
    if isinstance(target, User):
        target = f"user:{target.display_name}"
    row = AuditLog(actor_id=actor.id if actor is not None else None, action=action,
                   target=str(target)[:200], details=details)
    session.add(row)
    return row


def audit_page(session: Session, page: int = 1, per_page: int = 50) -> tuple[list[AuditLog], bool]:
    """One page of the audit log, newest first, and whether there is a next page (a page
    number from the URL is capped: an offset past 64 bits is a database error, not a page)."""
    page = min(max(1, page), 10**9)
    rows = list(session.scalars(select(AuditLog)
                                .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
                                .offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name_key)))
