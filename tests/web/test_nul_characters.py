"""NUL characters are refused at the door: PostgreSQL cannot store them (the fuzzer found a
search for "\\x00" failing with a database error there), and no statement needs one."""

from __future__ import annotations

from review_helpers import DOC, bearer, database, segment_ids, token_for
from sqlalchemy import func, select

from app.store.models import History

EDITOR = f"/documents/{DOC}/ug"


def _history(app) -> int:  # noqa: ANN001
    with database(app).session() as session:
        return session.scalar(select(func.count(History.id)))


def test_a_nul_in_a_search_is_a_clear_400(client, make_user, login, app) -> None:
    login(client, make_user("aygul", "translator", ["ug"]))
    response = client.get(f"{EDITOR}?q=a%00b")
    assert response.status_code == 400
    assert "control character (NUL, U+0000)" in response.get_data(as_text=True)
    assert client.get(f"{EDITOR}?q=ab").status_code == 200


def test_a_nul_in_a_form_field_changes_nothing(client, make_user, login, app) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, make_user("aygul", "translator", ["ug"]))
    sid = segment_ids(app)[0]
    before = _history(app)
    response = client.post(f"{EDITOR}/segments/{sid}", data={"text": "a\x00b", "revision": "0"})
    assert response.status_code == 400 and "Nothing was changed" in response.get_data(True)
    assert _history(app) == before


def test_a_nul_in_an_api_body_is_a_422(client, make_user, app) -> None:
    token = token_for(app, make_user("aygul", "translator", ["ug"]))
    sid = segment_ids(app)[0]
    before = _history(app)
    response = client.put(f"/api/v1/documents/{DOC}/languages/ug/segments/{sid}",
                          json={"text": "a\x00b", "revision": 0}, headers=bearer(token))
    assert response.status_code == 422
    assert "control character (NUL" in response.get_json()["error"]
    nested = client.put(f"/api/v1/documents/{DOC}/languages/ug/segments/{sid}",
                        json={"text": "ok", "revision": 0, "x": [[{"\x00": 1}]]},
                        headers=bearer(token))
    assert nested.status_code == 422
    assert _history(app) == before


def test_an_uploaded_file_name_is_recorded_without_control_characters() -> None:
    from app.services.uploads import display_name

    assert display_name("a\x00b\r\n.po") == "ab.po"
    assert display_name("../../etc/ug.po") == "ug.po"
    assert display_name("\x00") == display_name(None) == "upload.po"
    assert len(display_name("x" * 500 + ".po")) == 120
