"""People and invites: admins only; invite links, roles per language, deactivation, audit log."""

from __future__ import annotations

import re

import pytest
from conftest import TEST_PASSWORD
from sqlalchemy import func, select

from app.services import accounts
from app.store.models import ApiToken, AuditLog, Invite, User

ADMIN_PAGES = ["/admin/people", "/admin/audit", "/admin/people/1"]
ADMIN_POSTS = [
    "/admin/invites",
    "/admin/invites/1/revoke",
    "/admin/people/1/roles",
    "/admin/people/1/roles/1/remove",
    "/admin/people/1/active",
]


@pytest.fixture
def app(languages_app):
    """Overrides conftest's ``app``: accounts need languages but no statement (fast);
    ``client``, ``make_user`` and ``login`` use this one."""
    return languages_app


@pytest.fixture
def db(app):
    return app.extensions["terjime.db"].session


@pytest.fixture
def admin(client, make_user, login) -> int:
    """The logged-in coordinator's id (``client`` is their browser)."""
    user_id = make_user("Coordinator", "admin")
    login(client, user_id)
    return user_id


def audit_actions(db) -> list[str]:
    with db() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def invite_link(response) -> str:
    return re.search(rb'id="invite-link">([^<]+)<', response.data).group(1).decode()


# --- who may come in -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES + ADMIN_POSTS)
def test_anonymous_is_sent_to_log_in(client, path) -> None:
    response = client.post(path) if path in ADMIN_POSTS else client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("role", "languages"),
    [
        ("translator", ["ug"]),
        ("translator", None),
        ("editor", ["ug"]),
        ("editor", None),
        ("publisher", None),
    ],
)
def test_other_roles_get_403(client, make_user, login, role, languages) -> None:
    login(client, make_user("Someone", role, languages))
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    for path in ADMIN_POSTS:
        assert client.post(path).status_code == 403, path


def test_admin_api_token_does_not_open_admin_pages(app, admin, db) -> None:
    with db() as session:
        token = accounts.create_token(session, session.get(User, admin), "script")
    bearer = app.test_client()
    assert (
        bearer.get("/admin/people", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    )


# --- invites -------------------------------------------------------------------------------


def test_people_page_lists_roles_and_languages(client, admin, make_user) -> None:
    make_user("Amina", "translator", ["ug", "tr"])
    make_user("Gülnar", "editor")
    page = client.get("/admin/people")
    assert page.status_code == 200
    html = page.data.decode()
    for text in (
        "Amina",
        "translator · tr",
        "translator · ug",
        "Gülnar",
        "editor · all languages",
        "Coordinator",
        'lang="ug" dir="rtl"',
    ):
        assert text in html, text


def test_invite_created_in_the_ui_is_shown_once_and_works(app, client, admin, db) -> None:
    response = client.post(
        "/admin/invites", data={"role": "translator", "languages": ["ug", "ru"], "days": "3"}
    )
    assert response.status_code == 200
    link = invite_link(response)
    assert link.startswith("http://localhost/invite/")
    assert link not in client.get("/admin/people").data.decode(), "shown only once"
    with db() as session:
        invite = session.scalar(select(Invite))
        assert invite.languages == ["ru", "ug"] and invite.created_by == admin
        assert link.rsplit("/", 1)[1] not in invite.token_hash
    newcomer = app.test_client()
    path = link.removeprefix("http://localhost")
    assert (
        newcomer.post(
            path, data={"display_name": "Newcomer", "password": "x" * 12, "confirm": "x" * 12}
        ).status_code
        == 302
    )
    with db() as session:
        user = accounts.find_user(session, "Newcomer")
        assert accounts.describe_memberships(user) == [("translator", "ru"), ("translator", "ug")]
    assert audit_actions(db)[-2:] == ["invite.create", "invite.accept"]


def test_invite_link_uses_public_url(app, client, admin) -> None:
    app.config["PUBLIC_URL"] = "https://translate.example.org/"
    response = client.post("/admin/invites", data={"role": "publisher", "days": "7"})
    assert invite_link(response).startswith("https://translate.example.org/invite/")


def test_invite_for_all_languages(client, admin, db) -> None:
    response = client.post(
        "/admin/invites", data={"role": "editor", "languages": ["*", "ug"], "days": "7"}
    )
    assert response.status_code == 200
    with db() as session:
        assert session.scalar(select(Invite.languages)) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "translator", "days": "7"}, "Choose the languages"),
        ({"role": "admin", "languages": ["ug"], "days": "7"}, "covers every language"),
        ({"role": "translator", "languages": ["xx"], "days": "7"}, "is not a valid choice"),
        ({"role": "overlord", "days": "7"}, "Not a valid choice"),
        ({"role": "translator", "languages": ["ug"], "days": "0"}, "Number must be between"),
    ],
)
def test_invite_errors_are_shown_next_to_the_field(client, admin, db, data, message) -> None:
    response = client.post("/admin/invites", data=data)
    assert response.status_code == 400
    assert message in response.data.decode() and b'class="field-error"' in response.data
    with db() as session:
        assert session.scalar(select(func.count()).select_from(Invite)) == 0


def test_open_invites_can_be_revoked(app, client, admin, db) -> None:
    with db() as session:
        token = accounts.create_invite(session, "translator", ["tr"], None)
    page = client.get("/admin/people").data.decode()
    assert "command line" in page and "/admin/invites/1/revoke" in page
    assert client.post("/admin/invites/1/revoke").status_code == 302
    assert app.test_client().get(f"/invite/{token}").status_code == 404
    assert "No open invites" in client.get("/admin/people").data.decode()
    assert audit_actions(db)[-1] == "invite.revoke"


# --- one person ----------------------------------------------------------------------------


def test_roles_can_be_added_and_removed(client, admin, make_user, db) -> None:
    user_id = make_user("Amina", "translator", ["ug"])
    page = client.get(f"/admin/people/{user_id}")
    assert page.status_code == 200 and b"Amina" in page.data
    response = client.post(
        f"/admin/people/{user_id}/roles", data={"role": "editor", "languages": ["tr"]}
    )
    assert response.status_code == 302
    duplicate = client.post(
        f"/admin/people/{user_id}/roles", data={"role": "editor", "languages": ["tr"]}
    )
    assert duplicate.status_code == 400 and b"already has that role" in duplicate.data
    with db() as session:
        user = session.get(User, user_id)
        assert accounts.describe_memberships(user) == [("editor", "tr"), ("translator", "ug")]
        translator = next(m.id for m in user.memberships if m.role == "translator")
    client.post(f"/admin/people/{user_id}/roles/{translator}/remove")
    with db() as session:
        assert accounts.describe_memberships(session.get(User, user_id)) == [("editor", "tr")]
    assert audit_actions(db)[-2:] == ["membership.add", "membership.remove"]


def test_the_last_admin_cannot_be_removed_or_deactivated(client, admin, db) -> None:
    with db() as session:
        membership = session.get(User, admin).memberships[0].id
    client.post(f"/admin/people/{admin}/roles/{membership}/remove")
    client.post(f"/admin/people/{admin}/active", data={"active": "0"})
    with db() as session:
        user = session.get(User, admin)
        assert user.active and accounts.describe_memberships(user) == [("admin", "all languages")]
    page = client.get(f"/admin/people/{admin}", follow_redirects=True)
    assert page.status_code == 200


def test_deactivation_ends_sessions_and_tokens(app, client, admin, make_user, login, db) -> None:
    user_id = make_user("Amina", "translator", ["ug"])
    browser = app.test_client()
    login(browser, user_id)
    with db() as session:
        token = accounts.create_token(session, session.get(User, user_id), "script")
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/account", headers=bearer).status_code == 200
    assert client.post(f"/admin/people/{user_id}/active", data={"active": "0"}).status_code == 302
    assert browser.get("/account").status_code == 302
    assert app.test_client().get("/account", headers=bearer).status_code == 302
    refused = app.test_client().post(
        "/login", data={"display_name": "Amina", "password": TEST_PASSWORD}
    )
    assert b"deactivated" in refused.data
    with db() as session:
        assert session.scalar(select(ApiToken.revoked_at)) is not None
    assert b"deactivated" in client.get("/admin/people").data
    client.post(f"/admin/people/{user_id}/active", data={"active": "1"})
    fresh = app.test_client()
    assert (
        fresh.post("/login", data={"display_name": "Amina", "password": TEST_PASSWORD}).status_code
        == 302
    )
    assert app.test_client().get("/account", headers=bearer).status_code == 302, (
        "revoked tokens stay revoked"
    )
    assert audit_actions(db)[-2:] == ["user.deactivate", "user.activate"]


def test_unknown_person_is_404(client, admin) -> None:
    assert client.get("/admin/people/999").status_code == 404


# --- audit log -----------------------------------------------------------------------------


def test_audit_log_lists_account_actions_but_not_logins(app, client, admin, db) -> None:
    client.post("/admin/invites", data={"role": "publisher", "days": "7"})
    other = app.test_client()
    other.post("/login", data={"display_name": "Coordinator", "password": "wrong password"})
    other.post("/login", data={"display_name": "Coordinator", "password": TEST_PASSWORD})
    assert audit_actions(db) == ["invite.create"]
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert b"invite.create" in page.data and b"Coordinator" in page.data


def test_audit_log_pages(client, admin, db) -> None:
    with db() as session:
        for n in range(60):
            accounts.audit(session, None, "test.action", f"row {n}")
    first = client.get("/admin/audit").data.decode()
    assert "row 59" in first and "row 0<" not in first and "page=2" in first
    second = client.get("/admin/audit?page=2").data.decode()
    assert "row 0<" in second and "page=1" in second
