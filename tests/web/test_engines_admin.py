"""/admin/engines: admins only, CSRF, the switch per engine and language, plain warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import database_url
from sqlalchemy import select

from app.services import accounts, machine
from app.store.models import AuditLog, EngineSetting, Language, User

PAGE = "/admin/engines"
SWITCH = "/admin/engines/google/ug"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A migrated app with ug, tr and ru but no statement (fast); overrides conftest's."""
    from app import create_app
    from app.core.languages import get_language

    monkeypatch.chdir(tmp_path)
    application = create_app({
        "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url(tmp_path), "SOURCE_DIR": str(tmp_path / "source"),
        "LOCALES_DIR": str(tmp_path / "locales"), "WTF_CSRF_ENABLED": False,
        "SYNC_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "TESTING": True,
        "TERJIME_DEEPL_KEY": "", "TERJIME_MICROSOFT_KEY": "",
        "TERJIME_LIBRETRANSLATE_URL": "http://127.0.0.1:5000",
    })
    database = application.extensions["terjime.db"]
    database.upgrade()
    with database.session() as session:
        for code in ("ug", "tr", "ru"):
            language = get_language(code)
            session.add(Language(code=code, name=language.english_name,
                                 native_name=language.native_name,
                                 direction=language.direction))
    yield application
    database.dispose()


@pytest.fixture
def db(app):
    return app.extensions["terjime.db"].session


@pytest.fixture
def admin(client, make_user, login) -> int:
    user_id = make_user("Coordinator", "admin")
    login(client, user_id)
    return user_id


def enabled(db) -> set[tuple[str, str]]:
    with db() as session:
        return {(engine, code) for engine, code in session.execute(
            select(EngineSetting.engine, Language.code)
            .join(Language, Language.id == EngineSetting.language_id)
            .where(EngineSetting.enabled.is_(True)))}


# --- who may come in -------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("get", PAGE), ("post", SWITCH)])
def test_anonymous_is_sent_to_log_in(client, method: str, path: str) -> None:
    response = getattr(client, method)(path, data={"enabled": "1"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("role", "languages"), [
    ("translator", ["ug"]), ("editor", ["ug"]), ("editor", None), ("publisher", None)])
def test_only_admins(app, client, make_user, login, db, role, languages) -> None:
    login(client, make_user("Someone", role, languages))
    assert client.get(PAGE).status_code == 403
    assert client.post(SWITCH, data={"enabled": "1"}).status_code == 403
    assert enabled(db) == set()


def test_api_tokens_do_not_open_the_page(app, admin, db) -> None:
    with db() as session:
        token = accounts.create_token(session, session.get(User, admin), "script")
    bearer = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert bearer.get(PAGE, headers=headers).status_code == 403
    assert bearer.post(SWITCH, data={"enabled": "1"}, headers=headers).status_code == 403
    assert enabled(db) == set()


# --- the page ----------------------------------------------------------------------------------


def test_page_shows_switches_and_plain_warnings(client, admin) -> None:
    html = client.get(PAGE).data.decode()
    for text in (
        "Every engine starts off",
        "Turning this on sends the text of Uyghur segments to Google Translate "
        "(a third party).",
        "Turning this on sends the text of Turkish segments to MyMemory (a third party).",
        "Turning this on sends the text of Uyghur segments to LibreTranslate (self-hosted), "
        "a server run by your own team.",
        "set TERJIME_DEEPL_KEY",
        "set TERJIME_MICROSOFT_KEY",
        'id="switch-deepl-ug"',
        'lang="ug" dir="rtl"',
        'name="csrf_token"',
    ):
        assert text in html, text
    deepl_ug = re.search(r'id="switch-deepl-ug">(.*?)</td>', html, re.S).group(1)
    assert "not offered" in deepl_ug and "<form" not in deepl_ug
    assert "style=" not in html and "<script>" not in html
    assert 'href="/admin/engines" aria-current="page"' in html


def test_admin_nav_links_to_the_page(client, admin) -> None:
    html = client.get("/admin/people").data.decode()
    assert 'href="/admin/engines">Machine translation' in html


def test_turning_on_and_off(client, admin, db) -> None:
    response = client.post(SWITCH, data={"enabled": "1"})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    assert enabled(db) == {("google", "ug")}
    page = client.get(PAGE).data.decode()
    assert "Google Translate is on for Uyghur" in page
    cell = re.search(r'id="switch-google-ug">(.*?)</td>', page, re.S).group(1)
    assert "On" in cell and "Turn off" in cell and 'value="0"' in cell
    client.post(SWITCH, data={"enabled": "0"})
    assert enabled(db) == set()
    with db() as session:
        rows = list(session.execute(select(AuditLog.action, AuditLog.actor_id, AuditLog.details)
                                    .order_by(AuditLog.id)))
    assert [tuple(row) for row in rows] == [("engine.enable", admin, {"language": "ug"}),
                                            ("engine.disable", admin, {"language": "ug"})]


def test_names_are_forgiving_about_case_and_dashes(client, admin, db) -> None:
    response = client.post("/admin/engines/Google/ug", data={"enabled": "1"},
                           follow_redirects=True)
    assert "Google Translate is on for Uyghur" in response.data.decode()
    assert enabled(db) == {("google", "ug")}


@pytest.mark.parametrize("path", ["/admin/engines/babelfish/ug", "/admin/engines/google/xx",
                                  "/admin/engines/deepl/ug"])
def test_refusals_change_nothing(client, admin, db, path: str) -> None:
    response = client.post(path, data={"enabled": "1"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Nothing changed" in response.data.decode()
    assert enabled(db) == set()


def test_csrf_is_required(app, client, admin, db) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(SWITCH, data={"enabled": "1"}).status_code == 400
    assert enabled(db) == set()
    page = client.get(PAGE).data
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    response = client.post(SWITCH, data={"enabled": "1", "csrf_token": token})
    assert response.status_code == 303
    assert enabled(db) == {("google", "ug")}


def test_status_matches_the_service(app, client, admin, db) -> None:
    with db() as session:
        machine.set_engine_enabled(session, "libre", "tr", True, None)
    page = client.get(PAGE).data.decode()
    cell = re.search(r'id="switch-libre-tr">(.*?)</td>', page, re.S).group(1)
    assert "Turn off" in cell
