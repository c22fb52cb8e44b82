"""People and invites (admins only): invite links, roles per language, (de)activation, audit log.

Every page here needs the admin action; API tokens are refused (they are for the JSON API).
An invite link is shown once, in the response that created it: only its hash is stored.
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
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.core.states import Role
from app.services import accounts
from app.services.permissions import Action, can
from app.store.models import Language, User
from app.web import db_session
from app.web.auth import ConfirmForm, me, show_error

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_CHOICES = [
    SelectChoice(Role.TRANSLATOR.value, "Translator — translates the chosen languages"),
    SelectChoice(Role.EDITOR.value,
                 "Editor — translates, approves and signs off the chosen languages"),
    SelectChoice(Role.PUBLISHER.value, "Publisher — exports and releases every language"),
    SelectChoice(Role.ADMIN.value, "Admin — coordinates everything, including people"),
]
ALL_LANGUAGES = "*"


class GrantForm(FlaskForm):
    """A role and its languages (none for admin and publisher; ``*`` = all languages)."""

    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    languages = SelectMultipleField("Languages", choices=[], validate_choice=True)

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        if not super().validate(extra_validators):
            return False
        if self.role.data in {Role.TRANSLATOR.value, Role.EDITOR.value} \
                and not self.languages.data:
            self.languages.errors.append("Choose the languages, or “All languages”.")
            return False
        return True


class InviteForm(GrantForm):
    days = IntegerField("Valid for (days)", default=7,
                        validators=[InputRequired(), NumberRange(min=1, max=90)])


def _language_rows() -> list[Language]:
    return list(db_session().scalars(select(Language).order_by(Language.code)))


def _with_languages(form: GrantForm, languages: list[Language]) -> GrantForm:
    form.languages.choices = [SelectChoice(ALL_LANGUAGES, "All languages")] + [
        SelectChoice(language.code, f"{language.name} ({language.code})")
        for language in languages]
    return form


def _user(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _public_url() -> str:
    return current_app.config.get("PUBLIC_URL") or request.host_url


@bp.before_request
def _admins_only():
    user = current_user if current_user.is_authenticated else None
    if g.get("token_auth") or not can(user, Action.ADMIN):
        abort(403)


# --- people and invites --------------------------------------------------------------------


def _people_page(status: int = 200, form: InviteForm | None = None, link: str | None = None):
    session = db_session()
    languages = _language_rows()
    if form is None:
        form = InviteForm(formdata=None, data={"days": current_app.config.get("INVITE_DAYS", 7)})
    _with_languages(form, languages)
    users = accounts.list_users(session)
    memberships = {u.id: accounts.describe_memberships(u) for u in users}
    return render_template("admin/users.html", users=users, form=form, link=link,
                           invites=accounts.open_invites(session), memberships=memberships,
                           creators={u.id: u for u in users}, languages=languages), status


@bp.route("/people")
def users():
    """Everyone with their roles and languages, the open invites, and a new-invite form."""
    return _people_page()


@bp.route("/invites", methods=["POST"])
def create_invite():
    form = _with_languages(InviteForm(), _language_rows())
    if form.validate_on_submit():
        session = db_session()
        try:
            token = accounts.create_invite(session, form.role.data, form.languages.data, me(),
                                           days=form.days.data)
        except accounts.AccountError as error:
            session.rollback()
            show_error(form, error)
        else:
            session.commit()
            link = accounts.invite_link(_public_url(), token)
            return _people_page(form=None, link=link)
    return _people_page(400, form=form)


@bp.route("/invites/<int:invite_id>/revoke", methods=["POST"])
def revoke_invite(invite_id: int):
    if ConfirmForm().validate_on_submit():
        session = db_session()
        try:
            accounts.revoke_invite(session, invite_id, me())
        except accounts.AccountError as error:
            session.rollback()
            flash(error.message, "error")
        else:
            session.commit()
            flash("Invite revoked: the link no longer works.", "info")
    return redirect(url_for("admin.users"))


# --- one person ----------------------------------------------------------------------------


def _person_page(user: User, status: int = 200, form: GrantForm | None = None):
    languages = _language_rows()
    form = _with_languages(form or GrantForm(formdata=None), languages)
    tokens = accounts.list_tokens(db_session(), user)
    return render_template("admin/user.html", person=user, form=form, tokens=tokens,
                           languages=languages), status


@bp.route("/people/<int:user_id>")
def user(user_id: int):
    """A person's roles (add, remove) and whether the account is active."""
    return _person_page(_user(user_id))


@bp.route("/people/<int:user_id>/roles", methods=["POST"])
def add_role(user_id: int):
    person = _user(user_id)
    form = _with_languages(GrantForm(), _language_rows())
    if form.validate_on_submit():
        session = db_session()
        try:
            accounts.add_membership(session, person, form.role.data, form.languages.data, me())
        except accounts.AccountError as error:
            session.rollback()
            show_error(form, error)
        else:
            session.commit()
            flash("Role added.", "info")
            return redirect(url_for("admin.user", user_id=user_id))
    return _person_page(person, 400, form=form)


@bp.route("/people/<int:user_id>/roles/<int:membership_id>/remove", methods=["POST"])
def remove_role(user_id: int, membership_id: int):
    person = _user(user_id)
    if ConfirmForm().validate_on_submit():
        session = db_session()
        try:
            accounts.remove_membership(session, person, membership_id, me())
        except accounts.AccountError as error:
            session.rollback()
            flash(error.message, "error")
        else:
            session.commit()
            flash("Role removed.", "info")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/people/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    """Deactivate (ends sessions, revokes API tokens) or reactivate an account."""
    person = _user(user_id)
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        session = db_session()
        try:
            accounts.set_active(session, person, active, me())
        except accounts.AccountError as error:
            session.rollback()
            flash(error.message, "error")
        else:
            session.commit()
            flash("Account reactivated." if active else
                  "Account deactivated: its sessions ended and its API tokens were revoked.",
                  "info")
    return redirect(url_for("admin.user", user_id=user_id))


# --- audit log -----------------------------------------------------------------------------


@bp.route("/audit")
def audit():
    """Who did what to accounts and roles, newest first (no addresses are ever recorded)."""
    page = request.args.get("page", 1, type=int) or 1
    rows, more = accounts.audit_page(db_session(), page)
    return render_template("admin/audit.html", rows=rows, page=max(1, page), more=more)
