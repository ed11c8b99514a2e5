"""Small portable SQL helpers for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from consult.db import db


def insert_ignore(table, **values):
    """INSERT … ON CONFLICT DO NOTHING; returns how many rows were inserted (0 or 1)."""
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    return db.session.execute(statement).rowcount
