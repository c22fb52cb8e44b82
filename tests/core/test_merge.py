"""Merging an amended template into a translation, as ``msgmerge --previous`` does."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import pofile
from app.core.catalog import SIGNATORY_CONTEXT, Catalog, Entry
from app.core.merge import DEFAULT_FUZZY_CUTOFF, MergeStats, merge
from app.core.pofile import format_po, format_po_bytes, parse_po, write_po

SENTENCES = [
    "Governments must protect Uyghurs and other Turkic peoples at risk of refoulement.",
    "Many have faced harassment and intimidation by local authorities.",
    "Access to international protection mechanisms like the UNHCR remains limited.",
    "Transnational repression deters human rights activism in the diaspora.",
    "We call on states to halt all deportations of Uyghurs to China.",
]


def translation(text: str) -> str:
    return f"[ug] {text}"


def template(sentences: list[str], *, signatories: tuple[str, ...] = ()) -> Catalog:
    entries = [
        Entry(text, locations=[f"source/statement.md:{i + 1}"], auto_comments=["paragraph"])
        for i, text in enumerate(sentences)
    ]
    entries += [Entry(name, msgctxt=SIGNATORY_CONTEXT) for name in signatories]
    return Catalog(
        header={
            "Project-Id-Version": "statement",
            "POT-Creation-Date": "2024-06-01 10:00+0000",
            "Content-Type": "text/plain; charset=UTF-8",
        },
        header_flags=["fuzzy"],
        entries=entries,
    )


def translated(pot: Catalog) -> Catalog:
    po = Catalog(
        header={
            "Project-Id-Version": "statement",
            "POT-Creation-Date": "2024-05-01 10:00+0000",
            "PO-Revision-Date": "2024-05-02 09:00+0000",
            "Language": "ug",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        },
        header_comments=["Uyghur translation of the statement."],
    )
    for e in pot.entries:
        po.entries.append(
            Entry(
                e.msgid,
                translation(e.msgid),
                e.msgctxt,
                locations=list(e.locations),
                auto_comments=list(e.auto_comments),
            )
        )
    return po


def by_msgid(catalog: Catalog) -> dict[str, Entry]:
    return {e.msgid: e for e in catalog.entries}


def test_an_amended_sentence_is_fuzzy_with_its_previous_text_and_the_rest_is_kept() -> None:
    po = translated(template(SENTENCES))
    amended = list(SENTENCES)
    amended[2] = "Access to international protection mechanisms such as the UNHCR remains limited."
    merged, stats = merge(template(amended), po)
    assert [e.msgid for e in merged.entries] == amended
    entry = merged.entries[2]
    assert entry.fuzzy
    assert entry.msgstr == translation(SENTENCES[2])
    assert entry.previous_msgid == SENTENCES[2]
    assert entry.previous_msgctxt is None
    for other in merged.entries[:2] + merged.entries[3:]:
        assert other.flags == [] and other.previous_msgid is None
        assert other.msgstr == translation(other.msgid)
    assert stats == MergeStats(kept=4, fuzzy=1, new=0, obsolete=0)
    assert str(stats) == "kept 4, fuzzy 1, new 0, obsolete 0"


def test_removed_sentences_become_obsolete_at_the_end_and_added_ones_new() -> None:
    po = translated(template(SENTENCES))
    po.entries.append(Entry("Untranslated and removed.", locations=["source/statement.md:9"]))
    changed = [SENTENCES[0], "A brand new sentence nobody has translated yet.", *SENTENCES[2:4]]
    merged, stats = merge(template(changed), po)
    assert stats == MergeStats(kept=3, fuzzy=0, new=1, obsolete=2)
    assert [e.msgid for e in merged.active] == changed
    assert merged.entries[1].msgstr == "" and merged.entries[1].flags == []
    gone = merged.obsolete
    assert [e.msgid for e in gone] == [SENTENCES[1], SENTENCES[4]]
    assert all(e.msgstr == translation(e.msgid) and e.locations == [] for e in gone)
    text = format_po(merged)
    assert f'#~ msgid "{SENTENCES[4]}"' in text
    assert "Untranslated and removed." not in text  # nothing to lose, so dropped


def test_a_reordered_source_keeps_everything_in_the_new_order() -> None:
    po = translated(template(SENTENCES))
    order = SENTENCES[::-1]
    merged, stats = merge(template(order), po)
    assert [e.msgid for e in merged.entries] == order
    assert [e.locations for e in merged.entries] == [
        [f"source/statement.md:{i}"] for i in range(1, 6)
    ]
    assert all(e.msgstr == translation(e.msgid) and not e.flags for e in merged.entries)
    assert stats == MergeStats(kept=5)


def test_template_supplies_positions_and_po_keeps_translator_notes_and_header() -> None:
    po = translated(template(SENTENCES))
    po.entries[0].comments = ["checked against the Uyghur press release"]
    po.entries[0].auto_comments = ["stale extracted comment"]
    pot = template(SENTENCES)
    pot.entries[0].locations = ["source/statement.md:40"]
    merged, _ = merge(pot, po)
    first = merged.entries[0]
    assert first.locations == ["source/statement.md:40"]
    assert first.auto_comments == ["paragraph"]
    assert first.comments == ["checked against the Uyghur press release"]
    assert merged.header["Language"] == "ug"
    assert merged.header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert merged.header["PO-Revision-Date"] == "2024-05-02 09:00+0000"
    assert merged.header["POT-Creation-Date"] == "2024-06-01 10:00+0000"
    assert merged.header_comments == po.header_comments and merged.header_flags == []


def test_fuzzy_matching_prefers_the_same_context() -> None:
    name = "Uyghur Human Rights Project"
    po = translated(template([f"{name} said so."], signatories=(name,)))
    po.entries.append(Entry(name, "prose translation"))  # same text, no context
    pot = template([], signatories=(f"{name} (UHRP)",))
    merged, stats = merge(pot, po)
    entry = merged.entries[0]
    assert entry.key == (SIGNATORY_CONTEXT, f"{name} (UHRP)")
    assert entry.fuzzy and entry.msgstr == translation(name)
    assert entry.previous_msgid == name and entry.previous_msgctxt is None
    assert stats.fuzzy == 1 and stats.obsolete == 2


def test_a_match_across_contexts_records_the_old_context() -> None:
    po = translated(template(["Human Rights Watch"]))
    merged, _ = merge(template([], signatories=("Human Rights Watch",)), po)
    entry = merged.entries[0]
    assert entry.fuzzy and entry.msgstr == translation("Human Rights Watch")
    assert entry.previous_msgid == "Human Rights Watch" and entry.previous_msgctxt is None

    po = translated(template([], signatories=("Human Rights Watch",)))
    merged, _ = merge(template(["Human Rights Watch"]), po)
    assert merged.entries[0].previous_msgctxt == SIGNATORY_CONTEXT


def test_each_orphan_is_used_once_by_its_best_match() -> None:
    po = translated(template(SENTENCES[:1]))
    close = SENTENCES[0].replace("must", "should")
    closer = SENTENCES[0].replace("must", "shall")
    merged, stats = merge(template([close, closer]), po)
    assert [e.fuzzy for e in merged.entries] == [False, True]
    assert merged.entries[0].msgstr == ""
    assert stats == MergeStats(kept=0, fuzzy=1, new=1, obsolete=0)


def test_cutoff_matches_a_few_changed_words_but_not_unrelated_sentences() -> None:
    assert 60 <= DEFAULT_FUZZY_CUTOFF <= 75
    po = translated(template(["Many have faced harassment by the local police."]))
    three_words = "Most have suffered harassment by the regional police."
    merged, _ = merge(template([three_words]), po)
    assert merged.entries[0].fuzzy

    po = translated(template([SENTENCES[1]]))
    merged, stats = merge(template([SENTENCES[3]]), po)
    assert merged.entries[0].msgstr == "" and stats == MergeStats(new=1, obsolete=1)


def test_automatic_format_flags_are_dropped_and_other_flags_kept() -> None:
    pot = template(["50% of detainees", "Hello"])
    pot.entries[0].flags = ["python-format"]
    pot.entries[1].flags = ["python-brace-format", "no-wrap"]
    po = translated(template(["50% of detainees", "Hello"]))
    po.entries[0].flags = ["python-format", "fuzzy"]
    po.entries[0].previous_msgid = "40% of detainees"
    merged, stats = merge(pot, po)
    assert merged.entries[0].flags == ["fuzzy"]
    assert merged.entries[0].previous_msgid == "40% of detainees"  # still to be reviewed
    assert merged.entries[1].flags == ["no-wrap"]
    assert stats == MergeStats(kept=2)
    new, _ = merge(pot, translated(template([])))
    assert [e.flags for e in new.entries] == [[], ["no-wrap"]]


def test_an_obsolete_entry_whose_sentence_returns_is_revived_fuzzy() -> None:
    po = translated(template(SENTENCES[:2]))
    po.entries[1].obsolete = True
    merged, stats = merge(template(SENTENCES[:2]), po)
    revived = merged.entries[1]
    assert not revived.obsolete and revived.fuzzy
    assert revived.msgstr == translation(SENTENCES[1])
    assert merged.obsolete == []
    assert stats == MergeStats(kept=1, fuzzy=1)


def test_old_obsolete_entries_are_kept_and_can_be_fuzzy_matched() -> None:
    po = translated(template(SENTENCES[:3]))
    po.entries[1].obsolete = True
    po.entries[2].obsolete = True
    edited = SENTENCES[2].replace("remains limited", "remains very limited")
    merged, stats = merge(template([SENTENCES[0], edited]), po)
    assert merged.entries[1].fuzzy and merged.entries[1].previous_msgid == SENTENCES[2]
    assert [e.msgid for e in merged.obsolete] == [SENTENCES[1]]
    assert stats == MergeStats(kept=1, fuzzy=1, new=0, obsolete=0)


def test_plural_entries_keep_their_forms_and_new_ones_get_the_languages_count() -> None:
    pot = template([])
    pot.entries = [
        Entry("%d signatory", msgid_plural="%d signatories"),
        Entry("%d country", msgid_plural="%d countries"),
        Entry("one state", msgid_plural="%d states"),
    ]
    po = translated(template([]))
    po.header["Plural-Forms"] = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"
    po.entries = [
        Entry(
            "%d signatory", msgid_plural="%d signatories", msgstr_plural={0: "a", 1: "b", 2: "c"}
        ),
        Entry("one states", msgid_plural="%d statez", msgstr_plural={0: "x", 1: "y", 2: "z"}),
    ]
    merged, stats = merge(pot, po)
    kept, new, fuzzy = merged.entries
    assert kept.msgstr_plural == {0: "a", 1: "b", 2: "c"} and not kept.fuzzy
    assert new.msgstr_plural == {0: "", 1: "", 2: ""}
    assert fuzzy.fuzzy and fuzzy.msgstr_plural == {0: "x", 1: "y", 2: "z"}
    assert (fuzzy.previous_msgid, fuzzy.previous_msgid_plural) == ("one states", "%d statez")
    assert stats == MergeStats(kept=1, fuzzy=1, new=1)


def test_merging_the_same_template_twice_changes_nothing() -> None:
    po = translated(template(SENTENCES))
    amended = [s.replace("must", "should") for s in SENTENCES[:4]] + ["Something new."]
    pot = template(amended)
    once, _ = merge(pot, po)
    twice, stats = merge(pot, once)
    assert twice == once
    assert format_po(twice) == format_po(once)
    assert stats == MergeStats(kept=5)


def test_inputs_are_not_modified_and_only_unchanged_entries_are_shared() -> None:
    po = translated(template(SENTENCES))
    pot = template([s.upper() for s in SENTENCES[:2]] + SENTENCES[2:])
    pot.entries[2].locations = ["source/statement.md:30"]
    before = copy.deepcopy((pot, po))
    merged, _ = merge(pot, po)
    assert (pot, po) == before
    shared = [e for e in merged.entries if any(e is old for old in po.entries)]
    assert [e.msgid for e in shared] == SENTENCES[3:]
    for entry in merged.entries:
        if entry not in shared:
            entry.locations.append("x")
            entry.comments.append("x")
            entry.flags.append("x")
    assert (pot, po) == before


@pytest.mark.system
def test_same_result_as_msgmerge_previous(tmp_path: Path) -> None:
    msgmerge = require_tool("msgmerge")
    po = translated(template(SENTENCES))
    po.entries[0].comments = ["translator note"]
    amended = [SENTENCES[0].replace("must", "must urgently"), *SENTENCES[1:4], "Brand new."]
    pot = template(amended, signatories=("Uyghur Human Rights Project",))
    write_po(tmp_path / "old.po", po)
    write_po(tmp_path / "new.pot", pot)
    gnu = tmp_path / "gnu.po"
    subprocess.run(
        [
            msgmerge,
            "--quiet",
            "--previous",
            "--no-wrap",
            "-o",
            gnu,
            tmp_path / "old.po",
            tmp_path / "new.pot",
        ],
        check=True,
    )
    merged, stats = merge(pot, po)
    assert format_po(merged) == gnu.read_text(encoding="utf-8")
    assert stats == MergeStats(kept=3, fuzzy=1, new=2, obsolete=1)


def test_parsed_catalogues_merge_like_built_ones() -> None:
    po = translated(template(SENTENCES))
    pot = template(SENTENCES[1:])
    built, _ = merge(pot, po)
    parsed, _ = merge(parse_po(format_po(pot)), parse_po(format_po(po)))
    assert format_po(parsed) == format_po(built)


# --- raw catalogues ---------------------------------------------------------------------
# Catalogues read from files are merged as raw text (see app.core.merge). The result must be
# byte for byte what merging the same catalogues built from entries gives.

WORDS = st.text(st.sampled_from([*"Uyghur rights 'q' \"t\". ئۇ", "\\"]), min_size=1, max_size=25)


@st.composite
def amendments(draw: st.DrawFn) -> tuple[Catalog, Catalog]:
    """(amended template, its old translation): edits, insertions, deletions, moves, and a
    PO with translator notes, fuzzy entries, untranslated ones and obsolete ones."""
    sentences = draw(st.lists(WORDS, min_size=1, max_size=8, unique=True))
    names = tuple(draw(st.lists(WORDS, max_size=2, unique=True)))
    po = translated(template(sentences, signatories=names))
    for entry in po.entries:
        change = draw(st.integers(0, 9))
        if change == 0:
            entry.comments = [draw(WORDS.filter(lambda s: not s.endswith("\\")))]
        elif change == 1:
            entry.flags = ["fuzzy"]
            entry.previous_msgid = draw(st.none() | WORDS)
        elif change == 2:
            entry.msgstr = ""
        elif change == 3:
            entry.previous_msgid = draw(WORDS)  # previous lines without fuzzy
    for text in draw(st.lists(WORDS, max_size=2, unique=True)):
        if all(e.msgid != text for e in po.entries):
            po.entries.append(Entry(text, translation(text), obsolete=True))
    amended = [
        s + draw(st.sampled_from(["", "", "", " urgently"])) for s in sentences if draw(WEIGHT)
    ] + draw(st.lists(WORDS, max_size=2))
    pot = template(list(dict.fromkeys(draw(st.permutations(amended)))), signatories=names)
    shift = draw(st.integers(0, 2))
    for entry in pot.entries:
        entry.locations = [
            f"source/statement.md:{int(r.rpartition(':')[2]) + shift}" for r in entry.locations
        ]
    return pot, po


WEIGHT = st.integers(0, 5).map(bool)  # keep five sentences in six


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amendments(), st.data())
def test_raw_catalogues_merge_byte_for_byte_as_built_ones(
    case: tuple[Catalog, Catalog], data: st.DataObject
) -> None:
    pot, po = case
    built, stats = merge(pot, po)
    expected = format_po(built)
    pot_text, po_text = format_po(pot), format_po(po)
    for template_in, po_in in (
        (parse_po(pot_text), parse_po(po_text)),  # both read from files (the benchmark)
        (pot, parse_po(po_text)),  # a fresh extraction against a PO file (terjime update)
        (parse_po(pot_text), po),
    ):
        merged, raw_stats = merge(template_in, po_in)
        assert raw_stats == stats
        assert format_po(merged) == expected
        assert format_po_bytes(merged) == expected.encode("utf-8")
        again, _ = merge(template_in, merged)  # a merged catalogue merged again
        assert format_po(again) == format_po(merge(pot, built)[0])
    # Changing the merged catalogue changes what is written.
    merged, _ = merge(parse_po(pot_text), parse_po(po_text))
    if built.entries:
        i = data.draw(st.integers(0, len(built.entries) - 1))
        for catalog in (merged, built):
            catalog.entries[i].msgstr = "يېڭى"
            catalog.entries[i].locations.append("source/other.md:1")
        assert format_po(merged) == format_po(built)


def test_raw_merge_shares_unchanged_text_and_splices_moved_references() -> None:
    po = translated(template(SENTENCES))
    po.entries[1].comments = ["translator note"]
    po.entries[2].flags = ["fuzzy"]
    po.entries[2].previous_msgid = "An older text."
    pot = template(SENTENCES)
    pot.entries[1].locations = ["source/statement.md:20"]
    pot.entries[2].locations = ["source/statement.md:30"]
    parsed_po = parse_po(format_po(po))
    merged, stats = merge(parse_po(format_po(pot)), parsed_po)
    items = pofile.raw_entries(merged).items  # type: ignore[union-attr]
    before = pofile.raw_entries(parsed_po).items  # type: ignore[union-attr]
    assert [item is old for item, old in zip(items, before, strict=True)] == [
        True,
        False,
        False,
        True,
        True,
    ]
    assert all(not isinstance(item, Entry) for item in items)  # nothing decoded
    assert format_po(merged) == format_po(merge(pot, po)[0])
    assert stats == MergeStats(kept=5)
    text = format_po(merged)
    assert "# translator note\n#. paragraph\n#: source/statement.md:20\n" in text
    assert '#: source/statement.md:30\n#, fuzzy\n#| msgid "An older text."\n' in text
