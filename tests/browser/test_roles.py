"""One journey per role in a real browser (headless Debian Chromium through Playwright) against
a real ``terjime serve`` on loopback: translator, editor, publisher, admin.

The four journeys share one server (starting it costs seconds) and stay out of each other's
way: the translator works on Uyghur segments 1-3, the editor on Turkish, the publisher
releases Uyghur (seeding every sentence itself), the admin only creates accounts. Each
journey saves numbered screenshots (``artifacts/screenshots/<role>-NN-*.png``, kept by CI)
and ends by checking the browser's network log: no request left loopback, and the
Content-Security-Policy reported no violation.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD
from journeys import DOC, Site, Tab, browser  # noqa: F401  (browser is a fixture)
from libre_server import LibreServer

UYGHUR = "پۇقرالار جەمئىيىتى قايتۇرۇلۇش خەۋپىدىكى ئۇيغۇرلارنى قوغداشقا چاقىردى (UNHCR)"
MINE = "ئۇيغۇرلار قايتۇرۇلسا قاتتىق خەۋپكە دۇچ كېلىدۇ."
THEIRS = "باشقا بىر تەرجىمە."
MACHINE = "ماشىنا: "


@pytest.fixture(scope="module")
def libre():
    """A LibreTranslate-compatible engine on loopback (the only one switched on)."""
    with LibreServer(translate=lambda text, source, target: MACHINE + text) as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, libre: LibreServer):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TERJIME_LIBRETRANSLATE_URL", libre.url)
        running = Site(tmp_path_factory.mktemp("journeys"), ["ug", "tr", "ru"])
    with running.store() as session:
        from app.services import machine

        machine.set_engine_enabled(session, "libre", "ug", True, None)
    yield running
    running.stop()


def editor_url(code: str) -> str:
    return f"/documents/{DOC}/{code}"


def test_translator_types_uyghur_inserts_a_machine_suggestion_and_resolves_a_conflict(
    browser, site: Site, libre: LibreServer  # noqa: F811
) -> None:
    site.user("Dilnur", "translator", ["ug"])
    other = site.user("Aynur", "editor", ["ug"])
    tab = Tab(browser, site, "translator", locale="ug")
    page = tab.page
    tab.log_in("Dilnur")
    tab.shot("dashboard")

    # Uyghur, right to left, typed and saved with the keyboard
    tab.goto(editor_url("ug"))
    segments = page.locator("article.segment")
    first = segments.nth(0)
    target = first.locator(".seg-form textarea[name=text]")
    assert target.get_attribute("lang") == "ug"
    assert target.get_attribute("dir") == "rtl"
    target.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(UYGHUR)
    tab.shot("typing-rtl")
    page.keyboard.press("Control+Enter")  # save and move on
    first.locator("[data-role=badge]").filter(has_text="Translated").wait_for()
    assert site.row(int(first.get_attribute("data-segment-id")), "ug") == (UYGHUR, "translated")
    second = segments.nth(1)
    field = second.locator(".seg-form textarea[name=text]")
    assert field.evaluate("el => el === document.activeElement")

    # a machine suggestion from the loopback LibreTranslate, inserted with Ctrl+M <n>
    asked = len(libre.translate_requests)
    page.keyboard.press("Control+m")
    page.keyboard.press("a")  # ask the engines switched on for Uyghur
    suggestion = second.locator("[data-suggestion]").filter(
        has_text=MACHINE + "Ahead of World Refugee Day")
    suggestion.first.wait_for()
    assert len(libre.translate_requests) == asked + 1  # one request, only when asked
    number = suggestion.first.get_attribute("data-suggestion")
    page.keyboard.press("Control+m")
    page.keyboard.press(number)
    assert field.input_value().startswith(MACHINE + "Ahead of World Refugee Day 2022")
    tab.shot("machine-suggestion")
    page.keyboard.press("Control+Enter")
    second.locator("[data-role=badge]").filter(has_text="Translated").wait_for()

    # a conflict: someone saves segment 3 while Dilnur is typing in it
    third = segments.nth(2)
    field = third.locator(".seg-form textarea[name=text]")
    segment_id = int(third.get_attribute("data-segment-id"))
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(MINE)
    site.save(other, segment_id, "ug", THEIRS)
    page.keyboard.press("Control+Enter")
    conflict = third.locator("[data-role=conflict]")
    conflict.get_by_text("Someone saved this segment").wait_for()
    assert conflict.locator("[data-role=current]").inner_text() == THEIRS
    assert conflict.locator("[data-role=mine]").inner_text() == MINE
    assert conflict.locator("[data-role=current]").get_attribute("dir") == "rtl"
    tab.shot("conflict")
    conflict.get_by_role("button", name="Save my text instead").click()
    third.locator("[data-role=status]").filter(has_text="Saved").wait_for()
    assert site.row(segment_id, "ug") == (MINE, "translated")
    tab.shot("conflict-resolved")

    tab.goto(editor_url("ug") + "/preview")  # the whole statement, right to left
    page.locator("[lang=ug][dir=rtl]").filter(has_text=UYGHUR[:20]).first.wait_for()
    tab.shot("preview")
    tab.close()


def test_editor_filters_failing_checks_dismisses_a_warning_approves_and_signs_off(
    browser, site: Site  # noqa: F811
) -> None:
    translator = site.user("Kerem", "translator", ["tr"])
    editor = site.user("Ayla", "editor", ["tr"])
    # every sentence translated; all approved but the title (a warning: its full stop) and
    # the ninth sentence (no finding)
    ids = site.translate(translator, "tr", approver=editor, unapproved=(0, 8))
    tab = Tab(browser, site, "editor")
    page = tab.page
    tab.log_in("Ayla")
    tab.goto(editor_url("tr"))

    # only what still needs the editor: translated, with a failing check
    page.select_option("#f-state", "translated")
    page.check("input[name=checks]")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**checks=1**")
    segments = page.locator("article.segment")
    assert segments.count() == 1
    title = segments.first
    assert int(title.get_attribute("data-segment-id")) == ids[0]
    warning = title.locator("li.check-warning[data-check=end_punctuation]")
    assert warning.count() == 1
    tab.shot("failing-checks")

    warning.locator("input[name=reason]").fill("Turkish headings keep the full stop here")
    warning.get_by_role("button", name="Dismiss").click()
    page.get_by_text("Segment 1: warning end_punctuation dismissed.").wait_for()
    assert segments.count() == 0  # nothing fails any more among the translated ones

    page.goto(site.url(editor_url("tr") + "?state=translated"))
    assert segments.count() == 2
    dismissed = page.locator(f"#seg-{ids[0]} li[data-check=end_punctuation]")
    assert "dismissed by Ayla: Turkish headings keep the full stop here" in " ".join(
        dismissed.inner_text().split())
    for segment_id in (ids[0], ids[8]):
        page.locator(f"#t-{segment_id}").focus()
        page.keyboard.press("Control+Shift+A")  # approve with the keyboard
        page.locator(f"#seg-{segment_id} [data-role=badge]").filter(
            has_text="Approved").wait_for()
    tab.shot("dismissed-and-approved")

    page.goto(site.url(editor_url("tr")))
    page.get_by_role("button", name="Sign off Turkish").click()
    page.get_by_text("Turkish is signed off.").wait_for()
    assert "Signed off by Ayla" in page.locator(".signoff-line").inner_text()
    tab.shot("signed-off")

    page.goto(site.url(editor_url("tr") + "/preview"))  # the approved text
    page.locator("[lang=tr][dir=ltr]").filter(has_text="Uygur").first.wait_for()
    tab.shot("preview")
    tab.close()


def test_publisher_publishes_downloads_the_zip_and_checks_the_manifest(
    browser, site: Site  # noqa: F811
) -> None:
    translator = site.user("Dilnur", "translator", ["ug"])
    editor = site.user("Aynur", "editor", ["ug"])
    site.user("Kamil", "publisher")
    site.translate(translator, "ug", approver=editor)
    site.sign_off(editor, "ug")
    tab = Tab(browser, site, "publisher")
    page = tab.page
    tab.log_in("Kamil")
    page.get_by_role("link", name="Publish").click()
    page.wait_for_url(site.url("/publish"))
    ug = page.locator("tr[data-language=ug]")
    ru = page.locator("tr[data-language=ru]")
    assert "Ready to publish" in ug.inner_text()
    assert "Russian is not signed off" in ru.inner_text()
    assert ru.locator("input[type=checkbox]").is_disabled()
    tab.shot("publish-page", full_page=True)

    ug.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Publish the chosen languages").click()
    page.wait_for_url("**/releases/*")
    flash = page.locator(".flash").inner_text()
    assert "Published statement in Uyghur: release" in flash
    # translated text is right to left, the Latin transliteration left to right
    page.locator("details.first-release summary").click()
    cell = page.locator("table.release-diff td[lang=ug]").first
    cell.wait_for()
    assert cell.get_attribute("dir") == "rtl"
    latin = page.locator("tbody.variant span[lang=ug-Latn]")
    assert latin.get_attribute("dir") == "ltr"
    assert "automatic transliteration" in page.locator("tbody.variant").first.inner_text()
    tab.shot("release-page", full_page=True)

    zip_link = page.locator("dl.release-facts a.button")
    name = zip_link.get_attribute("href").rsplit("/", 1)[1]
    number = int(re.fullmatch(r"statement\.ug\.release-(\d+)\.zip", name).group(1))
    with page.expect_download() as info:
        zip_link.click()
    download = info.value
    assert download.suggested_filename == name
    data = Path(download.path()).read_bytes()
    folder = name.removesuffix(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        manifest = json.loads(bundle.read(f"{folder}/manifest.json"))
        assert manifest["document"] == DOC and manifest["language"] == "ug"
        assert manifest["release"] == number and len(manifest["source_revision"]) == 64
        names = {entry["name"] for entry in manifest["files"]}
        assert {"statement.ug.html", "statement.ug.txt", "statement.ug.md"} <= names
        for entry in manifest["files"]:
            content = bundle.read(f"{folder}/{entry['name']}")
            assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["name"]
            assert len(content) == entry["size"]
        assert "Kamil" not in json.dumps(manifest)  # no personal names in what travels
    page_hash = page.locator("dl.release-facts code.hash").nth(1).inner_text()
    assert page_hash == hashlib.sha256(data).hexdigest()
    tab.close()


def test_admin_invites_a_volunteer_who_accepts_and_logs_in(browser, site: Site) -> None:  # noqa: F811
    site.user("Gulnar", "admin")
    tab = Tab(browser, site, "admin")
    page = tab.page
    tab.log_in("Gulnar")
    page.get_by_role("link", name="People & invites").click()
    page.select_option("#role", "translator")
    page.check("input[name=languages][value=ug]")
    page.get_by_role("button", name="Create invite link").click()
    link = page.locator("#invite-link").inner_text().strip()
    assert link.startswith(site.url("/invite/"))
    tab.shot("invite-created")
    tab.log_out()

    page.goto(link)
    assert "You are invited as translator" in page.locator("main").inner_text()
    page.fill("#display_name", "Nurgul")
    page.fill("#password", TEST_PASSWORD)
    page.fill("#confirm", TEST_PASSWORD)
    tab.shot("invite-accept")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("Welcome, Nurgul!").wait_for()
    tab.log_out()

    tab.log_in("Nurgul")
    assert "Uyghur" in page.locator("table.progress-table").inner_text()
    assert page.get_by_role("link", name="People & invites").count() == 0
    tab.shot("volunteer-dashboard")
    page.goto(link)  # the link worked once
    assert "logged in as" in page.locator("main").inner_text()
    tab.log_out()
    page.goto(link)
    assert page.locator(".flash-error").count() == 1
    tab.close()
