"""Numbers: every number of the (English) source must appear in the target, written the
target language's way.

Source numbers are read with English conventions (``1,500.5``). A number in the target may
use the target locale's CLDR decimal and group symbols (Babel), plain spaces, no-break and
narrow no-break spaces as groups, Arabic decimal/thousands marks, and any Unicode decimal
digits (Arabic-Indic ٠-٩, Persian ۰-۹, full-width ０-９). A target number that is ambiguous
("1.500": 1500 in Turkish, 1.5 in English) matches either reading. Percent signs may stand
on either side (50% / %50 / 50 ٪ / 50 %).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from app.checks.base import Check, CheckContext, Severity
from app.checks.text import blank_protected
from app.core.languages import Language

_GROUP_SPACES = " \u00a0\u202f\u2009"
_SOURCE_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
#: A run of digits with inner separators; a space only separates groups of three digits.
_TARGET_RE = re.compile(r"\d+(?:(?:[.,'’\u066b\u066c]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d+)*")
_PERCENT = "%٪％﹪"
_SOURCE_PERCENT_RE = re.compile(r"\d\s?%")
_TARGET_PERCENT_RE = re.compile(rf"\d[ \u00a0\u202f]?[{_PERCENT}]|[{_PERCENT}][ \u00a0\u202f]?\d")


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


@lru_cache(maxsize=64)
def _symbols(code: str) -> tuple[str, str]:
    """(decimal, group) symbols of a locale; English ones when Babel does not know it."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return ".", ","
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _value(text: str, decimal: str, group: str) -> Decimal | None:
    groups = set(group + _GROUP_SPACES + "\u066c") - {decimal}
    cleaned = "".join(ch for ch in text if ch not in groups)
    cleaned = cleaned.replace(decimal, ".").replace("\u066b", ".")
    if cleaned.count(".") > 1 or not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned).normalize()
    except InvalidOperation:
        return None


def source_numbers(text: str) -> list[Decimal]:
    """Numeric values in an English source text (URLs, link numbers, placeholders skipped)."""
    text = _ascii_digits(blank_protected(text))
    found = (_value(m.group(0), ".", ",") for m in _SOURCE_RE.finditer(text))
    return [value for value in found if value is not None]


def _readings(token: str, code: str) -> set[Decimal]:
    readings = {_symbols(code), (".", ","), (",", ".")}
    return {v for d, g in readings if (v := _value(token, d, g)) is not None}


def _target_tokens(text: str) -> list[str]:
    text = _ascii_digits(blank_protected(text))
    return [m.group(0).rstrip(".,") for m in _TARGET_RE.finditer(text)]


def target_numbers(text: str, code: str) -> list[set[Decimal]]:
    """For each number in a target text, the values it can mean in that language."""
    return [values for token in _target_tokens(text) if (values := _readings(token, code))]


def _match(wanted: list[Decimal], tokens: list[tuple[str, set[Decimal]]]) -> list[Decimal]:
    """Remove matched tokens from ``tokens``; return the wanted values not found."""
    missing = []
    for value in wanted:
        for i, (_, values) in enumerate(tokens):
            if value in values:
                del tokens[i]
                break
        else:
            missing.append(value)
    return missing


def compare(source: str, target: str, code: str) -> tuple[list[Decimal], list[str]]:
    """(source values missing from the target, target numbers not in the source).

    A target run such as "1,2" that matches nothing as one number is tried again as its
    separate numbers (a list "1,2" for the source's "1 and 2").
    """
    tokens = [(t, v) for t in _target_tokens(target) if (v := _readings(t, code))]
    missing = _match(source_numbers(source), tokens)
    if missing and tokens:
        tokens = [(piece, {Decimal(piece).normalize()}) for token, _ in tokens
                  for piece in re.findall(r"\d+", token)]
        missing = _match(missing, tokens)
    return missing, [token for token, _ in tokens]


def _fmt(value: Decimal) -> str:
    return format(value, "f")


class NumbersCheck(Check):
    check_id = "numbers"
    name = "Numbers"
    severity = Severity.ERROR
    description = ("Every number of the source appears in the translation (in the "
                   "language's own digits and separators), and no number is added.")

    def messages(self, source: str, target: str, language: Language,
                 context: CheckContext) -> list[str]:
        missing, extra = compare(source, target, language.code)
        problems = []
        if missing:
            problems.append("missing number(s): " + ", ".join(_fmt(v) for v in missing))
        if extra:
            problems.append("number(s) not in the source: " + ", ".join(extra))
        wanted_pct = len(_SOURCE_PERCENT_RE.findall(_ascii_digits(blank_protected(source))))
        found_pct = len(_TARGET_PERCENT_RE.findall(_ascii_digits(blank_protected(target))))
        if not missing and found_pct < wanted_pct:
            problems.append("a percent sign is missing")
        return problems


__all__ = ["NumbersCheck", "compare", "source_numbers", "target_numbers"]
