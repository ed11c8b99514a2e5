"""Migrations are the only way tables are made: one head, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from consult.db import Base, db
from consult.migrate import heads, is_at_head


def test_one_head():
    assert len(heads(db.engine)) == 1


def test_database_built_by_migrations_is_at_head():
    assert is_at_head(db.engine)


def test_models_and_migrations_agree():
    """The same comparison as `alembic check`, on the dialect under test."""
    from consult.models import include_object

    with db.engine.connect() as connection:
        connection.info["write"] = False
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                          "include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_territories_reference_is_loaded():
    from sqlalchemy import func, select

    from consult.territories.models import Territory, TerritoryKind

    counts = dict(db.session.execute(
        select(Territory.kind, func.count()).group_by(Territory.kind)).all())
    assert counts[TerritoryKind.REGION] >= 18
    assert counts[TerritoryKind.DEPARTEMENT] >= 101
    assert counts[TerritoryKind.COMMUNE] > 34_000


def test_search_objects_survive_every_migration():
    """Later revisions must not rebuild `ideas` and lose the search index (SQLite
    batch mode does that silently)."""
    from sqlalchemy import text

    if db.dialect == "sqlite":
        triggers = set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ideas'")))
        assert triggers == {"ideas_fts_insert", "ideas_fts_delete", "ideas_fts_update"}
    else:
        assert db.session.scalar(text(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_ideas_search_vector'")) == 1


def test_append_only_triggers_survive_every_migration():
    from sqlalchemy import text

    if db.dialect == "sqlite":
        triggers = set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'action_log'")))
        assert triggers == {"action_log_no_update", "action_log_no_delete"}
