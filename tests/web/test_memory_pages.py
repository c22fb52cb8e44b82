"""Translation-memory page: editors and admins only; TMX import/export; the PO feed."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from app.core.tmx import read_tmx
from app.services import memory
from app.store.models import AuditLog, MemoryUnit

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" creationtool="x" creationtoolversion="1"
 segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en"><seg>No return is safe for Uyghurs.</seg></tuv>
    <tuv xml:lang="ug-CN"><seg>ئۇيغۇرلار ئۈچۈن ھېچقانداق قايتۇرۇش بىخەتەر ئەمەس.</seg></tuv>
    <tuv xml:lang="tr"><seg>Uygurlar için hiçbir geri dönüş güvenli değildir.</seg></tuv></tu>
</body></tmx>""".encode()


@pytest.fixture(autouse=True)
def _fresh_indexes():
    memory.reset_indexes()
    yield
    memory.reset_indexes()


def database(app):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


def units(app) -> dict[str, int]:  # noqa: ANN001
    from app.store.models import Language

    with database(app).session() as session:
        return dict(session.execute(select(Language.code, func.count(MemoryUnit.id))
                                    .join(MemoryUnit, MemoryUnit.language_id == Language.id)
                                    .group_by(Language.code)).all())


def as_user(client, make_user, login, role: str, languages: list[str] | None = None  # noqa: ANN001
            ) -> int:
    user_id = make_user(f"{role}-{'-'.join(languages or ['all'])}", role, languages)
    login(client, user_id)
    return user_id


def upload(client, data: bytes = TMX, lang: str = "ug", name: str = "old.tmx"):  # noqa: ANN001, ANN201
    return client.post("/memory/import", data={"lang": lang, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("role", "languages", "page", "ug"), [
    ("translator", ["ug"], 403, 403),
    ("translator", None, 403, 403),
    ("publisher", None, 403, 403),
    ("editor", ["tr"], 200, 403),
    ("editor", ["ug"], 200, 200),
    ("admin", None, 200, 200),
])
def test_authorization(app, client, make_user, login, role, languages, page, ug) -> None:
    as_user(client, make_user, login, role, languages)
    assert client.get("/memory").status_code == page
    assert client.get("/memory/ug/export.tmx").status_code == ug
    status = upload(client).status_code
    assert status == (200 if ug == 200 else page if page == 403 else 400)
    assert client.post("/memory/po-feed").status_code in (
        {303} if role == "admin" else {403})
    assert units(app) == ({"ug": 1} if ug == 200 else {})


def test_anonymous_and_token_requests_are_refused(app, client, make_user) -> None:
    response = client.get("/memory")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    from app.services.tokens import new_token, token_hash
    from app.store.models import ApiToken

    admin = make_user("a", "admin")
    token = new_token("tj_")
    with database(app).session() as session:
        session.add(ApiToken(user_id=admin, token_hash=token_hash(token), name="t"))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/memory/ug/export.tmx", headers=headers).status_code == 403


def test_editor_page_lists_only_their_languages(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "editor", ["ug"])
    page = client.get("/memory").get_data(as_text=True)
    assert 'href="/memory/ug/export.tmx"' in page and "/memory/tr/export.tmx" not in page
    assert "Every language of the file" not in page and "Feed from PO files" not in page
    assert '<span lang="ug" dir="rtl">' in page


def test_import_shows_a_summary_and_export_round_trips(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "editor", ["ug"])
    response = upload(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Imported old.tmx" in page and "<td>1</td>" in page and "tr" in page  # not imported
    again = upload(client).get_data(as_text=True)
    assert "Already in the memory (skipped)</th><td>1</td>" in again
    exported = client.get("/memory/ug/export.tmx")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="memory-ug.tmx"'
    assert read_tmx(exported.data).pairs("en", "ug") == [
        ("No return is safe for Uyghurs.", "ئۇيغۇرلار ئۈچۈن ھېچقانداق قايتۇرۇش بىخەتەر ئەمەس.")]
    with database(app).session() as session:
        assert session.scalar(select(AuditLog.target).where(
            AuditLog.action == "memory-import")) == "old.tmx"
    assert units(app) == {"ug": 1}


def test_admins_may_import_every_language_of_a_file(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "admin")
    page = client.get("/memory").get_data(as_text=True)
    assert "Every language of the file" in page and "Feed from PO files" in page
    assert upload(client, lang="*").status_code == 200
    assert units(app) == {"tr": 1, "ug": 1}


def test_editors_may_not_import_all_languages(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "editor", ["ug"])
    assert upload(client, lang="*").status_code == 403
    response = upload(client, lang="")
    assert response.status_code == 400 and "Choose a language you edit" in response.get_data(
        as_text=True)
    assert units(app) == {}


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00\x01\x02binary", "not a TMX file: it is not well-formed XML"),
    (b"<tmx version='1.4'><body><tu>", "not well-formed"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
     b"<tmx>&lol2;</tmx>", "it declares its own DTD"),
    (b"<xliff/>", "root element is <xliff>"),
    (TMX.replace(b"ug-CN", b"fr"), "has no units for ug"),
])
def test_bad_files_are_refused_with_a_reason(app, client, make_user, login, data,
                                             message) -> None:
    as_user(client, make_user, login, "editor", ["ug"])
    response = upload(client, data)
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Nothing was imported" in page and message in page
    assert units(app) == {}


def test_missing_and_too_large_files(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "editor", ["ug"])
    response = client.post("/memory/import", data={"lang": "ug"},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a TMX file" in response.get_data(
        as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 8 * 1024
    response = upload(client, TMX + b" " * 20_000)
    assert response.status_code == 413
    assert "terjime memory import" in response.get_data(as_text=True)
    assert units(app) == {}


def test_po_feed_from_the_locales_folder(app, client, make_user, login, app_config) -> None:
    from pathlib import Path

    from app.core.catalog import Catalog, Entry
    from app.core.pofile import write_po

    path = Path(app_config["LOCALES_DIR"]) / "ug" / "LC_MESSAGES" / "older.po"
    write_po(path, Catalog(header={"Language": "ug"}, entries=[
        Entry("Removed sentence.", "ئۆچۈرۈلگەن جۈملە.", obsolete=True)]))
    as_user(client, make_user, login, "admin")
    response = client.post("/memory/po-feed", follow_redirects=True)
    assert "Added 1 units from the PO files" in response.get_data(as_text=True)
    assert units(app) == {"ug": 1}


def test_import_needs_the_csrf_token_when_csrf_is_on(app, client, make_user, login) -> None:
    as_user(client, make_user, login, "admin")
    app.config["WTF_CSRF_ENABLED"] = True
    assert upload(client).status_code == 400
    assert client.post("/memory/po-feed").status_code == 400
    assert units(app) == {}
