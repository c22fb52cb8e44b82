"""Bulk pretranslation through the service, against a loopback LibreTranslate-compatible server:
memory first, never overwriting anything, failures reported, the privacy switch respected."""

from __future__ import annotations

import pytest
from libre_server import Fault, LibreServer
from sqlalchemy import func, select

from app.services import machine, translations
from app.services.pretranslate import PretranslateError, pretranslate
from app.store.models import (
    Document,
    History,
    Language,
    MachineCache,
    MemoryUnit,
    Segment,
    Translation,
    User,
)

DOC = "statement"


def db(app):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


@pytest.fixture
def sources(app) -> list[tuple[int, str]]:
    """(segment id, source) of the statement, in order."""
    with db(app).session() as session:
        doc = session.scalar(select(Document).where(Document.name == DOC))
        return [tuple(r) for r in session.execute(
            select(Segment.id, Segment.msgid).where(Segment.document_id == doc.id,
                                                    Segment.active.is_(True))
            .order_by(Segment.position))]


@pytest.fixture
def helper(make_user) -> int:
    return make_user("ilham", "editor", ["ug"])


def configure(app, server: LibreServer | None = None, enable: bool = True) -> None:  # noqa: ANN001
    app.config.update(TERJIME_LIBRETRANSLATE_URL=server.url if server else "",
                      TERJIME_MT_RETRIES=0, TERJIME_MT_BACKOFF=0, TERJIME_MT_TIMEOUT=2)
    if enable:
        with db(app).session() as session:
            machine.set_engine_enabled(session, "libre", "ug", True, None)


def run(app, **kwargs):  # noqa: ANN001, ANN201
    with db(app).session() as session:
        return pretranslate(session, dict(app.config), None, "ug", **kwargs)


def state(app, segment_id: int) -> Translation:  # noqa: ANN001
    with db(app).session() as session:
        found = session.scalar(select(Translation).join(Language).where(
            Translation.segment_id == segment_id, Language.code == "ug"))
        session.expunge(found)
        return found


def save(app, user_id: int, segment_id: int, text: str) -> None:  # noqa: ANN001
    with db(app).session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        target = translations.translation_for(session, segment_id, language)
        assert translations.save_translation(session, target, text, target.revision,
                                             session.get(User, user_id)).ok


def remember(app, source: str, target: str) -> None:  # noqa: ANN001
    """An imported translation-memory unit."""
    with db(app).session() as session:
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        session.add(MemoryUnit(language_id=ug, source_text=source, target_text=target,
                               origin="old-statement.tmx"))


def sent(server: LibreServer) -> list[str]:
    """Every text the server was asked to translate."""
    out: list[str] = []
    for request in server.translate_requests:
        q = request.params.get("q")
        out.extend(q if isinstance(q, list) else [q])
    return out


def test_memory_first_then_engine_and_nothing_written_over(app, sources, helper) -> None:
    (human_id, human_src), (draft_id, _), (memory_id, memory_src) = sources[:3]
    save(app, helper, human_id, "ئادەم تەرجىمىسى")
    save(app, helper, draft_id, "قوپال")
    with db(app).session() as session:
        row = session.scalar(select(Translation).where(Translation.segment_id == draft_id))
        row.state = "draft"  # a draft someone made: not empty, so never touched
    remember(app, memory_src, "ئەستىكى تەرجىمە")
    calls: list[tuple[int, int]] = []
    with LibreServer() as server:
        configure(app, server)
        report = run(app, engine="libre", user=None, progress=lambda d, t: calls.append((d, t)))
    empty = len(sources) - 2
    assert (report.total, report.from_memory, report.from_engine) == (empty, 1, empty - 1)
    assert report.failed == report.skipped == 0 and report.errors == []
    assert report.documents == {DOC}
    assert state(app, human_id).text == "ئادەم تەرجىمىسى"
    assert state(app, human_id).state == "translated"
    assert state(app, draft_id).text == "قوپال"
    from_memory = state(app, memory_id)
    assert (from_memory.text, from_memory.state, from_memory.provenance) == (
        "ئەستىكى تەرجىمە", "draft", "memory")
    assert from_memory.draft_origin == "memory" and from_memory.edit_percent == 0
    assert from_memory.draft_at is not None
    last_id, last_src = sources[-1]
    machine_row = state(app, last_id)
    assert machine_row.text == f"[ug] {last_src}" and machine_row.state == "draft"
    assert machine_row.provenance == machine_row.draft_origin == "engine:libre"
    assert machine_row.draft_text == machine_row.text and machine_row.author_id is None
    texts = sent(server)
    assert memory_src not in texts and human_src not in texts
    assert len(texts) == len(set(texts)) == empty - 1
    assert calls[0] == (0, empty) and calls[-1] == (empty, empty)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with db(app).session() as session:
        notes = list(session.scalars(select(History.note).where(History.action == "pretranslate")))
        assert len(notes) == empty
        assert "exact translation-memory match" in notes
        cached = session.scalar(select(func.count()).select_from(MachineCache))
        assert cached == empty - 1


def test_failing_texts_do_not_stop_the_others(app, sources) -> None:
    bad = {sources[3][1], sources[10][1]}
    slow = sources[20][1]

    def translate(text: str, source: str, target: str) -> str | Fault:
        if text in bad:
            return Fault.status(500)
        if text == slow:
            return Fault.delay(3)
        return f"[{target}] {text}"

    with LibreServer(translate=translate) as server:
        configure(app, server)
        app.config["TERJIME_MT_TIMEOUT"] = 0.5
        report = run(app, engine="libre")
    assert report.failed == 3 and report.from_engine == len(sources) - 3
    assert report.total == len(sources) and report.skipped == 0
    assert any("LibreTranslate" in error for error in report.errors)
    assert len(report.errors) >= 2  # an error and a timeout, in words
    for segment_id, source in sources:
        row = state(app, segment_id)
        if source in bad or source == slow:
            assert row.text == "" and row.state == "empty"
        else:
            assert row.text == f"[ug] {source}"


def test_engine_switched_off_is_refused_before_anything_is_sent(app, sources) -> None:
    remember(app, sources[0][1], "ئەستىكى")
    with LibreServer() as server:
        configure(app, server, enable=False)
        with pytest.raises(PretranslateError, match="not enabled for ug"):
            run(app, engine="libre")
        assert server.requests == []
    assert state(app, sources[0][0]).text == ""  # nothing at all was done


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"engine": "babelfish"}, "unknown engine"),
    ({"document": "nothing-here"}, "unknown document"),
])
def test_user_errors(app, kwargs: dict, message: str) -> None:
    configure(app, None, enable=False)
    with pytest.raises(PretranslateError, match=message):
        run(app, **kwargs)


def test_unknown_language_and_unconfigured_engine(app) -> None:
    configure(app, None)
    with db(app).session() as session, pytest.raises(PretranslateError, match="unknown language"):
        pretranslate(session, dict(app.config), None, "xx")
    with pytest.raises(PretranslateError, match="TERJIME_LIBRETRANSLATE_URL"):
        run(app, engine="libre")


def test_memory_only_sends_nothing(app, sources) -> None:
    remember(app, sources[1][1], "ئەستىكى")
    with LibreServer() as server:
        configure(app, server)
        report = run(app)
        assert server.requests == []
    assert report.from_memory == 1 and report.from_engine == 0
    assert report.skipped == len(sources) - 1 and report.total == len(sources)


def test_a_volunteer_saving_during_the_job_wins(app, sources, helper) -> None:
    target_id, target_src = sources[5]

    def translate(text: str, source: str, target: str) -> str:
        if text == target_src:  # a volunteer saves this very segment while the job runs
            save(app, helper, target_id, "ۋولونتېر")
        return f"[{target}] {text}"

    with LibreServer(translate=translate) as server:
        configure(app, server)
        report = run(app, engine="libre")
    assert report.skipped == 1 and report.from_engine == len(sources) - 1
    row = state(app, target_id)
    assert (row.text, row.state, row.provenance) == ("ۋولونتېر", "translated", "human")


def test_a_language_without_rows_yet_gets_them(app, sources) -> None:
    with db(app).session() as session:
        kazakh = Language(code="kk", name="Kazakh", direction="ltr")
        session.add(kazakh)
        session.flush()
        session.add(MemoryUnit(language_id=kazakh.id, source_text=sources[0][1],
                               target_text="Азаматтық қоғам", origin="test"))
    with db(app).session() as session:
        report = pretranslate(session, dict(app.config), None, "kk")
    assert (report.total, report.from_memory) == (len(sources), 1)
    with db(app).session() as session:
        rows = list(session.scalars(select(Translation).join(Language)
                                    .where(Language.code == "kk")))
        assert len(rows) == len(sources)
        assert [r.text for r in rows if r.text] == ["Азаматтық қоғам"]
