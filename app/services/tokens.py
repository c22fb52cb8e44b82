"""Random secrets for invites, API tokens and setup links; only their SHA-256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """A URL-safe secret with ~256 bits of entropy (a prefix helps people recognise it)."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
