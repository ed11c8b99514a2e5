"""Reads from a PostgreSQL streaming replica, with every person reading their own writes.

With ``CONSULT_DATABASE_REPLICA_URL`` set, the requests that only read (GET and HEAD of
views that do not write) run on the replica; everything else runs on the primary. A
request that committed writes leaves the primary's WAL position in a cookie
(``consult_lsn``); that browser's reads go to the primary until the replica has replayed
past that position (one comparison on the replica), then the cookie is dropped: a person
always sees their own support, their new idea, their sign-in — however far the replica
lags — while everyone else's pages are read from the replica.

A replica that does not answer (stopped, unreachable, a broken connection the pool's
ping could not mend) is set aside for a few seconds, with a logged warning, and pages
are read from the primary meanwhile: stopping the replica costs no error page.

Without a replica (SQLite, or a single PostgreSQL) nothing of this runs."""

from __future__ import annotations

import logging
import re
import threading
import time

from flask import g, request
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

log = logging.getLogger("consult.replica")

LSN_COOKIE = "consult_lsn"
LOST = (OperationalError, InterfaceError)  # the replica stopped, unreachable, cut off
SET_ASIDE_SECONDS = 5.0
_LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
_CAUGHT_UP = text("SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) "
                  ">= CAST(:lsn AS pg_lsn)")
_POSITION = text("SELECT pg_current_wal_lsn()")


def waited_position() -> str | None:
    """The primary's position this browser waits for, if its cookie holds a valid one."""
    value = (request.cookies.get(LSN_COOKIE) or "").upper()
    return value if _LSN.match(value) else None


class Replica:
    """The replica's engine, and whether it may be read from now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.set_aside_until = 0.0
        self._lock = threading.Lock()

    def set_aside(self, error: BaseException) -> None:
        with self._lock:
            first = time.monotonic() >= self.set_aside_until
            self.set_aside_until = time.monotonic() + SET_ASIDE_SECONDS
        if first:
            log.warning("read replica unavailable, reading from the primary for %.0f s: %s",
                        SET_ASIDE_SECONDS, str(error).splitlines()[0] if str(error) else error)

    def connection_for_reads(self) -> Connection | None:
        """A connection to the replica for this read-only request, or None (read the
        primary): replica set aside, not answering, or behind this browser's writes."""
        if time.monotonic() < self.set_aside_until:
            return None
        position = waited_position()
        connection = None
        try:
            connection = self.engine.connect()  # the pool pings it first
            if position is not None:
                caught_up = connection.execute(_CAUGHT_UP, {"lsn": position}).scalar()
                connection.rollback()
                if not caught_up:
                    connection.close()
                    return None
                g.consult_replica_caught_up = True
        except LOST as error:
            if connection is not None:
                connection.invalidate()
                connection.close()
            self.set_aside(error)
            return None
        return connection


def primary_position(session) -> str | None:
    """The primary's WAL position after this request's commit (its writes included)."""
    try:
        return session.execute(_POSITION).scalar()
    except DBAPIError:  # the write is committed; the browser will simply read the replica
        return None


def remember_position(response, position: str | None, secure: bool) -> None:
    if position:
        response.set_cookie(LSN_COOKIE, position, httponly=True, samesite="Lax",
                            secure=secure, max_age=3600)


def forget_position(response, secure: bool) -> None:
    response.delete_cookie(LSN_COOKIE, httponly=True, samesite="Lax", secure=secure)


REPLAY = "consult.replica_failed"


class ReplayReadsOnPrimary:
    """WSGI middleware: a read-only request whose replica failed under it (the replica
    stopped mid-request) is run once more, on the primary, instead of answering 500.
    Only GET and HEAD, whose bodies are empty and which change nothing, are replayed;
    the failed attempt's answer is dropped before anything of it was sent."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        held: list = []

        def hold(status, headers, exc_info=None):
            held[:] = [status, headers, exc_info]
            return lambda _data: None  # Flask never writes through it

        body = self.wsgi_app(environ, hold)
        if environ.pop(REPLAY, False):
            if hasattr(body, "close"):
                body.close()
            return self.wsgi_app(environ, start_response)
        start_response(*held)
        return body
