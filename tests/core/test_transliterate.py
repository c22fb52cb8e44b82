"""Uyghur Arabic script to ULY/USY: only Arabic-script runs change, everything else stays."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.transliterate import arabic_letters, transliterate

SENTENCE = "ئۇيغۇرلار خىتايغا قايتۇرۇلسا قاتتىق خەۋپكە دۇچ كېلىدۇ."
MIXED = "UNHCR دوكلاتى https://example.org/a?b=1 ۋە 2022-يىلى info@uhrp.org"


@pytest.mark.parametrize(("script", "expected"), [
    ("Latn", "Uyghurlar xitaygha qayturulsa qattiq xewpke duch kélidu."),
    ("Cyrl", "Уйғурлар хитайға қайтурулса қаттиқ хәвпкә дуч келиду."),
])
def test_sentence(script: str, expected: str) -> None:
    assert transliterate(SENTENCE, script) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ("Latn", "UNHCR doklati https://example.org/a?b=1 we 2022-yili info@uhrp.org"),
    ("Cyrl", "UNHCR доклати https://example.org/a?b=1 вә 2022-йили info@uhrp.org"),
])
def test_latin_names_urls_emails_and_numbers_are_left_alone(script: str, expected: str) -> None:
    assert transliterate(MIXED, script) == expected


@pytest.mark.parametrize(("text", "latin", "cyrillic"), [
    # word-initial hamza is silent; inside a word it is an apostrophe
    ("ئۇيغۇر ئەركىن", "Uyghur erkin", "Уйғур әркин"),
    ("جەمئىيەت سائەت مەسئۇل", "Jem'iyet sa'et mes'ul", "Җәм'ийәт са'әт мәс'ул"),
    # ULY digraphs: n+g and n+gh keep an apostrophe, ng is one letter
    ("مەنگۈ تەستىقلانغان شىنجاڭ", "Men'gü testiqlan'ghan shinjang",
     "Мәнгү тәстиқланған шинҗаң"),
    # USY ya/yu letters
    ("ياخشى يۇرت", "Yaxshi yurt", "Яхши юрт"),
])
def test_letters(text: str, latin: str, cyrillic: str) -> None:
    assert transliterate(text, "Latn") == latin
    assert transliterate(text, "Cyrl") == cyrillic


def test_arabic_punctuation_becomes_western_and_guillemets_stay() -> None:
    text = "ياخشى، سوئال؟ «تەشۋىق»؛ ئاخىر۔"
    assert transliterate(text, "Latn") == "Yaxshi, so'al? «Teshwiq»; axir."


def test_arabic_indic_digits_become_western_digits() -> None:
    assert transliterate("٢٠٢٢-يىلى ٣٫٥٪ ۱۲", "Latn") == "2022-yili 3.5% 12"
    assert transliterate("2022-يىلى", "Cyrl") == "2022-йили"


def test_sentences_are_capitalised_but_not_words_inside_them() -> None:
    text = "بىز كەلدۇق. ئۇلار كەلمىدى! «بىز» ۋە «ئۇلار»؟ [ئۇيغۇر ھەققىدە][1] بىز"
    assert transliterate(text, "Latn") == (
        "Biz kelduq. Ular kelmidi! «Biz» we «ular»? [Uyghur heqqide][1] biz")
    assert transliterate("[ئۇيغۇر][1] 2022-يىلى", "Cyrl") == "[Уйғур][1] 2022-йили"
    # a full stop inside a URL or a number does not start a sentence
    assert transliterate("example.org ۋە 3.5 ۋە", "Latn") == "example.org we 3.5 we"


def test_markdown_syntax_link_placeholders_and_code_are_kept() -> None:
    text = "**مۇھىم:** [دوكلات][2] ۋە `ئۇيغۇر` [UHRP](https://ug.wikipedia.org/wiki/ئۇيغۇر)"
    assert transliterate(text, "Latn") == (
        "**Muhim:** [doklat][2] we `ئۇيغۇر` [UHRP](https://ug.wikipedia.org/wiki/ئۇيغۇر)")


def test_urls_keep_arabic_paths_but_not_hyphenated_suffixes() -> None:
    assert transliterate("https://ug.wikipedia.org/wiki/ئۇيغۇر ۋە", "Latn") == (
        "https://ug.wikipedia.org/wiki/ئۇيغۇر we")
    assert transliterate("www.uhrp.org-دىن كۆرۈڭ.", "Cyrl") == "www.uhrp.org-дин көрүң."
    assert transliterate("UNHCR-نىڭ دوكلاتى", "Latn") == "UNHCR-ning doklati"


def test_presentation_forms_marks_and_rtl_marks_are_normalised() -> None:
    # presentation forms (old fonts' output), a tatweel, a vowel mark and RLMs
    text = "ﺋﯘﻳﻐﯘﺭ \u200fخــەت\u200f دۆلَەت ٭ 5"
    assert transliterate(text, "Latn") == "Uyghur xet dölet ٭ 5"


def test_text_without_arabic_script_is_unchanged() -> None:
    text = "Uyghur Human Rights Project, UNHCR — 20 June 2022 (see [1]) «ok» Уйғур"
    assert transliterate(text, "Latn") == text
    assert transliterate(text, "Cyrl") == text


def test_unknown_script_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"unknown Uyghur script 'Arab' \(known: Latn, Cyrl\)"):
        transliterate("ئۇيغۇر", "Arab")


def test_arabic_letters() -> None:
    assert arabic_letters("abc ئۇ، 12 ٢") == "ئۇ"
    assert arabic_letters(transliterate(SENTENCE, "Latn")) == ""


UYGHUR_LETTERS = "ابپتجچخدرزژسشغفقكگڭلمنھوۇۆۈۋېىيەئ"
# Anything but the Arabic blocks, the right-to-left mark (dropped) and what starts a
# protected span (code spans and link destinations keep Arabic letters; URLs are below).
OTHER = st.characters(exclude_categories=("Cs",), exclude_characters="\u200f`]",
                      max_codepoint=0x2FFF).filter(lambda c: not "\u0590" <= c <= "\u08ff")
WORDS = st.text(alphabet=UYGHUR_LETTERS, min_size=1, max_size=8)
PIECES = st.text(alphabet=OTHER, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PIECES, WORDS), max_size=6), PIECES,
       st.sampled_from(["Latn", "Cyrl"]))
def test_other_characters_are_preserved_in_order(pairs: list[tuple[str, str]], last: str,
                                                 script: str) -> None:
    text = "".join(piece + word for piece, word in pairs) + last
    assume(not re.search(r"(?i)https?://|www\.", text))
    out = transliterate(text, script)
    pieces = [piece for piece, _ in pairs] + [last]
    pattern = "(.*?)".join(re.escape(piece) for piece in pieces)
    # Every non-Arabic piece is there, in order; what replaced the words has no Arabic letter.
    match = re.fullmatch(pattern, out, re.DOTALL)
    assert match is not None, (text, out)
    assert not any(arabic_letters(group) for group in match.groups())


@settings(max_examples=200, deadline=None)
@given(PIECES, st.sampled_from(["Latn", "Cyrl"]))
def test_text_without_arabic_script_is_always_unchanged(text: str, script: str) -> None:
    assert transliterate(text, script) == text
