"""Release pages, release downloads (recorded names only) and draft exports (issue 6)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from publish_helpers import UG, make_ready, project_of, publish, release_rows
from release_helpers import edit, sign_off
from review_helpers import DOC, database, save, segment_ids
from sqlalchemy import func, select

from app.export import DRAFT_MARK, RENDERERS
from app.store.models import AuditLog, ReleaseFile


@pytest.fixture
def editor(make_user) -> int:
    return make_user("Aynur", "editor", ["ug"])


@pytest.fixture
def publisher(make_user, login, client) -> int:
    user_id = make_user("Kamil", "publisher")
    login(client, user_id)
    return user_id


# --- the release page ----------------------------------------------------------------------


def test_a_changed_sentence_shows_as_a_word_diff(client, publisher, editor, app,
                                                 project_dir) -> None:
    make_ready(app, editor, project_dir)
    assert publish(client, "ug").status_code == 302
    # segment 2 (with its three numbers) edited, approved, and the language signed off again
    edit(database(app), editor, "ug", 1, UG[1].replace("تېزدىن", "دەرھال") + " 2022 22 50")
    sign_off(database(app), project_of(project_dir), editor, "ug")
    assert publish(client, "ug").status_code == 302
    page = client.get(f"/releases/{release_rows(app)[-1].id}").get_data(as_text=True)
    assert "Changes since release 1" in page
    assert "<del>تېزدىن</del><ins>دەرھال</ins>" in page
    assert page.count('class="change-changed"') == 1


# --- downloads -----------------------------------------------------------------------------


def test_release_files_and_zip_download_with_matching_checksums(client, publisher, editor,
                                                                app, project_dir) -> None:
    make_ready(app, editor, project_dir)
    publish(client, "ug")
    (release,) = release_rows(app)
    with database(app).session() as session:
        files = {f.filename: (f.sha256, f.media_type) for f in session.scalars(
            select(ReleaseFile).where(ReleaseFile.release_id == release.id))}
    assert "statement.ug.html" in files
    for name, (digest, media_type) in files.items():
        with client.get(f"/releases/{release.id}/files/{name}") as response:
            assert response.status_code == 200, name
            assert hashlib.sha256(response.data).hexdigest() == digest
            assert response.mimetype == media_type.split(";")[0]
            assert response.headers["Content-Disposition"].startswith("attachment")
    with client.get(f"/releases/{release.id}/files/{release.zip_name}") as archive:
        assert archive.mimetype == "application/zip"
        data = archive.data
    assert hashlib.sha256(data).hexdigest() == release.zip_sha256
    folder = release.zip_name.removesuffix(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        manifest = json.loads(bundle.read(f"{folder}/manifest.json"))
        for entry in manifest["files"]:
            content = bundle.read(f"{folder}/{entry['name']}")
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    assert {entry["name"] for entry in manifest["files"]} == set(files)


def test_variant_files_are_labelled_and_left_to_right(client, publisher, editor, app,
                                                      project_dir) -> None:
    pytest.importorskip("app.export.variants")
    make_ready(app, editor, project_dir)
    publish(client, "ug")
    (release,) = release_rows(app)
    page = client.get(f"/releases/{release.id}").get_data(as_text=True)
    latin = page[page.index("<code>ug-Latn</code>"):]
    latin = latin[:latin.index("</tbody>")]
    assert "automatic transliteration" in latin
    assert 'lang="ug-Latn" dir="ltr"' in latin
    assert "statement.ug-Latn.html" in latin


def test_only_recorded_names_are_served(client, publisher, editor, app, project_dir) -> None:
    make_ready(app, editor, project_dir)
    publish(client, "ug")
    (release,) = release_rows(app)
    # a real file beside the releases folder must stay out of reach
    (Path(app.config["INSTANCE_PATH"]) / "outside.txt").write_text("secret", encoding="utf-8")
    for name in ("../../../../outside.txt", "..%2F..%2F..%2F..%2Foutside.txt",
                 "%2e%2e%2f%2e%2e%2fterjime.db", "outside.txt", "terjime.db", "units.jsonx",
                 "statement.tr.html", "..", "%2e%2e", ".statement.ug.html"):
        response = client.get(f"/releases/{release.id}/files/{name}")
        assert response.status_code == 404, name
    with client.get(f"/releases/{release.id}/files/manifest.json") as manifest:
        assert manifest.status_code == 200 and manifest.mimetype == "application/json"


def test_a_damaged_release_is_reported_on_its_page(client, publisher, editor, app,
                                                  project_dir) -> None:
    make_ready(app, editor, project_dir)
    publish(client, "ug")
    (release,) = release_rows(app)
    folder = Path(app.config["INSTANCE_PATH"]) / "releases" / DOC / "ug" / "1"
    (folder / "statement.ug.txt").write_text("tampered", encoding="utf-8")
    (folder / "units.json").unlink()
    page = client.get(f"/releases/{release.id}").get_data(as_text=True)
    assert "no longer match their recorded checksums" in page
    assert "statement.ug.txt: checksum mismatch" in page and "units.json: missing" in page
    assert "The changes cannot be shown" in page
    missing = client.get(f"/releases/{release.id}/files/units.json")
    assert missing.status_code == 404 and "missing on the server" in missing.get_data(True)


def test_unknown_release_is_404_and_other_languages_403(client, make_user, login, editor, app,
                                                        project_dir) -> None:
    make_ready(app, editor, project_dir)
    login(client, make_user("Kamil", "publisher"))
    publish(client, "ug")
    (release,) = release_rows(app)
    assert client.get("/releases/999").status_code == 404
    login(client, make_user("Ayla", "translator", ["tr"]))
    assert client.get(f"/releases/{release.id}").status_code == 403
    assert client.get(f"/releases/{release.id}/files/{release.zip_name}").status_code == 403
    login(client, make_user("Dilnur", "translator", ["ug"]))  # may view Uyghur
    assert client.get(f"/releases/{release.id}").status_code == 200


# --- drafts --------------------------------------------------------------------------------


def test_a_draft_export_is_marked_and_never_recorded(client, make_user, login, app) -> None:
    login(client, make_user("Dilnur", "translator", ["ug"]))
    ids = segment_ids(app)
    assert save(app, make_user("Aynur", "editor", ["ug"]), ids[0], UG[0])[0]
    response = client.get(f"/export/{DOC}/ug.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="statement.ug.draft.html"'
    text = response.get_data(as_text=True)
    assert DRAFT_MARK in text and UG[0] in text
    assert 'lang="ug"' in text and 'dir="rtl"' in text
    txt = client.get(f"/export/{DOC}/ug.txt")
    assert txt.mimetype == "text/plain" and DRAFT_MARK in txt.get_data(as_text=True)
    assert release_rows(app) == []
    with database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.action == "publish")) == 0


def test_every_registered_format_exports_a_draft(client, publisher, app) -> None:
    for name, renderer in RENDERERS.items():
        response = client.get(f"/export/{DOC}/tr.{name}")
        assert response.status_code == 200, name
        assert response.mimetype == renderer.media_type.split(";")[0]
        assert f'filename="statement.tr.draft.{renderer.extension}"' in \
            response.headers["Content-Disposition"]


def test_a_variant_draft_is_left_to_right(client, publisher, app) -> None:
    pytest.importorskip("app.export.variants")
    response = client.get(f"/export/{DOC}/ug-Latn.html")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'lang="ug-Latn"' in text and 'dir="ltr"' in text and DRAFT_MARK in text


def test_a_language_with_a_script_subtag_is_not_mistaken_for_a_variant(client, publisher,
                                                                       app) -> None:
    from app.store.models import Language

    with database(app).session() as session:
        session.add(Language(code="zh_Hans", name="Chinese (Simplified)", native_name="简体中文",
                             direction="ltr"))
    html = client.get("/publish").get_data(as_text=True)
    assert f'href="/export/{DOC}/zh-Hans.txt"' in html
    response = client.get(f"/export/{DOC}/zh-Hans.txt")
    assert response.status_code == 200
    assert 'filename="statement.zh-Hans.draft.txt"' in response.headers["Content-Disposition"]


@pytest.mark.parametrize(("path", "message"), [
    (f"/export/{DOC}/ug.exe", "Unknown format &#39;exe&#39;"),
    (f"/export/{DOC}/xx.html", "There is no language &#39;xx&#39;"),
    (f"/export/{DOC}/ug", "There is no language"),
    (f"/export/{DOC}/tr-Latn.html", "has no automatic &#39;Latn&#39; script variant"),
    ("/export/nope/ug.html", "There is no statement called &#39;nope&#39;"),
])
def test_unknown_format_language_or_document_is_404_with_a_message(client, publisher, path,
                                                                   message) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)


def test_drafts_only_for_languages_one_may_view(client, make_user, login) -> None:
    login(client, make_user("Ayla", "translator", ["tr"]))
    assert client.get(f"/export/{DOC}/ug.html").status_code == 403
    assert client.get(f"/export/{DOC}/tr.html").status_code == 200
