"""Sign-off: refused until every segment is approved, then re-opened by edits and amendments."""

from __future__ import annotations

import pytest
from review_helpers import DOC, approve, database, save, segment_ids
from sqlalchemy import select

from app.store.models import AuditLog, SignOff

EDITOR = f"/documents/{DOC}/ug"


@pytest.fixture(autouse=True)
def _no_quality_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Placeholder texts would fail the real checks; the quality gate on sign-off has its own
    tests (tests/web/test_checks_editor.py, tests/test_quality.py)."""
    monkeypatch.setattr("app.checks.CHECKS", {})
    monkeypatch.setattr("app.checks.DOCUMENT_CHECKS", {})


@pytest.fixture
def editor(make_user, login, client) -> int:
    user_id = make_user("ilham", "editor", ["ug"])
    login(client, user_id)
    return user_id


def approve_all(app, user_id: int) -> None:  # noqa: ANN001
    for sid in segment_ids(app):
        save(app, user_id, sid, f"تەرجىمە {sid}")
        approve(app, user_id, sid)


def sign_off(client):  # noqa: ANN001, ANN201
    response = client.post(f"{EDITOR}/sign-off", data={"back": ""})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def audit(app) -> list[str]:  # noqa: ANN001
    with database(app).session() as session:
        return [a.action for a in session.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_sign_off_is_refused_until_every_segment_is_approved(client, editor, app) -> None:
    ids = segment_ids(app)
    save(app, editor, ids[0], "بىر")
    approve(app, editor, ids[0])
    save(app, editor, ids[1], "ئىككى")
    html = sign_off(client)
    pending = len(ids) - 1
    assert f"Not signed off: {pending} of {len(ids)} segments are not approved yet" in html
    assert "1 translated" in html and f"{pending - 1} empty" in html
    with database(app).session() as session:
        assert session.scalar(select(SignOff)) is None


def test_translator_cannot_sign_off(client, make_user, login, app) -> None:
    login(client, make_user("aygul", "translator", ["ug"]))
    assert client.post(f"{EDITOR}/sign-off").status_code == 403


def test_sign_off_then_an_edit_reopens_it_with_the_reason(client, editor, make_user,
                                                          app) -> None:
    approve_all(app, editor)
    html = sign_off(client)
    assert "Uyghur is signed off." in html and "Signed off by ilham" in html
    assert "Signed off by ilham" in client.get("/").get_data(as_text=True)
    assert "sign-off" in audit(app)
    # a translator edits segment 3 afterwards
    translator = make_user("aygul", "translator", ["ug"])
    ids = segment_ids(app)
    save(app, translator, ids[2], "ئۆزگەرتىلگەن")
    with database(app).session() as session:
        row = session.scalar(select(SignOff))
        assert row.reopened_at is not None
        assert row.reopened_reason == "segment 3 edited by aygul"
    reason = "segment 3 edited by aygul"
    assert reason in client.get(EDITOR).get_data(as_text=True)
    assert reason in client.get("/").get_data(as_text=True)
    assert audit(app).count("sign-off-reopened") == 1
    # the API reports it too
    from review_helpers import bearer, token_for

    body = client.get("/api/v1/documents", headers=bearer(token_for(app, editor))).get_json()
    language = body["documents"][0]["languages"][0]
    assert language["signed_off"] is False and language["reopened_reason"] == reason
    # approve again and sign off again: a new sign-off row
    approve(app, editor, ids[2])
    assert "Uyghur is signed off." in sign_off(client)
    with database(app).session() as session:
        assert len(list(session.scalars(select(SignOff)))) == 2


def test_needs_edit_reopens_the_sign_off(client, editor, app) -> None:
    approve_all(app, editor)
    sign_off(client)
    sid = segment_ids(app)[0]
    client.post(f"{EDITOR}/segments/{sid}/needs-edit", data={"revision": "2"})
    with database(app).session() as session:
        assert session.scalar(select(SignOff.reopened_reason)) == \
            "segment 1 marked as needing editing by ilham"


def test_other_languages_sign_off_is_not_reopened(client, editor, make_user, app) -> None:
    approve_all(app, editor)
    sign_off(client)
    turkish = make_user("deniz", "translator", ["tr"])
    save(app, turkish, segment_ids(app)[0], "Sivil toplum", lang="tr")
    with database(app).session() as session:
        assert session.scalar(select(SignOff.reopened_at)) is None


def test_a_source_amendment_reopens_the_sign_off(client, editor, app, project_dir) -> None:
    from app.services.importer import import_project
    from app.web import project

    approve_all(app, editor)
    sign_off(client)
    source = project_dir / "source" / "statement.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("a group of 22 refugee", "a group of 23 refugee"),
                      encoding="utf-8")
    with app.app_context(), database(app).session() as session:
        import_project(session, project())
    with database(app).session() as session:
        row = session.scalar(select(SignOff))
        assert row.reopened_at is not None and row.reopened_reason.startswith("source amended")
        reopened = session.scalar(select(AuditLog).where(AuditLog.action == "sign-off-reopened"))
        assert reopened.actor_id is None and reopened.target == "statement/ug"
        assert reopened.details["reason"].startswith("source amended")
    assert audit(app).count("sign-off-reopened") == 1
    html = client.get(EDITOR).get_data(as_text=True)
    assert "Re-opened" in html and "source amended" in html
    assert "source amended" in client.get("/").get_data(as_text=True)
    # the amended sentence is now a fuzzy draft with a diff
    fuzzy = client.get(f"{EDITOR}?fuzzy=1").get_data(as_text=True)
    assert "<del>22</del>" in fuzzy and "<ins>23</ins>" in fuzzy
