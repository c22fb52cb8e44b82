"""The privacy switch, the cache and the service API the editor and pretranslation use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses
from conftest import database_url
from libre_server import Fault, LibreServer
from sqlalchemy import func, select

from app.mt import EngineDisabled, EngineNotConfigured, EngineUnavailable, MTError
from app.mt.libre import clear_languages_cache
from app.services import machine
from app.store.db import Database
from app.store.models import AuditLog, EngineSetting, Language, MachineCache, User

GOOGLE = re.compile(r"https://translate\.google\.com/m")
FAST = {"TERJIME_MT_TIMEOUT": 3, "TERJIME_MT_RETRIES": 1, "TERJIME_MT_BACKOFF": 0}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A migrated store with ug, tr, ru and zh_Hans, and an admin (no statement needed)."""
    from app.core.languages import get_language

    store = Database(database_url(tmp_path))
    store.upgrade()
    with store.session() as session:
        for code in ("ug", "tr", "ru", "zh_Hans"):
            language = get_language(code)
            session.add(Language(code=code, name=language.english_name,
                                 native_name=language.native_name,
                                 direction=language.direction))
        session.add(User(display_name="Coordinator", password_hash="x"))
    clear_languages_cache()
    yield store
    store.dispose()


@pytest.fixture
def libre() -> Iterator[LibreServer]:
    with LibreServer() as server:
        yield server


def admin(session) -> User:
    return session.scalar(select(User).where(User.display_name == "Coordinator"))


def enable(db: Database, engine: str, code: str, on: bool = True) -> None:
    with db.session() as session:
        machine.set_engine_enabled(session, engine, code, on, admin(session))


def google_page(text: str) -> str:
    return f'<html><body><div class="result-container">{text}</div></body></html>'


# --- the switch ---------------------------------------------------------------------------------


def test_every_engine_starts_off(db: Database) -> None:
    with db.session() as session:
        for engine in ("google", "mymemory", "microsoft", "deepl", "libre"):
            assert not machine.engine_enabled(session, engine, "ug")
        assert machine.enabled_engines(session, "ug") == []
        assert not machine.engine_enabled(session, "google", "xx")


def test_switching_is_audited(db: Database) -> None:
    enable(db, "google", "ug")
    enable(db, "libre", "ug")
    enable(db, "google", "ug")  # already on: no second audit row
    with db.session() as session:
        assert machine.engine_enabled(session, "google", "ug")
        assert not machine.engine_enabled(session, "google", "tr")
        assert machine.enabled_engines(session, "ug") == ["libre", "google"]
    enable(db, "google", "ug", on=False)
    with db.session() as session:
        assert machine.enabled_engines(session, "ug") == ["libre"]
        rows = session.execute(select(AuditLog.action, AuditLog.target, AuditLog.details,
                                      AuditLog.actor_id).order_by(AuditLog.id)).all()
        me = admin(session).id
    assert [(r.action, r.target, r.details, r.actor_id) for r in rows] == [
        ("engine.enable", "engine:google", {"language": "ug"}, me),
        ("engine.enable", "engine:libre", {"language": "ug"}, me),
        ("engine.disable", "engine:google", {"language": "ug"}, me),
    ]


@pytest.mark.parametrize(("engine", "code", "message"), [
    ("babelfish", "ug", "unknown engine 'babelfish'"),
    ("google", "xx", "unknown language 'xx' (known: ru, tr, ug, zh_Hans)"),
    ("deepl", "ug", "DeepL does not offer Uyghur (ug)"),
])
def test_refusals_change_nothing(db: Database, engine: str, code: str, message: str) -> None:
    with db.session() as session, pytest.raises(machine.MachineSettingError) as caught:
        machine.set_engine_enabled(session, engine, code, True, admin(session))
    assert message in str(caught.value)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(EngineSetting)) == 0
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_turning_off_an_unsupported_pair_is_allowed(db: Database) -> None:
    with db.session() as session:
        machine.set_engine_enabled(session, "deepl", "ug", False, None)
        assert not machine.engine_enabled(session, "deepl", "ug")


def test_switch_blocks_all_traffic_until_enabled(db: Database, libre: LibreServer) -> None:
    config = {**FAST, "TERJIME_LIBRETRANSLATE_URL": libre.url}
    # No URL registered: any request would fail loudly and be recorded.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with db.session() as session:
            assert machine.machine_suggestions(session, config, "A statement.", "ug") == []
            for engine in ("google", "mymemory", "libre"):
                with pytest.raises(EngineDisabled) as caught:
                    machine.translate_batch(session, config, engine, ["A statement."], "ug")
                assert "turned off for Uyghur" in caught.value.message
        assert len(mock.calls) == 0
    assert libre.requests == []
    enable(db, "google", "ug")
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, GOOGLE, body=google_page("باياننامە"))
        with db.session() as session:
            [result] = machine.machine_suggestions(session, config, "A statement.", "ug")
        assert len(mock.calls) == 1
    assert (result.engine, result.text, result.error, result.cached) == (
        "google", "باياننامە", None, False)
    assert result.label == "Google Translate" and result.sends_text_to_third_party
    with db.session() as session:  # enabled for Uyghur only: Turkish is still blocked
        assert machine.machine_suggestions(session, config, "A statement.", "tr") == []
    assert libre.requests == []


# --- suggestions and the cache ----------------------------------------------------------------


def test_cache_hit_sends_nothing(db: Database, libre: LibreServer) -> None:
    config = {**FAST, "TERJIME_LIBRETRANSLATE_URL": libre.url}
    enable(db, "libre", "ug")
    with db.session() as session:
        [first] = machine.machine_suggestions(session, config, "Free them.", "ug")
    sent = len(libre.translate_requests)
    with db.session() as session:
        [again] = machine.machine_suggestions(session, config, "Free them.", "ug")
    assert len(libre.translate_requests) == sent == 1
    assert first.text == again.text == "[ug] Free them."
    assert (first.cached, again.cached) == (False, True)
    assert again.label == "LibreTranslate (self-hosted)"
    assert not again.sends_text_to_third_party
    with db.session() as session:
        row = session.scalar(select(MachineCache))
        assert (row.engine, row.source_text, row.text) == ("libre", "Free them.",
                                                           "[ug] Free them.")
        assert row.source_sha256 == machine.source_hash("Free them.")


def test_errors_are_messages_and_are_not_cached(db: Database) -> None:
    with LibreServer(translate=lambda text, s, t: Fault.status(500)) as server:
        config = {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url}
        enable(db, "libre", "ug")
        enable(db, "deepl", "tr")
        with db.session() as session:
            [failed] = machine.machine_suggestions(session, config, "Free them.", "ug")
            [unset] = machine.machine_suggestions(session, config, "Free them.", "tr")
    assert failed.text is None and "could not be reached" in failed.error
    assert unset.text is None and "TERJIME_DEEPL_KEY" in unset.error
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MachineCache)) == 0


def test_engines_run_side_by_side_and_can_be_filtered(db: Database, libre: LibreServer) -> None:
    config = {**FAST, "TERJIME_LIBRETRANSLATE_URL": libre.url}
    enable(db, "libre", "zh_Hans")
    enable(db, "google", "zh_Hans")
    with responses.RequestsMock() as mock:
        mock.add_passthru(libre.url)
        mock.add(responses.GET, GOOGLE, body=google_page("释放他们"))
        with db.session() as session:
            results = machine.machine_suggestions(session, config, "Free them.", "zh_Hans")
            only = machine.machine_suggestions(session, config, "Other.", "zh_Hans",
                                               engines=["google"])
    assert [(r.engine, r.text) for r in results] == [("libre", "[zh] Free them."),
                                                     ("google", "释放他们")]
    assert [r.engine for r in only] == ["google"]


def test_nothing_for_an_empty_source_or_unknown_language(db: Database) -> None:
    enable(db, "google", "ug")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with db.session() as session:
            assert machine.machine_suggestions(session, FAST, "   ", "ug") == []
            assert machine.machine_suggestions(session, FAST, "Text.", "xx") == []
        assert len(mock.calls) == 0


# --- pretranslation's batch -------------------------------------------------------------------


def test_translate_batch_uses_and_fills_the_cache(db: Database, libre: LibreServer) -> None:
    config = {**FAST, "TERJIME_LIBRETRANSLATE_URL": libre.url}
    enable(db, "libre", "ug")
    with db.session() as session:
        machine.machine_suggestions(session, config, "Known.", "ug")
    before = len(libre.translate_requests)
    texts = ["Known.", "New one.", "", "New one.", "Another."]
    with db.session() as session:
        result = machine.translate_batch(session, config, "libre", texts, "ug")
    assert result == ["[ug] Known.", "[ug] New one.", "", "[ug] New one.", "[ug] Another."]
    sent = libre.translate_requests[before:]
    assert [r.params["q"] for r in sent] == [["New one.", "Another."]]  # once each, batched
    with db.session() as session:
        again = machine.translate_batch(session, config, "libre", texts, "ug")
        assert session.scalar(select(func.count()).select_from(MachineCache)) == 3
    assert again == result and len(libre.translate_requests) == before + 1


def test_translate_batch_reports_failures_in_place(db: Database) -> None:
    def translate(text: str, source: str, target: str) -> str | Fault:
        return Fault.status(500) if "bad" in text else f"<{text}>"

    with LibreServer(translate=translate) as server:
        config = {**FAST, "TERJIME_LIBRETRANSLATE_URL": server.url}
        enable(db, "libre", "ug")
        with db.session() as session:
            result = machine.translate_batch(session, config, "libre",
                                             ["good one", "bad one", "good two"], "ug")
    assert result[0] == "<good one>" and result[2] == "<good two>"
    assert isinstance(result[1], EngineUnavailable) and isinstance(result[1], MTError)
    with db.session() as session:
        assert set(session.scalars(select(MachineCache.source_text))) == {"good one",
                                                                           "good two"}


def test_translate_batch_raises_up_front_problems(db: Database) -> None:
    enable(db, "microsoft", "ug")
    with db.session() as session:
        with pytest.raises(EngineNotConfigured):
            machine.translate_batch(session, FAST, "microsoft", ["Text."], "ug")
        with pytest.raises(ValueError, match="unknown engine"):
            machine.translate_batch(session, FAST, "babelfish", ["Text."], "ug")
        with pytest.raises(ValueError, match="unknown language"):
            machine.translate_batch(session, FAST, "google", ["Text."], "xx")


# --- the admin's overview ----------------------------------------------------------------------


def test_engine_status(db: Database) -> None:
    enable(db, "google", "ug")
    config = {"TERJIME_DEEPL_KEY": "k:fx", "TERJIME_LIBRETRANSLATE_URL": "http://127.0.0.1:5000"}
    with db.session() as session:
        statuses = {s.name: s for s in machine.engine_status(session, config)}
    assert list(statuses) == ["libre", "google", "mymemory", "microsoft", "deepl"]
    assert statuses["google"].enabled_languages == ["ug"]
    assert statuses["google"].configured and statuses["deepl"].configured
    assert not statuses["microsoft"].configured
    assert statuses["microsoft"].missing_settings == ["TERJIME_MICROSOFT_KEY"]
    assert not statuses["libre"].sends_text_to_third_party
    deepl_ug = next(s for s in statuses["deepl"].languages if s.code == "ug")
    assert not deepl_ug.supported and not deepl_ug.enabled
    assert statuses["google"].notice("Uyghur") == (
        "Turning this on sends the text of Uyghur segments to Google Translate (a third party).")
    assert "your own team" in statuses["libre"].notice("Uyghur")
