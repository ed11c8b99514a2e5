"""Small portable SQL helpers for SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func
from sqlalchemy.dialects import postgresql, sqlite

from consult.db import db


def read(statement, **params):
    """Run a SELECT built once, at import, with ``bindparam``s, on the session's
    connection: the reads of every signed-in request then build no statement and no ORM
    row (building the statement was most of their cost: about 200 µs each, 30–70 µs
    prebuilt). Pending ORM changes are flushed first, as the session's queries would."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement, params)


def insert_ignore(table, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted.

    Uses RETURNING rather than rowcount, which some drivers report as -1 here."""
    statement = _insert_ignore(db.dialect, table, tuple(values))
    # on the session's connection: a Core statement needs none of the ORM's bookkeeping
    return db.session.connection().execute(statement, values).first() is not None


# The two upserts are built once per table and columns (the support path runs both):
# building one cost more than running it.
@cache
def _insert_ignore(dialect_name: str, table, columns: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    primary_key = next(iter(table.primary_key.columns))
    return (dialect.insert(table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in columns})
            .on_conflict_do_nothing().returning(primary_key))


@cache
def _add_to_counter(dialect_name: str, table, column: str, key: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table).values(
        {**{name: bindparam(name, type_=table.c[name].type) for name in key},
         column: bindparam("step_", type_=table.c[column].type)})
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + statement.excluded[column]})


def add_to_counter(table, column: str, step: int, **key) -> None:
    """Add ``step`` to ``column`` of the row of ``table`` at ``key``, creating the row
    (INSERT … ON CONFLICT DO UPDATE): one statement, the row locked for the rest of the
    transaction only."""
    statement = _add_to_counter(db.dialect, table, column, tuple(key))
    db.session.connection().execute(statement, {**key, "step_": step})


@cache
def _add_to_counters(dialect_name: str, table, column: str, key: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    step = bindparam("step_", type_=table.c[column].type)
    # a new row starts at the step, or at 0 for a negative one: both databases check a
    # CHECK (n >= 0) on the row proposed for insertion before they find the conflict
    start = (func.greatest if dialect_name == "postgresql" else func.max)(step, 0)
    return dialect.insert(table).values(
        {**{name: bindparam(name, type_=table.c[name].type) for name in key}, column: start}
    ).on_conflict_do_update(index_elements=list(key), set_={column: table.c[column] + step})


def add_to_counters(table, column: str, key: tuple[str, ...], steps: list[dict]) -> None:
    """Add to many counters in one execution (each dict of ``steps``: the key's columns
    and ``step_``), creating the rows missing. Give them in key order: concurrent
    writers then lock the rows in one order (PostgreSQL)."""
    if steps:
        statement = _add_to_counters(db.dialect, table, column, key)
        db.session.connection().execute(statement, steps)


def stream_rows(statement, batch: int = 100_000):
    """The rows of a SELECT as lists of plain tuples, ``batch`` at a time, straight from
    the driver: millions of votes read for a background job without building a Row
    object each (five times faster), and without holding them all in memory (a
    server-side cursor on PostgreSQL). Runs in the session's transaction."""
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect,
                                 compile_kwargs={"render_postcompile": True})
    params = ([compiled.params[name] for name in compiled.positiontup]
              if compiled.positional else compiled.params)
    raw = connection.connection.dbapi_connection
    postgres = connection.dialect.name == "postgresql"
    cursor = raw.cursor(name="consult_stream") if postgres else raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()
