"""Provenance: where a text came from, how far a human edited its draft, and the approval
override an unedited machine draft needs (service, plain form, JSON API, editor page)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services import provenance, translations
from app.services.provenance import Draft
from app.store.models import AuditLog, Document, History, Language, Segment, Translation, User

DOC = "statement"
EDITOR = f"/documents/{DOC}/ug"
API = f"/api/v1/documents/{DOC}/languages/ug/segments"
MACHINE = "ماشىنا تەرجىمىسى"


def db(app):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


@pytest.fixture
def sid(app) -> int:
    with db(app).session() as session:
        doc = session.scalar(select(Document).where(Document.name == DOC))
        return session.scalars(select(Segment.id).where(Segment.document_id == doc.id)
                               .order_by(Segment.position)).first()


@pytest.fixture
def editor(make_user, login, client) -> int:
    user_id = make_user("ilham", "editor", ["ug"])
    login(client, user_id)
    return user_id


def row(app, segment_id: int) -> Translation | None:  # noqa: ANN001
    with db(app).session() as session:
        found = session.scalar(select(Translation).join(Language).where(
            Translation.segment_id == segment_id, Language.code == "ug"))
        if found is not None:
            session.expunge(found)
        return found


def save(app, user_id: int, segment_id: int, text: str, draft: Draft | None = None):  # noqa: ANN001, ANN201
    with db(app).session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        target = translations.translation_for(session, segment_id, language)
        result = translations.save_translation(session, target, text, target.revision,
                                               session.get(User, user_id), draft=draft)
        assert result.ok
        return result.revision


def approve(app, user_id: int, segment_id: int, override: bool = False) -> None:  # noqa: ANN001
    with db(app).session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        target = translations.translation_for(session, segment_id, language)
        translations.approve(session, target, target.revision, session.get(User, user_id),
                             override=override)


def machine_draft(app, segment_id: int, text: str = MACHINE, origin: str = "engine:libre"  # noqa: ANN001
                  ) -> None:
    """What bulk pretranslation leaves: an unedited draft with its provenance."""
    with db(app).session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        target = translations.translation_for(session, segment_id, language)
        for key, value in provenance.draft_values(Draft(text, origin), target.updated_at).items():
            setattr(target, key, value)
        target.state, target.revision = "draft", target.revision + 1
        session.add(History(translation_id=target.id, text=text, state="draft",
                            revision=target.revision, action="pretranslate"))


# --- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(("draft", "text", "expected"), [
    ("abc", "abc", 0),
    ("abcdefghij" * 20, "abcdefghij" * 20 + "x", 1),  # tiny edits never round down to 0
    ("abcd", "abXY", 50),
    ("abc", "", 100),
])
def test_edit_percent(draft: str, text: str, expected: int) -> None:
    assert provenance.edit_percent(draft, text) == expected


def test_save_of_an_inserted_suggestion_records_its_origin(app, make_user, sid) -> None:
    user = make_user("aygul", "translator", ["ug"])
    save(app, user, sid, MACHINE, Draft(MACHINE, "engine:google"))
    saved = row(app, sid)
    assert saved.state == "translated" and saved.provenance == "engine:google"
    assert saved.draft_text == MACHINE and saved.draft_origin == "engine:google"
    assert saved.draft_at is not None and saved.edit_percent == 0
    assert provenance.is_unedited_machine_draft(saved)
    assert provenance.describe(saved) == "Machine draft from Google Translate, unedited"
    save(app, user, sid, MACHINE + " يېڭى")  # a later edit keeps the draft and measures it
    edited = row(app, sid)
    assert edited.provenance == "human" and edited.draft_text == MACHINE
    assert 0 < edited.edit_percent < 50 and not provenance.is_unedited_machine_draft(edited)
    assert "% edited" in provenance.describe(edited)


def test_memory_suggestion_edited_before_saving(app, make_user, sid) -> None:
    user = make_user("aygul", "translator", ["ug"])
    save(app, user, sid, "ئەسلى تېكىست تۈزىتىلدى", Draft("ئەسلى تېكىست", "memory"))
    saved = row(app, sid)
    assert saved.provenance == "human" and saved.draft_origin == "memory"
    assert saved.edit_percent > 0
    approve(app, make_user("ilham", "editor", ["ug"]), sid)  # not machine: no override needed
    assert row(app, sid).state == "approved" and row(app, sid).approved_override is False


def test_unedited_machine_draft_needs_the_override_which_is_recorded(app, make_user,
                                                                     sid) -> None:
    translator = make_user("aygul", "translator", ["ug"])
    editor = make_user("ilham", "editor", ["ug"])
    machine_draft(app, sid)
    save(app, translator, sid, MACHINE)  # confirmed as is: still the engine's text
    saved = row(app, sid)
    assert saved.state == "translated" and saved.edit_percent == 0
    assert saved.provenance == "engine:libre"
    with pytest.raises(translations.ValidationError, match="unedited machine draft"):
        approve(app, editor, sid)
    assert row(app, sid).state == "translated"
    approve(app, editor, sid, override=True)
    approved = row(app, sid)
    assert approved.state == "approved" and approved.approved_override is True
    with db(app).session() as session:
        last = session.scalars(select(History).where(History.translation_id == approved.id)
                               .order_by(History.id.desc())).first()
        assert last.action == "approve"
        assert last.note == "approved unedited machine draft (override)"
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "approve")).one()
        assert audit.actor_id == editor and audit.details["override"] is True
        assert audit.details["unedited_machine_draft"] is True
    save(app, translator, sid, "ئادەم تەرجىمىسى")  # a new text is no longer what was approved
    assert row(app, sid).approved_override is False


def test_edited_machine_draft_is_approved_without_override(app, make_user, sid) -> None:
    machine_draft(app, sid)
    save(app, make_user("aygul", "translator", ["ug"]), sid, MACHINE + "!")
    approve(app, make_user("ilham", "editor", ["ug"]), sid)
    assert row(app, sid).state == "approved" and row(app, sid).approved_override is False


def test_revert_to_the_machine_text_is_unedited_again(app, make_user, sid) -> None:
    user = make_user("aygul", "translator", ["ug"])
    machine_draft(app, sid)
    save(app, user, sid, "ئادەم")
    translation_id = row(app, sid).id
    with db(app).session() as session:
        first = session.scalars(select(History).where(History.translation_id == translation_id)
                                .order_by(History.id)).first()
        first_id = first.id
    with db(app).session() as session:
        target = session.get(Translation, translation_id)
        translations.revert(session, target, first_id, session.get(User, user))
    assert row(app, sid).text == MACHINE and row(app, sid).edit_percent == 0
    assert provenance.is_unedited_machine_draft(row(app, sid))


# --- plain form, JSON API and the editor page -------------------------------------------


def test_plain_form_save_with_inserted_draft_and_override(client, app, editor, sid) -> None:
    url = f"{EDITOR}/segments/{sid}"
    response = client.post(url, data={"text": MACHINE, "revision": "0",
                                      "draft_origin": "engine:libre", "draft_text": MACHINE})
    assert response.status_code == 302
    assert row(app, sid).provenance == "engine:libre" and row(app, sid).edit_percent == 0
    html = client.get(EDITOR).get_data(as_text=True)
    card = html[html.index(f'id="seg-{sid}"'):]
    card = card[:card.index("</article>")]
    assert "Unedited machine draft — LibreTranslate" in card
    assert f'data-machine-draft="{MACHINE}"' in card
    assert 'name="override" value="1">Approve unedited machine draft</button>' in card
    refused = client.post(f"{url}/approve", data={"text": MACHINE, "revision": "1"})
    assert refused.status_code == 302 and row(app, sid).state == "translated"
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "unedited machine draft from LibreTranslate" in page
    client.post(f"{url}/approve", data={"text": MACHINE, "revision": "1", "override": "1"})
    assert row(app, sid).state == "approved" and row(app, sid).approved_override is True


def test_plain_form_rejects_a_forged_origin(client, app, editor, sid) -> None:
    response = client.post(f"{EDITOR}/segments/{sid}", data={
        "text": "x", "revision": "0", "draft_origin": "engine:<script>", "draft_text": "x"})
    assert response.status_code == 422
    assert "draft_origin" in response.get_data(as_text=True)
    saved = row(app, sid)
    assert saved is None or saved.text == ""


def test_api_save_with_draft_and_approve_override(client, app, make_user, sid) -> None:
    from app.services.tokens import new_token, token_hash
    from app.store.models import ApiToken

    editor = make_user("ilham", "editor", ["ug"])
    token = new_token("tj_")
    with db(app).session() as session:
        session.add(ApiToken(user_id=editor, token_hash=token_hash(token), name="test"))
    headers = {"Authorization": f"Bearer {token}"}
    saved = client.put(f"{API}/{sid}", headers=headers, json={
        "text": MACHINE, "revision": 0, "draft_origin": "engine:libre", "draft_text": MACHINE})
    assert saved.status_code == 200 and saved.get_json()["state"] == "translated"
    assert row(app, sid).draft_origin == "engine:libre"
    bad = client.put(f"{API}/{sid}", headers=headers, json={
        "text": "y", "revision": 1, "draft_origin": "somewhere", "draft_text": "y"})
    assert bad.status_code == 422 and "draft_origin" in bad.get_json()["error"]
    refused = client.post(f"{API}/{sid}/approve", headers=headers, json={"revision": 1})
    assert refused.status_code == 422
    assert "unedited machine draft" in refused.get_json()["error"]
    ok = client.post(f"{API}/{sid}/approve", headers=headers,
                     json={"revision": 1, "override": True})
    assert ok.status_code == 200 and ok.get_json()["state"] == "approved"
    assert row(app, sid).approved_override is True
