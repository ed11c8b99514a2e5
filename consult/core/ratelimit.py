"""Rate limits (Flask-Limiter). Counted where every worker of a deployment sees the same
counters, so the documented limits hold in every supported setup (issue 14):

- one machine, the embedded default: a small SQLite file in the instance folder shared
  by all the workers (``core.ratelimit_sqlite``);
- several machines: Redis (``CONSULT_REDIS_URL``); if Redis stops answering, limits fall
  back to each worker's memory with a logged warning, and nothing else breaks.

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
REGISTER_PER_ADDRESS = "10 per hour"
MAIL_RESEND_PER_ADDRESS = "5 per hour"


def _on_breach(limit: RequestLimit) -> None:
    log.warning("rate limit reached: %s on %s from %s", limit.limit, request.endpoint,
                get_remote_address())


limiter = Limiter(key_func=get_remote_address, on_breach=_on_breach,
                  headers_enabled=True, default_limits=[])


def account_key() -> str:
    """The account a request targets (hash of the e-mail typed), for per-account limits."""
    from consult.core.text import normalise_email

    email = normalise_email(request.form.get("email") or "")
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:24]


def person_key() -> str:
    """The signed-in person (their votes, whatever their address), else the address."""
    from flask_login import current_user

    if current_user.is_authenticated:
        return f"person:{current_user.id}"
    return get_remote_address()


VOTES_PER_PERSON = "120 per minute"  # a pairwise choice every half second, at most


def only_posts() -> bool:
    """Exempt GET: showing the login form is never limited, only attempts are."""
    return request.method != "POST"


def default_storage_uri(app: Flask) -> str:
    if app.config.get("REDIS_URL"):
        return app.config["REDIS_URL"]
    import os

    from consult.core import ratelimit_sqlite  # noqa: F401  (registers consult-sqlite://)

    os.makedirs(app.instance_path, exist_ok=True)
    return "consult-sqlite://" + os.path.join(app.instance_path, "ratelimits.sqlite3")


def init_ratelimit(app: Flask) -> None:
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = default_storage_uri(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("consult-sqlite"):
        from consult.core import ratelimit_sqlite  # noqa: F401
    # Redis down: each worker counts on its own (logged) rather than every page failing
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
