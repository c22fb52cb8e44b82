"""Terjime: a multilingual statement translation manager.

The importable package is deliberately light: ``app.core`` (the pure domain) can be used
— by the Babel extractor, the CLI, benchmarks — without importing Flask; ``create_app``
imports the web layer only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: config → extensions' init_app → blueprints."""
    from flask import Flask

    from app.config import load_config
    from app.web import init_app

    settings = load_config(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(settings)
    init_app(app)
    return app
