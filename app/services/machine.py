"""Machine translation for the editor and pretranslation: the privacy switch, the cache.

**No text leaves the server until an admin turns an engine on for a language** (an
:class:`~app.store.models.EngineSetting` row, audited). Every route from the product to an
engine goes through here, so the switch cannot be bypassed: :func:`machine_suggestions` asks
only enabled engines, :func:`translate_batch` refuses a disabled one before sending anything.

Results are cached per (engine, language, SHA-256 of the source text): a text goes to an
engine at most once. Network calls happen before any cache row is written, so a slow engine
never holds the database's write lock; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.mt import ENGINES, MTError, UnknownEngine, get_engine
from app.mt.base import Engine, EngineDisabled
from app.services.accounts import audit
from app.store.models import EngineSetting, Language, MachineCache, User, utcnow

DEFAULT_SOURCE_LANGUAGE = "en"


class MachineSettingError(ValueError):
    """A refused switch change (unknown engine or language, language not offered)."""


@dataclass(frozen=True)
class MachineResult:
    """One engine's suggestion for the editor: a text, or an error message to show."""

    engine: str
    label: str
    text: str | None
    error: str | None
    cached: bool
    sends_text_to_third_party: bool


@dataclass(frozen=True)
class LanguageSwitch:
    code: str
    name: str
    native_name: str
    direction: str
    supported: bool
    enabled: bool
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class EngineStatus:
    """What the admin page and ``terjime mt list`` show about one engine."""

    name: str
    label: str
    configured: bool
    missing_settings: list[str]
    needs_key: bool
    sends_text_to_third_party: bool
    website: str
    languages: list[LanguageSwitch]

    @property
    def enabled_languages(self) -> list[str]:
        return [switch.code for switch in self.languages if switch.enabled]

    def notice(self, language_name: str) -> str:
        """The plain-language consequence of turning this engine on for a language."""
        return privacy_notice(self.label, self.sends_text_to_third_party, language_name)


def privacy_notice(label: str, third_party: bool, language_name: str) -> str:
    if third_party:
        return (f"Turning this on sends the text of {language_name} segments to {label} "
                "(a third party).")
    return (f"Turning this on sends the text of {language_name} segments to {label}, "
            "a server run by your own team.")


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_language(config: Mapping[str, Any]) -> str:
    return str(config.get("SOURCE_LANGUAGE") or DEFAULT_SOURCE_LANGUAGE)


# --- the privacy switch ----------------------------------------------------------------------


def _language(session: Session, code: str) -> Language | None:
    return session.scalar(select(Language).where(Language.code == code.strip().replace("-", "_")))


def _setting(session: Session, engine: str, language: Language) -> EngineSetting | None:
    return session.scalar(select(EngineSetting).where(
        EngineSetting.engine == engine, EngineSetting.language_id == language.id))


def engine_enabled(session: Session, engine: str, language_code: str) -> bool:
    """True only when an admin turned ``engine`` on for the language (default: off)."""
    language = _language(session, language_code)
    if language is None or engine not in ENGINES:
        return False
    setting = _setting(session, engine, language)
    return bool(setting is not None and setting.enabled)


def enabled_engines(session: Session, language_code: str) -> list[str]:
    """Engines turned on for the language, in registry order."""
    language = _language(session, language_code)
    if language is None:
        return []
    names = set(session.scalars(select(EngineSetting.engine).where(
        EngineSetting.language_id == language.id, EngineSetting.enabled.is_(True))))
    return [name for name in ENGINES if name in names]


def set_engine_enabled(session: Session, engine: str, language_code: str, enabled: bool,
                       user: User | None) -> EngineSetting:
    """Turn ``engine`` on or off for a language, with an audit-log row.

    Refuses (changing nothing) an unknown engine or language, and turning an engine on for a
    language it does not offer. Turning off is always allowed.
    """
    name = engine.strip().lower()
    if name not in ENGINES:
        raise MachineSettingError(str(UnknownEngine(engine)))
    language = _language(session, language_code)
    if language is None:
        known = ", ".join(session.scalars(select(Language.code).order_by(Language.code)))
        raise MachineSettingError(
            f"unknown language {language_code!r} (known: {known or 'none'})")
    engine_class = ENGINES[name]
    if enabled and not engine_class({}).supports(language.code):
        raise MachineSettingError(f"{engine_class.label} does not offer {language.name} "
                                  f"({language.code})")
    setting = _setting(session, name, language)
    if setting is None:
        setting = EngineSetting(engine=name, language_id=language.id, enabled=False)
        session.add(setting)
    changed = setting.enabled != enabled
    setting.enabled = enabled
    setting.updated_by = user.id if user is not None else None
    setting.updated_at = utcnow()
    if changed:
        audit(session, user, "engine.enable" if enabled else "engine.disable",
              f"engine:{name}", language=language.code)
    session.flush()
    return setting


def engine_status(session: Session, config: Mapping[str, Any]) -> list[EngineStatus]:
    """Every engine: configured or not, third party or not, its switch per language."""
    languages = list(session.scalars(select(Language).order_by(Language.code)))
    settings = {(row.engine, row.language_id): row
                for row in session.scalars(select(EngineSetting))}
    statuses = []
    for name in ENGINES:
        engine = get_engine(name, config)
        switches = []
        for language in languages:
            row = settings.get((name, language.id))
            switches.append(LanguageSwitch(
                code=language.code, name=language.name, native_name=language.native_name,
                direction=language.direction, supported=engine.supports(language.code),
                enabled=bool(row is not None and row.enabled),
                updated_at=row.updated_at if row is not None else None))
        statuses.append(EngineStatus(
            name=name, label=engine.label, configured=engine.configured(),
            missing_settings=engine.missing_settings(), needs_key=engine.needs_key,
            sends_text_to_third_party=engine.sends_text_to_third_party,
            website=engine.website, languages=switches))
    return statuses


# --- the cache -------------------------------------------------------------------------------


def _cached(session: Session, engine: str, language: Language,
            hashes: Iterable[str]) -> dict[str, str]:
    wanted = list(set(hashes))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):  # keep IN (…) lists small
        rows = session.execute(select(MachineCache.source_sha256, MachineCache.text).where(
            MachineCache.engine == engine, MachineCache.language_id == language.id,
            MachineCache.source_sha256.in_(wanted[start:start + 500])))
        found.update({sha: text for sha, text in rows})
    return found


def _remember(session: Session, engine: str, language: Language,
              results: Mapping[str, str]) -> None:
    """Insert new cache rows; a row another request wrote meanwhile is kept, not an error."""
    if not results:
        return
    rows = [{"engine": engine, "language_id": language.id, "source_sha256": source_hash(source),
             "source_text": source, "text": text, "created_at": utcnow()}
            for source, text in results.items()]
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        session.execute(insert(MachineCache), rows)
        return
    statement = dialect_insert(MachineCache).on_conflict_do_nothing(
        index_elements=["engine", "language_id", "source_sha256"])
    session.execute(statement, rows)


# --- the editor's suggestions ----------------------------------------------------------------


def _ask(engine: Engine, text: str, source: str, target: str) -> str | MTError:
    try:
        return engine.translate_each([text], source, target)[0]
    except MTError as error:
        return error


def machine_suggestions(session: Session, config: Mapping[str, Any], source_text: str,
                        language_code: str,
                        engines: Sequence[str] | None = None) -> list[MachineResult]:
    """A suggestion (or an error message) from every engine enabled for the language.

    Never raises for an engine's failure; engines not turned on are not asked. Engines that
    must be asked run in parallel, so the editor waits for the slowest, not for the sum.
    Remember to commit: new results are added to the cache.
    """
    language = _language(session, language_code)
    if language is None or not source_text.strip():
        return []
    names = [name for name in enabled_engines(session, language.code)
             if engines is None or name in engines]
    digest = source_hash(source_text)
    cached: dict[str, str] = {}
    for name in names:
        hit = _cached(session, name, language, [digest]).get(digest)
        if hit is not None:
            cached[name] = hit
    instances = {name: get_engine(name, config) for name in names}
    missing = [name for name in names if name not in cached]
    source = source_language(config)
    def ask(name: str) -> str | MTError:
        return _ask(instances[name], source_text, source, language.code)

    if len(missing) > 1:
        with ThreadPoolExecutor(max_workers=len(missing)) as pool:
            answers = dict(zip(missing, pool.map(ask, missing), strict=True))
    else:
        answers = {name: ask(name) for name in missing}
    results = []
    for name in names:
        engine = instances[name]
        answer = cached.get(name, answers.get(name))
        if isinstance(answer, str):
            if name not in cached:
                _remember(session, name, language, {source_text: answer})
            results.append(MachineResult(name, engine.label, answer, None, name in cached,
                                         engine.sends_text_to_third_party))
        else:
            message = answer.message if isinstance(answer, MTError) else "No answer."
            results.append(MachineResult(name, engine.label, None, message, False,
                                         engine.sends_text_to_third_party))
    return results


# --- pretranslation --------------------------------------------------------------------------


def translate_batch(session: Session, config: Mapping[str, Any], engine_name: str,
                    texts: Sequence[str], language_code: str) -> list[str | MTError]:
    """One translation or :class:`MTError` per text, in order, for bulk pretranslation.

    Raises :class:`EngineDisabled` (nothing sent) when the switch is off, :class:`UnknownEngine`
    or :class:`MachineSettingError` for bad names, and the engine's up-front errors (not
    configured, language not offered). Cached texts are not sent again; identical texts are
    sent once; new results are added to the cache (commit afterwards). Call it with chunks of
    a few hundred texts and commit between them, so progress survives an interruption.
    """
    engine = get_engine(engine_name, config)
    language = _language(session, language_code)
    if language is None:
        raise MachineSettingError(f"unknown language {language_code!r}")
    if not engine_enabled(session, engine.name, language.code):
        raise EngineDisabled(engine.label, f"{engine.label} is turned off for {language.name}: "
                             "no text is sent to it until an admin turns it on.")
    texts = list(texts)
    cached = _cached(session, engine.name, language, (source_hash(t) for t in texts))
    to_send = list(dict.fromkeys(t for t in texts if t.strip() and source_hash(t) not in cached))
    answers = dict(zip(to_send, engine.translate_each(to_send, source_language(config),
                                                      language.code), strict=True))
    _remember(session, engine.name, language,
              {text: answer for text, answer in answers.items() if isinstance(answer, str)})
    results: list[str | MTError] = []
    for text in texts:
        if not text.strip():
            results.append(text)
        elif text in answers:
            results.append(answers[text])
        else:
            results.append(cached[source_hash(text)])
    return results
