"""Configuration read from ``CONSULT_*`` environment variables, with safe defaults.

Nothing secret lives in the code: when ``CONSULT_SECRET_KEY`` is not given, a key is
generated once into ``instance/secret_key`` (mode 0600) and reused on every start, so
that several gunicorn workers of one machine share it. Several machines must be given
the same ``CONSULT_SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

_TRUE = {"1", "true", "yes", "on", "oui"}


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"CONSULT_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    return default if value is None else value.strip().lower() in _TRUE


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value in (None, "") else int(value)


def load_or_create_secret_key(instance_path: Path) -> str:
    """Return the key stored in ``instance/secret_key``, creating it atomically once."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(48)
        handle.write(key)
    return key


class Config:
    """Production-minded defaults; every value can be overridden from the environment."""

    def __init__(self, instance_path: Path) -> None:
        self.INSTANCE_PATH = instance_path
        self.SECRET_KEY = env("SECRET_KEY") or load_or_create_secret_key(instance_path)
        # the key of « one verified identity, one vote » (identity.operations.voter_key):
        # by default derived from SECRET_KEY; set it to keep it across a key rotation
        self.VOTER_KEY_SECRET = env("VOTER_KEY_SECRET")
        default_db = f"sqlite:///{instance_path / 'consult.sqlite3'}"
        self.DATABASE_URL = env("DATABASE_URL", default_db)
        self.DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 5)
        self.DATABASE_MAX_OVERFLOW = env_int("DATABASE_MAX_OVERFLOW", 5)
        # PostgreSQL only: a streaming replica serving the requests that only read, each
        # person's own writes read back from the primary (consult.replica)
        self.DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
        self.SQLITE_BUSY_TIMEOUT_MS = env_int("SQLITE_BUSY_TIMEOUT_MS", 30_000)
        # full: every acknowledged write is on disk; normal: faster, a power cut (not a
        # crash of Consult) may lose the last commits — off unless chosen
        self.SQLITE_SYNCHRONOUS = env("SQLITE_SYNCHRONOUS", "full").lower()
        self.SQLITE_CACHE_KIB = env_int("SQLITE_CACHE_KIB", 512)
        # a diagnostic: report a connection used by a thread that did not check it out
        self.SQLITE_THREAD_CHECK = env_bool("SQLITE_THREAD_CHECK", False)

        self.BASE_URL = (env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
        self.PLATFORM_NAME = env("PLATFORM_NAME", "Consult")
        self.THEME = env("THEME", "neutral")

        # Sessions: server-side records (see accounts.sessions); the cookie only names one.
        secure = self.BASE_URL.startswith("https://")
        self.SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", secure)
        self.SESSION_COOKIE_NAME = "__Host-consult" if self.SESSION_COOKIE_SECURE else "consult"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=env_int("SESSION_DAYS", 14))
        # the server-side session ends SESSION_DAYS after sign-in, whatever the cookie
        # says: the signed cookie is written when it changes, not again at every request
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.WTF_CSRF_TIME_LIMIT = None  # bound to the session instead of a clock
        self.WTF_CSRF_ENABLED = True

        self.BABEL_DEFAULT_LOCALE = "fr"
        self.BABEL_DEFAULT_TIMEZONE = env("TIMEZONE", "Europe/Paris")
        self.LANGUAGES = ("fr", "en")
        self.CONTENT_LANGUAGE = env("CONTENT_LANGUAGE", "fr")  # what people write in

        # Mail: without SMTP the outbox prints messages to the console (development).
        self.MAIL_SENDER = env("MAIL_SENDER", "Consult <ne-pas-repondre@consult.example>")
        self.SMTP_HOST = env("SMTP_HOST")
        self.SMTP_PORT = env_int("SMTP_PORT", 587)
        self.SMTP_USERNAME = env("SMTP_USERNAME")
        self.SMTP_PASSWORD = env("SMTP_PASSWORD")
        self.SMTP_STARTTLS = env_bool("SMTP_STARTTLS", True)
        self.SMTP_SSL = env_bool("SMTP_SSL", False)
        self.MAIL_CONSOLE = env_bool("MAIL_CONSOLE", not self.SMTP_HOST)

        # Password hashing (argon2id): OWASP's recommended memory-hard settings.
        self.ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 64 * 1024)
        self.ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 2)

        self.TOKEN_MAX_AGE_CONFIRM = timedelta(days=7)
        self.TOKEN_MAX_AGE_RESET = timedelta(hours=2)
        self.TOKEN_MAX_AGE_INVITATION = timedelta(days=14)

        self.MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # uploads: a cover image at most
        self.REDIS_URL = env("REDIS_URL")
        self.RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
        # Empty: Redis when configured, else a SQLite file shared by the machine's workers
        # (core.ratelimit); "memory://" counts per worker, for one-process setups only.
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI") or self.REDIS_URL
        # The API's limits: per address without a token, per token with one.
        self.API_RATELIMIT_ANONYMOUS = env("API_RATELIMIT_ANONYMOUS") or "300 per minute"
        self.API_RATELIMIT_TOKEN = env("API_RATELIMIT_TOKEN") or "1200 per minute"

        # Anonymous pages kept in each worker's memory (core.pagecache); 0: off. With
        # Redis they are also shared by every worker of every host ("" turns that off).
        self.PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 10)
        self.PAGE_CACHE_REDIS_URL = env("PAGE_CACHE_REDIS_URL", self.REDIS_URL)
        # Background jobs (core.tasks, Huey): Redis when configured, else a SQLite file in
        # the instance folder; "sqlite" keeps the file even with Redis
        self.TASKS_BACKEND = env("TASKS_BACKEND", "")
        self.TASKS_PATH = env("TASKS_PATH")
        self.TASKS_IMMEDIATE = env_bool("TASKS_IMMEDIATE", False)
        # Generative summaries (consult.topics.summaries): off unless the deployment names
        # an OpenAI-compatible endpoint of its choosing (sovereign or self-hosted model);
        # extractive summaries need nothing.
        self.SUMMARY_ENDPOINT = env("SUMMARY_ENDPOINT", "")
        self.SUMMARY_MODEL = env("SUMMARY_MODEL", "")
        self.SUMMARY_API_KEY = env("SUMMARY_API_KEY", "")
        self.SUMMARY_TIMEOUT = env_int("SUMMARY_TIMEOUT", 60)

        # The accessibility statement (/accessibilite): who answers for this deployment and
        # how to reach them; the self-assessment grid (the packaged one unless the
        # deployment had its own audit); its multi-year accessibility plan, when published.
        self.ACCESSIBILITY_ENTITY = env("ACCESSIBILITY_ENTITY")
        self.ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL")
        self.ACCESSIBILITY_CONTACT_URL = env("ACCESSIBILITY_CONTACT_URL")
        self.ACCESSIBILITY_CONTACT_ADDRESS = env("ACCESSIBILITY_CONTACT_ADDRESS")
        self.ACCESSIBILITY_PLAN_URL = env("ACCESSIBILITY_PLAN_URL")
        self.ACCESSIBILITY_GRID = env("ACCESSIBILITY_GRID")

        self.LOAD_DEMO_IF_EMPTY = env_bool("LOAD_DEMO", False)
        self.TESTING = False

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Fast, isolated settings for the test suite."""

    def __init__(self, instance_path: Path, database_url: str | None = None) -> None:
        super().__init__(instance_path)
        self.TESTING = True
        self.SECRET_KEY = "test-only-" + secrets.token_hex(8)
        self.DATABASE_URL = database_url or f"sqlite:///{instance_path / 'test.sqlite3'}"
        self.MAIL_CONSOLE = False
        self.SMTP_HOST = None
        self.BASE_URL = "http://localhost"
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 1024
        self.TASKS_IMMEDIATE = True  # jobs run at once, in the test's transaction
        self.SQLITE_THREAD_CHECK = True  # a connection crossing threads fails the test
        self.ARGON2_PARALLELISM = 1
        self.PAGE_CACHE_SECONDS = 0  # on in tests/core/test_pagecache.py only
        # Initialised (so tests can switch it on) but off: tests/conftest.py disables it.
        self.RATELIMIT_ENABLED = True
