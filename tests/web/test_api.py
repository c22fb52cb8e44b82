"""The JSON API: bearer tokens and session + CSRF, listing, saving, approving, JSON errors."""

from __future__ import annotations

import pytest
from review_helpers import DOC, bearer, database, row, save, segment_ids, set_draft, token_for
from sqlalchemy import select

from app.store.models import Suggestion

BASE = "/api/v1"
SEGMENTS = f"{BASE}/documents/{DOC}/languages/ug/segments"


@pytest.fixture
def translator(make_user, app) -> str:
    return token_for(app, make_user("aygul", "translator", ["ug"]))


@pytest.fixture
def editor(make_user, app) -> str:
    return token_for(app, make_user("ilham", "editor", ["ug"]))


def put(client, token: str, segment_id: int, body, **kwargs):  # noqa: ANN001, ANN201
    return client.put(f"{SEGMENTS}/{segment_id}", json=body, headers=bearer(token), **kwargs)


def test_documents_lists_visible_languages_and_progress(client, translator, app) -> None:
    response = client.get(f"{BASE}/documents", headers=bearer(translator))
    assert response.status_code == 200
    (document,) = response.get_json()["documents"]
    assert document["name"] == DOC and document["title"].startswith("Civil Society")
    (language,) = document["languages"]  # a ug translator sees ug only
    assert language["code"] == "ug" and language["direction"] == "rtl"
    progress = language["progress"]
    assert progress["segments"]["empty"] == progress["total"] > 50
    assert progress["words"]["empty"] == progress["total_words"] > 500
    assert language["signed_off"] is False


def test_admin_sees_every_language(client, make_user, app) -> None:
    token = token_for(app, make_user("root", "admin"))
    (document,) = client.get(f"{BASE}/documents", headers=bearer(token)).get_json()["documents"]
    assert sorted(lang["code"] for lang in document["languages"]) == ["ru", "tr", "ug"]


def test_segments_page_filters_and_search(client, translator, make_user, app) -> None:
    app.config["PAGE_SIZE"] = 20
    ids = segment_ids(app)
    owner = make_user("someone", "translator", ["ug"])
    save(app, owner, ids[0], "پۇقرالار جەمئىيىتى")
    body = client.get(SEGMENTS, headers=bearer(translator)).get_json()
    assert body["page"] == 1 and body["page_size"] == 20 and body["total"] == len(ids)
    assert body["pages"] == -(-len(ids) // 20) and body["direction"] == "rtl"
    first = body["segments"][0]
    assert first == {"id": ids[0], "source": first["source"], "context": None,
                     "translation": "پۇقرالار جەمئىيىتى", "state": "translated", "revision": 1,
                     "fuzzy": False, "previous_source": None, "position": 1}
    assert [s["id"] for s in body["segments"]] == ids[:20]
    page2 = client.get(f"{SEGMENTS}?page=2", headers=bearer(translator)).get_json()
    assert [s["id"] for s in page2["segments"]] == ids[20:40]
    translated = client.get(f"{SEGMENTS}?state=translated", headers=bearer(translator)).get_json()
    assert [s["id"] for s in translated["segments"]] == [ids[0]]
    found = client.get(f"{SEGMENTS}?q=جەمئىيىتى", headers=bearer(translator)).get_json()
    assert found["total"] == 1
    signatories = client.get(f"{SEGMENTS}?q=uyghur+academy", headers=bearer(translator)).get_json()
    assert signatories["total"] >= 5
    assert all(s["context"] == "signatory" for s in signatories["segments"])


@pytest.mark.parametrize("query", ["state=bogus", "page=0", "page=x", "q=" + "x" * 201])
def test_segments_bad_query_is_422(client, translator, query) -> None:
    response = client.get(f"{SEGMENTS}?{query}", headers=bearer(translator))
    assert response.status_code == 422 and response.get_json()["error"]


def test_put_saves_and_returns_revision_and_state(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    response = put(client, translator, sid, {"text": "ئۇيغۇرلار", "revision": 0})
    assert response.status_code == 200
    assert response.get_json() == {"id": sid, "revision": 1, "state": "translated",
                                   "changed": True, "checks": response.get_json()["checks"]}
    assert row(app, sid)["text"] == "ئۇيغۇرلار"
    response = put(client, translator, sid, {"text": "", "revision": 1})
    assert response.get_json()["state"] == "empty" and response.get_json()["revision"] == 2


def test_put_stale_is_409_with_current_text_and_keeps_mine(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    put(client, translator, sid, {"text": "بىرىنچى", "revision": 0})
    response = put(client, translator, sid, {"text": "مېنىڭ تېكىستىم", "revision": 0})
    assert response.status_code == 409
    body = response.get_json()
    assert body["current"] == {"text": "بىرىنچى", "revision": 1, "state": "translated"}
    assert body["error"] and body["suggestion_id"]
    with database(app).session() as session:
        kept = session.get(Suggestion, body["suggestion_id"])
        assert (kept.text, kept.origin, kept.status) == ("مېنىڭ تېكىستىم", "conflict", "open")
    assert row(app, sid)["text"] == "بىرىنچى"


@pytest.mark.parametrize("body, kwargs, message", [
    (None, {"data": "{not json", "content_type": "application/json"}, "JSON object"),
    (None, {"data": "text=x&revision=0",
            "content_type": "application/x-www-form-urlencoded"}, "JSON object"),
    ([1, 2], {}, "JSON object"),
    ({"text": "x"}, {}, "required"),
    ({"revision": 0}, {}, "required"),
    ({"text": 5, "revision": 0}, {}, "must be a string"),
    ({"text": None, "revision": 0}, {}, "must be a string"),
    ({"text": "x", "revision": "0"}, {}, "whole number"),
    ({"text": "x", "revision": True}, {}, "whole number"),
    ({"text": "x", "revision": 1.5}, {}, "whole number"),
    ({"text": "x", "revision": -1}, {}, "whole number"),
    ({"text": "a\x00b", "revision": 0}, {}, "control character"),
    ({"text": "\ud800", "revision": 0}, {}, "Unicode"),
    ({"text": "x" * 20_001, "revision": 0}, {}, "too long"),
])
def test_put_invalid_input_is_422_and_changes_nothing(client, translator, app, body, kwargs,
                                                      message) -> None:
    sid = segment_ids(app)[0]
    if body is None:
        response = client.put(f"{SEGMENTS}/{sid}", headers=bearer(translator), **kwargs)
    else:
        response = put(client, translator, sid, body)
    assert response.status_code == 422
    assert message in response.get_json()["error"]
    assert row(app, sid)["revision"] == 0


def test_crlf_is_normalised(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    put(client, translator, sid, {"text": "a\r\nb\rc", "revision": 0})
    assert row(app, sid)["text"] == "a\nb\nc"


def test_approve_endpoint(client, editor, translator, app) -> None:
    sid = segment_ids(app)[0]
    put(client, translator, sid, {"text": "بىر", "revision": 0})
    url = f"{SEGMENTS}/{sid}/approve"
    assert client.post(url, json={"revision": 1}, headers=bearer(translator)).status_code == 403
    stale = client.post(url, json={"revision": 0}, headers=bearer(editor))
    assert stale.status_code == 409 and stale.get_json()["current"]["revision"] == 1
    assert client.post(url, json={}, headers=bearer(editor)).status_code == 422
    ok = client.post(url, json={"revision": 1}, headers=bearer(editor))
    assert ok.status_code == 200 and ok.get_json() == {"id": sid, "revision": 2,
                                                       "state": "approved",
                                                       "checks": ok.get_json()["checks"]}


def test_approve_draft_needs_override(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    set_draft(app, sid, "ماشىنا")
    url = f"{SEGMENTS}/{sid}/approve"
    refused = client.post(url, json={"revision": 1}, headers=bearer(editor))
    assert refused.status_code == 422 and "needs editing" in refused.get_json()["error"]
    assert client.post(url, json={"revision": 1, "override": "yes"},
                       headers=bearer(editor)).status_code == 422
    ok = client.post(url, json={"revision": 1, "override": True}, headers=bearer(editor))
    assert ok.status_code == 200 and ok.get_json()["state"] == "approved"


def test_empty_cannot_be_approved(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    response = client.post(f"{SEGMENTS}/{sid}/approve", json={"revision": 0},
                           headers=bearer(editor))
    assert response.status_code == 422 and "empty" in response.get_json()["error"]


def test_json_errors(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    anonymous = client.get(f"{BASE}/documents")
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]
    wrong = client.get(f"{BASE}/documents", headers=bearer("tj_not-a-token"))
    assert wrong.status_code == 401
    other = client.get(f"{BASE}/documents/{DOC}/languages/tr/segments", headers=bearer(translator))
    assert other.status_code == 403 and other.get_json()["error"]
    for url in (f"{BASE}/nothing-here", f"{BASE}/documents/nope/languages/ug/segments",
                f"{SEGMENTS}/999999"):
        response = client.put(url, json={"text": "x", "revision": 0}, headers=bearer(translator)) \
            if url.endswith("999999") else client.get(url, headers=bearer(translator))
        assert response.status_code == 404, url
        assert response.is_json and response.get_json()["error"]
    method = client.delete(f"{SEGMENTS}/{sid}", headers=bearer(translator))
    assert method.status_code == 405 and method.get_json()["error"]


def test_segment_of_another_document_is_404(client, translator, app, project_dir) -> None:
    from app.services.importer import import_project
    from app.web import project

    (project_dir / "source" / "other.md").write_text("# Another statement\n\nOne line.\n",
                                                      encoding="utf-8")
    with app.app_context(), database(app).session() as session:
        import_project(session, project())
    foreign = segment_ids(app, "other")[0]
    assert put(client, translator, foreign, {"text": "x", "revision": 0}).status_code == 404
    other = f"{BASE}/documents/other/languages/ug/segments/{foreign}"
    ok = client.put(other, json={"text": "x", "revision": 0}, headers=bearer(translator))
    assert ok.status_code == 200


def test_revoked_token_is_refused(client, make_user, app) -> None:
    from app.store.models import ApiToken, utcnow

    token = token_for(app, make_user("aygul", "translator", ["ug"]))
    with database(app).session() as session:
        for item in session.scalars(select(ApiToken)):
            item.revoked_at = utcnow()
    assert client.get(f"{BASE}/documents", headers=bearer(token)).status_code == 401


def test_xss_round_trips_as_inert_json(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    payload = "<script>alert(1)</script>[x](javascript:alert(1))"
    put(client, translator, sid, {"text": payload, "revision": 0})
    response = client.get(SEGMENTS, headers=bearer(translator))
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["segments"][0]["translation"] == payload


# --- session callers must send the CSRF token ------------------------------------------------


@pytest.fixture
def csrf_app(app_config):
    from app import create_app
    from app.services.importer import import_project
    from app.web import project

    application = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    database_ = application.extensions["terjime.db"]
    database_.upgrade()
    with application.app_context(), database_.session() as session:
        import_project(session, project())
    yield application
    database_.dispose()


def test_session_callers_need_the_csrf_header_token_callers_do_not(csrf_app) -> None:
    from conftest import TEST_PASSWORD
    from werkzeug.security import generate_password_hash

    from app.store.models import Language, Membership, User

    with csrf_app.extensions["terjime.db"].session() as session:
        user = User(display_name="aygul", password_hash=generate_password_hash(
            TEST_PASSWORD, method="pbkdf2:sha256:1000"))
        session.add(user)
        session.flush()
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        session.add(Membership(user_id=user.id, role="translator", language_id=ug))
        user_id, ident = user.id, user.get_id()
    sid = segment_ids(csrf_app)[0]
    client = csrf_app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = ident, True
    url = f"{SEGMENTS}/{sid}"
    refused = client.put(url, json={"text": "x", "revision": 0})
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    page = client.get(f"/documents/{DOC}/ug").get_data(as_text=True)
    token = page.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
    ok = client.put(url, json={"text": "x", "revision": 0}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    bearer_client = csrf_app.test_client()
    api_token = token_for(csrf_app, user_id)
    ok = bearer_client.put(url, json={"text": "y", "revision": 1}, headers=bearer(api_token))
    assert ok.status_code == 200 and ok.get_json()["revision"] == 2
