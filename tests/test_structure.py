"""Meta-tests that keep the architecture honest."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_flask_and_no_outer_layer() -> None:
    core = sorted((ROOT / "app" / "core").rglob("*.py"))
    assert core
    for path in core:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top not in {"flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy"}, (
                f"{path.relative_to(ROOT)} imports {name}: app/core must stay pure"
            )
            assert not name.startswith(("app.web", "app.store", "app.services", "app.cli")), (
                f"{path.relative_to(ROOT)} imports {name}: the core must not depend on outer layers"
            )


def test_extractor_is_registered_as_babel_entry_point() -> None:
    from importlib.metadata import entry_points

    found = {ep.name: ep.value for ep in entry_points(group="babel.extractors")}
    assert found.get("terjime_markdown") == "app.core.babel_extractor:extract_markdown"
