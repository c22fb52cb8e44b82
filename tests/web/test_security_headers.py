"""Headers, cookies, CSRF and the no-inline-code rule that lets the CSP stay strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def csrf_token_of(page: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()


@pytest.fixture
def csrf_app(app_config: dict):
    """The full application with CSRF protection on, as in production."""
    from app import create_app

    application = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    application.extensions["terjime.db"].upgrade()
    yield application
    application.extensions["terjime.db"].dispose()


def test_strict_headers_on_every_page(client) -> None:
    for path in ("/login", "/account", "/static/app.css", "/invite/unknown"):
        response = client.get(path)
        response.close()  # a static file response holds an open file
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, make_user) -> None:
    make_user("Amina", "translator", ["ug"])
    response = client.post("/login", data={"display_name": "Amina", "password": TEST_PASSWORD})
    cookies = [c for c in response.headers.getlist("Set-Cookie")
               if c.startswith("terjime_session=")]
    assert cookies, response.headers
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert re.search(r"SameSite=(Lax|Strict)", cookie)


def test_csrf_is_enforced_on_forms(csrf_app) -> None:
    client = csrf_app.test_client()
    from app.services import accounts

    with csrf_app.extensions["terjime.db"].session() as session:
        accounts.create_user(session, "Amina", TEST_PASSWORD, "admin",
                             method=csrf_app.config["PASSWORD_HASH_METHOD"])
    refused = client.post("/login", data={"display_name": "Amina", "password": TEST_PASSWORD})
    assert refused.status_code == 400
    token = csrf_token_of(client.get("/login").data)
    ok = client.post("/login", data={"display_name": "Amina", "password": TEST_PASSWORD,
                                     "csrf_token": token})
    assert ok.status_code == 302
    for path in ("/logout", "/account/tokens", "/account/password", "/admin/invites"):
        assert client.post(path, data={}).status_code == 400, path
    assert client.get("/account").status_code == 200, "a refused log-out changed nothing"
    page = client.get("/account").data
    token = csrf_token_of(page)
    assert client.post("/account/tokens", data={"csrf_token": token}).status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"(src|href)\s*=\s*[\"']?(https?:)?//", re.I), "third-party asset"),
]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_code_or_third_party_assets(template: Path) -> None:
    """The CSP would block these in the browser; catch them before a volunteer does."""
    source = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)
    for pattern, what in INLINE:
        match = pattern.search(source)
        assert match is None, f"{what} in {template.name}: {match.group(0) if match else ''}"
