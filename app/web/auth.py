"""Log-in, log-out, the account page (profile, password, API tokens), invites and first set-up.

Views are thin: validation and every change live in :mod:`app.services.accounts`. Secrets shown
once (a new API token) are rendered straight into the response, never put in the (client-side)
session cookie or a flash message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.services import accounts
from app.store.models import Language, User
from app.web import db_session

bp = Blueprint("auth", __name__)

_PUBLIC = {"auth.login", "auth.accept_invite", "auth.setup"}


class LoginForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=200)],
                               render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class NewAccountForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired()],
                               description="A pseudonym is fine and often wiser: others see it "
                                           "beside your work. 2–40 characters.",
                               render_kw={"autocomplete": "username", "autofocus": True})
    email = EmailField("Email (optional)", validators=[Optional()],
                       description="Only for coordinators to reach you. Leave empty if unsure.",
                       render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired()],
                             description="At least 10 characters; a few random words work well.",
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired()],
                               render_kw={"autocomplete": "username"})
    email = EmailField("Email (optional)", validators=[Optional()],
                       render_kw={"autocomplete": "email"})


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password", validators=[DataRequired()],
                             description="At least 10 characters. Other browsers where you are "
                                         "logged in will be logged out.",
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})


class TokenForm(FlaskForm):
    name = StringField("Label", validators=[Optional(), Length(max=100)],
                       description="What the token is for, e.g. “laptop script”.")


class ConfirmForm(FlaskForm):
    """A button-only form: just the CSRF token."""


# --- helpers -------------------------------------------------------------------------------


def password_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", accounts.DEFAULT_HASH_METHOD)


def me() -> User:
    """The logged-in user as a row of this request's session."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def show_error(form: FlaskForm, error: accounts.AccountError) -> None:
    """Put a service refusal next to its field (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative ``//``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith(("/logout", "/login")):
        return None
    return target


def home() -> str:
    return url_for("dashboard.index")


def _throttle() -> accounts.ClientThrottle:
    return current_app.extensions["terjime.login_throttle"]


def _limits() -> accounts.LoginLimits:
    config = current_app.config
    return accounts.LoginLimits(max_failures=int(config["LOGIN_MAX_FAILURES_ACCOUNT"]),
                                window_seconds=int(config["LOGIN_WINDOW_SECONDS"]))


@bp.before_request
def _forms_need_a_browser_session():
    """API tokens are for the API: they cannot change accounts or mint more tokens."""
    if request.method != "GET" and request.endpoint not in _PUBLIC:
        if current_user.is_authenticated and g.get("token_auth"):
            abort(403)


# --- log-in and log-out --------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with display name and password; throttled per account name and per client."""
    form = LoginForm()
    target = safe_next(form.next.data or request.args.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target or home())
        form.next.data = target or ""
    status = 200
    if form.validate_on_submit():
        session, client = db_session(), request.remote_addr or ""
        try:
            _throttle().check(client)
            user = accounts.authenticate(session, form.display_name.data, form.password.data,
                                         _limits(), password_method())
        except accounts.LoginError as error:
            session.commit()  # keeps the failure count
            if isinstance(error, accounts.LoginThrottled):
                status = 429
            else:
                _throttle().failed(client)
                status = 401
            show_error(form, error)
        else:
            session.commit()
            cookie_session.clear()  # a fresh session (and CSRF secret) for the new identity
            login_user(user)
            return redirect(target or home())
    elif request.method == "POST":
        status = 400
    first_start = accounts.setup_needed(db_session())
    return render_template("auth/login.html", form=form, first_start=first_start), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    cookie_session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


# --- the account page ----------------------------------------------------------------------


def _account_page(status: int = 200, new_token: str | None = None, **forms: FlaskForm):
    user = me()
    if "profile" not in forms:
        forms["profile"] = ProfileForm(prefix="profile", formdata=None,
                                       data={"display_name": user.display_name,
                                             "email": user.email or ""})
    forms.setdefault("password", PasswordForm(prefix="password", formdata=None))
    forms.setdefault("token", TokenForm(prefix="token", formdata=None))
    tokens = accounts.list_tokens(db_session(), user)
    return render_template("auth/account.html", forms=forms, tokens=tokens,
                           memberships=accounts.describe_memberships(user),
                           new_token=new_token), status


@bp.route("/account")
def account():
    """Display name, email, password, API tokens."""
    return _account_page()


@bp.route("/account/profile", methods=["POST"])
def account_profile():
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        session = db_session()
        try:
            accounts.update_profile(session, me(), form.display_name.data, form.email.data)
        except accounts.AccountError as error:
            session.rollback()
            show_error(form, error)
        else:
            session.commit()
            flash("Profile saved.", "info")
            return redirect(url_for("auth.account"))
    return _account_page(400, profile=form)


@bp.route("/account/password", methods=["POST"])
def account_password():
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        session, user = db_session(), me()
        try:
            accounts.change_password(session, user, form.current_password.data,
                                     form.password.data, password_method())
        except accounts.AccountError as error:
            session.rollback()
            show_error(form, error)
        else:
            session.commit()
            login_user(user)  # this browser stays in with the new session version
            flash("Password changed. Every other browser has been logged out.", "info")
            return redirect(url_for("auth.account"))
    return _account_page(400, password=form)


@bp.route("/account/sessions", methods=["POST"])
def logout_everywhere():
    if ConfirmForm().validate_on_submit():
        session, user = db_session(), me()
        accounts.end_other_sessions(session, user)
        session.commit()
        login_user(user)
        flash("Every other browser has been logged out.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens", methods=["POST"])
def token_create():
    """A new API token, shown once in this response (it is not stored anywhere readable)."""
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _account_page(400, token=form)
    session, user = db_session(), me()
    token = accounts.create_token(session, user, form.name.data or "", actor=user)
    session.commit()
    return _account_page(new_token=token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id: int):
    if ConfirmForm().validate_on_submit():
        session, user = db_session(), me()
        try:
            accounts.revoke_token(session, user, token_id, actor=user)
        except accounts.AccountError as error:
            session.rollback()
            flash(error.message, "error")
        else:
            session.commit()
            flash("Token revoked: it no longer works.", "info")
    return redirect(url_for("auth.account"))


# --- invites and first set-up --------------------------------------------------------------


def _languages(codes: list[str]) -> list[Language]:
    if not codes:
        return []
    return list(db_session().scalars(select(Language).where(Language.code.in_(codes))
                                     .order_by(Language.code)))


def _invite_view(token: str, setup: bool):
    session = db_session()
    if current_user.is_authenticated:
        return render_template("auth/invite.html", setup=setup, logged_in=True), 409
    try:
        invite = accounts.check_invite(session, token, setup=setup)
    except accounts.InviteError as error:
        return render_template("auth/invite.html", setup=setup, invalid=error.message), 404
    form = NewAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.accept_invite(session, token, form.display_name.data,
                                          form.password.data, form.email.data,
                                          method=password_method(), setup=setup)
        except accounts.InviteError as error:
            session.rollback()
            return render_template("auth/invite.html", setup=setup, invalid=error.message), 404
        except accounts.AccountError as error:
            session.rollback()
            show_error(form, error)
        else:
            session.commit()
            cookie_session.clear()
            login_user(user)
            flash(f"Welcome, {user.display_name}!", "info")
            return redirect(home())
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("auth/invite.html", setup=setup, form=form, invite=invite,
                           languages=_languages(invite.languages)), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """Choose a display name and password to accept an invite."""
    return _invite_view(token, setup=False)


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """Create the first admin account with the link ``terjime serve`` printed."""
    return _invite_view(token, setup=True)


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions["terjime.login_throttle"] = accounts.ClientThrottle(
        max_failures=int(config["LOGIN_MAX_FAILURES_CLIENT"]),
        window_seconds=int(config["LOGIN_WINDOW_SECONDS"]))
