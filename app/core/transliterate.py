"""Uyghur Arabic script (UEY) to Latin (ULY) or Cyrillic (USY), leaving everything else alone.

The letters are converted by ``umsc`` (Uyghur Multi-Script Converter), but only runs of
Arabic-script characters are handed to it: umsc lower-cases and rewrites its whole input, so
"UNHCR" would become "unhjr" and a URL would turn Cyrillic. Everything outside those runs —
Latin words and names, Western digits, e-mail addresses, Markdown syntax, link placeholders
``[text][n]`` (only ``text`` holds Uyghur) — is copied byte for byte; URLs, inline link
destinations and code spans are copied byte for byte even when they contain Arabic letters.
A Uyghur suffix hyphenated to a URL (``https://uhrp.org-دىن``) is not part of the URL.

Choices, made for readers of a Latin or Cyrillic text:

* Arabic punctuation becomes its Western form (``، ؛ ؟ ۔ ٪ ٫ ٬`` → ``, ; ? . % . ,``);
  guillemets were never Arabic-script and stay. ``٭`` stays: an ``*`` would be Markdown.
* Arabic-Indic digits (``٠``–``٩`` and the Persian ``۰``–``۹``) become ``0``–``9``, which is
  what ULY and USY texts use; Western digits are not touched.
* Inside a run, presentation forms are normalised (NFKC), the tatweel, vowel marks and
  zero-width joiners are dropped, Persian keheh ``ک`` is read as ``ك`` and Arabic heh ``ه``
  as ``ھ``. Right-to-left marks (U+200F, U+061C) are dropped outside protected spans: they
  only made sense in a right-to-left text.
* A word-initial hamza (``ئ``) is silent (``ئۇيغۇر`` → ``uyghur``); inside a word umsc writes
  it as an apostrophe (``جەمئىيەت`` → ``jem'iyet``/``җәм'ийәт``), as ULY does.
* umsc writes everything in lower case. ULY and USY capitalise sentences, so the first letter
  of a run that starts the text or follows ``. ! ? …`` and a space (past quotes, brackets and
  Markdown markers) is upper-cased. Proper nouns cannot be recognised (``خىتاي`` → ``xitay``):
  one reason the output must be labelled an automatic transliteration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache

from umsc import UgMultiScriptConverter

#: Our ISO 15924 script subtags and umsc's names for them.
SCRIPTS = {"Latn": "ULS", "Cyrl": "UCS"}

# The Arabic blocks (base, supplement, extended-A, presentation forms A and B), minus the
# five-pointed star U+066D and the byte order mark U+FEFF.
_ARABIC = "\u0600-\u066c\u066e-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
_RUN_RE = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}]|[\u200c\u200d]+(?=[{_ARABIC}]))*")

_PROTECTED_RE = re.compile(
    r"(?P<code>(?P<ticks>`+)[\s\S]*?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<dest>\]\([^)\s]*\)?)"
    r"|(?P<url>(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)[^\s<>\"\[\]()«»]+)"
)
#: What a URL does not end with: sentence punctuation, or a hyphenated Uyghur suffix.
_URL_TAIL_RE = re.compile(rf"(?:-[{_ARABIC}]+)?[.,;:!?'’،؛؟۔]*\Z")

_RTL_MARKS = "\u200f\u061c"
_DROPPED = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655" \
    "\u0670\u200c\u200d" + _RTL_MARKS
_TABLE = str.maketrans(
    {"،": ",", "؛": ";", "؟": "?", "۔": ".", "٪": "%", "٫": ".", "٬": ",",
     "ک": "ك", "ه": "ھ",
     **{chr(0x0660 + d): str(d) for d in range(10)},
     **{chr(0x06F0 + d): str(d) for d in range(10)},
     **dict.fromkeys(_DROPPED)}
)

_ENDERS = ".!?…؟۔"
_SKIP_OPENERS = " \t\r\n\u00a0«“‘\"'([*_#>-–—" + _RTL_MARKS
_SKIP_CLOSERS = "\"'»”’)]*_" + _RTL_MARKS


@cache
def _converter(script: str) -> Callable[[str], str]:
    """umsc's Arabic-to-``script`` method (one converter instance per script)."""
    if script not in SCRIPTS:
        known = ", ".join(SCRIPTS)
        raise ValueError(f"unknown Uyghur script {script!r} (known: {known})")
    converter = UgMultiScriptConverter("UAS", SCRIPTS[script])
    return getattr(converter, f"UAS2{SCRIPTS[script]}")


def transliterate(text: str, script: str) -> str:
    """``text`` with its Uyghur Arabic-script runs written in ``script`` ("Latn" or "Cyrl")."""
    convert = _converter(script)
    out: list[str] = []
    position = 0
    for start, end in _protected_spans(text):
        out.append(_convert_gap(text, position, start, convert))
        out.append(text[start:end])
        position = end
    out.append(_convert_gap(text, position, len(text), convert))
    return "".join(out)


def _protected_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in _PROTECTED_RE.finditer(text):
        start, end = match.span()
        if match.lastgroup == "url":
            end -= len(_URL_TAIL_RE.search(match.group()).group())
        yield start, end


def _convert_gap(text: str, start: int, end: int, convert: Callable[[str], str]) -> str:
    """``text[start:end]`` (no protected span in it) with its runs converted."""
    out: list[str] = []
    position = start
    for match in _RUN_RE.finditer(text, start, end):
        out.append(_drop_marks(text[position:match.start()]))
        word = convert(_normalise(match.group()))
        if word and _starts_sentence(text, match.start()):
            word = word[0].upper() + word[1:]
        out.append(word)
        position = match.end()
    out.append(_drop_marks(text[position:end]))
    return "".join(out)


def _drop_marks(piece: str) -> str:
    return piece.replace("\u200f", "").replace("\u061c", "")


def _normalise(run: str) -> str:
    """The run as umsc expects it: base letters, no marks, Western digits and punctuation."""
    run = "".join(unicodedata.normalize("NFKC", char) if char >= "\ufb50" else char
                  for char in run)
    return unicodedata.normalize("NFC", run).translate(_TABLE)


def _starts_sentence(text: str, index: int) -> bool:
    """Whether ``text[index]`` begins a sentence: nothing but openers since the text's start,
    or since sentence-final punctuation followed by a space."""
    position = index
    while position and text[position - 1] in _SKIP_OPENERS:
        position -= 1
    if position == 0:
        return True
    if not any(char.isspace() for char in text[position:index]):
        return False
    while position and text[position - 1] in _SKIP_CLOSERS:
        position -= 1
    return position > 0 and text[position - 1] in _ENDERS


def arabic_letters(text: str) -> str:
    """The Arabic-script letters in ``text``, e.g. to check that a transliteration is whole."""
    return "".join(char for run in _RUN_RE.findall(text) for char in run
                   if unicodedata.category(char).startswith("L"))
