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
