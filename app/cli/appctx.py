"""Commands that need the store build the same application the server runs, from TERJIME_* env."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy.orm import Session


def make_app() -> Flask:
    from app import create_app

    return create_app()


@contextmanager
def app_session(upgrade: bool = True) -> Iterator[tuple[Flask, Session]]:
    """An application context and a committed-on-success session; migrates first by default."""
    app = make_app()
    database = app.extensions["terjime.db"]
    try:
        if upgrade:
            database.upgrade()
        with app.app_context(), database.session() as session:
            yield app, session
    finally:
        database.dispose()  # a command's connections end with it (PostgreSQL notices leaks)
