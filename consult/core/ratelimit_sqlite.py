"""A storage for the ``limits`` library (behind Flask-Limiter) in a small SQLite file of
the instance folder, so that the embedded default — several gunicorn workers on one
machine, no Redis — counts every attempt once, whichever worker answers it (issue 14:
with per-worker memory, 36 wrong passwords passed a limit of 10 on two workers).

It implements the library's storage interface (``limits.storage.Storage`` and its
moving-window support) and registers the ``consult-sqlite://`` scheme; Flask-Limiter
keeps doing everything else. Each check is one short ``BEGIN IMMEDIATE`` transaction, so
workers queue on SQLite's lock and no two of them admit the same last attempt. The file
holds counters only (no durability needed: ``synchronous=OFF``), apart from the
application's database so its writer lock never waits for a rate-limit check.

Several machines share Redis instead (``CONSULT_REDIS_URL``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from urllib.parse import urlsplit

from limits.storage import MovingWindowSupport, Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL,
                                     expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS events (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ix_events_key_at ON events (key, at);
"""


class SQLiteStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = ["consult-sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = urlsplit(uri or "").path or ":memory:"
        self._local = threading.local()
        self._connection().executescript(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            self._local.connection = connection
        return connection

    class _Transaction:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self.connection = connection

        def __enter__(self) -> sqlite3.Connection:
            self.connection.execute("BEGIN IMMEDIATE")
            return self.connection

        def __exit__(self, kind, _value, _traceback) -> None:
            self.connection.execute("ROLLBACK" if kind else "COMMIT")

    def _transaction(self) -> _Transaction:
        return self._Transaction(self._connection())

    # --- fixed windows ----------------------------------------------------------------

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM counters WHERE key = ? AND expires_at <= ?", (key, now))
            db.execute("INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                       (key, amount, now + expiry))
            return db.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()[0]

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT value FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def clear(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM counters WHERE key = ?", (key,))
            db.execute("DELETE FROM events WHERE key = ?", (key,))

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._transaction() as db:
            removed = db.execute("SELECT COUNT(DISTINCT key) FROM events").fetchone()[0]
            removed += db.execute("SELECT COUNT(*) FROM counters").fetchone()[0]
            db.execute("DELETE FROM counters")
            db.execute("DELETE FROM events")
        return removed

    # --- moving windows (the strategy Consult uses) --------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM events WHERE key = ? AND at <= ?", (key, now - expiry))
            used = db.execute("SELECT COUNT(*) FROM events WHERE key = ?", (key,)).fetchone()[0]
            if used + amount > limit:
                return False
            db.executemany("INSERT INTO events (key, at) VALUES (?, ?)", [(key, now)] * amount)
            self._calls = getattr(self, "_calls", 0) + 1
            if self._calls % 1000 == 0:  # keys nobody tries again: forget them after a day
                db.execute("DELETE FROM events WHERE at < ?", (now - 86_400,))
                db.execute("DELETE FROM counters WHERE expires_at < ?", (now,))
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._connection().execute(
            "SELECT MIN(at), COUNT(*) FROM events WHERE key = ? AND at > ?",
            (key, now - expiry)).fetchone()
        return (oldest, count) if count else (now, 0)
