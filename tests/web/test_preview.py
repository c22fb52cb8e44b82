"""The whole-document preview: built from the database, RTL-correct, fallbacks marked, inert."""

from __future__ import annotations

import pytest
from review_helpers import DOC, save, segment_ids, set_draft

from app.services.preview import isolate_latin, word_diff

PREVIEW = f"/documents/{DOC}/ug/preview"


@pytest.fixture
def translator(make_user, login, client) -> int:
    user_id = make_user("aygul", "translator", ["ug"])
    login(client, user_id)
    return user_id


def target_column(html: str) -> str:
    return html.split('data-role="preview-target"', 1)[1].split("</article>", 1)[0]


def test_preview_uses_database_translations_with_rtl(client, translator, app) -> None:
    ids = segment_ids(app)
    save(app, translator, ids[0], "پۇقرالار جەمئىيىتى جىددىي تەدبىر قوللىنىشقا چاقىردى")
    html = client.get(PREVIEW).get_data(as_text=True)
    column = target_column(html)
    assert html.count('lang="ug" dir="rtl"') >= 1
    assert 'data-role="preview-target" lang="ug" dir="rtl"' in html
    assert "<h1>پۇقرالار جەمئىيىتى جىددىي تەدبىر قوللىنىشقا چاقىردى</h1>" in column
    # Latin names and numbers inside the RTL text are isolated; fallbacks are left alone
    save(app, translator, ids[1], "UNHCR ۋە 22 تەشكىلات &amp; <code>")
    column = target_column(client.get(PREVIEW).get_data(as_text=True))
    assert "<bdi>UNHCR</bdi> ۋە <bdi>22</bdi> تەشكىلات" in column
    assert "<bdi>" not in column.split('class="fallback"', 1)[1].split("</span>", 1)[0]
    # the source column is the untouched statement
    source = html.split('<article class="preview-doc" lang="en" dir="ltr">', 1)[1]
    assert source.startswith("<h1>Civil Society calls for urgent measures")


def test_untranslated_and_draft_sentences_fall_back_marked(client, translator, app) -> None:
    ids = segment_ids(app)
    save(app, translator, ids[0], "ماۋزۇ")
    set_draft(app, ids[1], "قوپال تەرجىمە")
    html = client.get(PREVIEW).get_data(as_text=True)
    column = target_column(html)
    assert "قوپال تەرجىمە" not in column  # drafts are not used
    marked = '<span class="fallback" lang="en" dir="ltr" title="not translated yet">Ahead of'
    assert marked in column
    assert f"{len(ids) - 1} segments not translated yet" in html


def test_preview_is_current_after_each_save(client, translator, app) -> None:
    sid = segment_ids(app)[0]
    save(app, translator, sid, "بىرىنچى نۇسخا")
    assert "بىرىنچى نۇسخا" in client.get(PREVIEW).get_data(as_text=True)
    client.put(f"/api/v1/documents/{DOC}/languages/ug/segments/{sid}",
               json={"text": "ئىككىنچى نۇسخا", "revision": 1})
    fragment = client.get(f"{PREVIEW}/fragment")
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "ئىككىنچى نۇسخا" in text and "<html" not in text and "<body" not in text


def test_translated_html_and_links_are_inert(client, translator, app) -> None:
    ids = segment_ids(app)
    save(app, translator, ids[0], "<script>alert(1)</script>")
    save(app, translator, ids[1], "[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    save(app, translator, ids[2], "&lt;b&gt; \ue000 \ue001 <b>")
    html = client.get(PREVIEW).get_data(as_text=True)
    for bad in ("<script>alert", 'href="javascript:', "<img", "<b>", "\ue000", "\ue001"):
        assert bad not in html, bad
    assert "&lt;<bdi>img src</bdi>=" in target_column(html)  # shown as text (isolated)
    fragment = client.get(f"{PREVIEW}/fragment").get_data(as_text=True)
    assert "<script>alert" not in fragment and 'href="javascript:' not in fragment


def test_preview_of_a_language_without_access_is_forbidden(client, translator) -> None:
    assert client.get(f"/documents/{DOC}/tr/preview").status_code == 403
    assert client.get(f"/documents/{DOC}/tr/preview/fragment").status_code == 403


def test_word_diff() -> None:
    assert word_diff("a group of 22 refugee", "a group of 23 refugee") == [
        ("equal", "a group of "), ("delete", "22"), ("insert", "23"), ("equal", " refugee")]
    assert word_diff("", "new words") == [("insert", "new words")]


@pytest.mark.parametrize("text, expected", [
    ("بۇ UNHCR ۋە", "بۇ <bdi>UNHCR</bdi> ۋە"),
    ("1,500 ئادەم.", "<bdi>1,500</bdi> ئادەم."),
    ("Human Rights Watch دېدى", "<bdi>Human Rights Watch</bdi> دېدى"),
    ("https://example.org/x?a=1. كۆرۈڭ", "<bdi>https://example.org/x?a=1</bdi>. كۆرۈڭ"),
    ("<b>x</b>", "&lt;<bdi>b</bdi>&gt;<bdi>x</bdi>&lt;/<bdi>b</bdi>&gt;"),
    ("AT&T ۋە", "<bdi>AT&amp;T</bdi> ۋە"),
])
def test_isolate_latin(text: str, expected: str) -> None:
    assert isolate_latin(text) == expected


def test_isolate_html_keeps_tags_code_and_fallbacks() -> None:
    from app.services.preview import FALLBACK_OPEN, isolate_html

    fragment = (f'<p><a href="https://x.org/A">UN</a> ۋە &lt;b&gt; <code>snake_case</code> '
                f"{FALLBACK_OPEN}Source text</span></p>")
    assert isolate_html(fragment) == (
        f'<p><a href="https://x.org/A"><bdi>UN</bdi></a> ۋە &lt;<bdi>b</bdi>&gt; '
        f"<code>snake_case</code> {FALLBACK_OPEN}Source text</span></p>")
