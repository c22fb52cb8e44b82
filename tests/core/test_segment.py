"""Sentence segmentation: sentencex plus the project's abbreviations and markup guards."""

from __future__ import annotations

import pytest

from app.core.segment import markup_spans, sentence_spans, split_sentences

CASES = [
    # plain sentences
    ("One. Two! Three? Four.", ["One.", "Two!", "Three?", "Four."]),
    ("Really?! Yes!? No.", ["Really?!", "Yes!?", "No."]),
    ("", []),
    ("   ", []),
    ("No full stop at the end", ["No full stop at the end"]),
    # titles and references never end a sentence
    ("Dr. Smith met Mr. Jones. They talked.", ["Dr. Smith met Mr. Jones.", "They talked."]),
    (
        "Mrs. Lee and Ms. Khan came. Prof. Tursun too.",
        ["Mrs. Lee and Ms. Khan came.", "Prof. Tursun too."],
    ),
    ("He lives on St. Mark's road. Fine.", ["He lives on St. Mark's road.", "Fine."]),
    ("See No. 5 and Nos. 6 and 7. Done.", ["See No. 5 and Nos. 6 and 7.", "Done."]),
    (
        "Under Art. 33 and Arts. 3 and 4 it applies. Yes.",
        ["Under Art. 33 and Arts. 3 and 4 it applies.", "Yes."],
    ),
    ("Read para. 12 of the report. Then act.", ["Read para. 12 of the report.", "Then act."]),
    (
        "Some groups, e.g. UNHCR, i.e. the agency. Next.",
        ["Some groups, e.g. UNHCR, i.e. the agency.", "Next."],
    ),
    ("Compare cf. Annex A. Then B.", ["Compare cf. Annex A.", "Then B."]),
    ("China vs. Uyghurs case. Next.", ["China vs. Uyghurs case.", "Next."]),
    (
        "It began on Feb. 3 and ended Dec. 9. Next.",
        ["It began on Feb. 3 and ended Dec. 9.", "Next."],
    ),
    ("Sent Jan. Kurban a letter. Done.", ["Sent Jan. Kurban a letter.", "Done."]),
    (
        "Gen. Ma and Sen. Rubio met Rep. Smith. Next.",
        ["Gen. Ma and Sen. Rubio met Rep. Smith.", "Next."],
    ),
    ("Gov. Newsom and Amb. Tai spoke. Next.", ["Gov. Newsom and Amb. Tai spoke.", "Next."]),
    # abbreviations that can end a sentence
    ("The U.S. Congress acted. It passed.", ["The U.S. Congress acted.", "It passed."]),
    ("He moved to the U.S. Then he left.", ["He moved to the U.S.", "Then he left."]),
    ("The U.S. and the U.K. agreed. Next.", ["The U.S. and the U.K. agreed.", "Next."]),
    ("Both U.N. (Geneva) and E.U. bodies. Next.", ["Both U.N. (Geneva) and E.U. bodies.", "Next."]),
    ("Uyghur U.K. Association", ["Uyghur U.K. Association"]),
    (
        "Made in the U.S.A. by Acme Inc. and Foo Ltd. Next.",
        ["Made in the U.S.A. by Acme Inc. and Foo Ltd.", "Next."],
    ),
    ("Acme Inc. 2020 report. Next.", ["Acme Inc. 2020 report.", "Next."]),
    ("It sold to Acme Inc. The rest stayed.", ["It sold to Acme Inc.", "The rest stayed."]),
    ("Food, water, etc. are needed. Next.", ["Food, water, etc. are needed.", "Next."]),
    ("We need food, water, etc. Then more.", ["We need food, water, etc.", "Then more."]),
    # numbers never split
    (
        "More than 1,500 Uyghurs were detained. Next.",
        ["More than 1,500 Uyghurs were detained.", "Next."],
    ),
    (
        "It rose 3.5% in 2022. Then 1.2 million more.",
        ["It rose 3.5% in 2022.", "Then 1.2 million more."],
    ),
    ("Version 1.2.3 is out. Next.", ["Version 1.2.3 is out.", "Next."]),
    # quotes
    ('He said "Stop!" Then he left.', ['He said "Stop!"', "Then he left."]),
    ("He said “Stop.” Then he left.", ["He said “Stop.”", "Then he left."]),
    ("He said ‘Stop.’ Then he left.", ["He said ‘Stop.’", "Then he left."]),
    ('"Stop." he said. Then.', ['"Stop." he said.', "Then."]),
    ("He asked “why?” and left.", ["He asked “why?” and left."]),
    # ellipses
    ("We waited... and waited. Then.", ["We waited... and waited.", "Then."]),
    ("We waited... Then we left.", ["We waited...", "Then we left."]),
    ("We waited… and waited. Then.", ["We waited… and waited.", "Then."]),
    ("We waited… Then we left.", ["We waited…", "Then we left."]),
    ("We waited… “Then” we left.", ["We waited…", "“Then” we left."]),
    # no whitespace, or only a no-break space, is no boundary
    ("He left.Next one.", ["He left.Next one."]),
    ("Hello.\u00a0Next one. Two.", ["Hello.\u00a0Next one.", "Two."]),
    # markup from app.core.inline is never cut
    ("See [link text. More][1]. Next.", ["See [link text. More][1].", "Next."]),
    ("An *em. Phasis* here. Next.", ["An *em. Phasis* here.", "Next."]),
    ("A **strong. Part** here. Next.", ["A **strong. Part** here.", "Next."]),
    ("A `code. Span` here. Next.", ["A `code. Span` here.", "Next."]),
    ("An ![alt. Text][2] image. Next.", ["An ![alt. Text][2] image.", "Next."]),
    ("A [link](https://x.org/a. B) here. Next.", ["A [link](https://x.org/a. B) here.", "Next."]),
    ("Escaped \\*stars. Are\\* literal. Next.", ["Escaped \\*stars.", "Are\\* literal.", "Next."]),
    ("Inert 5 * 3. Four.", ["Inert 5 * 3.", "Four."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text", [c[0] for c in CASES if c[1]], ids=[c[0][:40] for c in CASES if c[1]]
)
def test_sentences_rejoin_to_the_text(text: str) -> None:
    assert " ".join(split_sentences(text)) == " ".join(text.split(" ")).strip()


def test_spans_are_offsets_of_stripped_sentences() -> None:
    text = "  One. Two.\nThree.  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["One.", "Two.", "Three."]


def test_protected_spans_replace_the_markup_scan() -> None:
    text = "First part. Second part. Third."
    assert split_sentences(text) == ["First part.", "Second part.", "Third."]
    spans = sentence_spans(text, protected=[(6, 15)])
    assert [text[a:b] for a, b in spans] == ["First part. Second part.", "Third."]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("zh", "今天天气很好。明天下雨。", ["今天天气很好。", "明天下雨。"]),
        ("ja", "今日は晴れです。明日は雨です。", ["今日は晴れです。", "明日は雨です。"]),
        ("de", "Das ist gut. Wir gehen.", ["Das ist gut.", "Wir gehen."]),
    ],
)
def test_other_languages(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("a `b` c", [(2, 5)]),
        ("[x][1]", [(0, 3), (3, 6)]),
        ("*a* and **b**", [(0, 3), (8, 13)]),
        ("snake_case_name", []),
        ("5 * 3", []),
        ("\\*not\\*", []),
        ("unclosed `tick", []),
        ("[a](b (c))", [(0, 10)]),
    ],
)
def test_markup_spans(text: str, spans: list[tuple[int, int]]) -> None:
    assert sorted(markup_spans(text)) == spans


def test_long_text_is_fast_enough() -> None:
    text = "Dr. Smith met the U.S. envoy. " * 20000
    sentences = split_sentences(text)
    assert len(sentences) == 20000
