"""Does a translation contain a glossary term, allowing for Turkic suffixes?

Turkic languages attach case, number and possession to the end of a word: the glossary says
"Birleşmiş Milletler", the translation writes "Birleşmiş Milletler'in" or "Milletlerde"; Uyghur
writes "ب د ت" and "ب د تنىڭ". A plain substring test would either miss these or accept any
word that merely *starts* with the term ("Millet" inside "Milletvekili").

The rule, kept deliberately simple and table-driven:

- both texts are normalised (NFKC, case folded with Turkish dotted/dotless i where it applies,
  tatweel and bidi marks removed, every apostrophe/hyphen/ZWNJ variant read as one separator)
  and split into words;
- the term's words must appear consecutively; all but the last exactly;
- the last word may be followed by zero or more suffixes from the language's inventory below,
  optionally after one separator (Turkish and Azerbaijani write an apostrophe after proper
  nouns and acronyms: "UNHCR'nin"; Uyghur may use ZWNJ); a hyphen or space before the
  suffixes ("ب د ت-نىڭ", "ب د ت نىڭ") leaves the term's words whole, so those match too;
- a few regular stem changes before suffixes are allowed: Uyghur raising of a final a/e to i
  ("بالا" → "بالىلار"), final voicing (Turkish kitap → kitabı, Uyghur ئاياق → ئاياغ+…,
  Kazakh/Kyrgyz к/қ/п, Uzbek k/q), each only before a suffix (vowel-initial where the language
  requires it).

The inventories list the actual surface forms (every vowel-harmony variant) and do not check
which variant fits: the question is "is the term there", not "is it spelled well". Vowel drop
(Turkish burun → burnu) is not modelled. Languages without an inventory match whole words only
(an apostrophe separates words there: French "l'ONU", English "UNHCR's").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["SUFFIXING_LANGUAGES", "normalise", "suffix_inventory", "target_has_term", "words"]

#: Longest suffix chain considered (Turkish "Milletler-imiz-de-ki-ler-den" is five).
MAX_CHAIN = 6

_SEPARATOR = "'"
#: Apostrophes and ZWNJ: read as the one separator between a stem and its suffixes. A hyphen
#: separates words ("Xinjiang-based"; Uyghur "ب د ت-نىڭ" leaves the term's words intact).
_SEPARATORS = str.maketrans({ch: _SEPARATOR for ch in "’ʼ‘ʻ`´′\u200c"})
#: Invisible characters dropped before matching: tatweel, ZWJ, soft hyphen, bidi controls.
_INVISIBLE = dict.fromkeys(map(ord, "\u0640\u200d\u00ad\u200e\u200f\u061c"
                               "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_MARKS = "\u0300-\u036f\u064b-\u065f\u0670"
_WORD = re.compile(rf"[\w{_MARKS}]+(?:{_SEPARATOR}[\w{_MARKS}]+)*")


def _forms(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- inventories: surface forms of inflectional (and a few common derivational) suffixes ----

_TURKISH = _forms("""
    lar ler
    ım im um üm m ın in un ün n ı i u ü sı si su sü
    ımız imiz umuz ümüz mız miz muz müz ınız iniz unuz ünüz nız niz nuz nüz ları leri
    yı yi yu yü nı ni nu nü
    a e ya ye na ne
    da de ta te nda nde
    dan den tan ten ndan nden
    nın nin nun nün
    la le yla yle
    ca ce ça çe
    ki
    dır dir dur dür tır tir tur tür
    lı li lu lü sız siz suz süz lık lik luk lük
""")

_AZERBAIJANI = _forms("""
    lar lər
    ım im um üm m ın in un ün n ı i u ü sı si su sü
    ımız imiz umuz ümüz mız miz muz müz ınız iniz unuz ünüz nız niz nuz nüz ları ləri
    nı ni nu nü
    a ə ya yə na nə
    da də nda ndə
    dan dən ndan ndən
    nın nin nun nün
    la lə yla ylə
    ki
    dır dir dur dür
    lı li lu lü sız siz suz süz lıq lik luq lük
""")

_UYGHUR_ARABIC = _forms("""
    لار لەر لىر
    م ىم ڭ ىڭ ىڭىز ڭىز ى سى ىمىز مىز ىڭلار ڭلار لىرى
    نىڭ نى
    غا گە قا كە ا ە
    دا دە تا تە
    دىن تىن
    دىكى تىكى كى
    دەك تەك
    غىچە گىچە قىچە كىچە چە
    دۇر تۇر مۇ
    لىق لىك چى سىز
""")

_UYGHUR_LATIN = _forms("""
    lar ler lir
    m im ng ing ingiz ngiz i si imiz miz inglar nglar liri
    ning ni
    gha ge qa ke a e
    da de ta te
    din tin
    diki tiki ki
    dek tek
    ghiche giche qiche kiche che
    dur tur mu
    liq lik chi siz
""")

_KAZAKH = _forms("""
    лар лер дар дер тар тер
    ым ім м ың ің ң ыңыз іңіз ңыз ңіз ы і сы сі ымыз іміз мыз міз лары лері дары дері тары тері
    ның нің дың дің тың тің
    ны ні ды ді ты ті н
    ға ге қа ке а е на не
    да де та те нда нде
    дан ден тан тен нан нен
    мен бен пен ымен імен
    ғы гі қы кі
    лық лік дық дік тық тік сыз сіз
""")

_KYRGYZ = _forms("""
    лар лер лор лөр дар дер дор дөр тар тер тор төр
    ым им ум үм м ың иң уң үң ң ы и у ү сы си су сү
    ыбыз ибиз убуз үбүз быз биз буз бүз
    нын нин нун нүн дын дин дун дүн тын тин тун түн
    ны ни ну нү ды ди ду дү ты ти ту тү н
    га ге го гө ка ке ко кө а е о ө на не но нө
    да де до дө та те то тө нда нде ндо ндө
    дан ден дон дөн тан тен тон төн нан нен нон нөн
    менен
    лык лик лук лүк сыз сиз суз сүз
""")

_UZBEK = _forms("""
    lar
    im m ing ng i si imiz miz ingiz ngiz
    ning ni ga ka qa da dan dek day gacha
    dir
    lik chi siz
    лар
    им м инг нг и си имиз миз ингиз нгиз
    нинг ни га ка қа да дан дек дай гача
    дир
    лик чи сиз
""")

_INVENTORIES: dict[str, tuple[str, ...]] = {
    "tr": _TURKISH,
    "az": _AZERBAIJANI,
    "ug": _UYGHUR_ARABIC + _UYGHUR_LATIN,
    "kk": _KAZAKH,
    "ky": _KYRGYZ,
    "uz": _UZBEK,
}

SUFFIXING_LANGUAGES = frozenset(_INVENTORIES)

_VOWELS = {
    "tr": "aeıioöuüâîû",
    "az": "aeəıioöuü",
    "ug": "اەېىوۇۆۈaeéiouöü",
    "kk": "аәеиоөуүұыіэюя",
    "ky": "аеиоөуүыэюя",
    "uz": "aeiouаеиоуўэюяё",
}


@dataclass(frozen=True)
class _StemChange:
    """A stem-final change before suffixes: ``old`` → ``new`` (``vowel``: suffix must start
    with a vowel, as consonant voicing requires)."""

    old: str
    new: str
    vowel: bool = True
    #: The old ending must follow this (e.g. Turkish k → g only after n: renk → rengi).
    after: str = ""


_STEM_CHANGES: dict[str, tuple[_StemChange, ...]] = {
    "tr": (_StemChange("p", "b"), _StemChange("ç", "c"), _StemChange("t", "d"),
           _StemChange("k", "g", after="n"), _StemChange("k", "ğ"), _StemChange("g", "ğ")),
    "az": (_StemChange("k", "y"), _StemChange("q", "ğ"), _StemChange("p", "b"),
           _StemChange("ç", "c"), _StemChange("t", "d")),
    # Uyghur raising (a final a/e becomes i before any suffix) and final voicing of q/k.
    "ug": (_StemChange("ا", "ى", vowel=False), _StemChange("ە", "ى", vowel=False),
           _StemChange("ق", "غ"), _StemChange("ك", "گ"),
           _StemChange("a", "i", vowel=False), _StemChange("e", "i", vowel=False),
           _StemChange("q", "gh"), _StemChange("k", "g")),
    "kk": (_StemChange("к", "г"), _StemChange("қ", "ғ"), _StemChange("п", "б")),
    "ky": (_StemChange("к", "г"), _StemChange("п", "б")),
    "uz": (_StemChange("k", "g"), _StemChange("q", "g'"), _StemChange("к", "г"),
           _StemChange("қ", "ғ")),
}


def _base(language_code: str) -> str:
    return language_code.replace("-", "_").split("_")[0].lower()


def suffix_inventory(language_code: str) -> tuple[str, ...]:
    """The suffix surface forms used for ``language_code`` (empty for other languages)."""
    return _INVENTORIES.get(_base(language_code), ())


@lru_cache(maxsize=32)
def _chain(language: str) -> re.Pattern[str] | None:
    forms = _INVENTORIES.get(language)
    if not forms:
        return None
    alternatives = "|".join(re.escape(form) for form in sorted(set(forms), key=len,
                                                                 reverse=True))
    return re.compile(rf"(?:{alternatives}){{1,{MAX_CHAIN}}}")


def normalise(text: str, language_code: str = "") -> str:
    """Compatibility-normalised, lower-cased text with invisible marks dropped and every
    apostrophe/hyphen variant unified (Turkish and Azerbaijani fold I/İ to ı/i)."""
    language = _base(language_code)
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_SEPARATORS)
    if language in {"tr", "az"}:
        text = text.replace("I", "ı").replace("İ", "i")
    return unicodedata.normalize("NFC", text.lower())


def words(text: str, language_code: str = "") -> list[str]:
    """The normalised words of ``text``. In a suffixing language a word keeps its inner
    separators ("milletler'in"); elsewhere an apostrophe splits words ("l'onu", "unhcr's")."""
    found = _WORD.findall(normalise(text, language_code))
    if _base(language_code) in _INVENTORIES:
        return found
    return [part for word in found for part in word.split(_SEPARATOR)]


def _stems(language: str, last: str) -> list[tuple[str, bool]]:
    """(stem, suffix must start with a vowel) pairs the term's last word may take."""
    stems = [(last, False)]
    for change in _STEM_CHANGES.get(language, ()):
        if last.endswith(change.old) and len(last) > len(change.old):
            head = last[: -len(change.old)]
            if change.after and not head.endswith(change.after):
                continue
            stems.append((head + change.new, change.vowel))
    return stems


def _suffixed(language: str, word: str, stems: list[tuple[str, bool]]) -> bool:
    chain = _chain(language)
    if chain is None:
        return False
    vowels = _VOWELS.get(language, "")
    for stem, needs_vowel in stems:
        if not word.startswith(stem) or len(word) == len(stem):
            continue
        rest = word[len(stem):]
        if rest.startswith(_SEPARATOR):
            rest = rest[1:]
        if rest and chain.fullmatch(rest) and (not needs_vowel or rest[0] in vowels):
            return True
    return False


def target_has_term(language_code: str, target_text: str, term_translation: str) -> bool:
    """True when ``target_text`` contains ``term_translation`` as whole words, its last word
    possibly inflected with the language's suffixes (see the module docstring).

    An empty term never matches: a caller checking glossary terms should skip terms without
    a translation.
    """
    language = _base(language_code)
    term = words(term_translation, language)
    if not term:
        return False
    text = words(target_text, language)
    head, last = term[:-1], term[-1]
    stems: list[tuple[str, bool]] | None = None
    for i in range(len(text) - len(term) + 1):
        if text[i : i + len(head)] != head:
            continue
        word = text[i + len(head)]
        if word == last:
            return True
        if language in _INVENTORIES:
            if stems is None:
                stems = _stems(language, last)
            if _suffixed(language, word, stems):
                return True
    return False
