"""Background jobs on Huey (a maintained task queue): the work that must not hold a
request — recomputing a pairwise ranking or opinion groups — is enqueued and run by
``flask worker``, which ``make run`` starts beside the web server.

- embedded default: ``SqliteHuey``, a queue in ``instance/tasks.sqlite3``: nothing to
  install, the worker and the web processes share the file;
- a deployment with ``CONSULT_REDIS_URL``: ``RedisHuey``, one queue for every host's
  workers (``CONSULT_TASKS_BACKEND=sqlite`` keeps the file even then);
- tests: Huey's immediate mode (``CONSULT_TASKS_IMMEDIATE``), each job run at once, in
  the caller's transaction.

Why Huey: it has a SQLite storage and a Redis storage behind one API (the embedded
default needs nothing else, a deployment adds nothing but the Redis it already runs for
rate limits and the page cache), a thread consumer small enough for a 2-core machine,
retries, and an immediate mode for tests. Dramatiq and RQ need Redis or RabbitMQ even
for ``make run``.

A domain declares a job with ``@job("name")``; ``enqueue("name", *args)`` hands it to the
queue. Jobs take plain values (ids), open their own session in the worker and commit.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app

log = logging.getLogger("consult.tasks")
_JOBS: dict[str, Callable[..., Any]] = {}


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a background job (registered with the queue when the app starts)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in _JOBS and _JOBS[name] is not func:
            raise RuntimeError(f"job {name} declared twice")
        _JOBS[name] = func
        return func

    return register


def _import_huey(uses_redis: bool):
    """Huey, without the clients of the back-ends it will not use: its storage module
    imports psycopg and redis-py whenever they are installed (13 MB of every web
    worker, for a queue kept in SQLite). They are hidden from that one import only —
    the storage classes needing them are then unusable, and unused — and anything
    imported later finds them as usual."""
    unused = ("psycopg",) if uses_redis else ("psycopg", "redis")
    hidden = [] if "huey.storage" in sys.modules else [
        name for name in unused if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # « not installed », for now
    try:
        import huey
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
    return huey


def _make_huey(app: Flask):
    config = app.config
    backend = ("immediate" if config.get("TASKS_IMMEDIATE") else
               "redis" if config.get("REDIS_URL") and config.get("TASKS_BACKEND", "") != "sqlite"
               else "sqlite")
    huey = _import_huey(uses_redis=backend == "redis")
    if backend == "immediate":
        return huey.MemoryHuey("consult", immediate=True)
    if backend == "redis":
        return huey.RedisHuey("consult", url=config["REDIS_URL"])
    path = Path(config.get("TASKS_PATH") or Path(app.instance_path) / "tasks.sqlite3")
    path.parent.mkdir(parents=True, exist_ok=True)
    return huey.SqliteHuey("consult", filename=str(path))


def init_tasks(app: Flask) -> None:
    huey = _make_huey(app)
    wrapped = {}
    for name, func in _JOBS.items():
        wrapped[name] = huey.task(name=name, retries=2, retry_delay=10)(_in_app(app, func))
    app.extensions["consult_tasks"] = (huey, wrapped)


def _in_app(app: Flask, func: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        from consult.db import db

        huey, _wrapped = app.extensions["consult_tasks"]
        if huey.immediate:  # (tests) in the caller's context and transaction
            return func(*args)
        with app.app_context():
            try:
                result = func(*args)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", getattr(func, "__name__", func))
                raise
            finally:
                db.session.remove()

    run.__name__ = getattr(func, "__name__", "job")
    return run


def queue():
    return current_app.extensions["consult_tasks"][0]


def enqueue(name: str, *args: Any):
    """Hand the job to the queue; its result handle (or None where the queue is down:
    the job is logged and the caller carries on — a ranking recomputed later)."""
    huey, wrapped = current_app.extensions["consult_tasks"]
    task = wrapped[name]
    if huey.immediate:
        return task(*args)
    try:
        return task(*args)
    except Exception:  # the queue's storage not answering: never a 500 for a voter
        log.warning("job %s not queued", name, exc_info=True)
        return None


def start_consumer(workers: int = 2):
    """The consumer of ``flask worker``: threads taking jobs from the queue."""
    consumer = queue().create_consumer(workers=workers, worker_type="thread",
                                       periodic=False, check_worker_health=True)
    consumer.start()
    return consumer
