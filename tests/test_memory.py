"""Translation memory service: matches, exact matches, a live index, TMX and the PO feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz
from sqlalchemy import func, select

from app.core.catalog import Catalog, Entry
from app.core.pofile import write_po
from app.core.tmx import read_tmx
from app.project import Project
from app.services import memory, translations
from app.services.memory import _Watermark
from app.store.models import Language, MemoryUnit, Segment, User

RELEASE = "بارلىق تۇتقۇن قىلىنغان كىشىلىك ھوقۇق قوغدىغۇچىلارنى قويۇپ بېرىڭ."
UG_TEXT = "ئۇيغۇرلارنى قوغداش ئۈچۈن جىددىي تەدبىر قوللىنىش كېرەك."
TMX = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en-US" creationtool="x" creationtoolversion="1"
 segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en-US"><seg>No return is safe for Uyghurs.</seg></tuv>
    <tuv xml:lang="ug-CN"><seg>ئۇيغۇرلار ئۈچۈن ھېچقانداق قايتۇرۇش بىخەتەر ئەمەس.</seg></tuv>
    <tuv xml:lang="tr-TR"><seg>Uygurlar için hiçbir geri dönüş güvenli değildir.</seg></tuv>
    <tuv xml:lang="de"><seg>Keine Rückkehr ist sicher.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Release all detained human rights defenders.</seg></tuv>
    <tuv xml:lang="ug_Arab"><seg>{RELEASE}</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Release all detained human rights defenders.</seg></tuv>
    <tuv xml:lang="ug"><seg>{RELEASE}</seg></tuv></tu>
</body></tmx>""".encode()


@pytest.fixture(autouse=True)
def _fresh_indexes():
    memory.reset_indexes()
    yield
    memory.reset_indexes()


@pytest.fixture
def store(app):
    return app.extensions["terjime.db"]


@pytest.fixture
def editor(make_user) -> int:
    return make_user("Editor", "editor", ["ug", "tr"])


def segments(store) -> list[tuple[int, str]]:
    with store.session() as session:
        return list(session.execute(select(Segment.id, Segment.msgid)
                                    .where(Segment.active.is_(True))
                                    .order_by(Segment.position)))


def save(store, user_id: int, segment_id: int, text: str, lang: str = "ug",
         approve: bool = False) -> None:
    with store.session() as session:
        user = session.get(User, user_id)
        language = session.scalar(select(Language).where(Language.code == lang))
        row = translations.translation_for(session, segment_id, language)
        result = translations.save_translation(session, row, text, row.revision, user)
        assert result.ok
        if approve:
            translations.approve(session, row, row.revision, user)


def matches(store, text: str, lang: str = "ug", **kwargs) -> list[memory.MemoryMatch]:
    with store.session() as session:
        return memory.memory_matches(session, lang, text, **kwargs)


def unit_count(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(MemoryUnit))


def test_matches_come_from_translations_with_score_origin_and_diff(store, editor) -> None:
    (first_id, first), (second_id, _second) = segments(store)[1:3]
    save(store, editor, first_id, UG_TEXT)
    query = first.replace("urgent steps", "immediate steps")
    found = matches(store, query)
    assert len(found) == 1
    match = found[0]
    assert match.source == first and match.target == UG_TEXT
    assert match.score == pytest.approx(fuzz.ratio(first, query)) and 75 <= match.score < 100
    assert match.origin == "document statement" and match.state == "translated"
    assert ("delete", "urgent") in match.diff and ("insert", "immediate") in match.diff
    assert "".join(text for op, text in match.diff if op != "insert") == first
    # the segment's own translation is not suggested to itself
    assert matches(store, first, exclude_segment_id=first_id) == []
    assert matches(store, first, exclude_segment_id=second_id)[0].score == 100
    # other languages, other text and bad input find nothing
    assert matches(store, query, lang="tr") == []
    assert matches(store, "Something else entirely, about tea and biscuits.") == []
    assert matches(store, "   ") == [] and matches(store, query, lang="xx") == []
    assert matches(store, query, limit=0) == []


def test_drafts_and_empty_translations_are_not_memory(store, editor) -> None:
    (segment_id, source), = segments(store)[1:2]
    save(store, editor, segment_id, UG_TEXT)
    assert matches(store, source)
    with store.session() as session:
        user = session.get(User, editor)
        row = translations.translation_for(session, segment_id,
                                           session.scalar(select(Language).where(
                                               Language.code == "ug")))
        translations.mark_needs_edit(session, row, row.revision, user)
    assert matches(store, source) == []  # the live index dropped the draft
    save(store, editor, segment_id, "")
    assert matches(store, source) == []
    save(store, editor, segment_id, UG_TEXT + " ")
    assert matches(store, source)[0].target == UG_TEXT + " "


def test_the_index_follows_saves_and_imports(store, editor) -> None:
    rows = segments(store)
    assert matches(store, rows[5][1]) == []  # builds the index
    save(store, editor, rows[5][0], "بىرىنچى")
    save(store, editor, rows[6][0], "ئىككىنچى")
    assert [m.target for m in matches(store, rows[5][1])] == ["بىرىنچى"]
    assert [m.target for m in matches(store, rows[6][1])] == ["ئىككىنچى"]
    save(store, editor, rows[5][0], "يېڭى")
    assert [m.target for m in matches(store, rows[5][1])] == ["يېڭى"]
    with store.session() as session:
        memory.import_tmx(session, TMX, "old.tmx", ["ug"])
    found = matches(store, "No return is safe for the Uyghurs.")
    assert [(m.origin, m.state) for m in found] == [("imported: old.tmx", None)]


def test_each_pair_once_and_the_limit(store, editor) -> None:
    rows = segments(store)
    with store.session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        for i in range(8):
            session.add(MemoryUnit(language_id=language.id, source_text=rows[1][1],
                                   target_text=f"نۇسخا {i % 4}", origin="imported: a.tmx"))
    found = matches(store, rows[1][1], limit=10)
    assert sorted(m.target for m in found) == [f"نۇسخا {i}" for i in range(4)]
    assert len(matches(store, rows[1][1], limit=2)) == 2


def test_exact_match_prefers_approved_then_translated_then_imported(store, editor) -> None:
    rows = segments(store)
    source = rows[2][1]
    with store.session() as session:
        language = session.scalar(select(Language).where(Language.code == "ug"))
        session.add(MemoryUnit(language_id=language.id, source_text=source,
                               target_text="ئىمپورت", origin="imported: a.tmx"))
    with store.session() as session:
        match = memory.exact_match(session, "ug", source)
    assert (match.target, match.origin, match.score) == ("ئىمپورت", "imported: a.tmx", 100.0)
    save(store, editor, rows[2][0], "تەرجىمە")
    with store.session() as session:
        assert memory.exact_match(session, "ug", source).target == "تەرجىمە"
    save(store, editor, rows[2][0], "تەستىقلانغان", approve=True)
    with store.session() as session:
        match = memory.exact_match(session, "ug", source)
        assert (match.target, match.state) == ("تەستىقلانغان", "approved")
        assert memory.exact_match(session, "ug", source + " ") is None
        assert memory.exact_match(session, "tr", source) is None
        found = memory.exact_matches(session, "ug", [source, rows[3][1], ""])
        assert list(found) == [source]


def test_tmx_import_all_languages_and_report(store) -> None:
    with store.session() as session:
        report = memory.import_tmx(session, TMX, "/tmp/x/old memory.tmx")
    assert report.filename == "old memory.tmx"
    assert report.added == {"tr": 1, "ug": 2} and report.duplicates == 1  # repeated in the file
    assert report.skipped_languages == ["de"]
    with store.session() as session:
        origins = set(session.scalars(select(MemoryUnit.origin)))
        assert origins == {"imported: old memory.tmx"}
        again = memory.import_tmx(session, TMX, "again.tmx", ["ug"])
    assert again.added == {"ug": 0} and again.duplicates == 3
    assert unit_count(store) == 3


@pytest.mark.parametrize(("data", "languages", "message"), [
    (TMX, ["ru"], "has no units for ru"),
    (TMX, ["xx"], "unknown language xx"),
    (b"<tmx version='1.4'><body><tu><tuv xml:lang='fr'><seg>x</seg></tuv>"
     b"<tuv xml:lang='ug'><seg>y</seg></tuv></tu></body></tmx>", None, "no units in the source"),
    (b"<tmx version='1.4'><body><tu><tuv xml:lang='en'><seg>x</seg></tuv>"
     b"<tuv xml:lang='fr'><seg>y</seg></tuv></tu></body></tmx>", None, "no units for any"),
    (b"\x00\xffgarbage" * 40, None, "not a TMX file"),
    (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     b"<tmx>&b;</tmx>", None, "not a TMX file: it declares its own DTD"),
])
def test_bad_tmx_files_change_nothing(store, data: bytes, languages, message: str) -> None:
    with pytest.raises(memory.MemoryImportError, match=message), store.session() as session:
        memory.import_tmx(session, data, "bad.tmx", languages)
    assert unit_count(store) == 0


def test_tmx_export_round_trip(store, editor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.checks.CHECKS", {})  # placeholder texts; the gate is tested apart
    rows = segments(store)
    save(store, editor, rows[1][0], "بىرىنچى", approve=True)
    save(store, editor, rows[2][0], "ئىككىنچى")
    with store.session() as session:
        memory.import_tmx(session, TMX, "old.tmx", ["ug"])
        data = memory.export_tmx(session, "ug")
    document = read_tmx(data)
    assert document.srclang == "en"
    assert document.pairs("en", "ug") == [
        (rows[1][1], "بىرىنچى"), (rows[2][1], "ئىككىنچى"),
        ("No return is safe for Uyghurs.", "ئۇيغۇرلار ئۈچۈن ھېچقانداق قايتۇرۇش بىخەتەر ئەمەس."),
        ("Release all detained human rights defenders.", RELEASE),
    ]
    assert b"Editor" not in data  # no volunteer names in the file
    with store.session() as session:  # importing our own export adds nothing
        report = memory.import_tmx(session, data, "memory-ug.tmx", ["ug"])
    assert report.added == {"ug": 0} and report.duplicates == 4
    with store.session() as session, pytest.raises(memory.MemoryImportError):
        memory.export_tmx(session, "xx")


def po(path, entries: list[Entry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_po(path, Catalog(header={"Language": "ug", "Content-Type": "text/plain; charset=UTF-8"},
                           entries=entries))


def test_po_files_feed_the_memory(store, app_config) -> None:
    project = Project(Path(app_config["SOURCE_DIR"]), Path(app_config["LOCALES_DIR"]))
    po(project.po_path("ug", "older"), [
        Entry("Translated sentence.", "تەرجىمە قىلىنغان جۈملە."),
        Entry("Fuzzy sentence.", "گۇمانلىق", flags=["fuzzy"]),
        Entry("Empty sentence."),
        Entry("Removed sentence.", "ئۆچۈرۈلگەن جۈملە.", obsolete=True),
    ])
    broken = project.po_path("tr", "broken")
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text('msgid "x"\nmsgstr "y\n', encoding="utf-8")
    with store.session() as session:
        report = memory.import_po_files_to_memory(session, project)
    assert report.added["ug"] == 2 and report.total == 2
    assert len(report.errors) == 1 and "broken.po" in report.errors[0]
    with store.session() as session:
        units = set(session.execute(select(MemoryUnit.source_text, MemoryUnit.origin)))
        assert units == {("Translated sentence.", "imported: ug/LC_MESSAGES/older.po"),
                         ("Removed sentence.", "imported: ug/LC_MESSAGES/older.po")}
        again = memory.import_po_files_to_memory(session, project)
    assert again.total == 0 and again.duplicates == 2
    found = matches(store, "Removed sentences.")
    assert found and found[0].target == "ئۆچۈرۈلگەن جۈملە."


def test_memory_counts(store, editor) -> None:
    rows = segments(store)
    save(store, editor, rows[1][0], "بىرىنچى")
    with store.session() as session:
        memory.import_tmx(session, TMX, "old.tmx")
        ug = session.scalar(select(Language.id).where(Language.code == "ug"))
        tr = session.scalar(select(Language.id).where(Language.code == "tr"))
        counts = memory.memory_counts(session)
    assert counts[ug] == (1, 2) and counts[tr] == (0, 1)


def test_each_database_has_its_own_index(store, editor, tmp_path) -> None:
    """A second database in the same process (tests, CLI) never sees the first one's index."""
    from app.store.db import Database

    rows = segments(store)
    save(store, editor, rows[1][0], "بىرىنچى")
    assert matches(store, rows[1][1])[0].target == "بىرىنچى"
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    other.upgrade()
    with other.session() as session:
        language = Language(code="ug", name="Uyghur", direction="rtl")
        session.add(language)
        session.flush()
        session.add(MemoryUnit(language_id=language.id, source_text=rows[1][1],
                               target_text="باشقا", origin="imported: other.tmx"))
    with other.session() as session:
        assert [m.target for m in memory.memory_matches(session, "ug", rows[1][1])] == ["باشقا"]
    assert matches(store, rows[1][1])[0].target == "بىرىنچى"
    other.dispose()


def test_watermark_remembers_gaps_until_they_appear() -> None:
    mark = _Watermark(10)
    mark.advance([11, 13, 14], 14)
    assert mark.top == 14 and set(mark.gaps) == {12}
    mark.advance([12], 14)  # the late transaction committed
    assert mark.gaps == {}
    mark.advance([], 20)
    assert set(mark.gaps) == set(range(15, 21))
    for gap in mark.gaps:
        mark.gaps[gap] -= memory.GAP_SECONDS + 1  # long ago: given up
    mark.advance([], 20)
    assert mark.gaps == {}
