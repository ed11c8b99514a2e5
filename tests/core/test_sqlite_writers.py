"""SQLite under a web server (consult/db.py): a request that will write loads what it
needs without the only write lock and takes it at its first write; commits are durable
unless a loss window is chosen."""

from __future__ import annotations

import fcntl
import os

import pytest
from sqlalchemy import text

from consult.db import make_engine

pytestmark = pytest.mark.dbless  # its own SQLite files, whatever the run's database


def lock_is_free(path: str) -> bool:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


def test_a_post_reads_without_the_write_lock_and_takes_it_at_its_first_write(app, tmp_path):
    database = tmp_path / "writers.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    lock = str(database) + "-writers.lock"
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE t (n INTEGER)"))
    with app.test_request_context("/idees/1/soutenir", method="POST"):
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM t")).scalar()
            assert lock_is_free(lock)  # loading, rules, rendering: no lock held
            connection.execute(text("INSERT INTO t VALUES (1)"))
            assert not lock_is_free(lock)  # the write holds it until the commit
            connection.commit()
        assert lock_is_free(lock)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 1
    engine.dispose()


def test_commits_are_durable_unless_a_loss_window_is_chosen(tmp_path):
    for chosen, level in ((None, 2), ("normal", 1)):  # 2 = FULL, 1 = NORMAL
        options = {"synchronous": chosen} if chosen else {}
        engine = make_engine(f"sqlite:///{tmp_path / f'{chosen}.sqlite3'}", **options)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == level
        engine.dispose()
    with pytest.raises(ValueError):
        make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", synchronous="off")


def test_each_connection_keeps_a_small_page_cache(tmp_path):
    """A worker holds a connection per busy thread, each with its own cache of pages."""
    for chosen, pages in ((None, -512), (2048, -2048)):
        options = {"cache_kib": chosen} if chosen else {}
        engine = make_engine(f"sqlite:///{tmp_path / f'{chosen}.sqlite3'}", **options)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA cache_size")).scalar() == pages
        engine.dispose()


def test_a_prebuilt_write_on_the_drivers_cursor_takes_the_turn_at_its_first_write(
        app, tmp_path, monkeypatch):
    """``core.sql.execute`` runs a support's statements on the driver's cursor: the
    engine's listener still sees the first write and takes the writer's turn there."""
    from sqlalchemy import bindparam, column, func, insert, select, table
    from sqlalchemy.orm import scoped_session, sessionmaker

    from consult.core import sql
    from consult.db import db

    database = tmp_path / "writers.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    lock = str(database) + "-writers.lock"
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE t (n INTEGER)"))
    rows = table("t", column("n"))
    count = select(func.count()).select_from(rows)
    add = insert(rows).values(n=bindparam("n"))
    monkeypatch.setattr(db, "session", scoped_session(sessionmaker(bind=engine)))
    with app.test_request_context("/idees/1/soutenir", method="POST"):
        assert sql.read(count).scalar() == 0
        assert lock_is_free(lock)
        sql.execute(add, {"n": 1})
        assert not lock_is_free(lock)
        assert sql.read(count).scalar() == 1
        db.session.commit()
        db.session.remove()
        assert lock_is_free(lock)
    with engine.connect() as connection:
        assert connection.execute(count).scalar() == 1
    engine.dispose()
