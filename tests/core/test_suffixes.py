"""Suffix-tolerant term matching in Turkic translations: table-driven, good and bad cases."""

from __future__ import annotations

import pytest

from app.core.suffixes import (
    SUFFIXING_LANGUAGES,
    normalise,
    suffix_inventory,
    target_has_term,
    words,
)

# (language, translation, glossary term, expected)
TURKISH = [
    ("tr", "Birleşmiş Milletler bir açıklama yaptı.", "Birleşmiş Milletler", True),
    ("tr", "Birleşmiş Milletler'in raporuna göre", "Birleşmiş Milletler", True),
    ("tr", "Birleşmiş Milletler’e çağrıda bulunuyoruz", "Birleşmiş Milletler", True),
    ("tr", "Birleşmiş Milletlerde çalışan", "Birleşmiş Milletler", True),
    ("tr", "Birleşmiş Milletlerden", "Birleşmiş Milletler", True),
    ("tr", "Birleşmiş Milletlerdeki uzmanlar", "Birleşmiş Milletler", True),
    ("tr", "BİRLEŞMİŞ MİLLETLER", "Birleşmiş Milletler", True),
    ("tr", "UNHCR'nin açıklaması", "UNHCR", True),
    ("tr", "UNHCR’ye başvurdu", "UNHCR", True),
    ("tr", "Uluslararası Af Örgütü'nün raporu", "Uluslararası Af Örgütü", True),
    ("tr", "Uluslararası Af Örgütüne göre", "Uluslararası Af Örgütü", True),
    ("tr", "İnsan hakları savunucularının", "insan hakları savunucusu", False),
    ("tr", "Kitabı okudu", "kitap", True),  # p → b before a vowel
    ("tr", "ağacın altında", "ağaç", True),  # ç → c
    ("tr", "çocuğu", "çocuk", True),  # k → ğ
    ("tr", "rengi", "renk", True),  # nk → ng
    ("tr", "Iğdır'da", "ığdır", True),  # dotless capital I
    # bad: the term is only the start of another word
    ("tr", "Milletvekili açıklama yaptı", "Millet", False),
    ("tr", "BMW fabrikası", "BM", False),
    ("tr", "Birleşmiş Milletlerarası", "Birleşmiş Milletler", False),
    ("tr", "kitapbı", "kitap", False),  # softening does not apply before a consonant
    ("tr", "Milletler", "Birleşmiş Milletler", False),  # only part of the term
    ("tr", "Birleşmiş Devletler", "Birleşmiş Milletler", False),
    ("tr", "evrak", "ev", False),
]

UYGHUR = [
    ("ug", "ب د ت بايانات ئېلان قىلدى", "ب د ت", True),
    ("ug", "ب د تنىڭ دوكلاتى", "ب د ت", True),
    ("ug", "ب د ت نىڭ دوكلاتى", "ب د ت", True),  # suffix written apart
    ("ug", "ب د ت-نىڭ دوكلاتى", "ب د ت", True),  # with a hyphen
    ("ug", "ب د تقا مۇراجىئەت", "ب د ت", True),
    ("ug", "ب د تدىن", "ب د ت", True),
    ("ug", "ئۇيغۇرلارنى قوغداش", "ئۇيغۇر", True),
    ("ug", "ئۇيغۇرلارنىڭ", "ئۇيغۇر", True),
    ("ug", "ئۇيغۇرلاردىن", "ئۇيغۇر", True),
    ("ug", "بالىلار", "بالا", True),  # raising: final a → i before a suffix
    ("ug", "بالىلىرىنىڭ", "بالا", True),
    ("ug", "بالىسى", "بالا", True),
    ("ug", "بالىغا", "بالا", True),
    ("ug", "بالا", "بالا", True),
    ("ug", "بىرلەشكەن دۆلەتلەر تەشكىلاتىنىڭ", "بىرلەشكەن دۆلەتلەر تەشكىلاتى", True),
    ("ug", "UNHCR نىڭ", "UNHCR", True),
    ("ug", "UNHCRنىڭ", "UNHCR", True),
    ("ug", "ب د ت\u0640نىڭ", "ب د ت", True),  # tatweel is ignored
    ("ug", "Uyghurlarning", "Uyghur", True),  # Latin-script Uyghur
    # bad
    ("ug", "بالاغەت", "بالا", False),
    ("ug", "بالى", "بالا", False),  # raising needs a suffix
    ("ug", "ئۇيغۇرستان", "ئۇيغۇر", False),
    ("ug", "ب د تەشكىلات", "ب د ت", False),
    ("ug", "د ت", "ب د ت", False),
    ("ug", "دۆلەتلەر تەشكىلاتى", "بىرلەشكەن دۆلەتلەر تەشكىلاتى", False),
]

OTHERS = [
    ("kk", "Біріккен Ұлттар Ұйымының баяндамасы", "Біріккен Ұлттар Ұйымы", True),
    ("kk", "Қазақстанда", "Қазақстан", True),
    ("kk", "Қазақстанбул", "Қазақстан", False),
    ("ky", "Кыргызстандын", "Кыргызстан", True),
    ("uz", "O‘zbekistonda", "Oʻzbekiston", True),
    ("uz", "Oʻzbekistonning", "O'zbekiston", True),
    ("uz", "Ўзбекистонда", "Ўзбекистон", True),
    ("az", "Azərbaycanın", "Azərbaycan", True),
    ("az", "BMT-nin", "BMT", True),
    ("tr_TR", "Milletlerin", "Milletler", True),
    ("ug-CN", "ب د تنىڭ", "ب د ت", True),
    # languages without an inventory: whole words only
    ("ru", "ООН заявила", "ООН", True),
    ("ru", "ООНа", "ООН", False),
    ("ar", "الأمم المتحدة", "الأمم المتحدة", True),
    ("en", "UNHCR's report", "UNHCR", True),
    ("en", "UNHCRs", "UNHCR", False),
]


@pytest.mark.parametrize(("language", "text", "term", "expected"), TURKISH + UYGHUR + OTHERS)
def test_target_has_term(language: str, text: str, term: str, expected: bool) -> None:
    assert target_has_term(language, text, term) is expected


def test_empty_terms_never_match() -> None:
    assert not target_has_term("tr", "anything", "")
    assert not target_has_term("ug", "anything", "  ،  ")
    assert not target_has_term("tr", "", "BM")


def test_turkish_case_folding_keeps_dotted_and_dotless_i_apart() -> None:
    assert normalise("İSTANBUL", "tr") == "istanbul"
    assert normalise("IĞDIR", "tr") == "ığdır"
    assert not target_has_term("tr", "İNDİR", "ındır")


def test_words_keep_the_apostrophe_as_a_separator() -> None:
    assert words("Milletler’in ve UNHCR`nin", "tr") == ["milletler'in", "ve", "unhcr'nin"]
    assert words("ب د ت-نىڭ", "ug") == ["ب", "د", "ت", "نىڭ"]


def test_every_suffixing_language_has_an_inventory_and_vowels() -> None:
    from app.core import suffixes

    for language in SUFFIXING_LANGUAGES:
        inventory = suffix_inventory(language)
        assert inventory and all(inventory)
        assert language in suffixes._VOWELS
    assert suffix_inventory("ru") == ()
    assert "نىڭ" in suffix_inventory("ug_Arab")


def test_elsewhere_an_apostrophe_separates_words() -> None:
    assert target_has_term("fr", "le rapport de l’ONU", "ONU")
    assert words("l'ONU", "fr") == ["l", "onu"]
