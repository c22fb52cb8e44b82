"""Script variants: the Uyghur statement transliterated to ULY and USY, labelled as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from export.samples import sample_localized  # tests/export/samples.py

from app.core.document import load_document
from app.core.languages import get_language
from app.core.states import State
from app.core.transliterate import arabic_letters
from app.export.base import Localized, Unit
from app.export.variants import (
    SCRIPT_VARIANTS,
    make_variant,
    parse_variant,
    variant_label,
    variant_language,
)


@pytest.mark.parametrize("script", SCRIPT_VARIANTS["ug"])
def test_variant_of_the_sample_statement(script: str) -> None:
    item = sample_localized("ug")
    assert arabic_letters(item.rebuilt.text)  # the Arabic-script statement, to begin with
    variant = make_variant(item, script)
    rebuilt = variant.rebuilt
    assert rebuilt.complete, (rebuilt.missing, rebuilt.invalid)
    assert arabic_letters(rebuilt.text) == ""
    assert variant.language.direction == "ltr" and not variant.language.rtl
    assert variant.language.bcp47 == f"ug-{script}"
    assert variant.filename_stem == f"statement.ug-{script}"
    # the signatories (Latin-script names) are unchanged
    names = [unit.target for unit in item.units if unit.context == "signatory"]
    assert names and "Uyghur Human Rights Project" in names
    for name in names:
        assert f". {name}\n" in rebuilt.text
    # units keep their keys and states; the original item is untouched
    assert [(u.key, u.state) for u in variant.units] == [(u.key, u.state) for u in item.units]
    assert arabic_letters(item.units[0].target)
    assert variant.label == variant_label(script) and variant.label in variant.notice
    assert variant.draft is False and variant.release == item.release
    assert variant.created == item.created and variant.document is item.document


def test_latin_text_of_the_sample_is_readable_uly() -> None:
    text = make_variant(sample_localized("ug"), "Latn").rebuilt.text
    assert text.startswith("# Uyghurlar xitaygha qayturulsa qattiq xewpke duch kélidu.\n")
    assert "Biz xelq'ara jem'iyetni derhal heriket qilishqa chaqirimiz." in text


def test_cyrillic_text_of_the_sample_is_usy() -> None:
    text = make_variant(sample_localized("ug"), "Cyrl").rebuilt.text
    assert "Һөкүмәтләр панаһлиқ илтимаслирини тездин бир тәрәп қилиши керәк." in text


def test_draft_is_kept_and_unusable_units_are_not_transliterated() -> None:
    item = sample_localized("ug", draft=True, untranslated=2)
    unit = item.units[5]
    item.units[5] = Unit(unit.context, unit.source, unit.target, State.DRAFT.value)
    variant = make_variant(item, "Cyrl")
    assert variant.draft and variant.notice.startswith("DRAFT")
    assert "approved" not in variant.label
    assert variant.units[5] == item.units[5]  # a draft: not shown to readers, left as it was
    assert len(variant.rebuilt.missing) == 3
    assert arabic_letters(variant.rebuilt.text) == ""


def test_links_stay_intact(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    path.write_text("See [the report](https://example.org/r) and [UNHCR](https://unhcr.org).\n",
                    encoding="utf-8")
    document = load_document(path, "s.md")
    (segment,) = document.segments()
    target = "[دوكلات][1] ۋە [UNHCR][2] نى كۆرۈڭ. info@uhrp.org"
    item = Localized(name="s", document=document, language=get_language("ug"),
                     units=[Unit(None, segment.msgid, target, State.APPROVED.value)])
    variant = make_variant(item, "Latn")
    assert variant.units[0].target == "[Doklat][1] we [UNHCR][2] ni körüng. info@uhrp.org"
    rebuilt = variant.rebuilt
    assert rebuilt.complete, rebuilt.invalid
    assert rebuilt.text == ("[Doklat](https://example.org/r) we [UNHCR](https://unhcr.org) "
                            "ni körüng. info@uhrp.org\n")


@pytest.mark.parametrize(("script", "english", "native", "uyghur"), [
    ("Latn", "Uyghur (Latin, automatic transliteration)", "Uyghurche (Latin yéziqi)",
     "Ereb yéziqidiki testiqlan'ghan uyghurche tékistning latin yéziqigha aptomatik"),
    ("Cyrl", "Uyghur (Cyrillic, automatic transliteration)", "Уйғурчә (Кирил йезиқи)",
     "Әрәб йезиқидики тәстиқланған уйғурчә текистниң кирил йезиқиға аптоматик"),
])
def test_variant_language_and_label(script: str, english: str, native: str,
                                    uyghur: str) -> None:
    language = variant_language("ug", script)
    base = get_language("ug")
    assert (language.code, language.bcp47) == (f"ug_{script}", f"ug-{script}")
    assert (language.english_name, language.native_name) == (english, native)
    assert language.direction == "ltr" and language.joiner == " "
    assert language.plural_forms == base.plural_forms
    label = variant_label(script)
    short = {"Latn": "ULY", "Cyrl": "USY"}[script]
    assert label.startswith("Automatic transliteration of the approved Uyghur (Arabic script) "
                            f"text into Uyghur {english.split()[1][1:-1]} script ({short}) — "
                            "not reviewed by a translator. / ")
    assert uyghur in label and arabic_letters(label) == ""


@pytest.mark.parametrize(("tag", "expected"), [
    ("ug-Latn", ("ug", "Latn")),
    ("ug_Latn", ("ug", "Latn")),
    ("ug-Cyrl", ("ug", "Cyrl")),
    ("ug_cyrl", ("ug", "Cyrl")),
    (" ug-Latn ", ("ug", "Latn")),
    ("ug", ("ug", None)),
    ("tr", ("tr", None)),
    ("pt_BR", ("pt_BR", None)),
    ("zh-Hans", ("zh_Hans", None)),  # a language written in a script, not a variant
    ("sr_Latn", ("sr_Latn", None)),
])
def test_parse_variant(tag: str, expected: tuple[str, str | None]) -> None:
    assert parse_variant(tag) == expected


@pytest.mark.parametrize("tag", ["ug-Arab", "ug_Hans", "ru-Latn", "tr-Cyrl"])
def test_unknown_variant_is_a_one_line_error(tag: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_variant(tag)
    message = str(error.value)
    assert "\n" not in message
    assert message == (f"unknown script variant {tag.replace('_', '-')} "
                       "(known: ug-Latn, ug-Cyrl)")


def test_only_uyghur_has_variants() -> None:
    with pytest.raises(ValueError, match=r"unknown script variant tr-Latn \(known: ug-Latn"):
        make_variant(sample_localized("tr"), "Latn")
    with pytest.raises(ValueError, match="unknown script variant ug-Grek"):
        variant_language("ug", "Grek")
