"""Where a project's files live: statements in ``source/``, catalogues in ``locales/``.

One Markdown file is one gettext domain (its file stem): ``source/statement.md`` →
``locales/statement.pot`` and ``locales/<lang>/LC_MESSAGES/statement.po``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.languages import get_language


class ProjectError(ValueError):
    """A problem with the project's layout, reported in one line."""


@dataclass(frozen=True)
class Project:
    """The source and locales folders of one Terjime project."""

    source_dir: Path = Path("source")
    locales_dir: Path = Path("locales")

    def documents(self) -> dict[str, Path]:
        """Statements by domain, sorted; raises if the folder is missing, empty or ambiguous."""
        if not self.source_dir.is_dir():
            raise ProjectError(f"{self.source_dir}: source folder does not exist")
        found: dict[str, Path] = {}
        for path in sorted(self.source_dir.rglob("*.md")):
            if not path.is_file():
                continue
            domain = path.stem
            if domain in found:
                raise ProjectError(
                    f"{path}: domain {domain!r} is already used by {found[domain]}; "
                    "file stems must be unique"
                )
            found[domain] = path
        if not found:
            raise ProjectError(f"{self.source_dir}: no Markdown statements (*.md) found")
        return found

    def document(self, domain: str) -> Path:
        docs = self.documents()
        if domain not in docs:
            known = ", ".join(docs) or "none"
            raise ProjectError(f"unknown document {domain!r} (known: {known})")
        return docs[domain]

    def pot_path(self, domain: str) -> Path:
        return self.locales_dir / f"{domain}.pot"

    def po_path(self, language: str, domain: str) -> Path:
        return self.locales_dir / language / "LC_MESSAGES" / f"{domain}.po"

    def languages(self) -> list[str]:
        """Language codes that have a catalogue folder under ``locales/``."""
        if not self.locales_dir.is_dir():
            return []
        codes = []
        for child in sorted(self.locales_dir.iterdir()):
            if (child / "LC_MESSAGES").is_dir():
                codes.append(child.name)
        return codes

    def reference(self, path: Path) -> str:
        """How a source file is named in ``#:`` references: relative to the working directory,
        as ``pybabel extract`` writes it."""
        try:
            return Path(os.path.relpath(path)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()


def check_languages(codes: list[str]) -> list[str]:
    """Validate and normalise language codes against CLDR; raises on the first unknown one."""
    return [get_language(code).code for code in codes]
