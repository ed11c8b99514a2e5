"""A watch on SQLite connections crossing threads (``CONSULT_SQLITE_THREAD_CHECK=1``).

The ``sqlite3`` module of Python 3.11 is not safe when one connection is used by two
threads at once: its statements and their cursors are shared state in C, and a race
corrupts memory (cpython #146471). SQLAlchemy's pool hands a connection to one thread at
a time, so the engine opens them with ``check_same_thread=False``; this watch checks that
promise. Each connection records the thread that checked it out of the pool; a cursor or
connection call from any other thread while it is out, or a cursor finalised by another
thread (the garbage collector runs in whichever thread allocates), is reported with both
threads' stacks — and raised in the tests.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import sys
import threading
import traceback

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


class CrossedThreads(AssertionError):
    """A SQLite connection used by a thread that did not check it out."""


class _Watch:
    raise_errors = False
    seen: list[str] = []


def _crossed(connection: CheckedConnection, what: str) -> None:
    owner = connection.consult_owner
    here = threading.get_ident()
    if owner is None or owner == here:
        return
    frame = sys._current_frames().get(owner)
    owner_stack = "".join(traceback.format_stack(frame)) if frame else "(no frame)\n"
    message = (f"SQLite connection {id(connection):#x}: {what} in thread {here} while "
               f"thread {owner} holds it\n--- this thread\n"
               f"{''.join(traceback.format_stack()[:-2])}--- the holder\n{owner_stack}")
    _Watch.seen.append(message)
    del _Watch.seen[:-100]  # the latest hundred: a diagnostic left on must not grow
    log.error(message)
    if _Watch.raise_errors:
        raise CrossedThreads(message)


class CheckedCursor(sqlite3.Cursor):
    def execute(self, *args):
        _crossed(self.connection, "execute")
        return super().execute(*args)

    def executemany(self, *args):
        _crossed(self.connection, "executemany")
        return super().executemany(*args)

    def fetchone(self):
        _crossed(self.connection, "fetchone")
        return super().fetchone()

    def fetchmany(self, *args, **kwargs):
        _crossed(self.connection, "fetchmany")
        return super().fetchmany(*args, **kwargs)

    def fetchall(self):
        _crossed(self.connection, "fetchall")
        return super().fetchall()

    def __next__(self):
        _crossed(self.connection, "next")
        return super().__next__()

    def close(self):
        _crossed(self.connection, "cursor close")
        return super().close()

    def __del__(self):
        # a cursor left open resets its statement when it is freed; an exception in
        # __del__ would only be printed: the list of what was seen keeps it
        with contextlib.suppress(CrossedThreads):
            _crossed(self.connection, "cursor freed")


class CheckedConnection(sqlite3.Connection):
    consult_owner: int | None = None

    def cursor(self, factory=CheckedCursor):  # type: ignore[override]
        _crossed(self, "cursor")
        return super().cursor(factory)

    def execute(self, *args):
        _crossed(self, "connection execute")
        return super().execute(*args)

    def commit(self):
        _crossed(self, "commit")
        return super().commit()

    def rollback(self):
        _crossed(self, "rollback")
        return super().rollback()

    def close(self):
        _crossed(self, "close")
        return super().close()


def watch(engine: Engine) -> None:
    """Record each connection's holder as it leaves and returns to ``engine``'s pool
    (the engine must open its connections with ``factory=CheckedConnection``)."""

    @event.listens_for(engine, "checkout")
    def _held(dbapi_connection, _record, _proxy):
        dbapi_connection.consult_owner = threading.get_ident()

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, _record):
        if dbapi_connection is not None:
            dbapi_connection.consult_owner = None
