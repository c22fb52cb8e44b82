"""Quality checks in the editor, the API and the dashboard: shown with severity, refreshed on
save, checked while typing, dismissed with a reason by the right people, filtered, counted."""

from __future__ import annotations

import pytest
from check_stubs import Broken, Shouting
from review_helpers import DOC, bearer, database, row, save, segment_ids, token_for
from sqlalchemy import select

import app.checks as checks_package
from app.store.models import CheckDismissal, History, Language, SignOff, Translation

EDITOR = f"/documents/{DOC}/ug"
API = f"/api/v1/documents/{DOC}/languages/ug/segments"


@pytest.fixture(autouse=True)
def stubs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        checks_package, "CHECKS", {"broken": Broken(), "shouting": Shouting()}, raising=False
    )
    monkeypatch.setattr(checks_package, "DOCUMENT_CHECKS", {}, raising=False)


@pytest.fixture
def translator(make_user) -> int:
    return make_user("aygul", "translator", ["ug"])


@pytest.fixture
def editor(make_user) -> int:
    return make_user("ilham", "editor", ["ug"])


def test_editor_shows_failing_checks_with_severity(client, login, translator, app) -> None:
    sid = segment_ids(app)[0]
    save(app, translator, sid, "BAD!!")
    login(client, translator)
    html = client.get(EDITOR).get_data(as_text=True)
    assert 'class="badge check-badge error">error</span>' in html
    assert '<strong>broken</strong>: <span dir="auto">the text contains BAD</span>' in html
    assert 'class="badge check-badge warning">warning</span>' in html
    assert 'name="check" value="shouting"' in html  # warnings get a Dismiss form
    assert 'name="check" value="broken"' not in html  # errors do not
    assert f'data-check-url="/api/v1/documents/{DOC}/languages/ug/segments/{sid}/check"' in html


def test_api_approve_is_422_while_an_error_remains(client, translator, editor, app) -> None:
    sid = segment_ids(app)[0]
    token = token_for(app, editor)
    response = client.put(
        f"{API}/{sid}", json={"text": "BAD", "revision": 0}, headers=bearer(token)
    )
    assert response.status_code == 200
    assert response.get_json()["checks"] == [
        {
            "check": "broken",
            "severity": "error",
            "message": "the text contains BAD",
            "dismissed": False,
        }
    ]
    revision = response.get_json()["revision"]
    refused = client.post(
        f"{API}/{sid}/approve", json={"revision": revision}, headers=bearer(token)
    )
    assert refused.status_code == 422
    assert "broken: the text contains BAD" in refused.get_json()["error"]
    assert row(app, sid)["state"] == "translated"
    fixed = client.put(
        f"{API}/{sid}", json={"text": "ياخشى", "revision": revision}, headers=bearer(token)
    ).get_json()
    assert fixed["checks"] == []
    approved = client.post(
        f"{API}/{sid}/approve", json={"revision": fixed["revision"]}, headers=bearer(token)
    )
    assert approved.status_code == 200 and approved.get_json()["checks"] == []


def test_form_approve_is_refused_while_an_error_remains(client, login, editor, app) -> None:
    sid = segment_ids(app)[0]
    login(client, editor)
    response = client.post(
        f"{EDITOR}/segments/{sid}/approve", data={"text": "BAD", "revision": "0", "back": ""}
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot approve: 1 quality check error remain" in html
    assert row(app, sid)["state"] == "translated"  # the save that came first stands


def test_sign_off_form_is_refused_while_an_error_remains(client, login, editor, app) -> None:
    from review_helpers import approve

    ids = segment_ids(app)
    for sid in ids:
        save(app, editor, sid, f"تەرجىمە {sid}")
        approve(app, editor, sid)
    with database(app).session() as session:  # an import made an approved text fail
        bad = session.scalar(
            select(Translation)
            .join(Language)
            .where(Translation.segment_id == ids[0], Language.code == "ug")
        )
        bad.text, bad.revision = "BAD", bad.revision + 1
    login(client, editor)
    response = client.post(f"{EDITOR}/sign-off", data={"back": ""})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not signed off: 1 quality check error remains (1 broken)" in html
    with database(app).session() as session:
        assert session.scalar(select(SignOff)) is None


def test_check_endpoint_checks_unsaved_text_without_saving(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    token = token_for(app, translator)
    response = client.post(f"{API}/{sid}/check", json={"text": "ياخشى!!"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["checks"] == [
        {
            "check": "shouting",
            "severity": "warning",
            "message": "two exclamation marks",
            "dismissed": False,
        }
    ]
    after = row(app, sid)
    assert (after["text"], after["state"], after["revision"]) == ("", "empty", 0)
    assert (
        client.post(f"{API}/{sid}/check", json={"nope": 1}, headers=bearer(token)).status_code
        == 422
    )


def test_check_endpoint_refuses_viewers_of_other_languages(client, make_user, app) -> None:
    sid = segment_ids(app)[0]
    token = token_for(app, make_user("olga", "translator", ["ru"]))
    assert (
        client.post(f"{API}/{sid}/check", json={"text": "x"}, headers=bearer(token)).status_code
        == 403
    )


def dismiss(client, sid: int, reason: str = "a slogan of the campaign"):  # noqa: ANN001, ANN201
    return client.post(
        f"{EDITOR}/segments/{sid}/dismiss", data={"check": "shouting", "reason": reason, "back": ""}
    )


def test_dismissing_a_warning_is_recorded_in_history(client, login, translator, app) -> None:
    sid = segment_ids(app)[0]
    save(app, translator, sid, "ياخشى!!")
    login(client, translator)
    response = dismiss(client, sid)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "warning shouting dismissed" in html
    assert "dismissed by aygul" in html and "a slogan of the campaign" in html
    assert "dismissed shouting: a slogan of the campaign" in html  # the history note
    with database(app).session() as session:
        note = session.scalar(select(History).where(History.action == "dismiss-check"))
        assert note.user_id == translator
    # the filter no longer lists it, and the dashboard no longer counts it
    assert f'id="seg-{sid}"' not in client.get(f"{EDITOR}?checks=1").get_data(as_text=True)


def test_dismissal_needs_a_reason(client, login, translator, app) -> None:
    sid = segment_ids(app)[0]
    save(app, translator, sid, "ياخشى!!")
    login(client, translator)
    response = dismiss(client, sid, reason="   ")
    assert response.status_code == 422
    assert "give a reason" in response.get_data(as_text=True)
    with database(app).session() as session:
        assert session.scalar(select(CheckDismissal)) is None


def test_dismissal_is_refused_to_anonymous_and_other_languages(
    client, login, make_user, translator, app
) -> None:
    sid = segment_ids(app)[0]
    save(app, translator, sid, "ياخشى!!")
    anonymous = dismiss(client, sid)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, make_user("olga", "translator", ["ru"]))
    assert dismiss(client, sid).status_code == 403
    token = token_for(app, make_user("timur", "translator", ["tr"]))
    assert (
        client.post(
            f"{API}/{sid}/dismiss", json={"check": "shouting", "reason": "x"}, headers=bearer(token)
        ).status_code
        == 403
    )
    with database(app).session() as session:
        assert session.scalar(select(CheckDismissal)) is None


def test_a_dismissal_disappears_when_the_text_changes(client, login, translator, app) -> None:
    sid = segment_ids(app)[0]
    save(app, translator, sid, "ياخشى!!")
    token = token_for(app, translator)
    dismissed = client.post(
        f"{API}/{sid}/dismiss",
        json={"check": "shouting", "reason": "deliberate"},
        headers=bearer(token),
    ).get_json()
    assert dismissed["checks"][0]["dismissed"] is True
    assert dismissed["checks"][0]["dismissed_by"] == "aygul"
    changed = client.put(
        f"{API}/{sid}",
        json={"text": "باشقا!!", "revision": row(app, sid)["revision"]},
        headers=bearer(token),
    ).get_json()
    assert changed["checks"][0]["dismissed"] is False


def test_failing_checks_filter(client, login, translator, app) -> None:
    ids = segment_ids(app)
    save(app, translator, ids[0], "BAD")
    save(app, translator, ids[1], "ياخشى")
    save(app, translator, ids[2], "ياخشى!!")
    login(client, translator)
    html = client.get(f"{EDITOR}?checks=1").get_data(as_text=True)
    assert f'id="seg-{ids[0]}"' in html and f'id="seg-{ids[2]}"' in html
    assert f'id="seg-{ids[1]}"' not in html and f'id="seg-{ids[3]}"' not in html
    assert 'name="checks" value="1" checked' in html
    api = client.get(f"{API}?checks=1", headers=bearer(token_for(app, translator))).get_json()
    assert [s["id"] for s in api["segments"]] == [ids[0], ids[2]]


def test_dashboard_counts_errors_and_warnings(client, login, translator, app) -> None:
    ids = segment_ids(app)
    save(app, translator, ids[0], "BAD!!")
    save(app, translator, ids[1], "ياخشى!!")
    login(client, translator)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="errors">1 error</span>, <span class="warnings">2 warnings</span>' in html
    assert f"{EDITOR}?checks=1" in html
