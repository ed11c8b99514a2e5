"""Database: one engine per application, one scoped session, one transaction per request.

Operations (``<domain>/operations.py``) add and flush; they never commit. The request
commits once, after the view, when the response is a success (status < 400) and no
refusal escaped (``core.errors_domain``); any exception, error response or refusal rolls
everything back, so a refused form or button leaves nothing half-saved whatever the
answer looks like. CLI commands and the outbox worker commit explicitly.

SQLite is configured for a web server: WAL (readers never block the writer), foreign
keys on, a busy timeout, durable commits (``synchronous=FULL``: an acknowledged write
is on disk; ``CONSULT_SQLITE_SYNCHRONOUS=normal`` trades that for speed, a power cut
may then lose the last commits), and one writer at a time across processes, queued on
a file lock. A request that will write reads without the lock, and takes its turn at
its first write: the read transaction ends and ``BEGIN IMMEDIATE`` starts the write
(reads before the first write see the data as it was then, as under PostgreSQL's read
committed; every write that depends on a count says so in its own WHERE). The lock is
thus held for the writes and the commit, not for the loading, the rules and the
rendering around them.

PostgreSQL may be given a streaming read replica (``CONSULT_DATABASE_REPLICA_URL``):
requests that only read are then served from it, each person's reads following their
own writes to the primary (``consult.replica``).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timezone-aware now; stored as naive UTC so SQLite and PostgreSQL compare alike."""
    return datetime.now(UTC).replace(tzinfo=None)


F = TypeVar("F", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_get(view: F) -> F:
    """Mark a GET view that writes (an e-mail confirmation link), so SQLite takes the
    write lock at the start of its transaction instead of failing to upgrade later."""
    view._consult_writes = True  # type: ignore[attr-defined]
    return view


def _request_will_write() -> bool:
    if not has_request_context():
        return True
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "_consult_writes", False))


WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


SYNCHRONOUS = frozenset({"full", "normal"})


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 5,
                max_overflow: int = 5, synchronous: str = "full",
                cache_kib: int = 512, thread_check: bool = False) -> Engine:
    if is_sqlite(url):
        # A pool of connections per worker: opening SQLite and running its PRAGMAs on
        # every request cost more than the queries of a page.
        connect_args: dict[str, Any] = {"check_same_thread": False,
                                        "timeout": busy_timeout_ms / 1000}
        if thread_check:
            from consult import sqlite_threads

            connect_args["factory"] = sqlite_threads.CheckedConnection
        engine = create_engine(url, connect_args=connect_args, pool_size=pool_size,
                               max_overflow=max_overflow * 4, pool_pre_ping=False)
        if thread_check:
            sqlite_threads.watch(engine)
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"CONSULT_SQLITE_SYNCHRONOUS: {synchronous!r} (full or normal)")
        _configure_sqlite(engine, busy_timeout_ms, synchronous, cache_kib)
        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True,
        pool_recycle=1800,
    )


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: str,
                      cache_kib: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        # each connection keeps its own cache of the file's pages (2 MiB by default):
        # a worker's eight threads held eight copies of pages the system's cache keeps
        # anyway — 512 KiB each: a worker's peak 142 → 134 MiB under the bench, the
        # same pages a second (issue 17's memory target)
        cursor.execute(f"PRAGMA cache_size={-int(cache_kib)}")
        cursor.close()

    lock_path = _writer_lock_path(engine)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        will_write = connection.info.pop("write", None)
        in_request = has_request_context()
        if will_write is None:
            will_write = _request_will_write()
        # a request reads first and takes its writer's turn at its first write (below);
        # elsewhere (commands, the worker) a transaction that will write starts writing
        upgrade = bool(will_write and in_request and lock_path)
        connection.info["upgrade_at_write"] = upgrade
        if will_write and lock_path and not upgrade:
            _take_writer_turn(connection.connection._connection_record, lock_path)
        immediate = will_write and not upgrade
        connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if immediate else 'DEFERRED'}")

    @event.listens_for(engine, "before_cursor_execute")
    def _write_turn_at_first_write(conn, cursor, statement, _parameters, _context, _many):
        if not conn.info.get("upgrade_at_write"):
            return
        head = statement.lstrip()[:9].upper()
        if head[:6] in WRITES or head == "SAVEPOINT":
            conn.info["upgrade_at_write"] = False
            _take_writer_turn(conn.connection._connection_record, lock_path)
            raw = cursor.connection
            raw.execute("COMMIT")  # the reads so far wrote nothing; their snapshot ends
            raw.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def _end_writer_turn(_dbapi_connection, record):
        descriptor = record.info.get("writer_lock") if record is not None else None
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    @event.listens_for(engine, "close")
    def _forget_writer_lock(_dbapi_connection, record):
        descriptor = record.info.pop("writer_lock", None)
        if descriptor is not None:
            os.close(descriptor)  # closing also releases it

    @event.listens_for(engine, "before_cursor_execute")
    def _reads_stay_reads(_conn, _cursor, statement, _parameters, _context, _many):
        # A write inside a read transaction must upgrade its lock, and SQLite refuses
        # that at once ("database is locked") when another writer holds it, whatever
        # the busy timeout: a GET view that writes must say so (@writes_on_get).
        if (has_request_context() and statement.lstrip()[:6].upper() in WRITES
                and not _request_will_write()):
            message = f"{request.method} {request.endpoint} writes: {statement[:60]}"
            if current_app.testing:
                raise RuntimeError(message + " — mark the view @writes_on_get")
            current_app.logger.warning(message)


def _writer_lock_path(engine: Engine) -> str | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + "-writers.lock"


def _take_writer_turn(record, lock_path: str) -> None:
    """Writers of every process queue on a file lock before BEGIN IMMEDIATE: the next
    one wakes the instant the lock is free (the kernel's queue), where SQLite's own busy
    handler sleeps and retries (up to 100 ms a time: the 600 ms p99 of supports under
    load). The lock is released when the connection goes back to the pool, after its
    commit or rollback, and by the kernel if the process dies (SIGKILL included)."""
    descriptor = record.info.get("writer_lock")
    if descriptor is None:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        record.info["writer_lock"] = descriptor
    fcntl.flock(descriptor, fcntl.LOCK_EX)


def _refusal_escaped() -> bool:
    """A refusal this request made and did not contain (``core.errors_domain`` notes
    each on the request): its writes must not be committed. Read from ``g`` so that
    the database layer does not import the layer above it."""
    from flask import g

    return any(not refusal.contained for refusal in g.get("consult_refusals", ()))


class RoutingSession(Session):
    """Runs a read-only request on the replica's connection when the deployment has a
    replica and it may be read (``consult.replica``); everything else on the primary."""

    def get_bind(self, mapper=None, **kw):
        replica = db.replica
        if replica is None or not has_request_context() or _request_will_write():
            return super().get_bind(mapper, **kw)
        from flask import g

        if "consult_read_bind" not in g:
            g.consult_read_bind = replica.connection_for_reads()
        return g.consult_read_bind or super().get_bind(mapper, **kw)


class Database:
    """Holds the engine and the scoped session of the running application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.replica = None  # consult.replica.Replica when a read replica is configured
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(class_=RoutingSession, expire_on_commit=False)
        )

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        self.engine = make_engine(
            url,
            busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", 30_000),
            pool_size=app.config.get("DATABASE_POOL_SIZE", 5),
            max_overflow=app.config.get("DATABASE_MAX_OVERFLOW", 5),
            synchronous=app.config.get("SQLITE_SYNCHRONOUS", "full"),
            cache_kib=app.config.get("SQLITE_CACHE_KIB", 512),
            thread_check=app.config.get("SQLITE_THREAD_CHECK", False),
        )
        self.session.configure(bind=self.engine)
        self.replica = None
        replica_url = app.config.get("DATABASE_REPLICA_URL")
        if replica_url:
            from consult.replica import Replica

            if is_sqlite(url) or is_sqlite(replica_url):
                raise ValueError("CONSULT_DATABASE_REPLICA_URL: a PostgreSQL replica of a "
                                 "PostgreSQL primary")
            self.replica = Replica(create_engine(
                replica_url, pool_size=app.config.get("DATABASE_POOL_SIZE", 5),
                max_overflow=app.config.get("DATABASE_MAX_OVERFLOW", 5), pool_pre_ping=True,
                pool_recycle=1800, connect_args={"connect_timeout": 2}))
            from consult.replica import ReplayReadsOnPrimary

            app.wsgi_app = ReplayReadsOnPrimary(app.wsgi_app)  # type: ignore[method-assign]
        app.extensions["consult_db"] = self
        secure_cookies = bool(app.config.get("SESSION_COOKIE_SECURE"))

        @app.after_request
        def _commit_on_success(response):
            if not self.session.registry.has():
                return response  # the request never touched the database
            if response.status_code < 400 and not _refusal_escaped():
                self.session.commit()
                if self.replica is not None:
                    self._follow_writes(response, secure_cookies)
            else:  # an error, or a refusal caught by the view: nothing half-done stays
                self.session.rollback()
            return response

        @app.teardown_appcontext
        def _remove_session(exc):
            if exc is not None:
                self.session.rollback()
            self.session.remove()
            from flask import g

            replica_connection = g.pop("consult_read_bind", None)
            if replica_connection is not None:
                replica_connection.close()

    def writes_done(self) -> None:
        """The request's writes are done and stand: its operation returned without a
        refusal, and what remains only builds the answer. Commit them now — on SQLite
        the site's single writer's turn (held from the first write to the commit) then
        ends here, not after the answer is built and the after-request steps have run:
        every other writer of every process waits for that turn. The request's end
        commits again (nothing left) and keeps its other duties (the replica's
        reminder). Not after a refusal that escaped: the request's end rolls it back."""
        if self.session.registry.has() and not _refusal_escaped():
            self.session.commit()

    def replica_failed(self, error: BaseException) -> bool:
        """Whether ``error`` came from the replica this request was reading: then the
        replica is set aside and the request is run again on the primary
        (``consult.replica.ReplayReadsOnPrimary``) — its error page is never sent."""
        from flask import g

        from consult.replica import LOST

        # only a lost or refused connection: an error a request's own input causes (a
        # DataError) must not let anyone set the replica aside for everybody
        if self.replica is None or not isinstance(error, LOST) \
                or not g.get("consult_read_bind"):
            return False
        from consult import replica

        self.replica.set_aside(error)
        request.environ[replica.REPLAY] = True
        return True

    def _follow_writes(self, response, secure: bool) -> None:
        """After a committed write, this browser reads the primary until the replica has
        caught up; once it has, the reminder goes."""
        from flask import g

        from consult import replica

        if _request_will_write():
            replica.remember_position(response, replica.primary_position(self.session),
                                      secure)
        elif g.get("consult_replica_caught_up"):
            replica.forget_position(response, secure)

    @property
    def dialect(self) -> str:
        assert self.engine is not None
        return self.engine.dialect.name


db = Database()


def enum_type(enum_cls: type, name: str, length: int = 32):
    """A portable enum column: VARCHAR with a CHECK constraint, storing the values."""
    from sqlalchemy import Enum

    return Enum(enum_cls, native_enum=False, length=length, name=name,
                values_callable=lambda e: [m.value for m in e], validate_strings=True,
                create_constraint=True)


def scratch_database(base_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database beside ``base_url`` (tests and the benchmark):
    returns its URL and the function that drops it."""
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    base = make_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop
