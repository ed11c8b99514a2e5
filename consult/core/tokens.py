"""Signed, expiring tokens for links sent by mail (confirmation, password reset).

Each purpose has its own salt, so a token made for one purpose is worthless for another.
Reset tokens carry a fingerprint of the current password hash: once the password
changes, every earlier reset link stops working (single use without a table).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(Exception):
    """A token that is forged, malformed, or for another purpose."""


class TokenExpired(TokenError):
    """A genuine token whose time is over."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"consult.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: timedelta) -> dict[str, Any]:
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise TokenExpired from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise TokenError from exc
    if not isinstance(payload, dict):
        raise TokenError
    return payload


def fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def new_secret() -> tuple[str, str]:
    """A random secret to hand out once, and the hash to store instead of it."""
    secret = secrets.token_urlsafe(32)
    return secret, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
