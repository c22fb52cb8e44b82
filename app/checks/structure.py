"""Document-level structure: the rebuilt translation has the source's headings, list items
and signatories. A translation that swallows a list marker or a directive would otherwise
publish a statement with a signatory missing."""

from __future__ import annotations

from collections import Counter

from app.checks.base import DocumentCheck, Finding, Severity
from app.core.document import DocumentError, parse_document

#: Block kinds compared, by what a reader would call them.
_GROUPS = ("heading", "list item", "signatory")


def _group(kind: str) -> str | None:
    if kind.startswith("heading"):
        return "heading"
    if kind.endswith("list item"):
        return "list item"
    return "signatory" if kind == "signatory" else None


def structure_counts(markdown: str, name: str) -> Counter[str]:
    """How many headings, list items and signatories a Markdown document has."""
    document = parse_document(markdown, name=name, path=name)
    return Counter(group for block in document.blocks if (group := _group(block.kind)))


class StructureCheck(DocumentCheck):
    check_id = "structure"
    name = "Document structure"
    severity = Severity.ERROR
    description = ("The rebuilt translation has as many headings, list items and signatories "
                   "as the source.")

    def check_document(self, source_markdown: str, rebuilt_markdown: str) -> list[Finding]:
        want = structure_counts(source_markdown, "source")
        try:
            have = structure_counts(rebuilt_markdown, "translation")
        except DocumentError as exc:
            return [Finding(self.check_id, self.severity, f"cannot read the rebuilt text: {exc}")]
        return [Finding(self.check_id, self.severity,
                        f"{have[group]} {group}(s), the source has {want[group]}")
                for group in _GROUPS if want[group] != have[group]]
