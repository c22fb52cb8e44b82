"""Quality checks against the store: contexts, the findings cache, dismissals, the approval
and sign-off gates. Stub checks keep these tests about the behaviour, not about one check."""

from __future__ import annotations

import check_stubs
import pytest
from check_stubs import Shouting
from sqlalchemy import func, select

import app.checks as checks_package
from app.checks.base import Check, CheckContext, Severity
from app.services import quality, signoff, translations
from app.store.models import (
    CheckDismissal,
    CheckResult,
    Document,
    GlossaryTerm,
    History,
    Language,
    Segment,
    SignOff,
    Translation,
    User,
)

SEEN: list[CheckContext] = []


class Broken(check_stubs.Broken):
    """The stand-in error check, also recording the context it was given."""

    def messages(self, source, target, language, context):  # noqa: ANN001, ANN201
        SEEN.append(context)
        return super().messages(source, target, language, context)


class MachineDraft(Check):
    check_id = "machine_draft"
    name = "Unedited machine draft"
    severity = Severity.ERROR
    description = "The text is the machine draft as it came."

    def messages(self, source, target, language, context):  # noqa: ANN001, ANN201
        return ["unedited machine draft"] if context.draft_text == target else []


@pytest.fixture
def stubs(monkeypatch: pytest.MonkeyPatch) -> None:
    SEEN.clear()
    monkeypatch.setattr(
        checks_package,
        "CHECKS",
        {"broken": Broken(), "shouting": Shouting(), "machine_draft": MachineDraft()},
        raising=False,
    )
    monkeypatch.setattr(checks_package, "DOCUMENT_CHECKS", {}, raising=False)


@pytest.fixture
def db(app, stubs):  # noqa: ANN001, ANN201
    return app.extensions["terjime.db"]


def users(db, app):  # noqa: ANN001, ANN201
    from werkzeug.security import generate_password_hash

    from app.store.models import Membership

    with db.session() as session:
        made = {}
        ug = session.scalar(select(Language).where(Language.code == "ug"))
        for name, role in (("ilham", "editor"), ("aygul", "translator")):
            user = User(
                display_name=name,
                password_hash=generate_password_hash(
                    "x", method=app.config["PASSWORD_HASH_METHOD"]
                ),
            )
            session.add(user)
            session.flush()
            session.add(Membership(user_id=user.id, role=role, language_id=ug.id))
            made[name] = user.id
        return made


def first_segments(session, count: int = 2) -> list[Segment]:  # noqa: ANN001
    return list(
        session.scalars(
            select(Segment)
            .where(Segment.active.is_(True))
            .order_by(Segment.document_id, Segment.position)
            .limit(count)
        )
    )


def ug(session) -> Language:  # noqa: ANN001
    return session.scalar(select(Language).where(Language.code == "ug"))


def put(session, segment: Segment, text: str, user_id: int) -> Translation:  # noqa: ANN001
    row = translations.translation_for(session, segment, ug(session))
    result = translations.save_translation(
        session, row, text, row.revision, session.get(User, user_id)
    )
    assert result.ok
    return result.translation


def test_an_error_blocks_approval_and_names_the_check(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        row = put(session, segment, "يامان BAD", people["aygul"])
        with pytest.raises(translations.ValidationError, match="broken: the text contains BAD"):
            translations.approve(session, row, row.revision, session.get(User, people["ilham"]))
        assert row.state == "translated"
        fixed = put(session, segment, "ياخشى", people["aygul"])
        translations.approve(session, fixed, fixed.revision, session.get(User, people["ilham"]))
        assert fixed.state == "approved"


def test_the_machine_draft_error_yields_to_the_override_only(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        row = put(session, segment, "ماشىنا تەرجىمىسى", people["aygul"])
        row.draft_text, row.draft_origin = row.text, "engine:libre"
        session.flush()
        editor = session.get(User, people["ilham"])
        with pytest.raises(translations.ValidationError):
            translations.approve(session, row, row.revision, editor)
        translations.approve(session, row, row.revision, editor, override=True)
        assert row.state == "approved" and row.approved_override


def test_context_has_glossary_draft_and_other_translations(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        twin = Segment(
            document_id=segment.document_id,
            msgid=segment.msgid,
            context="other",
            position=9999,
            block=9999,
        )
        session.add(twin)
        session.add(
            GlossaryTerm(
                language_id=ug(session).id,
                source_term="Uyghur",
                target_term="ئۇيغۇر",
                do_not_translate=False,
            )
        )
        session.flush()
        put(session, twin, "باشقا تەرجىمە", people["aygul"])
        row = put(session, segment, "تەرجىمە", people["aygul"])
        row.draft_text, row.draft_origin = "ماشىنا", "engine:libre"
        SEEN.clear()
        quality.results_for(session, row, fresh=True)
        context = SEEN[-1]
        assert context.other_translations == ("باشقا تەرجىمە",)
        assert context.glossary[0].source == "Uyghur" and context.glossary[0].target == "ئۇيغۇر"
        assert context.draft_text == "ماشىنا" and context.draft_origin == "engine:libre"
        assert context.msgctxt == (segment.context or None)


def test_findings_are_cached_per_revision(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        row = put(session, segment, "BAD!!", people["aygul"])
        language = ug(session)
        found = quality.cached_findings(session, [(segment, row)], language)[row.id]
        assert {f.check_id for f in found} == {"broken", "shouting"}
        SEEN.clear()
        quality.cached_findings(session, [(segment, row)], language)
        assert SEEN == []  # served from the cache
        row = put(session, segment, "ياخشى", people["aygul"])
        assert quality.cached_findings(session, [(segment, row)], language)[row.id] == []
        assert (
            session.scalar(
                select(func.count(CheckResult.id)).where(CheckResult.translation_id == row.id)
            )
            == 1
        )


def test_dismissal_needs_a_reason_a_role_and_a_warning(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        row = put(session, segment, "BAD!!", people["aygul"])
        translator = session.get(User, people["aygul"])
        with pytest.raises(quality.QualityError, match="reason"):
            quality.dismiss(session, row, "shouting", "  ", translator)
        with pytest.raises(quality.QualityError, match="errors cannot be dismissed"):
            quality.dismiss(session, row, "broken", "fine", translator)
        with pytest.raises(quality.QualityError, match="does not fail"):
            quality.dismiss(session, row, "nonsense", "fine", translator)
        outsider = User(display_name="stranger", password_hash="x")
        session.add(outsider)
        session.flush()
        with pytest.raises(quality.QualityDenied):
            quality.dismiss(session, row, "shouting", "fine", outsider)
        assert session.scalar(select(func.count(CheckDismissal.id))) == 0


def test_a_dismissed_warning_stops_counting_until_the_text_changes(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        document = session.get(Document, segment.document_id)
        row = put(session, segment, "ياخشى!!", people["aygul"])
        language = ug(session)
        assert (
            quality.counts(session, [document], [language])[(document.id, language.id)].warnings
            == 1
        )
        assert segment.id in quality.failing_segment_ids(session, document, language)
        quality.dismiss(
            session, row, "shouting", "a slogan of the campaign", session.get(User, people["aygul"])
        )
        results = quality.results_for(session, row)
        assert [r.failing for r in results] == [False]
        assert results[0].dismissal.reason == "a slogan of the campaign"
        assert (
            quality.counts(session, [document], [language])[(document.id, language.id)].total == 0
        )
        assert segment.id not in quality.failing_segment_ids(session, document, language)
        note = session.scalar(
            select(History).where(
                History.translation_id == row.id, History.action == "dismiss-check"
            )
        )
        assert note.note == "dismissed shouting: a slogan of the campaign"
        row = put(session, segment, "ياخشى!! يەنە", people["aygul"])
        assert [r.failing for r in quality.results_for(session, row)] == [True]


def test_a_dismissed_warning_does_not_block_approval(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        segment = first_segments(session)[0]
        row = put(session, segment, "ياخشى!!", people["aygul"])
        editor = session.get(User, people["ilham"])
        quality.dismiss(session, row, "shouting", "deliberate", editor)
        translations.approve(session, row, row.revision, editor)
        assert row.state == "approved"


def test_sign_off_is_refused_while_an_error_remains(db, app) -> None:
    people = users(db, app)
    with db.session() as session:
        language = ug(session)
        editor = session.get(User, people["ilham"])
        document = session.scalars(select(Document).order_by(Document.id)).first()
        segments = list(
            session.scalars(
                select(Segment).where(Segment.document_id == document.id, Segment.active.is_(True))
            )
        )
        for index, segment in enumerate(segments):
            row = put(session, segment, f"تەرجىمە {index}", people["aygul"])
            translations.approve(session, row, row.revision, editor)
        # an import (or a check that changed) can leave an approved text failing
        bad = translations.translation_for(session, segments[0], language)
        bad.text = "تەرجىمە BAD"
        bad.revision += 1
        session.flush()
        with pytest.raises(
            signoff.SignOffRefused, match=r"1 quality check error remains \(1 broken"
        ):
            signoff.sign_off(session, document, language, editor)
        assert session.scalar(select(func.count(SignOff.id))) == 0
        bad.text = "تەرجىمە"
        bad.revision += 1
        session.flush()
        assert signoff.sign_off(session, document, language, editor) is not None


def test_check_text_changes_nothing(db, app) -> None:
    with db.session() as session:
        segment = first_segments(session)[0]
        language = ug(session)
        results = quality.results_for_text(session, segment, language, "BAD", None)
        assert [(r.check_id, r.severity) for r in results] == [("broken", "error")]
        assert session.scalar(select(func.count(CheckResult.id))) == 0


# --- with the real registry ----------------------------------------------------------------


def test_the_real_numbers_check_blocks_approval_in_uyghur(app) -> None:
    """No stubs: the statement's "World Refugee Day 2022, a group of 22 …" needs its numbers."""
    db = app.extensions["terjime.db"]
    people = users(db, app)
    with db.session() as session:
        segment = session.scalar(
            select(Segment).where(
                Segment.msgid.like("%Refugee Day 2022%"), Segment.active.is_(True)
            )
        )
        editor = session.get(User, people["ilham"])
        row = put(session, segment, "دۇنيا مۇساپىرلار كۈنى", people["aygul"])
        with pytest.raises(translations.ValidationError, match="numbers"):
            translations.approve(session, row, row.revision, editor)
        ids = {r.check_id for r in quality.results_for(session, row) if r.is_error}
        assert "numbers" in ids


def test_the_real_structure_check_runs_on_the_rebuilt_document(app) -> None:
    from app.project import Project

    db = app.extensions["terjime.db"]
    project = Project()
    with db.session() as session:
        document = session.scalars(select(Document)).first()
        findings = quality.document_findings(session, project, document, ug(session))
        assert all(f.check_id == "structure" for f in findings)
