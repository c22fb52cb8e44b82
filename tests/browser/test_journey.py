"""The main journey in a real browser: log in → edit a Uyghur segment with the keyboard → save →
approve → the preview shows it. Headless Debian Chromium through Playwright, against a real
``terjime serve`` on loopback; screenshots go to ``artifacts/screenshots`` (CI keeps them), and
the browser's network log must never leave loopback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEST_PASSWORD, require_tool
from servers import Server

from app.project import Project
from app.services import catalogs

TERJIME = str(Path(sys.executable).with_name("terjime"))
SHOTS = Path(os.environ.get("TERJIME_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
UYGHUR = "پۇقرالار جەمئىيىتى قايتۇرۇلۇش خەۋپىدىكى ئۇيغۇرلارنى قوغداشقا چاقىردى (UNHCR)"


@pytest.fixture
def browser():
    chromium = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def server(project_dir: Path):
    catalogs.init(Project(), ["ug", "tr"])
    running = Server(project_dir)
    running.wait_ready()
    subprocess.run(
        [TERJIME, "user", "add", "Aynur", "--role", "editor", "--lang", "ug", "--password-stdin"],
        input=TEST_PASSWORD,
        text=True,
        cwd=project_dir,
        check=True,
        capture_output=True,
    )
    yield running
    assert running.stop() == 0, running.output


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_translate_approve_and_preview_in_uyghur(browser, server: Server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ug")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(server.url("/login"))
    page.fill("#display_name", "Aynur")
    page.fill("#password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server.url("/"))
    shot(page, "01-dashboard")

    page.goto(server.url("/documents/statement/ug"))
    first = page.locator("article.segment").first
    target = first.locator(".seg-form textarea[name=text]")
    assert target.get_attribute("lang") == "ug" and target.get_attribute("dir") == "rtl"
    target.click()
    page.keyboard.insert_text(UYGHUR)
    shot(page, "02-editor-typing")
    page.keyboard.press("Control+Enter")  # save and move on
    badge = first.locator("[data-role=badge]")
    badge.filter(has_text="Translated").wait_for()
    second_target = page.locator("article.segment").nth(1).locator(".seg-form textarea")
    assert second_target.evaluate("el => el === document.activeElement")

    target.focus()
    page.keyboard.press("Control+Shift+A")  # approve (editor)
    badge.filter(has_text="Approved").wait_for()
    shot(page, "03-editor-approved")

    page.goto(server.url("/documents/statement/ug/preview"))
    translated = page.locator("[lang=ug][dir=rtl]").filter(has_text=UYGHUR[:20])
    translated.first.wait_for()
    shot(page, "04-preview")

    outside = [
        url for url in requests if not url.startswith((server.url(""), "data:", "about:", "blob:"))
    ]
    assert outside == [], f"requests left loopback: {outside}"
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert csp == [], csp


def test_translator_inserts_a_machine_suggestion_with_the_keyboard(
    browser, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from libre_server import LibreServer

    catalogs.init(Project(), ["ug"])
    with LibreServer(translate=lambda text, source, target: f"ماشىنا: {text}") as libre:
        monkeypatch.setenv("TERJIME_LIBRETRANSLATE_URL", libre.url)
        running = Server(project_dir)
        try:
            running.wait_ready()
            for command in (
                [
                    "user",
                    "add",
                    "Dilnur",
                    "--role",
                    "translator",
                    "--lang",
                    "ug",
                    "--password-stdin",
                ],
                ["mt", "enable", "libre", "--lang", "ug"],
            ):
                subprocess.run(
                    [TERJIME, *command],
                    input=TEST_PASSWORD,
                    text=True,
                    cwd=project_dir,
                    check=True,
                    capture_output=True,
                )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(running.url("/login"))
            page.fill("#display_name", "Dilnur")
            page.fill("#password", TEST_PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(running.url("/"))

            page.goto(running.url("/documents/statement/ug"))
            first = page.locator("article.segment").first
            target = first.locator(".seg-form textarea[name=text]")
            target.click()
            assert libre.translate_requests == []  # opening the panel sends nothing
            page.keyboard.press("Control+m")
            page.keyboard.press("a")  # ask the enabled engines
            first.get_by_text("ماشىنا: Civil Society calls").first.wait_for()
            page.keyboard.press("Control+m")
            page.keyboard.press("1")  # insert suggestion 1
            assert target.input_value() == (
                "ماشىنا: Civil Society calls for urgent measures to protect Uyghurs at risk "
                "of refoulement"
            )
            shot(page, "05-translator-machine-suggestion")
            page.keyboard.press("Control+Enter")
            first.locator("[data-role=badge]").filter(has_text="Translated").wait_for()
            assert len(libre.translate_requests) == 1
            assert [u for u in requests if not u.startswith((running.url(""), "data:"))] == []
        finally:
            assert running.stop() == 0, running.output
