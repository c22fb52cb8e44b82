"""Security for every page: CSRF (Flask-WTF), strict headers, sessions and bearer tokens.

- CSP allows only our own vendored assets: no inline script, nothing third-party.
- Sessions carry the user's ``session_version``, so a password change logs out everywhere.
- ``Authorization: Bearer`` API calls are authenticated by token and need no CSRF token;
  session-authenticated API calls must send the CSRF token (``X-CSRFToken`` header).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, g, jsonify, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from app.services.permissions import Action, can
from app.services.tokens import token_hash
from app.store.models import ApiToken, User

csrf = CSRFProtect()
login_manager = LoginManager()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def _session():
    from app.web import db_session

    return db_session()


@login_manager.user_loader
def _load_user(ident: str) -> User | None:
    try:
        user_id, version = (int(part) for part in ident.split(":", 1))
    except ValueError:
        return None
    user = _session().get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


@login_manager.request_loader
def _load_from_token(req) -> User | None:  # noqa: ANN001
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ").strip()
    row = _session().scalar(
        select(ApiToken).where(
            ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    g.token_auth = True
    return row.user


def _unauthorized():
    if request.path.startswith("/api/"):
        return jsonify(error="authentication required"), 401
    return redirect(
        url_for("auth.login", next=request.full_path if request.query_string else request.path)
    )


def _security_headers(response):  # noqa: ANN001, ANN202
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _csrf_error(error: CSRFError):  # noqa: ANN202
    if request.path.startswith("/api/"):
        return jsonify(error=f"CSRF check failed: {error.description}"), 400
    return (
        f"The form has expired or was not sent by this site ({error.description}). "
        "Go back, reload the page and try again.",
        400,
    )


def require_login() -> None:
    """Anonymous visitors see only the log-in page (and the invite/setup pages)."""
    public = {"auth.login", "auth.accept_invite", "auth.setup", "static"}
    if request.endpoint in public or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return _unauthorized()
    return None


def forms_are_forms():  # noqa: ANN201
    """Pages take form posts; only /api/ takes JSON. Flask-WTF would read a JSON body as the
    form's data, and a body that is not an object (``0``, ``[]``) made it fail with a 500."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/"):
        return None
    if request.is_json:
        return ("This page takes a form post, not JSON; the JSON API is under /api/v1/. "
                "Nothing was changed.", 415)
    return None


_NUL_REFUSED = ("A control character (NUL, U+0000) is not allowed in a request's address, "
                "parameters or form fields. Nothing was changed.", 400)


def no_nul_characters():  # noqa: ANN201
    """No text of ours may hold NUL (PostgreSQL cannot store it, and no statement needs it):
    refuse it at the door rather than as a database error deep inside a page."""
    if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                     for key, value in request.args.items(multi=True)):
        return _NUL_REFUSED
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        if any("\x00" in key or "\x00" in value
               for key, value in request.form.items(multi=True)):
            return _NUL_REFUSED
    return None


def require(action: Action | str, language_arg: str | None = "lang") -> Callable:
    """Decorator: 403 unless the current user may do ``action`` on the view's language."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            language = kwargs.get(language_arg) if language_arg else None
            if not can(current_user if current_user.is_authenticated else None, action, language):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _template_helpers() -> dict[str, Any]:
    def template_can(action: str, language: str | None = None) -> bool:
        return can(current_user if current_user.is_authenticated else None, action, language)

    return {"can": template_can}


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in URLs: an id column is a 32-bit integer, so anything larger is a 404,
    not a database overflow (SQLite raises on integers above 2**63 - 1)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002, ANN001
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: the URL converter applies to their rules."""
    app.url_map.converters["int"] = RowIdConverter
    csrf.init_app(app)
    app.context_processor(_template_helpers)
    login_manager.init_app(app)
    # Flask-Login's session protection hashes the client address into the session: we keep
    # no trace of addresses, and volunteers on Tor or mobile networks change them often.
    login_manager.session_protection = None
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(require_login)
    app.before_request(forms_are_forms)
    app.before_request(no_nul_characters)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
