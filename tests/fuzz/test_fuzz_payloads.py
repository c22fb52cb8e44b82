"""Fuzzing form and API payloads: random JSON, wrong types, huge strings, invalid UTF-8
bodies, wrong content types, random form fields and query strings.

Never a 5xx; a refusal says why (JSON ``{"error": …}`` under /api/, a page elsewhere) and
changes nothing. A 409 (an edit based on an old revision) keeps the refused text as a
suggestion by design, so only that table may change then.
"""

from __future__ import annotations

import json
from urllib.parse import quote_from_bytes

import pytest
from fuzz_helpers import FUZZ, NASTY_TEXT, api_token, segment_ids, snapshot
from hypothesis import given
from hypothesis import strategies as st

from app.store.models import Base

DOC = "statement"
SEGMENTS = "/api/v1/documents/{doc}/languages/{lang}/segments"
API_ACTIONS = [("PUT", ""), ("POST", "/approve"), ("POST", "/check"), ("POST", "/dismiss")]
CONTENT_TYPES = ["application/json", "application/json; charset=latin-1", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data", "", "application/xml",
                 "application/json; charset=utf-16"]
#: Index of the suggestion table in a snapshot (a 409 may add a suggestion there).
SUGGESTIONS = [t.name for t in Base.metadata.sorted_tables].index("suggestion")

#: Over-long texts are among the nasty samples (a fixed few, so that they stay rare: a long
#: text that is accepted costs a full round of quality checks).
texts = st.one_of(st.text(max_size=40), st.sampled_from(
    [*NASTY_TEXT, "ئ" * 20_001, "x" * 100_000, "ئ" * 5_000]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts,
                    st.integers(-2**70, 2**70))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
json_objects = st.fixed_dictionaries({}, optional={
    "text": json_values, "revision": json_values, "override": json_values,
    "check": st.one_of(json_values, st.sampled_from(["whitespace", "numbers", "links"])),
    "reason": json_values, "draft_origin": st.one_of(json_values, st.sampled_from(
        ["memory", "engine:libre", "engine:", "engine:x" * 50])),
    "draft_text": json_values,
})


def _deep(depth: int) -> bytes:
    return b'{"text": ' + b"[" * depth + b"]" * depth + b', "revision": 0}'


bodies = st.one_of(
    json_objects.map(lambda value: json.dumps(value).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.sampled_from([b"\xff\xfe{}", b'{"text": "\xc3\x28", "revision": 0}', b"{", b"null",
                     b'{"text": "a", "revision": 1e999}', b'{"revision": NaN, "text": ""}',
                     _deep(50)]),
)


def _state(app):  # noqa: ANN001, ANN202
    with app.extensions["terjime.db"].session() as session:
        return snapshot(session)


def _unchanged_unless_conflict(before: tuple, after: tuple, status: int) -> bool:
    if status == 409:
        return all(a == b for i, (a, b) in enumerate(zip(before, after, strict=True))
                   if i != SUGGESTIONS)
    return before == after


@pytest.fixture
def editor(app, client, make_user, login) -> dict:  # noqa: ANN001
    """An editor of ug (who may do everything the API offers on ug), by session and token."""
    user = make_user("fuzz-editor", "editor", ["ug"])
    login(client, user)
    return {"token": api_token(app, user), "ids": segment_ids(app)}


@pytest.mark.parametrize("body", [_deep(100_000), b'{"text": "' + b"a" * 5_000_000 + b'"}',
                                  b'{"text": "' + "ئ".encode() * 300_000 + b'", "revision": 0}'],
                         ids=["100k-deep", "5MB-string", "300k-characters"])
def test_api_huge_bodies(app, editor, body: bytes) -> None:  # noqa: ANN001
    client = app.test_client()
    before = _state(app)
    url = SEGMENTS.format(doc=DOC, lang="ug") + f"/{editor['ids'][0]}"
    for method, suffix in API_ACTIONS:
        response = client.open(url + suffix, method=method, data=body, headers={
            "Authorization": f"Bearer {editor['token']}", "Content-Type": "application/json"})
        assert response.status_code in (413, 422), (suffix, response.status_code)
        assert response.get_json()["error"]
    assert _state(app) == before


@FUZZ
@given(action=st.sampled_from(API_ACTIONS), body=bodies,
       content_type=st.sampled_from(CONTENT_TYPES), lang=st.sampled_from(["ug", "tr", "zz", "Ug"]),
       which=st.one_of(st.integers(0, 96), st.integers(-5, 2**40)))
def test_api_payloads(app, editor, action, body: bytes, content_type: str, lang: str,
                      which: int) -> None:  # noqa: ANN001
    client = app.test_client()  # token only: no session cookie
    ids = editor["ids"]
    segment = ids[which] if 0 <= which < len(ids) else which
    method, suffix = action
    before = _state(app)
    url = SEGMENTS.format(doc=DOC, lang=lang) + f"/{segment}{suffix}"
    response = client.open(url, method=method, data=body, headers={
        "Authorization": f"Bearer {editor['token']}", "Content-Type": content_type})
    assert response.status_code < 500, (url, body[:200], response.data[:300])
    if response.status_code >= 400:
        payload = response.get_json(silent=True)
        assert isinstance(payload, dict) and isinstance(payload.get("error"), str) \
            and payload["error"].strip(), response.data[:300]
        assert _unchanged_unless_conflict(before, _state(app), response.status_code), url


FORMS = {
    "save": ("/documents/{doc}/{lang}/segments/{sid}", ["text", "revision", "back",
                                                        "draft_origin", "draft_text"]),
    "approve": ("/documents/{doc}/{lang}/segments/{sid}/approve", ["text", "revision",
                                                                   "override", "back"]),
    "needs_edit": ("/documents/{doc}/{lang}/segments/{sid}/needs-edit", ["text", "revision"]),
    "dismiss": ("/documents/{doc}/{lang}/segments/{sid}/dismiss", ["check", "reason"]),
    "revert": ("/documents/{doc}/{lang}/segments/{sid}/revert", ["history_id", "back"]),
    "comment": ("/documents/{doc}/{lang}/segments/{sid}/comments", ["text", "back"]),
    "suggest": ("/documents/{doc}/{lang}/segments/{sid}/suggestions", ["text", "back"]),
    "accept": ("/documents/{doc}/{lang}/segments/{sid}/suggestions/{n}/accept", ["revision"]),
    "reject": ("/documents/{doc}/{lang}/segments/{sid}/suggestions/{n}/reject", []),
    "sign_off": ("/documents/{doc}/{lang}/sign-off", ["confirm"]),
    "glossary_add": ("/glossary/{lang}/terms", ["source", "target", "note",
                                                "do_not_translate"]),
    "glossary_update": ("/glossary/{lang}/terms/{n}", ["source", "target", "note"]),
    "invite": ("/admin/invites", ["role", "languages", "days"]),
    "add_role": ("/admin/people/{n}/roles", ["role", "languages"]),
    "profile": ("/account/profile", ["display_name", "email"]),
    "token": ("/account/tokens", ["name"]),
    "memory_import": ("/memory/import", ["lang"]),
}
form_values = st.one_of(texts, st.sampled_from(["1", "0", "-1", "2" * 30, "*", "ug", "tr", "",
                                                "admin", "editor", "translator", "whitespace",
                                                "engine:libre", "9" * 400]))


def _form_body(fields: list[str]) -> st.SearchStrategy[tuple[bytes, str]]:
    """A url-encoded body (raw bytes, so invalid UTF-8 escapes too), or a random body."""
    pair = st.tuples(st.one_of(st.sampled_from(fields or ["x"]), st.text(max_size=6)),
                     st.one_of(form_values.map(lambda v: v.encode("utf-8", "surrogatepass")),
                               st.binary(max_size=30)))
    encoded = st.lists(pair, max_size=8).map(lambda pairs: b"&".join(
        quote_from_bytes(k.encode("utf-8", "surrogatepass")).encode() + b"="
        + quote_from_bytes(v).encode() for k, v in pairs))
    return st.one_of(encoded.map(lambda b: (b, "application/x-www-form-urlencoded")),
                     st.tuples(st.binary(max_size=300), st.sampled_from(CONTENT_TYPES)))


@FUZZ
@given(data=st.data(), form=st.sampled_from(sorted(FORMS)),
       lang=st.sampled_from(["ug", "ug", "tr", "zz"]),
       which=st.one_of(st.integers(0, 96), st.integers(-3, 2**40)),
       number=st.one_of(st.integers(0, 5), st.integers(2**31, 2**64)))
def test_form_posts(app, client, make_user, login, data, form: str, lang: str, which: int,
                    number: int) -> None:  # noqa: ANN001
    """An admin (allowed everywhere) posts random forms; CSRF is tested separately. The
    pretranslate form is left out: it starts a background job, which would change the
    database while other examples compare snapshots."""
    if not hasattr(app, "_fuzz_ids"):
        login(client, make_user("fuzz-admin", "admin"))
        app._fuzz_ids = segment_ids(app)
    ids = app._fuzz_ids
    path, fields = FORMS[form]
    body, content_type = data.draw(_form_body(fields))
    url = path.format(doc=DOC, lang=lang, sid=ids[which] if 0 <= which < len(ids) else which,
                      n=number)
    before = _state(app)
    response = client.post(url, data=body, content_type=content_type)
    assert response.status_code < 500, (url, body[:200])
    if response.status_code >= 400:
        assert response.get_data(as_text=True).strip(), url
        assert _unchanged_unless_conflict(before, _state(app), response.status_code), (url, body)
    assert client.get("/account").status_code == 200, "the fuzzing admin was logged out"


PAGES = ["/documents/{doc}/{lang}", "/api/v1/documents/{doc}/languages/{lang}/segments",
         "/documents/{doc}/{lang}/preview", "/glossary/{lang}", "/admin/audit", "/admin/people",
         "/documents/{doc}/{lang}/segments/{sid}/assist", "/memory", "/login", "/"]
PARAMS = ["state", "q", "page", "fuzzy", "comments", "suggestions", "ask", "back", "next",
          "format"]


@FUZZ
@given(page=st.sampled_from(PAGES), lang=st.sampled_from(["ug", "tr", "zz"]),
       query=st.lists(st.tuples(st.sampled_from(PARAMS), st.one_of(
           form_values.map(lambda v: v.encode("utf-8", "surrogatepass")), st.binary(max_size=20),
           st.sampled_from([b"translated", b"draft", b"approved", b"empty", b"-1", b"0",
                            b"99999999999999999999", b"1e9", b"//evil.example", b"%"]))),
                     max_size=5))
def test_query_strings(app, client, make_user, login, page: str, lang: str, query) -> None:  # noqa: ANN001
    if not hasattr(app, "_fuzz_ids"):
        login(client, make_user("fuzz-admin", "admin"))
        app._fuzz_ids = segment_ids(app)
    url = page.format(doc=DOC, lang=lang, sid=app._fuzz_ids[0]) + "?" + "&".join(
        f"{key}={quote_from_bytes(value)}" for key, value in query)
    response = client.get(url)
    assert response.status_code < 500, url
    if response.status_code >= 400:
        assert response.get_data(as_text=True).strip(), url
    if response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), (url, location)


@pytest.mark.parametrize("body", [b"0", b"[]", b'{"role": [1, {"a": 2}], "days": null}'])
def test_pages_refuse_json_bodies(app, client, make_user, login, body: bytes) -> None:
    """Found by the fuzzer: Flask-WTF read a JSON body as form data, and ``0`` was a 500."""
    login(client, make_user("json-admin", "admin"))
    before = _state(app)
    for url in ("/admin/invites", "/account/profile", "/glossary/ug/terms",
                f"/documents/{DOC}/ug/segments/{segment_ids(app)[0]}"):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 415 and "not JSON" in response.get_data(as_text=True)
    assert _state(app) == before
