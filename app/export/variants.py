"""Script variants of a statement: the approved Uyghur text in Latin (ULY) and Cyrillic (USY).

Many Uyghurs outside China read Latin or Cyrillic Uyghur rather than the Arabic script, so a
release can add ``ug-Latn`` and ``ug-Cyrl`` as extra "languages". They are not translations:
they are built from the Arabic-script units with :func:`app.core.transliterate.transliterate`,
never reviewed by a person, and every variant carries a label saying so (in English and in
the variant's script) that renderers show above the text.
"""

from __future__ import annotations

import dataclasses

from babel import localedata

from app.core.languages import Language, get_language
from app.core.transliterate import transliterate
from app.export.base import Localized

#: Which languages have script variants, and which (ISO 15924 subtags).
SCRIPT_VARIANTS: dict[str, tuple[str, ...]] = {"ug": ("Latn", "Cyrl")}

_SCRIPT_NAMES = {"Latn": ("Latin", "ULY"), "Cyrl": ("Cyrillic", "USY")}

#: Names in each script, written by hand: transliteration would lower-case "Latin"/"Kiril".
_NATIVE_NAMES = {
    ("ug", "Latn"): "Uyghurche (Latin yéziqi)",
    ("ug", "Cyrl"): "Уйғурчә (Кирил йезиқи)",
}

#: The label's second sentence, written in Uyghur Arabic script and transliterated:
#: "automatically converted version of the [approved] Uyghur text in Arabic script into the
#: {Latin|Cyrillic} script, not checked by a translator."
_UG_LABEL = ("ئەرەب يېزىقىدىكى {approved}ئۇيغۇرچە تېكىستنىڭ {script} يېزىقىغا ئاپتوماتىك"
             " ئۆزگەرتىلگەن نۇسخىسى، تەرجىمان تەرىپىدىن تەكشۈرۈلمىگەن.")
_UG_APPROVED = "تەستىقلانغان "
_UG_SCRIPT = {"Latn": "لاتىن", "Cyrl": "كىرىل"}


def _known() -> str:
    return ", ".join(f"{code}-{script}" for code, scripts in SCRIPT_VARIANTS.items()
                     for script in scripts)


def _check(code: str, script: str) -> None:
    if script not in SCRIPT_VARIANTS.get(code, ()):
        raise ValueError(f"unknown script variant {code}-{script} (known: {_known()})")


def parse_variant(tag: str) -> tuple[str, str | None]:
    """Split ``ug-Latn``/``ug_Latn`` into ("ug", "Latn"); a plain code gives (code, None).

    Only a last subtag of four letters is read as a script. A language CLDR knows with its
    script (``zh_Hans``, ``sr_Latn``) is a language, not a variant; any other script is a
    variant, and an unknown one is a one-line error listing the known variants.
    """
    full = tag.strip().replace("-", "_")
    code, _, script = full.rpartition("_")
    if not code or len(script) != 4 or not script.isalpha():
        return full, None
    script = script.title()
    if code not in SCRIPT_VARIANTS and localedata.exists(f"{code}_{script}"):
        return f"{code}_{script}", None  # a locale of its own in CLDR: zh_Hans, sr_Latn
    _check(code, script)
    return code, script


def variant_language(code: str, script: str) -> Language:
    """The :class:`Language` a variant is labelled with: ``ug_Latn`` (``ug-Latn``), LTR."""
    _check(code, script)
    base = get_language(code)
    english = _SCRIPT_NAMES[script][0]
    return Language(
        code=f"{code}_{script}",
        english_name=f"{base.english_name} ({english}, automatic transliteration)",
        native_name=_NATIVE_NAMES[(code, script)],
        direction="ltr",
        nplurals=base.nplurals,
        plural_expr=base.plural_expr,
    )


def variant_label(script: str, *, draft: bool = False) -> str:
    """What readers see first: the text is a machine transliteration, in English and in
    the variant's own script."""
    _check("ug", script)
    english, short = _SCRIPT_NAMES[script]
    approved = "" if draft else "approved "
    uyghur = _UG_LABEL.format(approved="" if draft else _UG_APPROVED, script=_UG_SCRIPT[script])
    return (f"Automatic transliteration of the {approved}Uyghur (Arabic script) text into "
            f"Uyghur {english} script ({short}) — not reviewed by a translator. / "
            f"{transliterate(uyghur, script)}")


def make_variant(item: Localized, script: str) -> Localized:
    """A copy of ``item`` in ``script``: usable targets transliterated (states kept), the
    variant's language and label, the draft flag unchanged.

    Units that are not usable keep their target: no reader-facing renderer shows them, and
    an Arabic-script draft ("needs editing") is not worth transliterating.
    """
    code = item.language.code
    _check(code, script)
    units = [dataclasses.replace(unit, target=transliterate(unit.target, script))
             if unit.usable else unit for unit in item.units]
    return dataclasses.replace(item, language=variant_language(code, script),
                               units=units, label=variant_label(script, draft=item.draft))

