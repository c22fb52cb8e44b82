"""The suggestions panel (memory, machine, glossary; numbered; the privacy switch) and bulk
pretranslation from the web UI with its progress, against a loopback LibreTranslate server."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
from libre_server import Fault, LibreServer
from review_helpers import DOC, database, row, save
from sqlalchemy import func, select

from app.services import machine
from app.store.models import Document, GlossaryTerm, Job, Language, MemoryUnit, Segment

EDITOR = f"/documents/{DOC}/ug"


@pytest.fixture
def sources(app) -> list[tuple[int, str]]:
    with database(app).session() as session:
        doc = session.scalar(select(Document).where(Document.name == DOC))
        return [tuple(r) for r in session.execute(
            select(Segment.id, Segment.msgid).where(Segment.document_id == doc.id,
                                                    Segment.active.is_(True))
            .order_by(Segment.position))]


@pytest.fixture
def translator(make_user, login, client) -> int:
    user_id = make_user("aygul", "translator", ["ug"])
    login(client, user_id)
    return user_id


@pytest.fixture
def editor(make_user, login, client) -> int:
    user_id = make_user("ilham", "editor", ["ug"])
    login(client, user_id)
    return user_id


def with_id(sources: list[tuple[int, str]], word: str) -> tuple[int, str]:
    return next(item for item in sources if word in item[1])


def configure(app, server: LibreServer | None, enable: bool = True, **extra) -> None:  # noqa: ANN001, ANN003
    app.config.update(TERJIME_LIBRETRANSLATE_URL=server.url if server else "",
                      TERJIME_MT_RETRIES=0, TERJIME_MT_BACKOFF=0, TERJIME_MT_TIMEOUT=2, **extra)
    with database(app).session() as session:
        machine.set_engine_enabled(session, "libre", "ug", enable, None)


def add_memory(app, source: str, target: str) -> None:  # noqa: ANN001
    with database(app).session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        session.add(MemoryUnit(language_id=ug, source_text=source, target_text=target,
                               origin="earlier-statement.tmx"))


def add_term(app, term: str, translation: str = "", note: str = "",  # noqa: ANN001
             keep: bool = False) -> None:
    with database(app).session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        session.add(GlossaryTerm(language_id=ug, source_term=term, target_term=translation,
                                 note=note, do_not_translate=keep))


def items(html: str) -> list[dict[str, str]]:
    """The numbered suggestions of a panel, from their data- attributes (what assist.js uses)."""
    found = []
    for match in re.finditer(r"<li ([^>]*data-suggestion=[^>]*)>", html):
        attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))
        found.append({k: unescape(v) for k, v in attrs.items()})
    return found


# --- the panel -----------------------------------------------------------------------------


def test_panel_numbers_memory_machine_and_glossary(client, translator, app, sources) -> None:
    sid, source = with_id(sources, "UNHCR remains limited")
    add_memory(app, source.replace("limited", "very limited"), "ئەستىكى تەرجىمە")
    add_term(app, "UNHCR", note="the UN refugee agency", keep=True)
    add_term(app, "transnational repression", "دۆلەت ھالقىغان باستۇرۇش")
    with LibreServer() as server:
        configure(app, server, TERJIME_LIBRETRANSLATE_SELF_HOSTED="0")
        url = f"{EDITOR}/segments/{sid}/assist/fragment"
        first = client.get(url)
        assert first.status_code == 200
        html = first.get_data(as_text=True)
        assert server.requests == []  # opening the panel sends nothing anywhere
        assert "Ask LibreTranslate" in html and 'data-ask="libre"' in html
        assert "a third party" in html
        asked = client.get(url + "?ask=libre").get_data(as_text=True)
        assert len(server.translate_requests) == 1
        again = client.get(url + "?ask=libre").get_data(as_text=True)
        assert len(server.translate_requests) == 1  # cached per source, engine and language
        assert "from the cache" in again
    found = items(asked)
    assert [item["suggestion"] for item in found] == [str(n) for n in range(1, len(found) + 1)]
    kinds = [item["kind"] for item in found]
    assert kinds == ["memory", "machine", "glossary", "glossary"]
    memory, mt, keep, term = found
    assert memory["text"] == "ئەستىكى تەرجىمە" and memory["origin"] == "memory"
    assert memory["replace"] == "1"
    assert mt["text"] == f"[ug] {source}" and mt["origin"] == "engine:libre"
    assert keep["text"] == "UNHCR" and keep["replace"] == "0"
    assert term["text"] == "دۆلەت ھالقىغان باستۇرۇش"
    assert re.search(r'class="assist-score">\d+ %', asked)
    assert "<ins>" in asked or "<del>" in asked  # the memory unit's source, diffed
    assert "do not translate" in asked and "the UN refugee agency" in asked
    assert "Sent to LibreTranslate" in asked and "(third party)" in asked
    assert 'data-insert="1"' in asked and "<kbd>M</kbd> <kbd>1</kbd>" in asked
    assert 'lang="ug" dir="rtl"' in asked


def test_panel_as_json(client, translator, app, sources) -> None:
    sid, source = with_id(sources, "UNHCR remains limited")
    add_term(app, "UNHCR", keep=True)
    with LibreServer() as server:
        configure(app, server)
        response = client.get(f"{EDITOR}/segments/{sid}/assist?ask=all",
                              headers={"Accept": "application/json"})
    body = response.get_json()
    assert response.status_code == 200 and body["segment"] == sid and body["source"] == source
    (engine,) = body["machine"]
    assert engine["engine"] == "libre" and engine["third_party"] is False
    assert engine["receiver"].endswith(", run by this project")
    assert [(s["number"], s["kind"]) for s in body["suggestions"]] == [(1, "machine"),
                                                                       (2, "glossary")]
    assert body["suggestions"][0]["origin"] == "engine:libre"


def test_switched_off_engine_is_never_asked(client, translator, app, sources) -> None:
    sid, _ = sources[0]
    with LibreServer() as server:
        configure(app, server, enable=False)
        html = client.get(f"{EDITOR}/segments/{sid}/assist/fragment?ask=all").get_data(
            as_text=True)
        client.get(f"{EDITOR}/segments/{sid}/assist?ask=libre")
        assert server.requests == []
    assert "No machine translation engine is switched on" in html
    assert "data-kind=\"machine\"" not in html and "Ask " not in html


def test_engine_errors_are_one_line_never_a_500(client, translator, app, sources) -> None:
    sid, _ = sources[0]
    with LibreServer(fault=Fault.status(500)) as server:
        configure(app, server)
        response = client.get(f"{EDITOR}/segments/{sid}/assist/fragment?ask=libre")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'class="assist-error small" role="status">LibreTranslate[^<]* gave no '
                     r"suggestion: [^<]+</p>", html)
    assert 'data-kind="machine"' not in html


def test_editor_page_has_the_panel_hooks_and_shortcut_help(client, translator, app,
                                                           sources) -> None:
    sid, _ = sources[0]
    html = client.get(EDITOR).get_data(as_text=True)
    card = html[html.index(f'id="seg-{sid}"'):]
    card = card[:card.index("</article>")]
    assert (f'data-role="assist" data-url="{EDITOR}/segments/{sid}/assist/fragment'
            in card.replace("&amp;", "&"))
    assert '<input type="hidden" name="draft_origin" value="">' in card
    assert '<input type="hidden" name="draft_text" value="">' in card
    assert f'href="{EDITOR}/segments/{sid}/assist' in card  # works without JavaScript too
    assert "<kbd>Ctrl</kbd>+<kbd>M</kbd> then <kbd>1</kbd>" in html
    assert 'src="/static/assist.js"' in html and "<script>" not in html
    assert "Pretranslate empty segments" not in html  # editors only


def test_panel_page_without_javascript_saves_with_provenance(client, translator, app,
                                                             sources) -> None:
    sid, source = sources[1]
    with LibreServer() as server:
        configure(app, server)
        page = client.get(f"{EDITOR}/segments/{sid}/assist?ask=libre&back=state%3Dempty")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Save suggestion 1 as the translation" in html
    assert 'name="draft_origin" value="engine:libre"' in html
    response = client.post(f"{EDITOR}/segments/{sid}", data={
        "text": f"[ug] {source} (تۈزىتىلدى)", "revision": "0", "back": "state=empty",
        "draft_origin": "engine:libre", "draft_text": f"[ug] {source}"})
    assert response.status_code == 302 and "state=empty" in response.headers["Location"]
    saved = row(app, sid)
    assert saved["provenance"] == "human" and saved["state"] == "translated"
    with database(app).session() as session:
        from app.store.models import Translation

        stored = session.get(Translation, saved["id"])
        assert stored.draft_origin == "engine:libre" and stored.edit_percent > 0


# --- bulk pretranslation -----------------------------------------------------------------


class Writer:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def notify(self, document: str, language: str) -> None:
        self.calls.append((document, language))


def finish(app, job_id: int) -> None:  # noqa: ANN001
    thread = app.extensions["terjime.jobs"][job_id]
    thread.join(30)
    assert not thread.is_alive()


def test_pretranslate_from_the_web_with_progress(client, editor, app, sources) -> None:
    human_id, _ = sources[0]
    save(app, editor, human_id, "ئادەم")
    add_memory(app, sources[1][1], "ئەستىكى")
    bad = sources[4][1]
    writer = Writer()
    app.extensions["terjime.writer"] = writer
    seen: set[int] = set()  # what a poller would have read while the engine was working

    def translate(text: str, source: str, target: str) -> str | Fault:
        with database(app).session() as session:
            seen.update(session.scalars(select(Job.processed)))
        return Fault.status(500) if text == bad else f"[{target}] {text}"

    with LibreServer(translate=translate) as server:
        configure(app, server)
        page = client.get(EDITOR).get_data(as_text=True)
        assert "Pretranslate empty segments" in page
        assert '<option value="libre">LibreTranslate (self-hosted)</option>' in page
        response = client.post(f"{EDITOR}/pretranslate", data={"engine": "libre"})
        assert response.status_code == 302
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        finish(app, job_id)
    status = client.get(f"{EDITOR}/jobs/{job_id}", headers={"Accept": "application/json"})
    body = status.get_json()
    total = len(sources) - 1
    assert body["status"] == "done" and body["finished"] is True
    assert (body["total"], body["processed"]) == (total, total)
    assert (body["from_memory"], body["from_engine"], body["failed"]) == (1, total - 2, 1)
    assert body["errors"] and "LibreTranslate" in body["errors"][0]
    assert any(0 < processed < total for processed in seen)  # committed chunk by chunk
    with database(app).session() as session:
        job = session.get(Job, job_id)
        assert job.finished_at is not None and job.engine == "libre" and job.created_by == editor
    assert row(app, human_id)["text"] == "ئادەم"
    assert row(app, sources[1][0])["provenance"] == "memory"
    assert row(app, sources[2][0])["provenance"] == "engine:libre"
    assert row(app, sources[4][0])["state"] == "empty"
    assert writer.calls == [(DOC, "ug")]
    html = client.get(f"{EDITOR}/jobs/{job_id}").get_data(as_text=True)
    assert "finished" in html and f'data-field="from_engine">{total - 2}<' in html
    assert 'src="/static/assist.js"' in html
    assert "Unedited machine draft — LibreTranslate" in client.get(EDITOR).get_data(as_text=True)


def test_pretranslate_with_the_engine_switched_off_sends_nothing(client, editor, app) -> None:
    with LibreServer() as server:
        configure(app, server, enable=False)
        response = client.post(f"{EDITOR}/pretranslate", data={"engine": "libre"})
        assert response.status_code == 302 and response.headers["Location"].endswith(EDITOR)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert server.requests == []
    assert "Not started: LibreTranslate" in page and "not enabled for ug" in page
    with database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_one_running_job_per_language(client, editor, app) -> None:
    with database(app).session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        running = Job(kind="pretranslate", language_id=ug, status="running", errors=[])
        stale = Job(kind="pretranslate", language_id=ug, status="running", errors=[])
        session.add_all([running, stale])
        session.flush()
        running_id, stale_id = running.id, stale.id
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    thread.start()
    app.extensions.setdefault("terjime.jobs", {})[running_id] = thread
    try:
        response = client.post(f"{EDITOR}/pretranslate", data={"engine": ""})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f"already running (job {running_id})" in page
    finally:
        release.set()
        thread.join()
    response = client.post(f"{EDITOR}/pretranslate", data={"engine": ""})  # memory only
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    finish(app, job_id)
    with database(app).session() as session:
        assert session.get(Job, stale_id).status == "failed"  # its thread is gone
        assert "interrupted" in session.get(Job, stale_id).errors[-1]
        assert session.get(Job, job_id).status == "done"


@pytest.mark.parametrize(("role", "languages", "panel", "start", "job"), [
    ("translator", ["tr"], 403, 403, 403),
    ("translator", ["ug"], 200, 403, 200),
    ("publisher", None, 403, 403, 200),
    ("editor", ["ug"], 200, 302, 200),
    ("admin", None, 200, 302, 200),
])
def test_who_may_do_what(client, make_user, login, app, sources, role: str,
                         languages: list[str] | None, panel: int, start: int, job: int) -> None:
    with database(app).session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        done = Job(kind="pretranslate", language_id=ug, status="done", errors=[])
        session.add(done)
        session.flush()
        job_id = done.id
    login(client, make_user("someone", role, languages))
    sid, _ = sources[0]
    assert client.get(f"{EDITOR}/segments/{sid}/assist").status_code == panel
    assert client.get(f"{EDITOR}/segments/{sid}/assist/fragment").status_code == panel
    assert client.get(f"{EDITOR}/jobs/{job_id}").status_code == job
    assert client.post(f"{EDITOR}/pretranslate", data={"engine": ""}).status_code == start
    for thread in app.extensions.get("terjime.jobs", {}).values():
        thread.join(30)


def test_anonymous_visitors_are_sent_to_log_in(client, app, sources) -> None:
    sid, _ = sources[0]
    for url in (f"{EDITOR}/segments/{sid}/assist", f"{EDITOR}/jobs/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
