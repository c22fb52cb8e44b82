"""Log-in (throttled per account and per client), log-out, the account page, invites, set-up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import TEST_PASSWORD
from sqlalchemy import inspect, select, text, update

from app.services import accounts
from app.store.models import ApiToken, AuditLog, Invite, LoginFailure, User

NEW_PASSWORD = "a whole new passphrase"
CLIENT = "198.51.100.23"


@pytest.fixture
def app(languages_app):
    """Overrides conftest's ``app``: accounts need languages but no statement (fast);
    ``client``, ``make_user`` and ``login`` use this one."""
    return languages_app


@pytest.fixture
def db(app):
    """A session on the test database (committed on exit of each ``with``)."""
    return app.extensions["terjime.db"].session


def log_in(
    client,
    name: str,
    password: str = TEST_PASSWORD,
    next: str | None = None,
    client_addr: str = CLIENT,
):
    data = {"display_name": name, "password": password}
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": client_addr})


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


# --- log-in and log-out --------------------------------------------------------------------


def test_anonymous_sees_only_the_login_page(client) -> None:
    page = client.get("/login")
    assert page.status_code == 200 and b'name="password"' in page.data
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/admin/people").status_code == 302


def test_login_goes_to_local_next_only(client, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    response = log_in(client, "Amina", next="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert b"Amina" in client.get("/account").data
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        client.post("/logout")
        response = log_in(client, "Amina", next=target)
        assert response.headers["Location"] == "/", target


def test_login_name_ignores_case_and_spaces(client, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    assert log_in(client, "  aMINA ").status_code == 302
    assert logged_in(client)


def test_wrong_password_and_unknown_name_look_the_same(client, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    wrong = log_in(client, "Amina", "not the password")
    unknown = log_in(client, "Nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert b"Wrong name or password." in wrong.data and b"Wrong name or password." in unknown.data
    assert not logged_in(client)


def test_login_refused_for_deactivated_account(client, make_user, db) -> None:
    user_id = make_user("Amina", "translator", ["ug"])
    with db() as session:
        session.get(User, user_id).active = False
    response = log_in(client, "Amina")
    assert response.status_code == 401 and b"deactivated" in response.data
    assert not logged_in(client)


def test_account_is_throttled_after_five_failures(app, client, make_user, db) -> None:
    make_user("Amina", "translator", ["ug"])
    for attempt in range(5):  # from different clients: the per-account limit applies
        assert (
            log_in(
                client, "amina", "wrong password", client_addr=f"203.0.113.{attempt}"
            ).status_code
            == 401
        )
    refused = log_in(client, "Amina", client_addr="203.0.113.99")  # even the right password
    assert refused.status_code == 429 and b"Too many failed log-ins for this name" in refused.data
    assert not logged_in(client)
    # an unknown name is throttled with the very same words: nothing tells it does not exist
    for attempt in range(5):
        log_in(client, "Nobody", "wrong password", client_addr=f"203.0.113.{attempt}")
    ghost = log_in(client, "Nobody", "wrong password", client_addr="203.0.113.99")
    assert ghost.status_code == 429 and b"Too many failed log-ins for this name" in ghost.data
    # the window passes
    with db() as session:
        old = accounts.utcnow() - dt.timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
        session.execute(update(LoginFailure).values(created_at=old))
    assert log_in(client, "Amina", client_addr="203.0.113.99").status_code == 302


def test_success_clears_the_account_failures(client, make_user, db) -> None:
    make_user("Amina", "translator", ["ug"])
    for _round in range(3):
        for _ in range(4):
            assert log_in(client, "Amina", "wrong password").status_code == 401
        assert log_in(client, "Amina").status_code == 302
        client.post("/logout")
    with db() as session:
        assert session.scalar(select(LoginFailure.id)) is None


def test_client_is_throttled_in_memory(app, client, make_user, db) -> None:
    app.extensions["terjime.login_throttle"] = accounts.ClientThrottle(3, 900)
    make_user("Amina", "translator", ["ug"])
    for name in ("a1", "b2", "c3"):  # spraying different names from one client
        assert log_in(client, name, "wrong password").status_code == 401
    refused = log_in(client, "Amina")
    assert refused.status_code == 429 and b"from this connection" in refused.data
    assert log_in(client, "Amina", client_addr="192.0.2.44").status_code == 302  # another client
    with db() as session:  # client failures are never written anywhere
        assert session.scalar(select(LoginFailure.id).where(LoginFailure.account == CLIENT)) is None


def test_client_throttle_forgets_after_the_window_and_keeps_no_address() -> None:
    throttle = accounts.ClientThrottle(max_failures=2, window_seconds=60)
    throttle.failed("192.0.2.1", now=0)
    throttle.failed("192.0.2.1", now=10)
    assert throttle.blocked_for("192.0.2.1", now=20) == pytest.approx(40)
    assert throttle.blocked_for("192.0.2.2", now=20) == 0
    assert throttle.blocked_for("192.0.2.1", now=61) == 0
    assert not any(b"192.0.2" in key for key in throttle._failures)
    assert all(len(key) == 32 for key in throttle._failures)
    throttle.blocked_for("192.0.2.1", now=100)
    assert not throttle._failures  # expired entries are dropped, not kept forever


def test_client_throttle_memory_is_bounded() -> None:
    throttle = accounts.ClientThrottle(max_failures=2, window_seconds=60, max_clients=10)
    for n in range(50):
        throttle.failed(f"10.0.0.{n}", now=n)
    assert len(throttle._failures) <= 10


def test_logout_is_a_post(client, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    log_in(client, "Amina")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not logged_in(client)


# --- the account page ----------------------------------------------------------------------


def test_change_password_logs_out_other_sessions(app, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "Amina")
    log_in(phone, "Amina")
    response = laptop.post(
        "/account/password",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert logged_in(laptop), "the browser that changed the password stays logged in"
    assert not logged_in(phone), "every other session ends"
    assert log_in(phone, "Amina").status_code == 401
    assert log_in(phone, "Amina", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password!", NEW_PASSWORD, NEW_PASSWORD, b"not your current password"),
        (TEST_PASSWORD, "short", "short", b"at least 10 characters"),
        (TEST_PASSWORD, "Amina Amina", "Amina Amina", b""),  # fine: not equal to the name
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", b"The two passwords differ."),
    ],
)
def test_change_password_errors_sit_next_to_the_field(
    client, make_user, login, current, new, confirm, message
) -> None:
    login(client, make_user("Amina", "translator", ["ug"]))
    response = client.post(
        "/account/password",
        data={
            "password-current_password": current,
            "password-password": new,
            "password-confirm": confirm,
        },
    )
    if not message:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in response.data and b'class="field-error"' in response.data
    assert logged_in(client)


def test_password_equal_to_display_name_is_refused(client, make_user, login) -> None:
    login(client, make_user("Amina Amina Amina", "translator", ["ug"]))
    response = client.post(
        "/account/password",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-password": "amina amina amina",
            "password-confirm": "amina amina amina",
        },
    )
    assert response.status_code == 400 and b"must not be your display name" in response.data


def test_log_out_every_other_browser(app, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "Amina")
    log_in(phone, "Amina")
    assert laptop.post("/account/sessions").status_code == 302
    assert logged_in(laptop) and not logged_in(phone)


def test_profile_name_is_unique_in_any_case(client, make_user, login, db) -> None:
    make_user("Amina", "translator", ["ug"])
    user_id = make_user("Dilnur", "translator", ["ug"])
    login(client, user_id)
    taken = client.post(
        "/account/profile", data={"profile-display_name": "  AMINA ", "profile-email": ""}
    )
    assert taken.status_code == 400 and b"That display name is taken" in taken.data
    bad_email = client.post(
        "/account/profile",
        data={"profile-display_name": "Dilnur", "profile-email": "not-an-address"},
    )
    assert bad_email.status_code == 400 and b"does not look like an email" in bad_email.data
    ok = client.post(
        "/account/profile",
        data={"profile-display_name": "Гүлнар", "profile-email": "g@example.org"},
    )
    assert ok.status_code == 302
    with db() as session:
        user = session.get(User, user_id)
        assert (user.display_name, user.email) == ("Гүлнар", "g@example.org")
        assert session.scalar(select(AuditLog.action).where(AuditLog.action == "user.profile"))
    with db() as session:  # Cyrillic case-folding, which SQL lower() would miss
        assert accounts.find_user(session, "гҮЛНАР").id == user_id


def test_api_token_create_use_revoke(client, make_user, login, db) -> None:
    login(client, make_user("Amina", "translator", ["ug"]))
    page = client.post("/account/tokens", data={"token-name": "my script"})
    assert page.status_code == 200
    token = re.search(rb'id="new-token">([^<]+)<', page.data).group(1).decode()
    assert token.startswith("tj_")
    assert token.encode() not in client.get("/account").data, "a token is shown only once"
    with db() as session:
        row = session.scalar(select(ApiToken))
        assert row.name == "my script" and token not in row.token_hash
    anonymous = client.application.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert anonymous.get("/account", headers=bearer).status_code == 200
    assert anonymous.get("/account").status_code == 302, "a token opens no browser session"
    assert anonymous.get("/account", headers={"Authorization": "Bearer tj_nope"}).status_code == 302
    # a token acts for the API, not for account changes
    assert anonymous.post("/account/tokens", headers=bearer).status_code == 403
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert anonymous.get("/account", headers=bearer).status_code == 302
    with db() as session:
        actions = set(session.scalars(select(AuditLog.action)))
    assert {"token.create", "token.revoke"} <= actions


def test_token_auth_through_the_login_manager(app, make_user, db) -> None:
    from app.web.security import _load_from_token

    user_id = make_user("Amina", "translator", ["ug"])
    with db() as session:
        token = accounts.create_token(session, session.get(User, user_id), "test")
    with app.test_request_context(headers={"Authorization": f"Bearer {token}"}) as context:
        assert _load_from_token(context.request).id == user_id


# --- invites and set-up --------------------------------------------------------------------


def make_invite(db, role: str = "translator", languages=("ug",), days: int = 7) -> str:
    with db() as session:
        return accounts.create_invite(session, role, list(languages), None, days=days)


def accept(
    client,
    token: str,
    name: str = "Newcomer",
    password: str = NEW_PASSWORD,
    confirm: str | None = None,
    email: str = "",
    path: str = "invite",
):
    return client.post(
        f"/{path}/{token}",
        data={
            "display_name": name,
            "password": password,
            "confirm": confirm or password,
            "email": email,
        },
    )


def test_invite_accept_then_log_in(app, client, db) -> None:
    token = make_invite(db, "editor", ["ug", "tr"])
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200 and b"editor" in page.data and b'lang="ug"' in page.data
    response = accept(client, token, email="new@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert logged_in(client)
    with db() as session:
        user = accounts.find_user(session, "newcomer")
        assert accounts.describe_memberships(user) == [("editor", "tr"), ("editor", "ug")]
        assert session.scalar(select(Invite.used_by)) == user.id
    client.post("/logout")
    assert log_in(client, "Newcomer", NEW_PASSWORD).status_code == 302


def test_invite_is_one_time(client, db) -> None:
    token = make_invite(db)
    assert accept(client, token).status_code == 302
    other = client.application.test_client()
    again = accept(other, token, name="Second")
    assert again.status_code == 404 and b"already been used" in again.data
    assert other.get(f"/invite/{token}").status_code == 404
    with db() as session:
        assert accounts.find_user(session, "Second") is None


def test_expired_and_unknown_invites_are_refused(client, db) -> None:
    token = make_invite(db)
    with db() as session:
        session.execute(update(Invite).values(expires_at=accounts.utcnow() - dt.timedelta(1)))
    expired = client.get(f"/invite/{token}")
    assert expired.status_code == 404 and b"expired" in expired.data
    assert accept(client, token).status_code == 404
    unknown = client.get("/invite/not-a-real-token")
    assert unknown.status_code == 404 and b"not valid" in unknown.data
    with db() as session:
        assert session.scalar(select(User.id)) is None


@pytest.mark.parametrize(
    ("name", "password", "confirm", "message"),
    [
        ("x", NEW_PASSWORD, None, b"2 to 40 characters"),
        ("a" * 41, NEW_PASSWORD, None, b"2 to 40 characters"),
        ("Newcomer", "too short", None, b"at least 10 characters"),
        ("Long Name Here", "long name here", None, b"must not be your display name"),
        ("Newcomer", NEW_PASSWORD, "something else", b"The two passwords differ."),
        ("amina", NEW_PASSWORD, None, b"That display name is taken"),
    ],
)
def test_invite_form_errors_change_nothing(
    client, db, make_user, name, password, confirm, message
) -> None:
    make_user("Amina", "translator", ["ug"])
    token = make_invite(db)
    response = accept(client, token, name=name, password=password, confirm=confirm)
    assert response.status_code == 400 and message in response.data
    assert b'class="field-error"' in response.data
    with db() as session:
        assert session.scalar(select(Invite.used_at)) is None
        assert len(accounts.list_users(session)) == 1
    assert accept(client, token).status_code == 302, "the link still works after a mistake"


def test_logged_in_user_cannot_accept_an_invite(client, db, make_user, login) -> None:
    login(client, make_user("Amina", "translator", ["ug"]))
    token = make_invite(db)
    assert client.get(f"/invite/{token}").status_code == 409


def test_setup_link_works_once_and_only_without_users(app, client, db) -> None:
    with db() as session:
        assert accounts.setup_needed(session)
        stale = accounts.ensure_setup_invite(session)
        token = accounts.ensure_setup_invite(session)  # a restart: only the newest link works
    assert client.get(f"/setup/{stale}").status_code == 404
    assert b"first" in client.get(f"/setup/{token}").data
    assert b"set-up link" in client.get("/login").data
    assert accept(client, token, name="Coordinator", path="setup").status_code == 302
    with db() as session:
        admin = accounts.find_user(session, "Coordinator")
        assert accounts.describe_memberships(admin) == [("admin", "all languages")]
        assert not accounts.setup_needed(session)
        assert accounts.ensure_setup_invite(session) is None
    other = app.test_client()
    again = accept(other, token, name="Intruder", path="setup")
    assert again.status_code == 404 and b"Set-up is already done" in again.data


def test_setup_link_stops_working_once_someone_has_an_account(client, db, make_user) -> None:
    with db() as session:
        token = accounts.ensure_setup_invite(session)
    make_user("Scripted", "admin")  # e.g. `terjime user add` after the server printed the link
    for path in ("setup", "invite"):
        response = accept(client, token, name="Intruder", path=path)
        assert response.status_code == 404 and b"Set-up is already done" in response.data


def test_setup_route_refuses_ordinary_invites(client, db) -> None:
    token = make_invite(db, "admin", [])
    assert client.get(f"/setup/{token}").status_code == 404


# --- privacy -------------------------------------------------------------------------------

IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
IPV6 = re.compile(r"2001:0*db8:", re.I)  # the documentation prefix the test logs in from


def test_no_address_is_stored_anywhere(app, client, make_user, db, login) -> None:
    addresses = ["203.0.113.77", "2001:db8::77", "198.51.100.5"]
    make_user("Amina", "translator", ["ug"])
    for address in addresses:
        log_in(client, "Amina", "wrong password", client_addr=address)
        log_in(client, "Nobody", "wrong password", client_addr=address)
        log_in(client, "Amina", client_addr=address)
        client.post(
            "/account/tokens", data={"token-name": "t"}, environ_base={"REMOTE_ADDR": address}
        )
        client.post("/logout", environ_base={"REMOTE_ADDR": address})
    engine = app.extensions["terjime.db"].engine
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if not isinstance(value, str):
                        continue
                    assert not any(a in value for a in addresses), (table, value)
                    assert not IPV4.search(value), (table, value)
                    assert not IPV6.search(value), (table, value)
