"""Tiny stand-in checks with predictable results, for tests of how checks are used."""

from __future__ import annotations

from app.checks.base import Check, Severity


class Broken(Check):
    check_id = "broken"
    name = "Broken marker"
    severity = Severity.ERROR
    description = "The text contains BAD."

    def messages(self, source, target, language, context):  # noqa: ANN001, ANN201
        return ["the text contains BAD"] if "BAD" in target else []


class Shouting(Check):
    check_id = "shouting"
    name = "Shouting"
    severity = Severity.WARNING
    description = "Two exclamation marks."

    def messages(self, source, target, language, context):  # noqa: ANN001, ANN201
        return ["two exclamation marks"] if "!!" in target else []
