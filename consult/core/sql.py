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
