"""The editor and dashboard through plain form posts (no JavaScript), and the query budget."""

from __future__ import annotations

import re

import pytest
from review_helpers import DOC, approve, database, row, save, segment_ids, set_draft
from sqlalchemy import event, select

from app.store.models import AuditLog, Comment, History, Suggestion

EDITOR = f"/documents/{DOC}/ug"


@pytest.fixture
def translator(make_user, login, client):
    user_id = make_user("aygul", "translator", ["ug"])
    login(client, user_id)
    return user_id


@pytest.fixture
def editor(make_user, login, client):
    user_id = make_user("ilham", "editor", ["ug"])
    login(client, user_id)
    return user_id


def post(client, segment_id: int, action: str = "", **form):  # noqa: ANN001, ANN201
    suffix = f"/{action}" if action else ""
    return client.post(f"{EDITOR}/segments/{segment_id}{suffix}", data=form)


def test_editor_page_shows_segments_in_order_with_rtl_target(client, translator, app) -> None:
    page = client.get(EDITOR)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    first = segment_ids(app)[0]
    assert re.search(rf'<textarea id="t-{first}" name="text" lang="ug" dir="rtl"', html)
    assert "Civil Society calls for urgent measures" in html
    assert html.index("Civil Society calls") < html.index("Ahead of World Refugee Day")
    assert 'class="block"' in html  # grouped by block
    assert "Keyboard shortcuts" in html and "<kbd>Ctrl</kbd>+<kbd>Enter</kbd>" in html
    assert '<meta name="csrf-token"' in html
    assert 'src="/static/editor.js"' in html and "<script>" not in html
    assert 'data-action="approve"' not in html  # translators do not approve


def test_source_latin_runs_are_bidi_isolated_and_textarea_has_language(client, translator,
                                                                       app) -> None:
    sid = segment_ids(app)[1]
    save(app, translator, sid, "بۇ UNHCR ۋە 1,500 ئادەم https://example.org/a توغرۇلۇق.")
    html = client.get(EDITOR).get_data(as_text=True)
    assert '<p class="source-text" lang="en" dir="ltr"><bdi>Ahead of World Refugee Day 2022' in html
    history = html[html.index(f'id="seg-{sid}"'):]
    assert "<bdi>UNHCR</bdi>" in history and "<bdi>1,500</bdi>" in history
    assert "<bdi>https://example.org/a</bdi>" in history


def test_plain_form_save_redirects_back_with_message(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    response = post(client, sid, text="ئۇيغۇرلار\r\nئۈچۈن", revision="0", back="state=empty")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{EDITOR}?state=empty#seg-{sid}")
    saved = row(app, sid)
    assert saved["text"] == "ئۇيغۇرلار\nئۈچۈن"  # CRLF normalised
    assert saved["state"] == "translated" and saved["revision"] == 1
    assert saved["author_id"] == translator and saved["provenance"] == "human"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved segment 1 (revision 1)." in page


def test_back_parameter_cannot_redirect_elsewhere(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    response = post(client, sid, text="x", revision="0", back="next=https://evil.example/&page=2")
    assert response.headers["Location"].startswith(f"{EDITOR}")
    assert "evil" not in response.headers["Location"]


def test_saving_the_same_text_again_makes_no_new_revision(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    response = post(client, sid, text="بىر", revision="1")
    assert response.status_code == 302 and row(app, sid)["revision"] == 1


def test_emptying_a_translation_makes_it_empty(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    post(client, sid, text="", revision="1")
    assert row(app, sid)["state"] == "empty" and row(app, sid)["revision"] == 2


def test_a_nul_character_is_refused_at_the_door(client, translator, app) -> None:
    """NUL never reaches the editor (PostgreSQL cannot store it): see test_nul_characters."""
    sid = segment_ids(app)[0]
    response = post(client, sid, text="a\x00b", revision="0")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "control character (NUL, U+0000)" in html and "Nothing was changed" in html
    assert row(app, sid)["revision"] == 0


@pytest.mark.parametrize("bad, message", [
    ("a\x1bb", "control character (U+001B)"),
    ("x" * 20_001, "too long"),
])
def test_invalid_text_is_refused_and_given_back(client, translator, app, bad, message) -> None:
    sid = segment_ids(app)[0]
    response = post(client, sid, text=bad, revision="0")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was changed" in html
    assert row(app, sid)["revision"] == 0


def test_tabs_and_newlines_are_allowed(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    assert post(client, sid, text="a\tb\nc", revision="0").status_code == 302
    assert row(app, sid)["text"] == "a\tb\nc"


def test_bad_revision_is_refused(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    assert post(client, sid, text="x", revision="abc").status_code == 422
    assert post(client, sid, text="x", revision="-1").status_code == 422


def test_unknown_or_inactive_segment_is_404(client, translator, app) -> None:
    from app.store.models import Segment

    assert post(client, 999_999, text="x", revision="0").status_code == 404
    removed = segment_ids(app)[0]
    with database(app).session() as session:
        session.get(Segment, removed).active = False  # as a source amendment leaves it
    assert post(client, removed, text="x", revision="0").status_code == 404
    assert f'id="seg-{removed}"' not in client.get(EDITOR).get_data(as_text=True)
    assert client.get(f"/documents/{DOC}/xx").status_code in (403, 404)
    assert client.get("/documents/nope/ug").status_code == 404


def test_needs_edit_then_save_makes_translated(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    response = post(client, sid, "needs-edit", text="بىر", revision="1")
    assert response.status_code == 302
    assert row(app, sid)["state"] == "draft" and row(app, sid)["revision"] == 2
    post(client, sid, text="بىر", revision="2")  # saving an unchanged draft confirms it
    assert row(app, sid)["state"] == "translated" and row(app, sid)["revision"] == 3


def test_needs_edit_with_an_edit_saves_first(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    post(client, sid, "needs-edit", text="ئىككى", revision="1")
    assert row(app, sid)["text"] == "ئىككى" and row(app, sid)["state"] == "draft"


def test_needs_edit_of_an_empty_segment_is_explained(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    response = post(client, sid, "needs-edit", text="", revision="0")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be marked as needing editing" in page


def test_editor_approves_and_audit_log_records_it(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    response = post(client, sid, "approve", text="بىر", revision="1")
    assert response.status_code == 302
    assert row(app, sid)["state"] == "approved" and row(app, sid)["revision"] == 2
    with database(app).session() as session:
        actions = [a.action for a in session.scalars(select(AuditLog))]
    assert "approve" in actions


def test_approve_after_an_edit_saves_then_approves(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, "approve", text="يېڭى", revision="0")
    saved = row(app, sid)
    assert saved["text"] == "يېڭى" and saved["state"] == "approved" and saved["revision"] == 2


def test_translator_cannot_approve(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    assert post(client, sid, "approve", text="بىر", revision="1").status_code == 403
    assert row(app, sid)["state"] == "translated"
    assert 'data-action="approve"' not in client.get(EDITOR).get_data(as_text=True)


def test_unedited_draft_needs_the_override(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    set_draft(app, sid, "ماشىنا تەرجىمىسى")
    response = post(client, sid, "approve", text="ماشىنا تەرجىمىسى", revision="1")
    assert response.status_code == 302
    assert row(app, sid)["state"] == "draft"  # refused: it still needs editing
    assert "needs editing" in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.get(EDITOR).get_data(as_text=True)
    assert "Approve as is" in html
    post(client, sid, "approve", text="ماشىنا تەرجىمىسى", revision="1", override="1")
    assert row(app, sid)["state"] == "approved"


def test_empty_segment_cannot_be_approved(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    response = post(client, sid, "approve", text="", revision="0")
    assert row(app, sid)["state"] == "empty"
    assert "empty translation cannot be approved" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_stale_approval_is_a_conflict(client, editor, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىر", revision="0")
    post(client, sid, text="ئىككى", revision="1")
    response = post(client, sid, "approve", text="بىر", revision="1")
    assert response.status_code == 409
    assert row(app, sid)["state"] == "translated"


def test_history_and_revert(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, text="بىرىنچى", revision="0")
    post(client, sid, text="ئىككىنچى", revision="1")
    html = client.get(EDITOR).get_data(as_text=True)
    assert "History (2)" in html and "Revert to this" in html
    with database(app).session() as session:
        first = session.scalar(select(History).where(History.text == "بىرىنچى"))
        first_id = first.id
    response = post(client, sid, "revert", history_id=str(first_id))
    assert response.status_code == 302
    assert row(app, sid)["text"] == "بىرىنچى" and row(app, sid)["revision"] == 3
    with database(app).session() as session:
        latest = session.scalars(select(History).order_by(History.id.desc())).first()
        assert latest.action == "revert" and "revision 1" in latest.note
    assert post(client, sid, "revert", history_id="999999").status_code == 404
    assert post(client, sid, "revert", history_id="x").status_code == 404


def test_comments(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    response = post(client, sid, "comments", text="«UNHCR» نى قانداق يازىمىز؟")
    assert response.status_code == 302
    html = client.get(EDITOR).get_data(as_text=True)
    assert "Comments (1)" in html and "<bdi>UNHCR</bdi>" in html and "aygul" in html
    assert post(client, sid, "comments", text="   ").status_code == 422
    with database(app).session() as session:
        assert session.scalar(select(Comment.text)) == "«UNHCR» نى قانداق يازىمىز؟"


def test_suggestions_accept_and_reject(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    post(client, sid, "suggestions", text="تەكلىپ بىر")
    post(client, sid, "suggestions", text="تەكلىپ ئىككى")
    with database(app).session() as session:
        first, second = (s.id for s in session.scalars(select(Suggestion).order_by(Suggestion.id)))
    html = client.get(EDITOR).get_data(as_text=True)
    assert "Suggestions (2)" in html
    response = post(client, sid, f"suggestions/{first}/accept", revision="0")
    assert response.status_code == 302
    assert row(app, sid)["text"] == "تەكلىپ بىر" and row(app, sid)["provenance"] == "suggestion"
    # accepting a stale suggestion is refused and the suggestion stays open
    response = post(client, sid, f"suggestions/{second}/accept", revision="0")
    assert response.status_code == 302 and row(app, sid)["text"] == "تەكلىپ بىر"
    assert "changed meanwhile" in client.get(response.headers["Location"]).get_data(as_text=True)
    post(client, sid, f"suggestions/{second}/reject")
    with database(app).session() as session:
        statuses = [s.status for s in session.scalars(select(Suggestion).order_by(Suggestion.id))]
    assert statuses == ["accepted", "rejected"]
    assert post(client, sid, f"suggestions/{second}/reject").status_code == 404


def test_fuzzy_draft_shows_a_word_diff(client, translator, app) -> None:
    sid = segment_ids(app)[1]
    set_draft(app, sid, "كونا تەرجىمە", previous_source="Ahead of World Refugee Day 2021, a group")
    html = client.get(f"{EDITOR}?fuzzy=1").get_data(as_text=True)
    assert "The source changed" in html
    assert "<del>2021,</del>" in html and "<ins>2022,</ins>" in html
    assert html.count('class="segment ') == 1


def test_filters_search_and_paging(client, translator, app) -> None:
    app.config["PAGE_SIZE"] = 10
    ids = segment_ids(app)
    save(app, translator, ids[0], "بىرىنچى ABC")
    save(app, translator, ids[1], "ئىككىنچى")
    html = client.get(f"{EDITOR}?state=translated").get_data(as_text=True)
    assert html.count('class="segment ') == 2
    assert client.get(f"{EDITOR}?q=abc").get_data(as_text=True).count('class="segment ') == 1
    # the source is searched too, case-insensitively
    html = client.get(f"{EDITOR}?q=WORLD+REFUGEE").get_data(as_text=True)
    assert 0 < html.count('class="segment ') < 10
    # paging
    first = client.get(EDITOR).get_data(as_text=True)
    assert first.count('class="segment ') == 10 and 'rel="next"' in first
    second = client.get(f"{EDITOR}?page=2").get_data(as_text=True)
    assert f'id="seg-{ids[10]}"' in second and f'id="seg-{ids[9]}"' not in second
    last = client.get(f"{EDITOR}?page=999").get_data(as_text=True)  # clamps to the last page
    assert f'id="seg-{ids[-1]}"' in last
    # bad filters are explained, not a crash
    assert "unknown state" in client.get(f"{EDITOR}?state=bogus").get_data(as_text=True)


def test_search_is_unicode_case_insensitive(client, make_user, login, app) -> None:
    user_id = make_user("olga", "translator", ["ru"])
    login(client, user_id)
    sid = segment_ids(app)[0]
    save(app, user_id, sid, "Гражданское Общество", lang="ru")
    html = client.get(f"/documents/{DOC}/ru?q=гражданское").get_data(as_text=True)
    assert f'id="seg-{sid}"' in html and html.count('class="segment ') == 1
    html = client.get(f"/documents/{DOC}/ru?q=100%25").get_data(as_text=True)
    assert "No segment matches" in html  # LIKE wildcards are escaped


def test_filter_with_comments_and_suggestions(client, translator, app) -> None:
    ids = segment_ids(app)
    post(client, ids[2], "comments", text="سوئال")
    post(client, ids[3], "suggestions", text="تەكلىپ")
    comments = client.get(f"{EDITOR}?comments=1").get_data(as_text=True)
    assert f'id="seg-{ids[2]}"' in comments and comments.count('class="segment ') == 1
    suggestions = client.get(f"{EDITOR}?suggestions=1").get_data(as_text=True)
    assert f'id="seg-{ids[3]}"' in suggestions and suggestions.count('class="segment ') == 1


def test_publisher_sees_read_only_text(client, make_user, login, app) -> None:
    login(client, make_user("pub", "publisher"))
    sid = segment_ids(app)[0]
    owner = make_user("aygul", "translator", ["ug"])
    save(app, owner, sid, "ئۇيغۇر UN")
    html = client.get(EDITOR).get_data(as_text=True)
    assert '<textarea id="t-' not in html
    assert re.search(r'<p class="target-text" lang="ug" dir="rtl">ئۇيغۇر <bdi>UN</bdi></p>', html)


def test_xss_is_escaped_in_the_editor(client, translator, app) -> None:
    ids = segment_ids(app)
    save(app, translator, ids[0], "<script>alert(1)</script>")
    save(app, translator, ids[1], "[x](javascript:alert(1))")
    post(client, ids[2], "comments", text="<img src=x onerror=alert(1)>")
    post(client, ids[3], "suggestions", text="<b onmouseover=alert(1)>x</b>")
    html = client.get(EDITOR).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<b onmouseover" not in html
    assert 'href="javascript:' not in html


def test_dashboard_shows_progress_and_links(client, editor, app) -> None:
    ids = segment_ids(app)
    save(app, editor, ids[0], "بىر")
    approve(app, editor, ids[0])
    save(app, editor, ids[1], "ئىككى")
    html = client.get("/").get_data(as_text=True)
    assert f'href="{EDITOR}"' in html and f'href="{EDITOR}/preview"' in html
    assert "Approved:\n    1" in html and "Translated:\n    1" in html
    assert 'class="bar-approved"' in html and "Not signed off" in html
    assert f"/documents/{DOC}/tr" not in html  # languages this editor may not view


def test_editor_page_query_budget_does_not_grow_with_the_page(client, editor, app) -> None:
    """No N+1: the same number of SQL statements for a page of 5 and a page of 50."""
    ids = segment_ids(app)
    for sid in ids[:40]:
        save(app, editor, sid, "تەرجىمە")
        post(client, sid, "comments", text="ئىزاھ")
        post(client, sid, "suggestions", text="تەكلىپ")
    engine = database(app).engine
    counts = []

    def count(*_args) -> None:
        counts[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for size in (5, 50):
            app.config["PAGE_SIZE"] = size
            counts.append(0)
            assert client.get(EDITOR).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # <= 19: quality findings add a cache lookup and dismissals, and on a cold cache (as here)
    # the glossary, the page's sentences by msgid, their translations and one batched insert
    # (app.services.quality)
    assert counts[0] == counts[1] and counts[1] <= 19, counts
