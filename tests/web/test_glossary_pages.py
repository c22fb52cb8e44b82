"""Glossary pages: who may see and change what, forms, import/export, RTL and CSRF."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from app.services import glossary
from app.store.models import GlossaryTerm

PAGE = "/glossary/ug"
CSV = ("source,target,note,do_not_translate\n"
       "UNHCR,,UN refugee agency,yes\n"
       "United Nations,ب د ت,,no\n").encode()


def database(app):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


def terms(app, lang: str = "ug") -> dict[str, tuple[str, str, bool]]:  # noqa: ANN001
    with database(app).session() as session:
        return {t.source_term: (t.target_term, t.note, t.do_not_translate)
                for t in glossary.list_terms(session, lang)}


def count(app) -> int:  # noqa: ANN001
    with database(app).session() as session:
        return session.scalar(select(func.count()).select_from(GlossaryTerm))


def add_term(app, source: str, target: str, lang: str = "ug") -> int:  # noqa: ANN001
    with database(app).session() as session:
        return glossary.add_term(session, lang, source, target).id


def as_user(client, make_user, login, name: str, role: str,  # noqa: ANN001
            languages: list[str] | None = None) -> int:
    user_id = make_user(name, role, languages)
    login(client, user_id)
    return user_id


def upload(client, data: bytes, name: str, lang: str = "ug"):  # noqa: ANN001, ANN201
    return client.post(f"/glossary/{lang}/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# --- authorization -----------------------------------------------------------------------

# (role, languages) → may view ug, may change ug
PEOPLE = [
    ("translator", ["ug"], True, False),
    ("translator", ["tr"], False, False),
    ("editor", ["ug"], True, True),
    ("editor", ["tr"], False, False),
    ("editor", None, True, True),
    ("publisher", None, True, False),
    ("admin", None, True, True),
]


@pytest.mark.parametrize(("role", "languages", "view", "change"), PEOPLE)
def test_authorization_matrix(app, client, make_user, login, role, languages, view,
                              change) -> None:
    term_id = add_term(app, "refugee", "مۇساپىر")
    as_user(client, make_user, login, "someone", role, languages)
    expected_view = 200 if view else 403
    assert client.get(PAGE).status_code == expected_view
    assert client.get(f"{PAGE}/export.csv").status_code == expected_view
    assert client.get(f"{PAGE}/export.tbx").status_code == expected_view
    page = client.get(PAGE).get_data(as_text=True)
    assert ("Add a term" in page) is (view and change)
    expected_change = 303 if change else 403
    assert client.post(f"{PAGE}/terms", data={"source": "camp", "target": "لاگېر"}
                       ).status_code == expected_change
    assert client.get(f"{PAGE}/terms/{term_id}/edit").status_code == (
        200 if change else 403)
    assert client.post(f"{PAGE}/terms/{term_id}", data={"source": "refugee", "target": "x"}
                       ).status_code == expected_change
    assert upload(client, CSV, "t.csv").status_code == expected_change
    assert client.post(f"{PAGE}/terms/{term_id}/delete").status_code == expected_change
    assert count(app) == (3 if change else 1)  # camp + the two imported; refugee deleted


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    for url in ("/glossary", PAGE, f"{PAGE}/export.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"{PAGE}/terms", data={"source": "x", "target": "y"}
                       ).status_code == 302


def test_index_lists_the_visible_languages_with_counts(app, client, make_user, login) -> None:
    add_term(app, "refugee", "مۇساپىر")
    as_user(client, make_user, login, "t", "translator", ["ug"])
    page = client.get("/glossary").get_data(as_text=True)
    assert 'href="/glossary/ug"' in page and 'href="/glossary/tr"' not in page
    assert "<td>1</td>" in page


def test_unknown_language_and_term_are_404(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "a", "admin")
    assert client.get("/glossary/xx").status_code == 404
    assert client.get(f"{PAGE}/terms/999/edit").status_code == 404
    term_id = add_term(app, "refugee", "mülteci", lang="tr")
    assert client.get(f"{PAGE}/terms/{term_id}/edit").status_code == 404  # a tr term
    assert client.post(f"{PAGE}/terms/{term_id}/delete").status_code == 404
    assert client.get(f"{PAGE}/export.xlsx").status_code == 404


def test_api_tokens_cannot_change_the_glossary(app, client, make_user) -> None:
    from app.services.tokens import new_token, token_hash
    from app.store.models import ApiToken

    editor = make_user("e", "editor", ["ug"])
    token = new_token("tj_")
    with database(app).session() as session:
        session.add(ApiToken(user_id=editor, token_hash=token_hash(token), name="t"))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{PAGE}/export.csv", headers=headers).status_code == 200
    assert client.post(f"{PAGE}/terms", data={"source": "x", "target": "y"},
                       headers=headers).status_code == 403
    assert count(app) == 0


# --- pages and forms ---------------------------------------------------------------------


def test_add_edit_delete_through_the_forms(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "e", "editor", ["ug"])
    response = client.post(f"{PAGE}/terms", data={"source": "UNHCR", "target": "",
                                                  "note": "UN agency", "do_not_translate": "1"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Added “UNHCR”." in response.get_data(as_text=True)
    client.post(f"{PAGE}/terms", data={"source": "United Nations", "target": "ب د ت"})
    assert terms(app) == {"UNHCR": ("UNHCR", "UN agency", True),
                          "United Nations": ("ب د ت", "", False)}
    page = client.get(PAGE).get_data(as_text=True)
    assert '<td lang="ug" dir="rtl">ب د ت</td>' in page
    assert '<td lang="en" dir="ltr">United Nations</td>' in page
    assert 'id="term-target" name="target" lang="ug" dir="rtl"' in page
    assert "do not translate" in page
    term_id = next(t.id for t in _rows(app) if t.source_term == "United Nations")
    edit = client.get(f"{PAGE}/terms/{term_id}/edit").get_data(as_text=True)
    assert 'value="ب د ت"' in edit
    client.post(f"{PAGE}/terms/{term_id}", data={"source": "United Nations",
                                                 "target": "بىرلەشكەن دۆلەتلەر",
                                                 "note": "official"})
    assert terms(app)["United Nations"] == ("بىرلەشكەن دۆلەتلەر", "official", False)
    response = client.post(f"{PAGE}/terms/{term_id}/delete", follow_redirects=True)
    assert "Deleted “United Nations”." in response.get_data(as_text=True)
    assert list(terms(app)) == ["UNHCR"]


def _rows(app) -> list[GlossaryTerm]:  # noqa: ANN001
    with database(app).session() as session:
        return glossary.list_terms(session, "ug")


def test_refused_forms_keep_the_typed_values(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "e", "editor", ["ug"])
    add_term(app, "refugee", "مۇساپىر")
    response = client.post(f"{PAGE}/terms", data={"source": "camp", "target": "",
                                                  "note": "my note"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "give the translation, or mark the term as do-not-translate" in page
    assert 'value="camp"' in page and "my note</textarea>" in page
    response = client.post(f"{PAGE}/terms", data={"source": "REFUGEE", "target": "x"})
    assert response.status_code == 400
    assert html.escape("“refugee” is already in the glossary") in response.get_data(
        as_text=True)
    term_id = _rows(app)[0].id
    response = client.post(f"{PAGE}/terms/{term_id}", data={"source": "", "target": "x"})
    assert response.status_code == 400 and "give the term" in response.get_data(as_text=True)
    assert terms(app) == {"refugee": ("مۇساپىر", "", False)}


def test_search(app, client, make_user, login) -> None:
    add_term(app, "refugee", "مۇساپىر")
    add_term(app, "camp", "لاگېر")
    as_user(client, make_user, login, "t", "translator", ["ug"])
    page = client.get(f"{PAGE}?q=لاگ").get_data(as_text=True)
    assert ">camp<" in page and ">refugee<" not in page and "1 term matching" in page


def test_import_and_export(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "e", "editor", ["ug"])
    response = upload(client, CSV, "terms.csv")
    assert response.status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert "Imported terms.csv: 2 added, 0 updated, 0 unchanged." in page
    csv_response = client.get(f"{PAGE}/export.csv")
    assert csv_response.headers["Content-Disposition"] == (
        'attachment; filename="glossary-ug.csv"')
    assert csv_response.mimetype == "text/csv"
    tbx = client.get(f"{PAGE}/export.tbx")
    assert tbx.data.startswith(b"<?xml") and "ب د ت".encode() in tbx.data
    assert upload(client, tbx.data, "glossary-ug.tbx").status_code == 303
    assert "0 added, 0 updated, 2 unchanged" in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"term,meaning\nx,y\n", "t.csv", "unknown column"),
    (bytes(range(256)), "t.csv", "not a text file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)), "t.tbx", "not a TBX file"),
    (b'<!DOCTYPE m [<!ENTITY a "b">]><martif>&a;</martif>', "t.tbx", "its own DTD"),
    (b"source,target\nrefugee,\n", "t.csv", "line 2: give the translation"),
])
def test_bad_imports_show_why_and_change_nothing(app, client, make_user, login, data, name,
                                                 message) -> None:
    as_user(client, make_user, login, "e", "editor", ["ug"])
    add_term(app, "camp", "لاگېر")
    response = upload(client, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and message in html.unescape(page)
    assert terms(app) == {"camp": ("لاگېر", "", False)}


def test_missing_file_and_too_large_file(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "e", "editor", ["ug"])
    response = client.post(f"{PAGE}/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV or TBX file" in response.get_data(
        as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024
    response = upload(client, b"source,target\n" + b"a,b\n" * 10_000, "big.csv")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert count(app) == 0


def test_forms_need_the_csrf_token_when_csrf_is_on(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "e", "editor", ["ug"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"{PAGE}/terms", data={"source": "x", "target": "y"}).status_code == 400
    assert upload(client, CSV, "t.csv").status_code == 400
    page = client.get(PAGE).get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert count(app) == 0


def test_links_partial(app, make_user) -> None:
    from flask import render_template_string
    from flask_login import login_user

    from app.store.models import Language, User

    editor = make_user("e", "editor", ["ug"])
    translator = make_user("t", "translator", ["ug"])
    with app.test_request_context(), database(app).session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        login_user(session.get(User, editor))
        as_editor = render_template_string('{% include "glossary/_links.html" %}',
                                           language=language)
        login_user(session.get(User, translator))
        as_translator = render_template_string('{% include "glossary/_links.html" %}',
                                               language=language)
    assert 'href="/glossary/ug"' in as_editor and 'href="/memory"' in as_editor
    assert 'href="/glossary/ug"' in as_translator and "/memory" not in as_translator
