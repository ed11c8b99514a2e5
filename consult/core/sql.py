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
