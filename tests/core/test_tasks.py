"""Background jobs on Huey (core.tasks): a job declared by a domain is run by the
worker's consumer from the SQLite queue the embedded default uses, in an application
context of its own; in tests, at once."""

from __future__ import annotations

from sqlalchemy import text

from consult.core.tasks import enqueue, init_tasks, job, start_consumer
from consult.db import db


@job("tests.square_from_the_database")
def square(value: int) -> int:
    return db.session.execute(text("SELECT :v * :v"), {"v": value}).scalar()


def test_tests_run_jobs_at_once(app):
    assert enqueue("tests.square_from_the_database", 7)() == 49


def test_the_worker_runs_jobs_from_the_sqlite_queue(app, committed_db, tmp_path, monkeypatch):
    """(committed_db: the job commits in its own thread, outside the test's transaction.)"""
    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "TASKS_PATH", str(tmp_path / "tasks.sqlite3"))
    try:
        init_tasks(app)
        huey, _jobs = app.extensions["consult_tasks"]
        assert type(huey).__name__ == "SqliteHuey"
        results = [enqueue("tests.square_from_the_database", n) for n in range(1, 6)]
        assert (tmp_path / "tasks.sqlite3").exists() and huey.pending_count() == 5
        consumer = start_consumer(workers=2)  # as `flask worker` does
        try:
            assert [r.get(blocking=True, timeout=20) for r in results] == [1, 4, 9, 16, 25]
        finally:
            consumer.stop(graceful=True)
    finally:
        monkeypatch.undo()
        init_tasks(app)  # back to the immediate queue of the tests
