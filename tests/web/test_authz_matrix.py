"""Every endpoint of the dashboard, editor and API × every kind of visitor → expected outcome.

The table is checked against ``app.url_map``: a new route under these blueprints fails the
coverage test until someone decides who may use it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import url_for
from review_helpers import DOC, database, row, save, segment_ids
from sqlalchemy import select

from app.store.models import History, Language, Suggestion

BLUEPRINTS = ("dashboard", "editor", "api")
ROLES = {
    "anonymous": None,
    "other translator": ("translator", ["tr"]),
    "translator": ("translator", ["ug"]),
    "editor": ("editor", ["ug"]),
    "publisher": ("publisher", None),
    "admin": ("admin", None),
}
LOGIN, FORBIDDEN, OK = "login", "forbidden", "ok"
_ORDER = list(ROLES)


def allowed(*who: str) -> dict[str, str]:
    """Outcomes for logged-in roles: OK for ``who``, FORBIDDEN otherwise; anonymous → login."""
    return {role: LOGIN if role == "anonymous" else OK if role in who else FORBIDDEN
            for role in ROLES}


ANYONE = allowed(*_ORDER[1:])
VIEW = allowed("translator", "editor", "publisher", "admin")
TRANSLATE = allowed("translator", "editor", "admin")
APPROVE = allowed("editor", "admin")

_counter = itertools.count()


@dataclass
class Context:
    app: object
    helper: int  # an admin who prepares state (texts, history, suggestions)
    sid: int

    def text(self) -> str:
        """Unique and free of digits (a number not in the source fails the quality checks)."""
        return "تەرجىمە " + "".join("ابپتجچخدرز"[int(d)] for d in str(next(_counter)))

    def translated(self) -> tuple[str, int]:
        text = self.text()
        _, revision = save(self.app, self.helper, self.sid, text)
        return text, revision

    def suggestion(self) -> int:
        with database(self.app).session() as session:
            ug = session.scalar(select(Language.id).where(Language.code == "ug"))
            item = Suggestion(segment_id=self.sid, language_id=ug, text=self.text(),
                              user_id=self.helper)
            session.add(item)
            session.flush()
            return item.id


def _save_form(c: Context) -> dict:
    return {"data": {"text": c.text(), "revision": str(row(c.app, c.sid)["revision"])}}


def _approve_form(c: Context) -> dict:
    text, revision = c.translated()
    return {"data": {"text": text, "revision": str(revision)}}


def _revert_form(c: Context) -> dict:
    c.translated()
    c.translated()
    with database(c.app).session() as session:
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


def _nothing(_c: Context) -> dict:
    return {}


def _text(_c: Context) -> dict:
    return {"data": {"text": "ئىزاھ"}}


@dataclass
class Endpoint:
    method: str
    expected: dict[str, str]
    prepare: Callable[[Context], dict] = _nothing


TABLE: dict[str, Endpoint] = {
    "dashboard.index": Endpoint("GET", ANYONE),
    "editor.edit": Endpoint("GET", VIEW),
    "editor.preview": Endpoint("GET", VIEW),
    "editor.preview_fragment": Endpoint("GET", VIEW),
    "editor.save": Endpoint("POST", TRANSLATE, _save_form),
    "editor.needs_edit": Endpoint("POST", TRANSLATE, _approve_form),
    "editor.approve": Endpoint("POST", APPROVE, _approve_form),
    "editor.revert": Endpoint("POST", TRANSLATE, _revert_form),
    "editor.comment": Endpoint("POST", TRANSLATE, _text),
    "editor.suggest": Endpoint("POST", TRANSLATE, _text),
    "editor.accept": Endpoint("POST", TRANSLATE, _accept),
    "editor.reject": Endpoint("POST", TRANSLATE, _reject),
    "editor.sign_off": Endpoint("POST", APPROVE),
    "editor.dismiss": Endpoint("POST", TRANSLATE, _dismiss_form),
    "api.documents": Endpoint("GET", ANYONE),
    "api.segments": Endpoint("GET", VIEW),
    "api.save_segment": Endpoint("PUT", TRANSLATE, _api_save),
    "api.approve_segment": Endpoint("POST", APPROVE, _api_approve),
    "api.check_segment": Endpoint("POST", TRANSLATE, _api_check),
    "api.dismiss_check": Endpoint("POST", TRANSLATE, _api_dismiss),
}


def _rules(app) -> dict[str, object]:  # noqa: ANN001
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in BLUEPRINTS}


def test_table_covers_every_route_of_these_blueprints(app) -> None:
    rules = _rules(app)
    assert sorted(rules) == sorted(TABLE), "add new routes to TABLE (and decide who may use them)"
    for endpoint, rule in rules.items():
        methods = set(rule.methods) - {"HEAD", "OPTIONS"}
        assert methods == {TABLE[endpoint].method}, endpoint


def _outcome(response, api: bool) -> str:  # noqa: ANN001
    if response.status_code == 403:
        return FORBIDDEN
    if api and response.status_code == 401:
        return LOGIN
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return LOGIN
    expected_ok = {"GET": 200, "POST": 200 if api else 302, "PUT": 200}
    if response.status_code == expected_ok[response.request.method]:
        return OK
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize("role", list(ROLES))
def test_authorization_matrix(role: str, app, client, make_user, login) -> None:
    helper = make_user("helper", "admin")
    if ROLES[role] is not None:
        name, languages = ROLES[role]
        login(client, make_user(f"who-{role.replace(' ', '-')}", name, languages))
    ids = segment_ids(app)
    wrong = []
    for index, (endpoint, spec) in enumerate(sorted(TABLE.items())):
        context = Context(app, helper, ids[index])
        prepared = spec.prepare(context)
        with app.test_request_context():
            rule = _rules(app)[endpoint]
            values = {"doc": DOC, "lang": "ug", "segment_id": context.sid,
                      **prepared.get("url", {})}
            url = url_for(endpoint, **{k: v for k, v in values.items() if k in rule.arguments})
        response = client.open(url, method=spec.method, data=prepared.get("data"),
                               json=prepared.get("json"))
        outcome = _outcome(response, endpoint.startswith("api."))
        if outcome != spec.expected[role]:
            wrong.append(f"{spec.method} {url} ({endpoint}): {outcome}, "
                         f"expected {spec.expected[role]}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
