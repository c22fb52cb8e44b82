"""Download and upload of a language's PO file: who may, what is merged, what is refused."""

from __future__ import annotations

import html
import io
import os

import pytest
from sqlalchemy import func, select

from app.core.pofile import format_po, parse_po
from app.services.sync import record_change
from app.services.uploads import SNAPSHOT_HEADER
from app.store.models import History, Language, Segment, Suggestion, Translation

DOWNLOAD = "/documents/statement/ug/po"


def database(app):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


def texts(app, code: str = "ug") -> dict[str, tuple[str, str, int]]:  # noqa: ANN001
    with database(app).session() as session:
        rows = session.execute(select(Segment.msgid, Translation.text, Translation.state,
                                      Translation.revision)
                               .join(Translation, Translation.segment_id == Segment.id)
                               .join(Language).where(Language.code == code)).all()
    return {msgid: (text, state, revision) for msgid, text, state, revision in rows}


def counts(app) -> tuple[int, int]:  # noqa: ANN001
    with database(app).session() as session:
        return (session.scalar(select(func.count(History.id))),
                session.scalar(select(func.count(Suggestion.id))))


def edit_in_db(app, msgid: str, text: str, code: str = "ug") -> None:  # noqa: ANN001
    with database(app).session() as session:
        row = session.scalar(select(Translation).join(Segment).join(Language)
                             .where(Segment.msgid == msgid, Language.code == code))
        assert record_change(session, row, text, "translated", action="save", user_id=None,
                             provenance="human")


def upload(client, data: bytes, name: str = "statement.ug.po", lang: str = "ug"):  # noqa: ANN001, ANN201
    return client.post(f"/documents/statement/{lang}/po",
                       data={"po": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def translator(client, make_user, login):  # noqa: ANN001, ANN201
    user_id = make_user("ug-translator", "translator", ["ug"])
    login(client, user_id)
    return user_id


def download(client) -> tuple[bytes, object]:  # noqa: ANN001
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    return response.data, parse_po(response.data.decode("utf-8"))


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role, languages, status", [
    ("translator", ["ug"], 200),
    ("editor", ["ug"], 200),
    ("admin", None, 200),
    ("translator", None, 200),  # a translator for all languages
    ("translator", ["tr"], 403),
    ("publisher", None, 403),
])
def test_download_and_upload_form_by_role(client, make_user, login, role, languages,
                                          status) -> None:
    login(client, make_user("someone", role, languages))
    assert client.get(DOWNLOAD).status_code == status
    assert client.get(DOWNLOAD + "/upload").status_code == status
    if status == 403:
        assert upload(client, b"whatever").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client) -> None:
    assert client.get(DOWNLOAD).status_code == 302
    assert "/login" in client.get(DOWNLOAD).headers["Location"]
    assert upload(client, b"x").status_code in (302, 400)


def test_unknown_document_or_language_is_404(client, translator) -> None:
    assert client.get("/documents/nothing/ug/po").status_code == 404
    assert client.get("/documents/nothing/ug/po/upload").status_code == 404
    assert upload(client, b"x").status_code != 404


# --- download ------------------------------------------------------------------------------


def test_download_serialises_the_database_state(app, client, translator) -> None:
    first = next(iter(texts(app)))
    edit_in_db(app, first, "بىرىنچى جۈملە")
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="statement.ug.po"'
    assert response.mimetype == "text/x-gettext-translation"
    catalog = parse_po(response.data.decode("utf-8"))
    assert catalog.language == "ug"
    assert catalog.header["Last-Translator"] == "Terjime volunteers"
    assert SNAPSHOT_HEADER in catalog.header
    assert {e.msgid: e.msgstr for e in catalog.active}[first] == "بىرىنچى جۈملە"
    assert "ug-translator" not in response.data.decode("utf-8")


def test_the_upload_form_has_the_csrf_field_and_links(client, translator) -> None:
    page = client.get(DOWNLOAD + "/upload").get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'enctype="multipart/form-data"' in page
    assert 'lang="ug" dir="rtl"' in page


# --- upload --------------------------------------------------------------------------------


def test_upload_saves_changed_entries_as_new_revisions(app, client, translator) -> None:
    _, catalog = download(client)
    catalog.active[0].msgstr = "يېڭى تەرجىمە"
    catalog.active[1].msgstr = "ئىككىنچى"
    catalog.active[1].fuzzy = True
    response = upload(client, format_po(catalog).encode())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Updated</th><td>2" in page
    rows = texts(app)
    assert rows[catalog.active[0].msgid] == ("يېڭى تەرجىمە", "translated", 1)
    assert rows[catalog.active[1].msgid] == ("ئىككىنچى", "draft", 1)
    with database(app).session() as session:
        history = session.scalar(select(History).where(History.action == "upload"))
        assert history.user_id == translator


def test_upload_keeps_a_text_changed_meanwhile_as_a_suggestion(app, client,
                                                               translator) -> None:
    _, catalog = download(client)
    msgid = catalog.active[0].msgid
    edit_in_db(app, msgid, "باشقىلار ئۆزگەرتتى")  # someone saves after the download
    other = catalog.active[1].msgid
    edit_in_db(app, other, "پەقەت ساندان")  # changed in the DB, left alone in the file
    catalog.active[0].msgstr = "مېنىڭ تېكىستىم"
    response = upload(client, format_po(catalog).encode())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Updated</th><td>0" in page and "suggestions" in page
    assert "مېنىڭ تېكىستىم" in page
    rows = texts(app)
    assert rows[msgid][0] == "باشقىلار ئۆزگەرتتى"
    assert rows[other][0] == "پەقەت ساندان"  # the stale file text did not revert it
    with database(app).session() as session:
        suggestions = session.scalars(select(Suggestion)).all()
        assert [(s.text, s.origin, s.user_id) for s in suggestions] == [
            ("مېنىڭ تېكىستىم", "file", translator)]


def test_upload_without_snapshot_uses_the_last_sync(app, client, translator) -> None:
    _, catalog = download(client)
    del catalog.header[SNAPSHOT_HEADER]
    catalog.active[0].msgstr = "gitتىن"
    assert upload(client, format_po(catalog).encode()).status_code == 200
    assert texts(app)[catalog.active[0].msgid][0] == "gitتىن"


def test_empty_entries_never_clear_a_translation(app, client, translator) -> None:
    msgid = next(iter(texts(app)))
    edit_in_db(app, msgid, "ساقلىنىدۇ")
    _, catalog = download(client)
    for entry in catalog.active:
        entry.msgstr = ""
    response = upload(client, format_po(catalog).encode())
    assert response.status_code == 200
    assert texts(app)[msgid][0] == "ساقلىنىدۇ"
    assert "existing translations kept" in response.get_data(as_text=True)


def test_unknown_entries_are_counted(app, client, translator) -> None:
    _, catalog = download(client)
    extra = type(catalog.active[0])(msgid="Not in the statement.", msgstr="يوق")
    catalog.entries.append(extra)
    catalog.active[0].msgstr = "بار"
    page = upload(client, format_po(catalog).encode()).get_data(as_text=True)
    assert "Unknown entries (not in this statement)</th><td>1" in page


BAD_UPLOADS = {
    "binary garbage": (os.urandom(4096) + b"\x00", "binary file"),
    "syntax error": (None, "statement.ug.po:"),
    "wrong language": ("tr", "for language 'tr'"),
    "empty file": (b"", "empty"),
    "another document": (b'msgid ""\nmsgstr "Language: ug\\n"\n\nmsgid "Other"\nmsgstr "x"\n',
                         "none of its 1 entries"),
    "control character": ("control", "control character"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_are_refused_and_change_nothing(app, client, translator, case) -> None:
    data, message = BAD_UPLOADS[case]
    raw, catalog = download(client)
    catalog.active[0].msgstr = "بۇزۇق"
    if data is None:
        data = format_po(catalog).replace('msgstr "بۇزۇق"', 'msgstr "بۇزۇق"\nnonsense').encode()
    elif data == "tr":
        catalog.header["Language"] = "tr"
        data = format_po(catalog).encode()
    elif data == "control":
        catalog.active[0].msgstr = "bad\x07bell"
        data = format_po(catalog).encode()
    before, history = texts(app), counts(app)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert texts(app) == before and counts(app) == history


def test_a_syntax_error_names_the_line(client, translator) -> None:
    raw, _ = download(client)
    lines = raw.decode().split("\n")
    lines.insert(30, "nonsense")
    response = upload(client, "\n".join(lines).encode())
    assert response.status_code == 400
    assert "statement.ug.po:31:" in response.get_data(as_text=True)


def test_missing_file_is_refused(client, translator) -> None:
    response = client.post(DOWNLOAD, data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a PO file" in response.get_data(as_text=True)


def test_a_huge_upload_gets_413_with_a_clear_message(app, client, translator) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before = texts(app)
    response = upload(client, b"#" * (128 * 1024))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than the" in page and "nothing was changed" in page
    assert texts(app) == before


def test_upload_needs_the_csrf_token_when_csrf_is_on(app, client, translator) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    _, catalog = download(client)
    response = upload(client, format_po(catalog).encode())
    assert response.status_code == 400


def test_an_upload_wakes_the_background_writer(app, client, translator) -> None:
    calls = []

    class Recorder:
        def notify(self, document: str, language: str) -> None:
            calls.append((document, language))

    app.extensions["terjime.writer"] = Recorder()
    _, catalog = download(client)
    catalog.active[0].msgstr = "ئويغات"
    assert upload(client, format_po(catalog).encode()).status_code == 200
    assert calls == [("statement", "ug")]


def test_the_editor_partial_links_to_download_and_upload(app, client, translator) -> None:
    from flask import render_template
    from flask_login import login_user

    from app.services.uploads import find_catalogue
    from app.store.models import User
    from app.web import db_session

    with app.test_request_context("/"):
        session = db_session()
        login_user(session.get(User, translator))
        document, language = find_catalogue(session, "statement", "ug")
        html_text = render_template("files/_po_links.html", document=document,
                                    language=language)
        tr = find_catalogue(session, "statement", "tr")[1]
        hidden = render_template("files/_po_links.html", document=document, language=tr)
    assert 'href="/documents/statement/ug/po"' in html_text
    assert 'href="/documents/statement/ug/po/upload"' in html_text
    assert "href" not in hidden  # not offered for a language the user cannot translate
