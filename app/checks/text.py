"""Small text helpers shared by the checks: what to blank out before counting letters or
numbers (URLs, emails, link placeholders, format placeholders) and language-code bases."""

from __future__ import annotations

import re

#: A URL as written in a statement; trailing sentence punctuation is not part of it.
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+[^\s<>\"'«»“”.,;:!?)\]。，、؟،]",
                    re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: ``{name}``, ``{0}``, ``%s``, ``%(name)s``, ``%1$s`` — format placeholders.
FORMAT_RE = re.compile(r"\{[A-Za-z0-9_]*\}|%(?:\([A-Za-z0-9_]+\)|\d+\$)?[sdif]")
#: The number part of our link placeholders ``[text][n]`` / ``![alt][n]``.
LINK_LABEL_RE = re.compile(r"\]\[\s*\d{1,6}\s*\]")


def base(code: str) -> str:
    """``zh_Hans`` → ``zh``; ``ug-Arab`` → ``ug``."""
    return code.replace("-", "_").split("_")[0].lower()


def script_subtag(code: str) -> str | None:
    """The ISO 15924 subtag of a code (``uz_Cyrl`` → ``Cyrl``), if there is one."""
    for part in code.replace("-", "_").split("_")[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    return None


def urls(text: str) -> list[str]:
    """URLs and email addresses, in order (an email is not also read as a URL)."""
    found = [m.group(0) for m in URL_RE.finditer(text)]
    rest = URL_RE.sub(" ", text)
    return found + [m.group(0) for m in EMAIL_RE.finditer(rest)]


def blank_protected(text: str) -> str:
    """``text`` with URLs, emails, link labels and format placeholders replaced by spaces."""
    for pattern in (URL_RE, EMAIL_RE, LINK_LABEL_RE, FORMAT_RE):
        text = pattern.sub(" ", text)
    return text


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in blank_protected(text))
