"""Every route × every kind of visitor → the expected outcome, written out by hand.

The table is checked against ``app.url_map``: a new route (or method) fails the coverage test
until someone decides who may use it. Expectations are not computed from the product's own
permission function: each line reads left to right across the columns of ``COLUMNS``.

Session visitors run with CSRF off (CSRF has its own tests in test_csrf.py); API-token
visitors run with CSRF on, as in production, so a token holder posting a page's form gets the
CSRF refusal (C) whatever their role: tokens are for the JSON API.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD
from flask import url_for
from review_helpers import DOC, bearer, database, row, save, segment_ids, token_for
from sqlalchemy import select

from app.services import accounts, glossary
from app.store.models import Document, History, Job, Language, Release, Suggestion, User

#: Columns of every line of the table, in order. "off" is a deactivated account; "T:" is an
#: API token (bearer) of that kind of account and no session.
COLUMNS = ["anon", "tr", "ug", "ed", "pub", "adm", "off",
           "T:tr", "T:ug", "T:ed", "T:pub", "T:adm", "T:off"]
ACCOUNTS = {  # column → (role, languages) of the visitor's account
    "tr": ("translator", ["tr"]), "ug": ("translator", ["ug"]), "ed": ("editor", ["ug"]),
    "pub": ("publisher", None), "adm": ("admin", None), "off": ("translator", ["ug"]),
}
#: Outcomes: O = 2xx, R = a redirect (not to the log-in page), L = log in first (302 to
#: /login, or 401 under /api/), F = 403, C = 400 CSRF refusal, N = 404, X = 409.
CODES = {"O", "R", "L", "F", "C", "N", "X"}

_counter = itertools.count()


@dataclass
class Context:
    app: object
    helper: int  # an admin who prepares state
    sid: int
    who: int | None  # the visitor's account (None when anonymous)
    victim: int  # an account the admin forms act upon

    def text(self) -> str:
        """Unique and free of digits (a number not in the source fails the quality checks)."""
        return "تەرجىمە " + "".join("ابپتجچخدرز"[int(d)] for d in str(next(_counter)))

    def session(self):  # noqa: ANN201
        return database(self.app).session()

    def translated(self) -> tuple[str, int]:
        text = self.text()
        _, revision = save(self.app, self.helper, self.sid, text)
        return text, revision

    def suggestion(self) -> int:
        with self.session() as session:
            ug = session.scalar(select(Language.id).where(Language.code == "ug"))
            item = Suggestion(segment_id=self.sid, language_id=ug, text=self.text(),
                              user_id=self.helper)
            session.add(item)
            session.flush()
            return item.id


# --- preparations: the state and data a request needs to succeed when allowed ---------------


def _nothing(_c: Context) -> dict:
    return {}


def _save_form(c: Context) -> dict:
    return {"data": {"text": c.text(), "revision": str(row(c.app, c.sid)["revision"])}}


def _approve_form(c: Context) -> dict:
    text, revision = c.translated()
    return {"data": {"text": text, "revision": str(revision)}}


def _revert_form(c: Context) -> dict:
    c.translated()
    c.translated()
    with c.session() as session:
        first = session.scalars(select(History).where(History.translation_id == row(
            c.app, c.sid)["id"]).order_by(History.id)).first()
        return {"data": {"history_id": str(first.id)}}


def _accept(c: Context) -> dict:
    return {"url": {"suggestion_id": c.suggestion()},
            "data": {"revision": str(row(c.app, c.sid)["revision"])}}


def _reject(c: Context) -> dict:
    return {"url": {"suggestion_id": c.suggestion()}, "data": {}}


def _api_save(c: Context) -> dict:
    return {"json": {"text": c.text(), "revision": row(c.app, c.sid)["revision"]}}


def _api_approve(c: Context) -> dict:
    _, revision = c.translated()
    return {"json": {"revision": revision}}


def _warned(c: Context) -> None:
    """A saved text with a double space: the whitespace check warns (dismissable)."""
    save(c.app, c.helper, c.sid, c.text().replace(" ", "  "))


def _dismiss_form(c: Context) -> dict:
    _warned(c)
    return {"data": {"check": "whitespace", "reason": "deliberate"}}


def _api_dismiss(c: Context) -> dict:
    _warned(c)
    return {"json": {"check": "whitespace", "reason": "deliberate"}}


def _api_check(_c: Context) -> dict:
    return {"json": {"text": "تەرجىمە"}}


def _text(_c: Context) -> dict:
    return {"data": {"text": "ئىزاھ"}}


def _job(c: Context) -> dict:
    with c.session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        doc = session.scalar(select(Document.id).where(Document.name == DOC))
        job = Job(kind="pretranslate", document_id=doc, language_id=ug, status="done")
        session.add(job)
        session.flush()
        return {"url": {"job_id": job.id}}


def _pretranslate(_c: Context) -> dict:
    """An unknown engine: refused before any background job starts (a redirect back)."""
    return {"data": {"engine": "no-such-engine"}}


def _upload(c: Context) -> dict:
    from app.services import uploads
    from app.web import project

    with c.app.app_context(), c.session() as session:
        document, language = uploads.find_catalogue(session, DOC, "ug")
        data = uploads.download_po(session, project(), document, language)
    return {"data": {"po": (io.BytesIO(data), "statement.ug.po")}}


def _term(c: Context) -> dict:
    with c.session() as session:
        term = glossary.add_term(session, "ug", f"Term {c.text()}", "ئاتالغۇ")
        session.flush()
        return {"url": {"term_id": term.id}, "data": {"source": f"Term {c.text()}",
                                                      "target": "ئاتالغۇ"}}


def _new_term(c: Context) -> dict:
    return {"data": {"source": f"Term {c.text()}", "target": "ئاتالغۇ"}}


def _glossary_csv(c: Context) -> dict:
    csv = f"source,target,note,do_not_translate\nTerm {c.text()},ئاتالغۇ,,no\n".encode()
    return {"data": {"file": (io.BytesIO(csv), "terms.csv")}}


def _tmx(_c: Context) -> dict:
    tmx = ('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="en" '
           'creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en"'
           ' datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>Hello.</seg></tuv>'
           '<tuv xml:lang="ug"><seg>سالام.</seg></tuv></tu></body></tmx>').encode()
    return {"data": {"lang": "ug", "file": (io.BytesIO(tmx), "m.tmx")}}


def _invite_form(_c: Context) -> dict:
    return {"data": {"role": "translator", "languages": ["ug"], "days": "7"}}


def _invite(c: Context) -> dict:
    with c.session() as session:
        token = accounts.create_invite(session, "translator", ["ug"], None)
        session.flush()
        from app.store.models import Invite

        invite = session.scalars(select(Invite).order_by(Invite.id.desc())).first()
        return {"url": {"token": token, "invite_id": invite.id},
                "data": {"display_name": f"Volunteer {next(_counter)}",
                         "password": TEST_PASSWORD, "confirm": TEST_PASSWORD}}


def _victim(c: Context) -> dict:
    return {"url": {"user_id": c.victim}}


def _add_role(c: Context) -> dict:
    return {"url": {"user_id": c.victim}, "data": {"role": "translator", "languages": ["tr"]}}


def _remove_role(c: Context) -> dict:
    with c.session() as session:
        victim = session.get(User, c.victim)
        membership = accounts.add_membership(session, victim, "translator", ["ru"], None)[0]
        session.flush()
        return {"url": {"user_id": c.victim, "membership_id": membership.id}}


def _set_active(c: Context) -> dict:
    return {"url": {"user_id": c.victim}, "data": {"active": "1"}}


def _engine(_c: Context) -> dict:
    return {"url": {"engine": "libre"}, "data": {"enabled": "0"}}


def _profile(c: Context) -> dict:
    return {"data": {"profile-display_name": f"Renamed {next(_counter)}"}}


def _password(_c: Context) -> dict:
    return {"data": {"password-current_password": TEST_PASSWORD,
                     "password-password": TEST_PASSWORD, "password-confirm": TEST_PASSWORD}}


def _own_token(c: Context) -> dict:
    if c.who is None:
        return {"url": {"token_id": 1}}
    from app.services.tokens import new_token, token_hash
    from app.store.models import ApiToken

    with c.session() as session:
        item = ApiToken(user_id=c.who, token_hash=token_hash(new_token("tj_")), name="revoke")
        session.add(item)
        session.flush()
        return {"url": {"token_id": item.id}}


def _login_form(c: Context) -> dict:
    return {"data": {"display_name": "helper", "password": TEST_PASSWORD}}


def _setup(_c: Context) -> dict:
    return {"url": {"token": "no-such-set-up-link"}}


def _publish_form(_c: Context) -> dict:
    """ug is not signed off: an allowed visitor is refused with reasons (409)."""
    return {"data": {"document": DOC, "languages": ["ug"]}}


def _export(_c: Context) -> dict:
    return {"url": {"filename": "ug.md"}}


def _release(c: Context) -> dict:
    """A release row of ug with an empty snapshot of its units; its ZIP is not on disk, so
    a file request by an allowed visitor is a clear 404."""
    with c.session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        doc = session.scalar(select(Document.id).where(Document.name == DOC))
        release = Release(document_id=doc, language_id=ug, number=next(_counter) + 1,
                          source_revision="0" * 64, zip_name="statement-ug.zip", zip_size=0,
                          zip_sha256="0" * 64, manifest_sha256="0" * 64)
        session.add(release)
        session.flush()
        folder = (Path(c.app.config["INSTANCE_PATH"]) / "releases" / DOC / "ug"
                  / str(release.number))
        folder.mkdir(parents=True)
        (folder / "units.json").write_text('{"units": []}', encoding="utf-8")
        return {"url": {"release_id": release.id, "filename": "statement-ug.zip"}}


def _static(_c: Context) -> dict:
    return {"url": {"filename": "app.css"}}


@dataclass
class Endpoint:
    expected: str  # one outcome code per column of COLUMNS, separated by spaces
    prepare: Callable[[Context], dict] = _nothing
    outcomes: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        codes = self.expected.replace("|", " ").split()
        assert len(codes) == len(COLUMNS) and set(codes) <= CODES, self.expected
        self.outcomes = dict(zip(COLUMNS, codes, strict=True))


E = Endpoint
# Columns (COLUMNS):                  anon tr ug ed pub adm off | T:tr T:ug T:ed T:pub T:adm T:off
TABLE: dict[tuple[str, str], Endpoint] = {
    ("dashboard.index", "GET"):            E("L  O  O  O  O  O  L | O  O  O  O  O  L"),
    # the editor: view (translators, editors, publishers), translate, approve
    ("editor.edit", "GET"):                E("L  F  O  O  O  O  L | F  O  O  O  O  L"),
    ("editor.preview", "GET"):             E("L  F  O  O  O  O  L | F  O  O  O  O  L"),
    ("editor.preview_fragment", "GET"):    E("L  F  O  O  O  O  L | F  O  O  O  O  L"),
    ("editor.save", "POST"):               E("L  F  R  R  F  R  L | C  C  C  C  C  C", _save_form),
    ("editor.needs_edit", "POST"):         E("L  F  R  R  F  R  L | C  C  C  C  C  C",
                                             _approve_form),
    ("editor.approve", "POST"):            E("L  F  F  R  F  R  L | C  C  C  C  C  C",
                                             _approve_form),
    ("editor.revert", "POST"):             E("L  F  R  R  F  R  L | C  C  C  C  C  C",
                                             _revert_form),
    ("editor.comment", "POST"):            E("L  F  R  R  F  R  L | C  C  C  C  C  C", _text),
    ("editor.suggest", "POST"):            E("L  F  R  R  F  R  L | C  C  C  C  C  C", _text),
    ("editor.accept", "POST"):             E("L  F  R  R  F  R  L | C  C  C  C  C  C", _accept),
    ("editor.reject", "POST"):             E("L  F  R  R  F  R  L | C  C  C  C  C  C", _reject),
    ("editor.sign_off", "POST"):           E("L  F  F  R  F  R  L | C  C  C  C  C  C"),
    ("editor.dismiss", "POST"):            E("L  F  R  R  F  R  L | C  C  C  C  C  C",
                                             _dismiss_form),
    # the JSON API: the same rights; tokens need no CSRF token
    ("api.documents", "GET"):              E("L  O  O  O  O  O  L | O  O  O  O  O  L"),
    ("api.segments", "GET"):               E("L  F  O  O  O  O  L | F  O  O  O  O  L"),
    ("api.save_segment", "PUT"):           E("L  F  O  O  F  O  L | F  O  O  F  O  L", _api_save),
    ("api.approve_segment", "POST"):       E("L  F  F  O  F  O  L | F  F  O  F  O  L",
                                             _api_approve),
    ("api.check_segment", "POST"):         E("L  F  O  O  F  O  L | F  O  O  F  O  L", _api_check),
    ("api.dismiss_check", "POST"):         E("L  F  O  O  F  O  L | F  O  O  F  O  L",
                                             _api_dismiss),
    # suggestions panel and pretranslation jobs
    ("assist.panel", "GET"):               E("L  F  O  O  F  O  L | F  O  O  F  O  L"),
    ("assist.fragment", "GET"):            E("L  F  O  O  F  O  L | F  O  O  F  O  L"),
    ("assist.job", "GET"):                 E("L  F  O  O  O  O  L | F  O  O  O  O  L", _job),
    ("assist.pretranslate", "POST"):       E("L  F  F  R  F  R  L | C  C  C  C  C  C",
                                             _pretranslate),
    # PO download and upload (translators of the language)
    ("files.download_po", "GET"):          E("L  F  O  O  F  O  L | F  O  O  F  O  L"),
    ("files.upload_form", "GET"):          E("L  F  O  O  F  O  L | F  O  O  F  O  L"),
    ("files.upload_po", "POST"):           E("L  F  O  O  F  O  L | C  C  C  C  C  C", _upload),
    # glossary: anyone logged in sees the list, viewers a language, editors change it
    ("glossary.index", "GET"):             E("L  O  O  O  O  O  L | O  O  O  O  O  L"),
    ("glossary.page", "GET"):              E("L  F  O  O  O  O  L | F  O  O  O  O  L"),
    ("glossary.export", "GET"):            E("L  F  O  O  O  O  L | F  O  O  O  O  L"),
    ("glossary.edit", "GET"):              E("L  F  F  O  F  O  L | F  F  O  F  O  L", _term),
    ("glossary.add", "POST"):              E("L  F  F  R  F  R  L | C  C  C  C  C  C", _new_term),
    ("glossary.update", "POST"):           E("L  F  F  R  F  R  L | C  C  C  C  C  C", _term),
    ("glossary.delete", "POST"):           E("L  F  F  R  F  R  L | C  C  C  C  C  C", _term),
    ("glossary.import_file", "POST"):      E("L  F  F  R  F  R  L | C  C  C  C  C  C",
                                             _glossary_csv),
    # translation memory: editors and admins, in the browser only
    ("memory.index", "GET"):               E("L  F  F  O  F  O  L | F  F  F  F  F  L"),
    ("memory.export", "GET"):              E("L  F  F  O  F  O  L | F  F  F  F  F  L"),
    ("memory.import_tmx", "POST"):         E("L  F  F  O  F  O  L | C  C  C  C  C  C", _tmx),
    ("memory.po_feed", "POST"):            E("L  F  F  F  F  R  L | C  C  C  C  C  C"),
    # machine translation engines: admins, in the browser only
    ("engines.index", "GET"):              E("L  F  F  F  F  O  L | F  F  F  F  F  L"),
    ("engines.switch", "POST"):            E("L  F  F  F  F  R  L | C  C  C  C  C  C", _engine),
    # people, invites, audit: admins, in the browser only
    ("admin.users", "GET"):                E("L  F  F  F  F  O  L | F  F  F  F  F  L"),
    ("admin.user", "GET"):                 E("L  F  F  F  F  O  L | F  F  F  F  F  L", _victim),
    ("admin.audit", "GET"):                E("L  F  F  F  F  O  L | F  F  F  F  F  L"),
    ("admin.create_invite", "POST"):       E("L  F  F  F  F  O  L | C  C  C  C  C  C",
                                             _invite_form),
    ("admin.revoke_invite", "POST"):       E("L  F  F  F  F  R  L | C  C  C  C  C  C", _invite),
    ("admin.add_role", "POST"):            E("L  F  F  F  F  R  L | C  C  C  C  C  C", _add_role),
    ("admin.remove_role", "POST"):         E("L  F  F  F  F  R  L | C  C  C  C  C  C",
                                             _remove_role),
    ("admin.set_active", "POST"):          E("L  F  F  F  F  R  L | C  C  C  C  C  C",
                                             _set_active),
    # one's own account (a token may look, never change)
    ("auth.account", "GET"):               E("L  O  O  O  O  O  L | O  O  O  O  O  L"),
    ("auth.account_profile", "POST"):      E("L  R  R  R  R  R  L | C  C  C  C  C  C", _profile),
    ("auth.account_password", "POST"):     E("L  R  R  R  R  R  L | C  C  C  C  C  C", _password),
    ("auth.logout_everywhere", "POST"):    E("L  R  R  R  R  R  L | C  C  C  C  C  C"),
    ("auth.token_create", "POST"):         E("L  O  O  O  O  O  L | C  C  C  C  C  C"),
    ("auth.token_revoke", "POST"):         E("L  R  R  R  R  R  L | C  C  C  C  C  C", _own_token),
    ("auth.logout", "POST"):               E("L  R  R  R  R  R  L | C  C  C  C  C  C"),
    # public pages: log-in, invites, first set-up (logged-in visitors are sent home / told)
    ("auth.login", "GET"):                 E("O  R  R  R  R  R  O | R  R  R  R  R  O"),
    ("auth.login", "POST"):                E("R  R  R  R  R  R  R | C  C  C  C  C  C",
                                             _login_form),
    ("auth.accept_invite", "GET"):         E("O  X  X  X  X  X  O | X  X  X  X  X  O", _invite),
    ("auth.accept_invite", "POST"):        E("R  X  X  X  X  X  R | C  C  C  C  C  C", _invite),
    ("auth.setup", "GET"):                 E("N  X  X  X  X  X  N | X  X  X  X  X  N", _setup),
    ("auth.setup", "POST"):                E("N  X  X  X  X  X  N | C  C  C  C  C  C", _setup),
    # publishing: publishers and admins; drafts and releases for whoever may view the language
    ("publish.index", "GET"):              E("L  F  F  F  O  O  L | F  F  F  O  O  L"),
    ("publish.publish", "POST"):           E("L  F  F  F  X  X  L | C  C  C  C  C  C",
                                             _publish_form),
    ("publish.export", "GET"):             E("L  F  O  O  O  O  L | F  O  O  O  O  L", _export),
    ("publish.release", "GET"):            E("L  F  O  O  O  O  L | F  O  O  O  O  L", _release),
    ("publish.release_file", "GET"):       E("L  F  N  N  N  N  L | F  N  N  N  N  L", _release),
    # vendored assets: for everyone
    ("static", "GET"):                     E("O  O  O  O  O  O  O | O  O  O  O  O  O", _static),
}


def _routes(app) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_table_covers_every_route_and_method(app) -> None:
    routes = _routes(app)
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, f"add these routes to TABLE (and decide who may use them): {missing}"
    assert not stale, f"these routes no longer exist: {stale}"


def test_other_methods_are_not_allowed(app, client, make_user, login) -> None:
    """A method a route does not declare is a 405 (not a 500, not a silent GET)."""
    login(client, make_user("admin-405", "admin"))
    ids = segment_ids(app)
    declared: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():  # one URL can have several rules (GET and POST)
        declared.setdefault(rule.rule, set()).update(rule.methods)
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {name: {"doc": DOC, "lang": "ug", "segment_id": ids[0]}.get(name, 1)
                  for name in rule.arguments}
        values = {k: ("x.csv" if k in ("fmt", "filename", "token", "engine") else v)
                  for k, v in values.items()}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        unused = {"PATCH", "DELETE", "PUT", "POST"} - declared[rule.rule]
        for method in sorted(unused):
            response = client.open(url, method=method)
            assert response.status_code == 405, (method, url, response.status_code)


def _outcome(response) -> str:  # noqa: ANN001
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == 401 or (status in (301, 302, 303) and "/login?next=" in location):
        return "L"
    if status == 400 and b"CSRF" in response.data or status == 400 and \
            b"not sent by this site" in response.data:
        return "C"
    simple = {403: "F", 404: "N", 409: "X"}
    if status in simple:
        return simple[status]
    if 200 <= status < 300:
        return "O"
    if status in (301, 302, 303):
        return "R"
    return f"unexpected {status}"


def _visitor(app, make_user, column: str) -> tuple[int | None, str | None]:  # noqa: ANN001
    """(account id, API token) of the visitor of a column."""
    kind = column.removeprefix("T:")
    if kind == "anon":
        return None, None
    role, languages = ACCOUNTS[kind]
    user_id = make_user(f"who-{column.replace(':', '-')}", role, languages)
    token = token_for(app, user_id) if column.startswith("T:") else None
    if kind == "off":
        with database(app).session() as session:
            accounts.set_active(session, session.get(User, user_id), False, None)
    return user_id, token


@pytest.mark.parametrize("column", COLUMNS)
def test_authorization_matrix(column: str, app, make_user, login) -> None:
    helper = make_user("helper", "admin")
    victim = make_user("victim", "translator", ["ug"])
    who, token = _visitor(app, make_user, column)
    app.config["WTF_CSRF_ENABLED"] = token is not None
    ids = segment_ids(app)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    wrong = []
    for index, ((endpoint, method), spec) in enumerate(sorted(TABLE.items())):
        context = Context(app, helper, ids[index % len(ids)], who, victim)
        prepared = spec.prepare(context)
        values = {"doc": DOC, "lang": "ug", "segment_id": context.sid, "fmt": "csv",
                  **prepared.get("url", {})}
        with app.test_request_context():
            url = url_for(endpoint, **{k: v for k, v in values.items()
                                       if k in rules[endpoint].arguments})
        client = app.test_client()  # a fresh client: no request leaks into the next
        if who is not None and token is None:
            login(client, who)
        headers = bearer(token) if token else {}
        response = client.open(url, method=method, data=prepared.get("data"),
                               json=prepared.get("json"), headers=headers)
        response.close()
        outcome = _outcome(response)
        if outcome != spec.outcomes[column]:
            wrong.append(f"{method} {url} ({endpoint}): {outcome} {response.status_code}, "
                         f"expected {spec.outcomes[column]}")
    assert not wrong, f"{column}:\n" + "\n".join(wrong)
