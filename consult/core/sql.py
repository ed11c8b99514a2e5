"""Small portable SQL helpers for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from consult.db import db


def insert_ignore(table, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted.

    Uses RETURNING rather than rowcount, which some drivers report as -1 here."""
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    primary_key = next(iter(table.primary_key.columns))
    statement = (dialect.insert(table).values(**values).on_conflict_do_nothing()
                 .returning(primary_key))
    # on the session's connection: a Core statement needs none of the ORM's bookkeeping
    return db.session.connection().execute(statement).first() is not None


def add_to_counter(table, column: str, step: int, **key) -> None:
    """Add ``step`` to ``column`` of the row of ``table`` at ``key``, creating the row
    (INSERT … ON CONFLICT DO UPDATE): one statement, the row locked for the rest of the
    transaction only."""
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    statement = dialect.insert(table).values(**key, **{column: step})
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + statement.excluded[column]})
    db.session.connection().execute(statement)


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
