"""Our language codes (Babel's: ``ug``, ``zh_Hans``) → each engine's own codes.

Every engine spells languages its own way: MyMemory wants a region (``ug-CN``, ``en-GB``),
Google says ``zh-CN``, Microsoft ``zh-Hans``, DeepL ``ZH``. :data:`TABLE` lists the languages
this project translates into, checked by hand per engine; other codes fall back to the
language's base subtag where the engine's list has it. ``None`` means "not offered".

What an engine *can* receive comes from deep-translator's own language dicts (Google,
MyMemory, DeepL, LibreTranslate), because its classes refuse anything else; Microsoft's list
is fetched by deep-translator over the network on every construction, so we keep a static copy
of its documented codes instead. A LibreTranslate server's real list is asked at translate time.
"""

from __future__ import annotations

from functools import cache

from deep_translator.constants import (
    DEEPL_LANGUAGE_TO_CODE,
    GOOGLE_LANGUAGES_TO_CODES,
    LIBRE_LANGUAGES_TO_CODES,
    MY_MEMORY_LANGUAGES_TO_CODES,
)

ENGINE_NAMES = ("google", "mymemory", "microsoft", "deepl", "libre")

#: our code → {engine: engine code or None (not offered)}.
TABLE: dict[str, dict[str, str | None]] = {
    "en": {"google": "en", "mymemory": "en-GB", "microsoft": "en", "deepl": "EN", "libre": "en"},
    "ug": {"google": "ug", "mymemory": "ug-CN", "microsoft": "ug", "deepl": None, "libre": "ug"},
    "zh_Hans": {"google": "zh-CN", "mymemory": "zh-CN", "microsoft": "zh-Hans", "deepl": "ZH",
                "libre": "zh"},
    "zh_Hant": {"google": "zh-TW", "mymemory": "zh-TW", "microsoft": "zh-Hant", "deepl": None,
                "libre": "zt"},
    "tr": {"google": "tr", "mymemory": "tr-TR", "microsoft": "tr", "deepl": "TR", "libre": "tr"},
    "ru": {"google": "ru", "mymemory": "ru-RU", "microsoft": "ru", "deepl": "RU", "libre": "ru"},
    "kk": {"google": "kk", "mymemory": "kk-KZ", "microsoft": "kk", "deepl": None, "libre": "kk"},
    "ky": {"google": "ky", "mymemory": "ky-KG", "microsoft": "ky", "deepl": None, "libre": "ky"},
    "uz": {"google": "uz", "mymemory": "uz-UZ", "microsoft": "uz", "deepl": None, "libre": "uz"},
    "ar": {"google": "ar", "mymemory": "ar-SA", "microsoft": "ar", "deepl": None, "libre": "ar"},
    "fa": {"google": "fa", "mymemory": "fa-IR", "microsoft": "fa", "deepl": None, "libre": "fa"},
    "ms": {"google": "ms", "mymemory": "ms-MY", "microsoft": "ms", "deepl": None, "libre": "ms"},
    "id": {"google": "id", "mymemory": "id-ID", "microsoft": "id", "deepl": "ID", "libre": "id"},
    "ja": {"google": "ja", "mymemory": "ja-JP", "microsoft": "ja", "deepl": "JA", "libre": "ja"},
    "de": {"google": "de", "mymemory": "de-DE", "microsoft": "de", "deepl": "DE", "libre": "de"},
    "fr": {"google": "fr", "mymemory": "fr-FR", "microsoft": "fr", "deepl": "FR", "libre": "fr"},
}

#: Microsoft Translator's documented language codes (``GET /languages?scope=translation``).
MICROSOFT_CODES = frozenset("""
af am ar as az ba bg bho bn bo brx bs ca cs cy da de doi dsb dv el en es et eu fa fi fil fj fo
fr fr-CA ga gl gom gu ha he hi hne hr hsb ht hu hy id ig ikt is it iu iu-Latn ja ka kk km kmr
kn ko ks ku ky lg ln lo lt lug lv lzh mai mg mi mk ml mn-Cyrl mn-Mong mni mr ms mt mww my nb ne
nl nso nya or otq pa pl prs ps pt pt-PT ro ru run rw sd si sk sl sm sn so sq sr-Cyrl sr-Latn st
sv sw ta te th ti tk tlh-Latn tlh-Piqd tn to tr tt ty ug uk ur uz vi xh yo yua yue zh-Hans
zh-Hant zu
""".split())


@cache
def engine_languages(engine: str) -> frozenset[str]:
    """Codes the engine's client accepts (deep-translator's dicts; Microsoft's static list)."""
    if engine == "google":
        return frozenset(GOOGLE_LANGUAGES_TO_CODES.values())
    if engine == "mymemory":
        return frozenset(MY_MEMORY_LANGUAGES_TO_CODES.values())
    if engine == "deepl":
        return frozenset(code.upper() for code in DEEPL_LANGUAGE_TO_CODE.values())
    if engine == "microsoft":
        return MICROSOFT_CODES
    if engine == "libre":
        # deep-translator knows 17; a self-hosted server may have any Argos model, so every
        # code in our table counts here and the server's /languages decides at translate time.
        known = set(LIBRE_LANGUAGES_TO_CODES.values())
        known.update(row["libre"] for row in TABLE.values() if row["libre"])
        return frozenset(known)
    raise KeyError(engine)


def normalise(code: str) -> str:
    """``zh-Hans`` and ``zh_Hans`` are the same language for us."""
    return code.strip().replace("-", "_")


def _fallback(engine: str, code: str) -> str | None:
    """Best guess for a code missing from :data:`TABLE`: the exact tag, else its base subtag."""
    known = engine_languages(engine)
    tag = code.replace("_", "-")
    base = code.split("_")[0].lower()
    if engine == "deepl":
        candidates = [tag.upper(), base.upper()]
    elif engine == "mymemory":
        regional = sorted(value for value in known if value.split("-")[0].lower() == base)
        candidates = [tag] + (regional if len(regional) == 1 else [])
    else:
        candidates = [tag, base]
    return next((candidate for candidate in candidates if candidate in known), None)


def engine_code(engine: str, code: str) -> str | None:
    """The engine's code for our language ``code``, or None when the engine does not offer it."""
    if engine not in ENGINE_NAMES:
        raise KeyError(engine)
    code = normalise(code)
    if code in TABLE:
        return TABLE[code][engine]
    return _fallback(engine, code)


def supported(engine: str, code: str) -> bool:
    return engine_code(engine, code) is not None
