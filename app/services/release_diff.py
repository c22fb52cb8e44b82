"""What changed in the text of a language between two of its releases.

Each release keeps ``units.json``, the snapshot of every segment it was rendered from; two
snapshots are compared by segment key (context, source sentence). A source amendment shows
as the old sentence removed and the new one added; an edited translation as "changed", with
a word diff (:func:`app.services.preview.word_diff`) so a reader sees the exact words.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.preview import word_diff
from app.services.release_bundle import UNITS, sha256_file
from app.store.models import Release

KINDS = ("added", "changed", "removed")


class SnapshotUnreadable(ValueError):
    """A release's ``units.json`` is missing or does not match its recorded checksum."""


@dataclass(frozen=True)
class DiffRow:
    """One segment whose released text differs (``old`` is "" when added, ``new`` when
    removed); ``pieces`` is the word diff of a changed text: (equal|delete|insert, text)."""

    kind: str
    source: str
    context: str | None
    old: str
    new: str
    pieces: tuple[tuple[str, str], ...] = ()


@dataclass
class ReleaseDiff:
    """The changes of ``release`` since ``previous`` (None: the first release, all added)."""

    release: Release
    previous: Release | None
    rows: list[DiffRow] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(row.kind for row in self.rows)
        return {kind: tally[kind] for kind in KINDS}


def release_folder(instance_path: str | Path, release: Release) -> Path:
    """``<instance>/releases/<document>/<language>/<number>``."""
    return (Path(instance_path) / "releases" / release.document.name / release.language.code
            / str(release.number))


def read_units(instance_path: str | Path, release: Release) -> list[dict]:
    """The segments a release was rendered from, checked against the recorded checksum."""
    path = release_folder(instance_path, release) / UNITS
    recorded = next((f.sha256 for f in release.files if f.filename == UNITS), None)
    where = f"release {release.number} of {release.document.name} {release.language.code}"
    if not path.is_file():
        raise SnapshotUnreadable(f"{where}: {UNITS} is missing")
    if recorded is not None and sha256_file(path) != recorded:
        raise SnapshotUnreadable(f"{where}: {UNITS} does not match its checksum")
    return json.loads(path.read_text(encoding="utf-8"))["units"]


def previous_release(session: Session, release: Release) -> Release | None:
    """The release of the same document and language just before this one."""
    return session.scalar(select(Release).where(
        Release.document_id == release.document_id, Release.language_id == release.language_id,
        Release.number < release.number).order_by(Release.number.desc()).limit(1))


def compare(old_units: list[dict], new_units: list[dict]) -> tuple[list[DiffRow], int]:
    """Rows in the new release's order (removed ones last, in the old order) and the number
    of segments whose text did not change."""
    def key(unit: dict) -> tuple[str | None, str]:
        return (unit.get("context") or None, unit["source"])

    old = {key(unit): unit.get("target", "") for unit in old_units}
    rows: list[DiffRow] = []
    unchanged = 0
    seen = set()
    for unit in new_units:
        context, source = key(unit)
        seen.add((context, source))
        text = unit.get("target", "")
        if (context, source) not in old:
            rows.append(DiffRow("added", source, context, "", text))
        elif old[(context, source)] != text:
            before = old[(context, source)]
            rows.append(DiffRow("changed", source, context, before, text,
                                tuple(word_diff(before, text))))
        else:
            unchanged += 1
    for unit in old_units:
        context, source = key(unit)
        if (context, source) not in seen:
            rows.append(DiffRow("removed", source, context, unit.get("target", ""), ""))
    return rows, unchanged


def changes_since_previous(session: Session, instance_path: str | Path, release: Release
                           ) -> ReleaseDiff:
    """What changed in the text since the previous release of this document and language."""
    previous = previous_release(session, release)
    new_units = read_units(instance_path, release)
    old_units = read_units(instance_path, previous) if previous is not None else []
    rows, unchanged = compare(old_units, new_units)
    return ReleaseDiff(release=release, previous=previous, rows=rows, unchanged=unchanged)
