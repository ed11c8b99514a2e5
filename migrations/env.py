"""Alembic environment: the engine comes from Consult (``consult.migrate``), the target
metadata from every model module, so ``alembic check`` compares models and migrations."""

from __future__ import annotations

from alembic import context

from consult.db import Base
from consult.models import include_object  # imports every model

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        connection.info["write"] = True
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
