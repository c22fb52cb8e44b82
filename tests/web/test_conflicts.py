"""Stale saves are refused with both texts shown, and the refused text is never dropped."""

from __future__ import annotations

import threading

import pytest
from review_helpers import DOC, bearer, database, row, segment_ids, token_for
from sqlalchemy import select

from app.services import translations
from app.store.models import History, Language, Suggestion, User

EDITOR = f"/documents/{DOC}/ug"
API = f"/api/v1/documents/{DOC}/languages/ug/segments"


def suggestions(app) -> list[tuple[str, str, str, int | None]]:  # noqa: ANN001
    with database(app).session() as session:
        return [(s.text, s.origin, s.status, s.user_id)
                for s in session.scalars(select(Suggestion).order_by(Suggestion.id))]


@pytest.fixture
def two_translators(make_user, login, client, app):
    first = make_user("aygul", "translator", ["ug"])
    second = make_user("mehmet", "translator", ["ug"])
    login(client, second)
    return first, second


def test_stale_api_save_is_409_with_both_texts_and_a_suggestion(client, two_translators,
                                                                  app) -> None:
    first, second = two_translators
    sid = segment_ids(app)[0]
    token = token_for(app, first)
    assert client.put(f"{API}/{sid}", json={"text": "بىرىنچى", "revision": 0},
                      headers=bearer(token)).status_code == 200
    stale = client.put(f"{API}/{sid}", json={"text": "ئىككىنچى", "revision": 0})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["text"] == "بىرىنچى" and body["current"]["revision"] == 1
    assert suggestions(app) == [("ئىككىنچى", "conflict", "open", second)]
    assert row(app, sid)["text"] == "بىرىنچى"


def test_stale_plain_form_save_shows_both_texts(client, two_translators, app) -> None:
    first, _second = two_translators
    sid = segment_ids(app)[0]
    with database(app).session() as session:
        translations.save_translation(session, (sid, "ug"), "بىرىنچى", 0,
                                      session.get(User, first))
    response = client.post(f"{EDITOR}/segments/{sid}", data={
        "text": "مېنىڭ <b>تېكىستىم</b>", "revision": "0", "back": "page=1"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "was changed while you were working on it" in html
    assert 'data-role="current" lang="ug" dir="rtl">بىرىنچى</p>' in html
    assert "مېنىڭ &lt;b&gt;تېكىستىم&lt;/b&gt;</textarea>" in html
    assert "your text is kept as a suggestion" in html
    assert '<input type="hidden" name="revision" value="1">' in html
    assert suggestions(app)[0][:3] == ("مېنىڭ <b>تېكىستىم</b>", "conflict", "open")
    # taking mine from the conflict page saves over the current revision
    taken = client.post(f"{EDITOR}/segments/{sid}", data={
        "text": "مېنىڭ <b>تېكىستىم</b>", "revision": "1", "back": "page=1"})
    assert taken.status_code == 302 and row(app, sid)["text"] == "مېنىڭ <b>تېكىستىم</b>"


def test_same_text_from_a_stale_revision_is_not_a_conflict(client, two_translators, app) -> None:
    first, _ = two_translators
    sid = segment_ids(app)[0]
    with database(app).session() as session:
        translations.save_translation(session, (sid, "ug"), "بىر", 0, session.get(User, first))
    response = client.put(f"{API}/{sid}", json={"text": "بىر", "revision": 0})
    assert response.status_code == 200 and response.get_json()["changed"] is False
    assert suggestions(app) == []


def test_stale_emptying_is_refused_without_an_empty_suggestion(client, two_translators,
                                                               app) -> None:
    first, _ = two_translators
    sid = segment_ids(app)[0]
    with database(app).session() as session:
        translations.save_translation(session, (sid, "ug"), "بىر", 0, session.get(User, first))
    response = client.put(f"{API}/{sid}", json={"text": "", "revision": 0})
    assert response.status_code == 409 and response.get_json()["suggestion_id"] is None
    assert row(app, sid)["text"] == "بىر"


def _race(app, sid: int, users: list[int], texts: list[str]) -> list[bool]:  # noqa: ANN001
    """Each thread loads the row, waits for the others, then saves from revision 0."""
    barrier = threading.Barrier(len(users))
    results: list[bool | BaseException] = [False] * len(users)

    def worker(index: int) -> None:
        try:
            with database(app).session() as session:
                user = session.get(User, users[index])
                language = session.scalar(select(Language).where(Language.code == "ug"))
                target = translations.translation_for(session, sid, language)
                barrier.wait(timeout=10)
                result = translations.save_translation(session, target, texts[index], 0, user)
                results[index] = result.ok
        except BaseException as exc:  # noqa: BLE001  (reported below)
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def test_two_saves_from_the_same_revision_exactly_one_wins(two_translators, app) -> None:
    sid = segment_ids(app)[0]
    texts = ["بىرىنچى", "ئىككىنچى"]
    for _ in range(3):
        results = _race(app, sid, list(two_translators), texts)
        assert sorted(results) == [False, True]
        winner = texts[results.index(True)]
        loser = texts[results.index(False)]
        current = row(app, sid)
        assert current["text"] == winner and current["revision"] == 1
        assert [s[0] for s in suggestions(app) if s[2] == "open"] == [loser]
        with database(app).session() as session:
            assert len(list(session.scalars(select(History).where(
                History.translation_id == current["id"])))) == 1
        # reset for the next round: revision back to 0, no suggestions
        with database(app).session() as session:
            target = translations.translation_for(session, sid, session.scalar(
                select(Language).where(Language.code == "ug")))
            target.text, target.state, target.revision = "", "empty", 0
            for item in session.scalars(select(Suggestion)):
                session.delete(item)
            for item in session.scalars(select(History)):
                session.delete(item)


def test_two_concurrent_http_saves_exactly_one_wins(make_user, app) -> None:
    sid = segment_ids(app)[0]
    tokens = [token_for(app, make_user(name, "translator", ["ug"])) for name in ("a1", "b2")]
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def worker(index: int) -> None:
        client = app.test_client()
        barrier.wait(timeout=10)
        statuses[index] = client.put(f"{API}/{sid}", json={"text": f"text {index}", "revision": 0},
                                     headers=bearer(tokens[index])).status_code

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 409]
    assert row(app, sid)["revision"] == 1
    assert len(suggestions(app)) == 1


def test_conflict_suggestion_can_be_accepted_later(client, two_translators, app) -> None:
    first, _second = two_translators
    sid = segment_ids(app)[0]
    with database(app).session() as session:
        translations.save_translation(session, (sid, "ug"), "بىرىنچى", 0,
                                      session.get(User, first))
    client.put(f"{API}/{sid}", json={"text": "ياخشىراق", "revision": 0})
    html = client.get(EDITOR).get_data(as_text=True)
    assert "Kept from a refused save" in html and "ياخشىراق" in html
    with database(app).session() as session:
        suggestion_id = session.scalar(select(Suggestion.id))
    response = client.post(f"{EDITOR}/segments/{sid}/suggestions/{suggestion_id}/accept",
                           data={"revision": "1"})
    assert response.status_code == 302
    assert row(app, sid)["text"] == "ياخشىراق" and row(app, sid)["revision"] == 2
    assert suggestions(app)[0][2] == "accepted"
