"""Options shared by every command that works on a project's files."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from app.project import Project


def project_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--source`` and ``--locales`` and pass a :class:`Project` as ``project``."""

    @click.option("--source", "source_dir", type=click.Path(path_type=Path), default="source",
                  show_default=True, help="Folder of Markdown statements.")
    @click.option("--locales", "locales_dir", type=click.Path(path_type=Path), default="locales",
                  show_default=True, help="Folder of gettext catalogues.")
    @functools.wraps(func)
    def wrapper(*args: Any, source_dir: Path, locales_dir: Path, **kwargs: Any) -> Any:
        return func(*args, project=Project(source_dir, locales_dir), **kwargs)

    return wrapper
