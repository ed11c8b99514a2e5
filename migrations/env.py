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
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch operation rebuilds a table (copy, drop, rename): with foreign keys
            # enforced, dropping the old table would cascade to every row pointing at
            # it. SQLite ignores this PRAGMA inside a transaction, hence before it, on
            # the driver's connection; checked again and restored below.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
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
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
