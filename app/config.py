"""Configuration: defaults, read from ``TERJIME_*`` environment variables, overridable by a dict.

Nothing secret lives in the repository: the session key is generated on first start into the
instance folder (mode 0600) unless ``TERJIME_SECRET_KEY`` is set.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    if os.environ.get("TERJIME_SECRET_KEY"):
        return os.environ["TERJIME_SECRET_KEY"]
    path = instance / "secret_key"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The application's settings: environment first, then ``overrides`` (tests)."""
    overrides = dict(overrides or {})
    instance = Path(
        overrides.get("INSTANCE_PATH") or os.environ.get("TERJIME_INSTANCE", "instance")
    )
    instance = instance.resolve()
    config: dict[str, Any] = {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": os.environ.get("TERJIME_DATABASE_URL")
        or f"sqlite:///{instance / 'terjime.db'}",
        "SOURCE_DIR": os.environ.get("TERJIME_SOURCE", "source"),
        "LOCALES_DIR": os.environ.get("TERJIME_LOCALES", "locales"),
        # Seconds an edit waits before it is written back to locales/ (debounce).
        "SYNC_DELAY": float(os.environ.get("TERJIME_SYNC_DELAY", "2.0")),
        "SYNC_ENABLED": _bool("TERJIME_SYNC", True),
        "PAGE_SIZE": int(os.environ.get("TERJIME_PAGE_SIZE", "50")),
        # Log-in throttling: failures allowed per window, per account and per client.
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "LOGIN_MAX_FAILURES_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_CLIENT": 20,
        "INVITE_DAYS": 7,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("TERJIME_SECURE_COOKIES", False),
        "SESSION_COOKIE_NAME": "terjime_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "PUBLIC_URL": os.environ.get("TERJIME_PUBLIC_URL", ""),
        # Machine translation (app.mt): keys and URLs only ever come from the environment
        # (or these overrides), never from the repository. DEEPL_FREE "" = guess from the key.
        **{name: os.environ.get(name, "") for name in (
            "TERJIME_MICROSOFT_KEY", "TERJIME_MICROSOFT_REGION", "TERJIME_DEEPL_KEY",
            "TERJIME_DEEPL_FREE", "TERJIME_LIBRETRANSLATE_URL", "TERJIME_LIBRETRANSLATE_API_KEY",
            "TERJIME_LIBRETRANSLATE_SELF_HOSTED")},
        "TERJIME_MT_TIMEOUT": float(os.environ.get("TERJIME_MT_TIMEOUT", "10")),
        "TERJIME_MT_RETRIES": int(os.environ.get("TERJIME_MT_RETRIES", "2")),
        "TERJIME_MT_BACKOFF": float(os.environ.get("TERJIME_MT_BACKOFF", "0.5")),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(Path(config["INSTANCE_PATH"]))
    return config
