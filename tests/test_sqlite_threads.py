"""The watch on SQLite connections crossing threads (consult.sqlite_threads)."""

import threading

import pytest
from sqlalchemy import text

from consult import sqlite_threads
from consult.db import make_engine


@pytest.fixture
def engine(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_threads._Watch, "raise_errors", True)
    monkeypatch.setattr(sqlite_threads._Watch, "seen", [])
    engine = make_engine(f"sqlite:///{tmp_path}/watched.sqlite3", thread_check=True)
    yield engine
    engine.dispose()


def in_thread(work):
    caught = []

    def run():
        try:
            work()
        except Exception as error:  # handed back to the test
            caught.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return caught


def test_a_connection_passed_from_thread_to_thread_through_the_pool_is_fine(engine):
    def query():
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1

    query()
    assert in_thread(query) == []  # the same pooled connection, checked out again
    assert sqlite_threads._Watch.seen == []


def test_a_connection_used_by_a_thread_that_did_not_check_it_out_is_reported(engine):
    with engine.connect() as connection:
        result = connection.exec_driver_sql("SELECT 1 UNION ALL SELECT 2")
        caught = in_thread(result.fetchall)
        assert len(caught) == 1 and isinstance(caught[0], sqlite_threads.CrossedThreads)
        assert "fetchall" in str(caught[0]) and "the holder" in str(caught[0])
        caught = in_thread(lambda: connection.exec_driver_sql("SELECT 3"))
        assert caught and "execute" in str(caught[0])
    assert len(sqlite_threads._Watch.seen) >= 2


def test_a_cursor_freed_by_another_thread_while_the_connection_is_held_is_reported(engine):
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        box = [cursor]
        del cursor
        assert in_thread(box.clear) == []  # __del__ cannot raise: it reports
        assert "cursor freed" in sqlite_threads._Watch.seen[-1]
