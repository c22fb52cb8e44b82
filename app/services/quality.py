"""Quality checks against the store: findings per translation, dismissals, counts, gates.

The checks themselves (:mod:`app.checks`) see two texts and a :class:`CheckContext`; this
module fills the context in from the database (glossary, the draft a text grew from, other
translations of the same sentence), caches findings per (translation, revision) in
``check_result`` so the failing-checks filter and the dashboard need not recompute 2,000
segments on every page load, and applies dismissals. A dismissal holds only for the exact
text it was made for: edit the text and the warning is back.

Approval and sign-off compute afresh (never from the cache): the glossary or another
segment may have changed since the cache was written, and those are the gates that matter.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.checks.base import CheckContext, Finding, Severity
from app.checks.base import GlossaryTerm as TermFact
from app.core.languages import get_language
from app.core.states import State
from app.services.permissions import Action, can
from app.store.models import (
    CheckDismissal,
    CheckResult,
    Document,
    GlossaryTerm,
    History,
    Language,
    Segment,
    Translation,
    User,
    utcnow,
)

log = logging.getLogger(__name__)

MAX_REASON = 1000
USABLE = (State.TRANSLATED.value, State.APPROVED.value)
#: The finding an editor may approve past with the override (it is recorded).
OVERRIDABLE = frozenset({"machine_draft"})


class QualityError(ValueError):
    """Input the user must correct (HTTP 422); nothing was changed."""


class QualityDenied(Exception):
    """The user's role does not allow this on this language (HTTP 403)."""


@dataclass(frozen=True)
class Result:
    """A finding as shown: dismissed (by whom, why) or failing."""

    check_id: str
    severity: str
    message: str
    dismissal: CheckDismissal | None = None

    @property
    def failing(self) -> bool:
        return self.dismissal is None

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR.value

    def as_json(self) -> dict:
        out = {"check": self.check_id, "severity": self.severity, "message": self.message,
               "dismissed": self.dismissal is not None}
        if self.dismissal is not None:
            out["reason"] = self.dismissal.reason
            out["dismissed_by"] = (self.dismissal.user.display_name if self.dismissal.user
                                   else None)
        return out


@dataclass
class Counts:
    errors: int = 0
    warnings: int = 0

    @property
    def total(self) -> int:
        return self.errors + self.warnings


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- running the checks --------------------------------------------------------------------


def registry() -> dict:
    """The registered checks (read at call time, so tests can replace the registry)."""
    try:
        import app.checks as checks
    except ImportError:  # pragma: no cover - the package is always there
        return {}
    return getattr(checks, "CHECKS", {}) or {}


def run(source: str, target: str, language_code: str, context: CheckContext) -> list[Finding]:
    """Every registered check on one pair; a check that crashes is logged and skipped (a bug
    in a check must not stop a volunteer from saving)."""
    if not target:
        return []
    language = get_language(language_code)
    found: list[Finding] = []
    for check_id, check in registry().items():
        try:
            found.extend(check.check(source, target, language, context))
        except Exception:  # noqa: BLE001
            log.exception("quality check %s failed", check_id)
    return found


@dataclass
class _LanguageFacts:
    """What every context of one language shares, loaded once per batch."""

    glossary: tuple[TermFact, ...]
    by_msgid: dict[str, list[tuple[int, str]]]


#: Up to this many sentences are looked up by msgid; more are read in one pass instead (no
#: parameter list grows with the document).
_FEW = 400


def _facts(session: Session, language_id: int, msgids: set[str] | None = None
           ) -> _LanguageFacts:
    glossary = tuple(
        TermFact(row.source_term, row.target_term, row.do_not_translate)
        for row in session.scalars(select(GlossaryTerm)
                                   .where(GlossaryTerm.language_id == language_id)
                                   .order_by(GlossaryTerm.id)))
    query = (select(Segment.id, Segment.msgid, Translation.text)
             .join(Translation, Translation.segment_id == Segment.id)
             .where(Translation.language_id == language_id, Segment.active.is_(True),
                    Translation.state.in_(USABLE), Translation.text != ""))
    if msgids is not None and len(msgids) <= _FEW:
        # Segments first, through ix_segment_msgid, then their translations by the
        # (segment, language) key: one save must not read the language's every translation.
        # (Two queries: as one, SQLite's planner starts from the language's translations.)
        ids = list(session.scalars(select(Segment.id).where(Segment.msgid.in_(msgids),
                                                            Segment.active.is_(True))))
        query = query.where(Translation.segment_id.in_(ids))
    by_msgid: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for segment_id, msgid, text in session.execute(query):
        if msgids is None or msgid in msgids:  # many msgids: one pass over the language
            by_msgid[msgid].append((segment_id, text))
    return _LanguageFacts(glossary, by_msgid)


def _context(segment: Segment, translation: Translation | None, facts: _LanguageFacts
             ) -> CheckContext:
    others = tuple(dict.fromkeys(text for segment_id, text in facts.by_msgid.get(segment.msgid,
                                                                                    ())
                                 if segment_id != segment.id))
    return CheckContext(
        msgctxt=segment.context or None, glossary=facts.glossary,
        draft_text=translation.draft_text if translation else None,
        draft_origin=translation.draft_origin if translation else None,
        approved_override=bool(translation.approved_override) if translation else False,
        other_translations=others,
        comments=tuple(str(comment) for comment in (segment.comments or ())))


def context_for(session: Session, segment: Segment, translation: Translation | None,
                language: Language) -> CheckContext:
    """The full context of one segment in one language."""
    return _context(segment, translation, _facts(session, language.id, {segment.msgid}))


def check_text(session: Session, segment: Segment, language: Language, text: str,
               translation: Translation | None = None) -> list[Finding]:
    """Findings for ``text`` (saved or not) as the translation of ``segment``; no change."""
    return run(segment.msgid, text, language.code,
               context_for(session, segment, translation, language))


# --- the cache -----------------------------------------------------------------------------


def _store(session: Session, translation: Translation, findings: list[Finding]) -> None:
    _store_many(session, [(translation, findings)])


def _store_many(session: Session, computed: list[tuple[Translation, list[Finding]]], *,
                replace: bool = True) -> None:
    """Replace the cached findings of these translations: one DELETE (unless ``replace`` is
    False: nothing cached yet) and one INSERT (an executemany) whatever their number, so a
    page costs the same queries at any size."""
    if not computed:
        return
    ids = [row.id for row, _ in computed] if replace else []
    for start in range(0, len(ids), 900):
        session.execute(delete(CheckResult).where(
            CheckResult.translation_id.in_(ids[start:start + 900])))
    now = utcnow()
    session.execute(insert(CheckResult.__table__), [
        {"translation_id": row.id, "language_id": row.language_id, "revision": row.revision,
         "text_sha256": text_sha256(row.text), "computed_at": now,
         "findings": [[f.check_id, str(f.severity), f.message] for f in findings]}
        for row, findings in computed])


def _from_cache(rows: list) -> list[Finding]:
    return [Finding(check_id, Severity(severity), message) for check_id, severity, message in rows]


def refresh(session: Session, translation: Translation, segment: Segment | None = None
            ) -> list[Finding]:
    """Compute a translation's findings afresh and cache them (call after a save)."""
    segment = segment or session.get(Segment, translation.segment_id)
    language = session.get(Language, translation.language_id)
    findings = check_text(session, segment, language, translation.text, translation)
    _store(session, translation, findings)
    return findings


def _fresh(cached: CheckResult | None, translation: Translation) -> bool:
    return (cached is not None and cached.revision == translation.revision
            and cached.text_sha256 == text_sha256(translation.text))


def cached_findings(session: Session, pairs: list[tuple[Segment, Translation | None]],
                    language: Language, *, fresh: bool = False) -> dict[int, list[Finding]]:
    """Findings by translation id for a batch of (segment, translation) of one language:
    from the cache where it is current, computed (and cached) where not — one query for the
    cache, one for the shared facts only if something must be computed."""
    rows = [(segment, row) for segment, row in pairs if row is not None and row.text]
    if not rows:
        return {}
    cache: dict[int, CheckResult] = {}
    ids = [row.id for _, row in rows]
    for start in range(0, 0 if fresh else len(ids), 900):
        for cached in session.scalars(select(CheckResult).where(
                CheckResult.translation_id.in_(ids[start:start + 900]))):
            cache[cached.translation_id] = cached
    out: dict[int, list[Finding]] = {}
    stale = []
    for segment, row in rows:
        cached = cache.get(row.id)
        if _fresh(cached, row):
            out[row.id] = _from_cache(cached.findings)
        else:
            stale.append((segment, row))
    if stale:
        facts = _facts(session, language.id, {segment.msgid for segment, _ in stale})
        computed = []
        for segment, row in stale:
            findings = run(segment.msgid, row.text, language.code, _context(segment, row, facts))
            computed.append((row, findings))
            out[row.id] = findings
        _store_many(session, computed, replace=fresh or any(row.id in cache
                                                            for _, row in stale))
    return out


# --- dismissals ----------------------------------------------------------------------------


def dismissals_for(session: Session, translations: list[Translation]
                   ) -> dict[int, dict[str, CheckDismissal]]:
    """Dismissals valid for each translation's current text, by translation id and check."""
    wanted = {row.id: text_sha256(row.text) for row in translations if row is not None}
    out: dict[int, dict[str, CheckDismissal]] = defaultdict(dict)
    ids = list(wanted)
    for start in range(0, len(ids), 900):
        for dismissal in session.scalars(select(CheckDismissal).where(
                CheckDismissal.translation_id.in_(ids[start:start + 900]))):
            if wanted[dismissal.translation_id] == dismissal.text_sha256:
                out[dismissal.translation_id][dismissal.check_id] = dismissal
    return out


def apply(findings: list[Finding], dismissed: dict[str, CheckDismissal]) -> list[Result]:
    """Findings as shown: errors first; a warning with a dismissal is marked dismissed."""
    results = [Result(f.check_id, str(f.severity), f.message,
                      dismissed.get(f.check_id) if f.severity == Severity.WARNING else None)
               for f in findings]
    return sorted(results, key=lambda r: (not r.is_error, not r.failing, r.check_id))


def results_for(session: Session, translation: Translation | None,
                segment: Segment | None = None, *, fresh: bool = False) -> list[Result]:
    """One translation's findings with its dismissals (cached unless ``fresh``)."""
    if translation is None or not translation.text:
        return []
    segment = segment or session.get(Segment, translation.segment_id)
    if fresh:
        findings = refresh(session, translation, segment)
    else:
        language = session.get(Language, translation.language_id)
        findings = cached_findings(session, [(segment, translation)], language)[translation.id]
    return apply(findings, dismissals_for(session, [translation]).get(translation.id, {}))


def results_for_rows(session: Session, pairs: list[tuple[Segment, Translation | None]],
                     language: Language, *, fresh: bool = False) -> dict[int, list[Result]]:
    """Results by segment id for a page of the editor (a few queries, whatever its size)."""
    findings = cached_findings(session, pairs, language, fresh=fresh)
    warned = [row for _, row in pairs if row is not None
              and any(f.severity == Severity.WARNING for f in findings.get(row.id, ()))]
    dismissed = dismissals_for(session, warned) if warned else {}
    return {segment.id: apply(findings.get(row.id, []) if row else [],
                              dismissed.get(row.id, {}) if row else {})
            for segment, row in pairs}


def results_for_text(session: Session, segment: Segment, language: Language, text: str,
                     translation: Translation | None) -> list[Result]:
    """Results for a text being typed (not saved): nothing is cached or changed. Dismissals
    made for this exact text still apply."""
    findings = check_text(session, segment, language, text, translation)
    dismissed: dict[str, CheckDismissal] = {}
    if translation is not None and translation.id is not None:
        digest = text_sha256(text)
        dismissed = {d.check_id: d for d in session.scalars(select(CheckDismissal).where(
            CheckDismissal.translation_id == translation.id,
            CheckDismissal.text_sha256 == digest))}
    return apply(findings, dismissed)


def dismiss(session: Session, translation: Translation, check_id: object, reason: object,
            user: User) -> CheckDismissal:
    """Dismiss a failing warning on the current text, with a reason; translators and editors.

    Recorded twice: the dismissal row, and a history note so the reason is seen in history.
    """
    language = session.get(Language, translation.language_id)
    if user is None or not can(user, Action.TRANSLATE, language.code):
        raise QualityDenied(f"you may not dismiss checks in {language.code}")
    if not isinstance(reason, str) or not reason.strip():
        raise QualityError("give a reason for dismissing this warning")
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise QualityError(f"the reason is too long (at most {MAX_REASON} characters)")
    if not isinstance(check_id, str) or not check_id:
        raise QualityError("name the check to dismiss")
    current = {r.check_id: r for r in results_for(session, translation, fresh=True)}
    found = current.get(check_id)
    if found is None:
        raise QualityError(f"the check {check_id!r} does not fail on this text "
                           "(it may have changed meanwhile)")
    if found.is_error:
        raise QualityError(f"{check_id} is an error: errors cannot be dismissed, fix the text")
    if found.dismissal is not None:
        return found.dismissal
    row = CheckDismissal(translation_id=translation.id, check_id=check_id,
                         text_sha256=text_sha256(translation.text), reason=reason,
                         user_id=user.id)
    session.add(row)
    session.add(History(translation_id=translation.id, text=translation.text,
                        state=translation.state, revision=translation.revision,
                        action="dismiss-check", user_id=user.id,
                        note=f"dismissed {check_id}: {reason}"))
    session.flush()
    return row


# --- gates ---------------------------------------------------------------------------------


def blocking_errors(session: Session, translation: Translation, *, override: bool = False
                    ) -> list[Result]:
    """Error-level findings that stop approval (the machine-draft one yields to override)."""
    return [r for r in results_for(session, translation, fresh=True)
            if r.is_error and not (override and r.check_id in OVERRIDABLE)]


def describe(results: list[Result]) -> str:
    """"2 numbers, 1 urls"-style summary of failing checks."""
    by_check: dict[str, int] = defaultdict(int)
    for result in results:
        by_check[result.check_id] += 1
    return ", ".join(f"{count} {check}" for check, count in sorted(by_check.items()))


def segment_results(session: Session, document: Document, language: Language, *,
                    fresh: bool = False) -> list[tuple[Segment, Translation, list[Result]]]:
    """Every active segment with a text in this document and language, with its results."""
    pairs = list(session.execute(
        select(Segment, Translation)
        .join(Translation, Translation.segment_id == Segment.id)
        .where(Segment.document_id == document.id, Segment.active.is_(True),
               Translation.language_id == language.id, Translation.text != "")
        .order_by(Segment.position, Segment.id)))
    by_segment = results_for_rows(session, pairs, language, fresh=fresh)
    return [(segment, row, by_segment[segment.id]) for segment, row in pairs]


def document_errors(session: Session, document: Document, language: Language) -> list[Result]:
    """Failing error-level results of a whole document and language, computed afresh."""
    return [result for _, _, results in segment_results(session, document, language, fresh=True)
            for result in results if result.is_error]


def failing_counts(session: Session, document: Document, language: Language
                   ) -> dict[int, Counts]:
    """Failing (not dismissed) errors and warnings by segment id, for the filter and the
    dashboard: one query over plain columns when the cache is current (2,000 segments in a
    few milliseconds); stale translations are checked and cached first."""
    rows = session.execute(
        select(Segment.id, Translation.id, Translation.revision, Translation.text,
               CheckResult.revision, CheckResult.text_sha256, CheckResult.findings)
        .join(Translation, Translation.segment_id == Segment.id)
        .outerjoin(CheckResult, CheckResult.translation_id == Translation.id)
        .where(Segment.document_id == document.id, Segment.active.is_(True),
               Translation.language_id == language.id, Translation.text != "")).all()
    current: dict[int, tuple[int, str, list]] = {}
    stale: set[int] = set()
    for segment_id, translation_id, revision, text, cached_revision, digest, findings in rows:
        sha = text_sha256(text)
        if cached_revision == revision and digest == sha:
            current[translation_id] = (segment_id, sha, findings)
        else:
            stale.add(translation_id)
    if stale:
        pairs = [(segment, row) for segment, row in session.execute(
            select(Segment, Translation).join(Translation, Translation.segment_id == Segment.id)
            .where(Translation.id.in_(stale)))]
        computed = cached_findings(session, pairs, language)
        for segment, row in pairs:
            current[row.id] = (segment.id, text_sha256(row.text),
                               [[f.check_id, str(f.severity), f.message]
                                for f in computed.get(row.id, [])])
    dismissed: set[tuple[int, str, str]] = {tuple(found) for found in session.execute(
        select(CheckDismissal.translation_id, CheckDismissal.check_id,
               CheckDismissal.text_sha256)
        .join(Translation, Translation.id == CheckDismissal.translation_id)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Segment.document_id == document.id,
               Translation.language_id == language.id))} if current else set()
    out: dict[int, Counts] = {}
    for translation_id, (segment_id, sha, findings) in current.items():
        tally = Counts()
        for check_id, severity, _ in findings:
            if severity == Severity.ERROR.value:
                tally.errors += 1
            elif (translation_id, check_id, sha) not in dismissed:
                tally.warnings += 1
        if tally.total:
            out[segment_id] = tally
    return out


def failing_segment_ids(session: Session, document: Document, language: Language) -> set[int]:
    """Segments with at least one failing (not dismissed) check, for the editor's filter."""
    return set(failing_counts(session, document, language))


def counts(session: Session, documents: list[Document] | None = None,
           languages: list[Language] | None = None) -> dict[tuple[int, int], Counts]:
    """Failing errors and warnings per (document id, language id), for the dashboard (from
    the cache; only stale translations are checked again)."""
    if documents is None:
        documents = list(session.scalars(select(Document)))
    if languages is None:
        languages = list(session.scalars(select(Language)))
    out: dict[tuple[int, int], Counts] = {}
    for document in documents:
        for language in languages:
            tally = out[(document.id, language.id)] = Counts()
            for found in failing_counts(session, document, language).values():
                tally.errors += found.errors
                tally.warnings += found.warnings
    return out


# --- the whole document ----------------------------------------------------------------------


def document_findings(session: Session, project: object, document: Document,
                      language: Language) -> list[Finding]:
    """Document-level checks (``structure``) on the statement rebuilt from the database."""
    try:
        import app.checks as checks
    except ImportError:  # pragma: no cover
        return []
    document_checks = getattr(checks, "DOCUMENT_CHECKS", None)
    if not document_checks or project is None:
        return []
    from app.core.document import load_document
    from app.core.rebuild import render
    from app.services.preview import database_translations

    path = project.document(document.name)
    if not path.exists():
        return []
    parsed = load_document(path, project.reference(path))
    usable = database_translations(session, document, language)
    rebuilt = render(parsed, usable, get_language(language.code), "md").text
    source = path.read_text(encoding="utf-8")
    values = document_checks.values() if isinstance(document_checks, dict) else document_checks
    found: list[Finding] = []
    for check in values:
        try:
            found.extend(check.check_document(source, rebuilt))
        except Exception:  # noqa: BLE001
            log.exception("document check %s failed", getattr(check, "check_id", check))
    return found
