"""Glossary service: CRUD with validation, hits in the English source, CSV/TBX in and out."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.tbx import read_tbx
from app.services import glossary
from app.store.models import AuditLog, GlossaryTerm, User


@pytest.fixture
def store(app):
    return app.extensions["terjime.db"]


def count(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(GlossaryTerm))


def add(store, source: str, target: str = "", note: str = "", dnt: bool = False,
        lang: str = "ug") -> int:
    with store.session() as session:
        return glossary.add_term(session, lang, source, target, note, dnt).id


# --- CRUD and validation -----------------------------------------------------------------


def test_add_update_delete_and_list(store) -> None:
    unhcr = add(store, "  UNHCR ", "", "UN refugee agency", dnt=True)
    un = add(store, "United   Nations", "ب د ت")
    add(store, "asylum", "sığınma", lang="tr")
    with store.session() as session:
        terms = glossary.list_terms(session, "ug")
        assert [(t.source_term, t.target_term, t.do_not_translate) for t in terms] == [
            ("UNHCR", "UNHCR", True), ("United Nations", "ب د ت", False)]
        assert [t.source_term for t in glossary.list_terms(session, "ug", "refugee")] == ["UNHCR"]
        assert [t.source_term for t in glossary.list_terms(session, "ug", "ب د")] == [
            "United Nations"]
        glossary.update_term(session, "ug", un, "United Nations", "بىرلەشكەن دۆلەتلەر",
                             "official name\nsecond line")
    with store.session() as session:
        term = glossary.get_term(session, "ug", un)
        assert (term.target_term, term.note) == ("بىرلەشكەن دۆلەتلەر",
                                                 "official name\nsecond line")
        glossary.delete_term(session, "ug", unhcr)
    assert count(store) == 2
    with store.session() as session, pytest.raises(glossary.GlossaryError, match="no such"):
        glossary.get_term(session, "tr", un)  # a term of another language


@pytest.mark.parametrize(("source", "target", "note", "dnt", "field", "message"), [
    ("", "x", "", False, "source", "give the term"),
    ("   ", "x", "", False, "source", "give the term"),
    ("refugee", "", "", False, "target", "give the translation"),
    ("x" * 301, "y", "", False, "source", "too long: 301"),
    ("refugee", "y" * 301, "", False, "target", "too long"),
    ("refugee", "y", "n" * 2001, False, "note", "too long"),
    ("bad\x07term", "y", "", False, "source", "control character .U\\+0007"),
    ("refugee", 5, "", False, "target", "must be text"),
])
def test_validation_errors_name_the_field(store, source, target, note, dnt, field,
                                          message) -> None:
    with store.session() as session, pytest.raises(glossary.GlossaryError,
                                                   match=message) as caught:
        glossary.add_term(session, "ug", source, target, note, dnt)
    assert caught.value.field == field
    assert count(store) == 0


def test_terms_are_unique_case_insensitively(store) -> None:
    add(store, "UNHCR", dnt=True)
    other = add(store, "refugee", "مۇساپىر")
    with store.session() as session, pytest.raises(glossary.GlossaryError,
                                                   match="already in the glossary"):
        glossary.add_term(session, "ug", "unhcr", "x")
    with store.session() as session, pytest.raises(glossary.GlossaryError, match="already"):
        glossary.update_term(session, "ug", other, "Unhcr", "x")
    with store.session() as session:  # the same term in another language is fine
        glossary.add_term(session, "tr", "UNHCR", "", "", True)
    with store.session() as session, pytest.raises(glossary.GlossaryError, match="unknown"):
        glossary.add_term(session, "xx", "UNHCR", "x")


def test_only_editors_of_the_language_and_admins_may_change(store, make_user) -> None:
    translator = make_user("Translator", "translator", ["ug"])
    editor_tr = make_user("EditorTr", "editor", ["tr"])
    editor = make_user("Editor", "editor", ["ug"])
    admin = make_user("Admin", "admin")
    for user_id in (translator, editor_tr):
        with store.session() as session, pytest.raises(glossary.GlossaryPermissionError):
            glossary.add_term(session, "ug", "UNHCR", "", "", True,
                              user=session.get(User, user_id))
    for name, user_id in (("UNHCR", editor), ("APHR", admin)):
        with store.session() as session:
            term = glossary.add_term(session, "ug", name, "", "", True,
                                     user=session.get(User, user_id))
            assert term.updated_by == user_id


# --- hits --------------------------------------------------------------------------------


def hits(store, text: str, lang: str = "ug") -> list[tuple[str, str, str]]:
    with store.session() as session:
        return [(h.term, text[h.start:h.end], h.translation)
                for h in glossary.glossary_hits(session, lang, text)]


def test_hits_are_case_insensitive_on_word_boundaries_with_plurals(store) -> None:
    add(store, "UNHCR", dnt=True)
    add(store, "refugee", "مۇساپىر")
    add(store, "human rights defender", "كىشىلىك ھوقۇق قوغدىغۇچى")
    add(store, "country", "دۆلەت")
    add(store, "process", "جەريان")
    add(store, "United Nations", "ب د ت")
    add(store, "Nations", "مىللەتلەر")
    text = ("The UNHCR's refugees and Refugee camps; human  rights\ndefenders in many countries "
            "and processes of the United Nations, not UNHCRs nor refugeehood or unrefugee.")
    assert hits(store, text) == [
        ("UNHCR", "UNHCR", "UNHCR"),
        ("refugee", "refugees", "مۇساپىر"),
        ("refugee", "Refugee", "مۇساپىر"),
        ("human rights defender", "human  rights\ndefenders", "كىشىلىك ھوقۇق قوغدىغۇچى"),
        ("country", "countries", "دۆلەت"),
        ("process", "processes", "جەريان"),
        ("United Nations", "United Nations", "ب د ت"),  # "Nations" inside it is left out
        ("UNHCR", "UNHCRs", "UNHCR"),
    ]
    assert hits(store, text, lang="tr") == [] and hits(store, "", "ug") == []
    assert hits(store, text, lang="xx") == []


def test_hit_positions_and_notes(store) -> None:
    add(store, "APHR", "", "ASEAN Parliamentarians for Human Rights", dnt=True)
    with store.session() as session:
        (hit,) = glossary.glossary_hits(session, "ug", "Signed by APHR.")
    assert (hit.start, hit.end, hit.do_not_translate, hit.note) == (
        10, 14, True, "ASEAN Parliamentarians for Human Rights")


# --- files -------------------------------------------------------------------------------


CSV = ("source,target,note,do_not_translate\n"
       "UNHCR,,UN refugee agency,yes\n"
       "United Nations,ب د ت,,no\n"
       "refoulement,قايتۇرۇۋېتىش,\"forced return, 1951 Convention\",\n").encode()


def test_csv_import_merges_and_reports(store, make_user) -> None:
    add(store, "refoulement", "old", "keep?")
    add(store, "camp", "لاگېر")
    editor = make_user("Editor", "editor", ["ug"])
    with store.session() as session:
        report = glossary.import_glossary(session, "ug", CSV, "terms.csv",
                                          user=session.get(User, editor))
    assert (report.added, report.updated, report.unchanged) == (2, 1, 0)
    with store.session() as session:
        terms = {t.source_term: (t.target_term, t.note, t.do_not_translate)
                 for t in glossary.list_terms(session, "ug")}
        assert terms == {"UNHCR": ("UNHCR", "UN refugee agency", True),
                         "United Nations": ("ب د ت", "", False),
                         "refoulement": ("قايتۇرۇۋېتىش", "forced return, 1951 Convention", False),
                         "camp": ("لاگېر", "", False)}
        assert session.scalar(select(AuditLog.action).where(
            AuditLog.action == "glossary-import")) == "glossary-import"
        again = glossary.import_glossary(session, "ug", CSV, "terms.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"source,target\nUNHCR,x\nunhcr,y\n", "t.csv",
     "t.csv, line 3: .unhcr. appears twice .also line 2."),
    (b"source,target\nrefugee,\n", "t.csv", "t.csv, line 2: give the translation"),
    (b"source,target\n" + b"x" * 400 + b",y\n", "t.csv", "line 2: the term is too long"),
    (b"source,target\n", "t.csv", "has no terms for ug"),
    (b"term;meaning\nx;y\n", "t.csv", "unknown column 'meaning'"),
    (bytes(range(256)) * 4, "t.csv", "NUL bytes"),
    (bytes(range(1, 256)) * 4, "t.tbx", "not a TBX file"),
    (b"<martif><text><body/></text></martif>", "t.tbx", "has no terms for ug"),
    (b'<!DOCTYPE m [<!ENTITY a "b">]><martif>&a;</martif>', "t.tbx", "its own DTD"),
])
def test_bad_files_change_nothing(store, data: bytes, filename: str, message: str) -> None:
    add(store, "camp", "لاگېر")
    with store.session() as session, pytest.raises(glossary.GlossaryError, match=message):
        glossary.import_glossary(session, "ug", data, filename)
    assert count(store) == 1


def test_export_round_trip_csv_and_tbx(store) -> None:
    with store.session() as session:
        glossary.import_glossary(session, "ug", CSV, "terms.csv")
        csv_data = glossary.export_glossary(session, "ug", "csv")
        tbx_data = glossary.export_glossary(session, "ug", "tbx")
        with pytest.raises(glossary.GlossaryError, match="unknown glossary format"):
            glossary.export_glossary(session, "ug", "xlsx")
    assert csv_data.decode("utf-8-sig").splitlines()[1] == "refoulement,قايتۇرۇۋېتىش," \
        "\"forced return, 1951 Convention\",no"
    rows = read_tbx(tbx_data, "en", "ug")
    assert [(r.source, r.target, r.do_not_translate) for r in rows] == [
        ("refoulement", "قايتۇرۇۋېتىش", False), ("UNHCR", "UNHCR", True),
        ("United Nations", "ب د ت", False)]
    for data, name in ((csv_data, "glossary-ug.csv"), (tbx_data, "glossary-ug.tbx"),
                       (tbx_data, "no-extension")):
        with store.session() as session:
            report = glossary.import_glossary(session, "ug", data, name)
        assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    with store.session() as session:  # into another language
        report = glossary.import_glossary(session, "tr", tbx_data.replace(
            b'xml:lang="ug"', b'xml:lang="tr"'), "from-ug.tbx")
    assert report.added == 3
