"""The publish page: who may publish, readiness, publishing through the form (issue 6)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import require_vnu
from publish_helpers import UG, instance_files, make_ready, publish, release_rows
from review_helpers import DOC, database, save, segment_ids
from sqlalchemy import func, select

from app.store.models import AuditLog, SignOff


@pytest.fixture
def editor(make_user) -> int:
    return make_user("Aynur", "editor", ["ug"])


@pytest.fixture
def publisher(make_user, login, client) -> int:
    user_id = make_user("Kamil", "publisher")
    login(client, user_id)
    return user_id


# --- who may publish ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_log_in_page(client) -> None:
    for path in ("/publish", "/releases/1", "/releases/1/files/manifest.json",
                 f"/export/{DOC}/ug.html"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.post("/publish", data={"document": DOC}).status_code == 302


@pytest.mark.parametrize("role", ["translator", "editor"])
def test_translators_and_editors_may_not_publish(client, make_user, login, app, role) -> None:
    login(client, make_user("Dilnur", role, ["ug"]))
    assert client.get("/publish").status_code == 403
    assert publish(client, "ug").status_code == 403
    assert release_rows(app) == []
    assert 'href="/publish"' not in client.get("/").get_data(as_text=True)


def test_the_publish_page_shows_progress_sign_off_and_reasons(client, publisher, editor, app,
                                                              project_dir) -> None:
    make_ready(app, editor, project_dir)
    save(app, editor, segment_ids(app)[0], UG[1])  # re-opens the sign-off; tr stays empty
    html = client.get("/publish").get_data(as_text=True)
    assert 'href="/publish"' in html  # the nav link for publishers
    ug = html[html.index('data-language="ug"'):]
    ug = ug[:ug.index("</tr>")]
    assert "Re-opened" in ug and "segment 1 edited by Aynur" in ug
    assert "the sign-off was re-opened" in ug and " disabled" in ug
    tr = html[html.index('data-language="tr"'):]
    tr = tr[:tr.index("</tr>")]
    assert "Not signed off" in tr and "Turkish is not signed off" in tr
    assert f'href="/export/{DOC}/tr.html"' in tr and "none yet" in tr


# --- publishing through the page -----------------------------------------------------------


def test_publish_creates_a_numbered_release_and_shows_it(client, publisher, editor, app,
                                                         project_dir) -> None:
    make_ready(app, editor, project_dir)
    html = client.get("/publish").get_data(as_text=True)
    row = html[html.index('data-language="ug"'):]
    assert "Ready to publish" in row[:row.index("</tr>")]

    response = publish(client, "ug")
    assert response.status_code == 302
    (release,) = release_rows(app)
    assert release.number == 1 and release.user_id == publisher
    assert response.headers["Location"] == f"/releases/{release.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "release 1 (" in page and "Published statement in Uyghur" in page
    assert "by <bdi>Kamil</bdi>" in page and release.source_revision in page
    assert "first release of Uyghur" in page
    assert f'/releases/{release.id}/files/{release.zip_name}' in page
    # the diff cells are Uyghur, right to left
    assert re.search(r'<td lang="ug" dir="rtl">' + re.escape(UG[0]), page)
    with database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.action == "publish")) == 1

    # release 2 of the same text, from the command line (no user)
    from app.project import Project
    from app.services import releases

    with database(app).session() as session:
        releases.publish(session, Project(project_dir / "source", project_dir / "locales"),
                         app.config["INSTANCE_PATH"], DOC, ["ug"], None)
    second = release_rows(app)[-1]
    assert second.number == 2
    page = client.get(f"/releases/{second.id}").get_data(as_text=True)
    assert "Changes since release 1" in page and "No sentence changed since release 1" in page
    assert "by command line" in page
    assert f'href="/releases/{release.id}"' in page  # the earlier release is listed


def test_a_language_not_signed_off_is_refused_and_nothing_changes(client, publisher, editor,
                                                                   app, project_dir) -> None:
    make_ready(app, editor, project_dir)
    response = publish(client, "ug", "tr")  # ug is ready, tr is not: neither is published
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Nothing was published" in html
    assert "statement tr: Turkish is not signed off" in html
    assert release_rows(app) == [] and instance_files(app) == []
    # the choice is kept on the page
    assert re.search(r'value="ug" checked', html)


def test_a_reopened_sign_off_is_refused(client, publisher, editor, app, project_dir) -> None:
    make_ready(app, editor, project_dir)
    assert save(app, editor, segment_ids(app)[2], "ئۆزگەرتىلگەن جۈملە.")[0]
    with database(app).session() as session:
        assert session.scalar(select(SignOff)).reopened_at is not None
    response = publish(client, "ug")
    assert response.status_code == 409
    assert "the sign-off was re-opened" in response.get_data(as_text=True)
    assert release_rows(app) == [] and instance_files(app) == []


@pytest.mark.parametrize(("form", "message"), [
    ({"document": DOC}, "Choose at least one language"),
    ({"document": "nope", "languages": ["ug"]}, "Unknown statement"),
    ({"document": DOC, "languages": ["xx"]}, "Unknown language: xx"),
])
def test_bad_publish_forms_say_why(client, publisher, app, form, message) -> None:
    response = client.post("/publish", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert release_rows(app) == []


def test_publishing_needs_the_csrf_token(client, publisher, editor, app, project_dir) -> None:
    make_ready(app, editor, project_dir)
    app.config["WTF_CSRF_ENABLED"] = True
    assert publish(client, "ug").status_code == 400
    assert release_rows(app) == []
    html = client.get("/publish").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/publish", data={"document": DOC, "languages": "ug",
                                             "csrf_token": token})
    assert response.status_code == 302 and len(release_rows(app)) == 1


def test_the_pages_are_valid_html(client, publisher, editor, app, project_dir,
                                  tmp_path) -> None:
    vnu = require_vnu()
    make_ready(app, editor, project_dir)
    pages = {"publish.html": client.get("/publish"),
             "refused.html": publish(client, "ug", "tr"),
             "missing.html": client.get(f"/export/{DOC}/ug.exe")}
    pages["release.html"] = client.get(publish(client, "ug").headers["Location"])
    for name, response in pages.items():
        (tmp_path / name).write_bytes(response.data)
    result = subprocess.run([*vnu, "--errors-only", "--format", "json",
                             *(str(tmp_path / name) for name in pages)],
                            capture_output=True, text=True, timeout=300)
    assert json.loads(result.stderr or result.stdout)["messages"] == []
    assert result.returncode == 0
