"""CSRF: every state-changing form refuses a post without the token (400, nothing changed);
the same post with the token goes through. Under /api/, a browser session must send the token
in the ``X-CSRFToken`` header, while a bearer token needs none.

The routes come from ``app.url_map`` and the data from the authorization matrix's
preparations, so a new form route is covered as soon as the matrix lists it.
"""

from __future__ import annotations

import io
import re

import pytest
from conftest import table_fingerprints
from flask import url_for
from review_helpers import DOC, bearer, database, segment_ids, token_for
from test_authz_matrix import TABLE, Context

PUBLIC = {"auth.login", "auth.accept_invite", "auth.setup"}  # posted by anonymous visitors


def snapshot(app) -> tuple[int, ...]:  # noqa: ANN001
    """A fingerprint of every row of every table."""
    with database(app).session() as session:
        return table_fingerprints(session.connection())


def _form_routes(app) -> list[str]:  # noqa: ANN001
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.methods & {"POST", "PUT", "DELETE", "PATCH"}
                  and not rule.rule.startswith("/api/"))


def _csrf_token(page: bytes) -> str:
    found = re.search(rb'name="csrf-token" content="([^"]+)"', page) or re.search(
        rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1).decode()


@pytest.fixture
def admin_id(make_user) -> int:  # noqa: ANN001
    return make_user("helper", "admin")  # the name the matrix's log-in form posts


def _fresh(data: dict | None) -> dict:
    """A copy of form data whose files can be posted again (a post closes its files)."""
    out = {}
    for key, value in (data or {}).items():
        if isinstance(value, tuple):
            stream, name = value
            if not hasattr(stream, "saved"):
                stream.saved = stream.getvalue()
            value = (io.BytesIO(stream.saved), name)
        out[key] = value
    return out


def _request(app, endpoint: str, admin: int, victim: int) -> tuple[str, dict]:  # noqa: ANN001
    context = Context(app, admin, segment_ids(app)[3], admin, victim)
    prepared = TABLE[(endpoint, "POST")].prepare(context)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {"doc": DOC, "lang": "ug", "segment_id": context.sid, **prepared.get("url", {})}
    with app.test_request_context():
        url = url_for(endpoint, **{k: v for k, v in values.items() if k in rule.arguments})
    return url, prepared


def test_every_form_route_is_checked(app) -> None:
    routes = _form_routes(app)
    assert len(routes) >= 30, routes  # the url_map really was read
    assert all((endpoint, "POST") in TABLE for endpoint in routes)


@pytest.mark.parametrize("endpoint", [
    "admin.add_role", "admin.create_invite", "admin.remove_role", "admin.revoke_invite",
    "admin.set_active", "assist.pretranslate", "auth.accept_invite", "auth.account_password",
    "auth.account_profile", "auth.login", "auth.logout", "auth.logout_everywhere", "auth.setup",
    "auth.token_create", "auth.token_revoke", "editor.accept", "editor.approve",
    "editor.comment", "editor.dismiss", "editor.needs_edit", "editor.reject", "editor.revert",
    "editor.save", "editor.sign_off", "editor.suggest", "engines.switch", "files.upload_po",
    "glossary.add", "glossary.delete", "glossary.import_file", "glossary.update",
    "memory.import_tmx", "memory.po_feed", "publish.publish",
])
def test_a_form_post_without_the_token_is_refused_and_changes_nothing(
        app, login, make_user, admin_id: int, endpoint: str) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    victim = make_user("csrf-victim", "translator", ["ug"])
    url, prepared = _request(app, endpoint, admin_id, victim)
    client = app.test_client()
    if endpoint not in PUBLIC:
        login(client, admin_id)
    before = snapshot(app)
    refused = client.post(url, data=_fresh(prepared.get("data")))
    assert refused.status_code == 400, (url, refused.status_code)
    assert "not sent by this site" in refused.get_data(as_text=True)
    assert snapshot(app) == before, f"{endpoint}: a refused post changed the database"
    # the same post with the page's token is not refused for CSRF (the data is valid)
    page = client.get("/login" if endpoint in PUBLIC else "/account").data
    data = {**_fresh(prepared.get("data")), "csrf_token": _csrf_token(page)}
    accepted = client.post(url, data=data)
    assert "not sent by this site" not in accepted.get_data(as_text=True), endpoint
    assert accepted.status_code in (200, 302, 303, 404, 409), (endpoint, accepted.status_code)


def test_the_form_endpoint_list_matches_the_routes(app) -> None:
    """The parametrized list above is written out for readable test ids; keep it complete."""
    listed = set(test_a_form_post_without_the_token_is_refused_and_changes_nothing
                 .pytestmark[0].args[1])
    assert listed == set(_form_routes(app))


API = "/api/v1/documents/statement/languages/ug/segments/{sid}"
API_CALLS = [("PUT", "", {"text": "ئىككى", "revision": 0}),
             ("POST", "/approve", {"revision": 1, "override": True}),
             ("POST", "/check", {"text": "ئىككى"}),
             ("POST", "/dismiss", {"check": "whitespace", "reason": "deliberate"})]


@pytest.mark.parametrize(("method", "suffix", "body"), API_CALLS,
                         ids=[c[1] or "/save" for c in API_CALLS])
def test_api_session_calls_need_the_header_token_calls_do_not(
        app, login, admin_id: int, method: str, suffix: str, body: dict) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    url = API.format(sid=segment_ids(app)[5]) + suffix
    client = app.test_client()
    login(client, admin_id)
    before = snapshot(app)
    refused = client.open(url, method=method, json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    assert snapshot(app) == before
    token = _csrf_token(client.get(f"/documents/{DOC}/ug").data)
    if suffix == "/approve":  # something to approve, from the current revision
        client.open(API.format(sid=segment_ids(app)[5]), method="PUT",
                    json={"text": "ئىككى", "revision": 0}, headers={"X-CSRFToken": token})
    with_header = client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
    assert with_header.status_code not in (400, 403), with_header.get_json()
    bearer_client = app.test_client()
    response = bearer_client.open(url, method=method, json=body,
                                  headers=bearer(token_for(app, admin_id)))
    assert response.status_code != 400 or "CSRF" not in response.get_json()["error"]
    assert response.status_code < 500


def test_a_token_from_another_session_is_refused(app, login, admin_id: int) -> None:
    """The token is bound to the session it was issued to: a stolen page's token is useless
    to a forged request carrying the victim's cookie, and vice versa."""
    app.config["WTF_CSRF_ENABLED"] = True
    other = app.test_client()
    foreign = _csrf_token(other.get("/login").data)
    client = app.test_client()
    login(client, admin_id)
    before = snapshot(app)
    response = client.post("/account/tokens", data={"csrf_token": foreign})
    assert response.status_code == 400
    assert snapshot(app) == before
