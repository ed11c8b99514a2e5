"""Rate limits (Flask-Limiter): in memory on one machine, shared through Redis when
``CONSULT_REDIS_URL`` is set, so several gunicorn workers and machines count together.

Limits are per client address and, for login and password reset, per account too (the
e-mail typed), so that a botnet spreading its tries over many addresses still hits the
account limit. Every refusal is logged (without the password)."""

from __future__ import annotations

import hashlib
import logging

from flask import Flask, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

log = logging.getLogger("consult.ratelimit")

LOGIN_PER_ADDRESS = "30 per 10 minutes"
LOGIN_PER_ACCOUNT = "10 per 15 minutes"
RESET_PER_ADDRESS = "10 per hour"
RESET_PER_ACCOUNT = "3 per hour"
REGISTER_PER_ADDRESS = "10 per hour"
MAIL_RESEND_PER_ADDRESS = "5 per hour"


def _on_breach(limit: RequestLimit) -> None:
    log.warning("rate limit reached: %s on %s from %s", limit.limit, request.endpoint,
                get_remote_address())


limiter = Limiter(key_func=get_remote_address, on_breach=_on_breach,
                  headers_enabled=True, default_limits=[])


def account_key() -> str:
    """The account a request targets (hash of the e-mail typed), for per-account limits."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:24]


def only_posts() -> bool:
    """Exempt GET: showing the login form is never limited, only attempts are."""
    return request.method != "POST"


def init_ratelimit(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
