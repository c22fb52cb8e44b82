"""Helpers shared by the publish-page and release-page tests."""

from __future__ import annotations

from pathlib import Path

from export.samples import POOLS
from release_helpers import make_releasable
from review_helpers import DOC, database
from sqlalchemy import select

from app.project import Project
from app.store.models import Release

#: The Uyghur sentences the releasable language is translated with (in pool order).
UG = POOLS["ug"]


def project_of(project_dir: Path) -> Project:
    return Project(project_dir / "source", project_dir / "locales")


def make_ready(app, editor: int, project_dir: Path, code: str = "ug") -> None:  # noqa: ANN001
    """Every segment translated with real sentences, approved by ``editor``, signed off."""
    make_releasable(database(app), project_of(project_dir), editor, code)


def release_rows(app) -> list[Release]:  # noqa: ANN001
    with database(app).session() as session:
        return list(session.scalars(select(Release).order_by(Release.id)))


def publish(client, *codes: str, doc: str = DOC):  # noqa: ANN001, ANN201
    """POST the publish form (CSRF is off in the test app unless a test turns it on)."""
    return client.post("/publish", data={"document": doc, "languages": list(codes)})


def instance_files(app) -> list[str]:  # noqa: ANN001
    root = Path(app.config["INSTANCE_PATH"]) / "releases"
    return sorted(str(p) for p in root.rglob("*")) if root.exists() else []
