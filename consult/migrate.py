"""Alembic, configured from code: ``migrations/`` holds env.py and the revisions."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def heads(engine: Engine) -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        connection.info["write"] = False  # a read: SQLite need not take the write lock
        return MigrationContext.configure(connection).get_current_revision()


def is_at_head(engine: Engine) -> bool:
    head = heads(engine)
    return len(head) == 1 and current_revision(engine) == head[0]


# SQLite triggers that a batch-mode rebuild of their table drops. A revision that
# rebuilds one of these tables calls restore_sqlite_triggers(op, table) right after.
SQLITE_TRIGGERS = {
    "action_log": [
        "CREATE TRIGGER IF NOT EXISTS action_log_no_update BEFORE UPDATE ON action_log "
        "BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS action_log_no_delete BEFORE DELETE ON action_log "
        "BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END",
    ],
    "ideas": [
        "CREATE TRIGGER IF NOT EXISTS ideas_fts_insert AFTER INSERT ON ideas BEGIN "
        "INSERT INTO ideas_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
        "CREATE TRIGGER IF NOT EXISTS ideas_fts_delete AFTER DELETE ON ideas BEGIN "
        "INSERT INTO ideas_fts(ideas_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END",
        "CREATE TRIGGER IF NOT EXISTS ideas_fts_update AFTER UPDATE OF search_text ON ideas "
        "BEGIN INSERT INTO ideas_fts(ideas_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO ideas_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    ],
}


def restore_sqlite_triggers(op, table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS[table]:
            op.execute(statement)
