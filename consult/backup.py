"""Backups: ``flask --app consult backup FILE`` and ``restore FILE``.

SQLite: the online backup API (a consistent copy while the site runs). PostgreSQL:
pg_dump in its custom format, and pg_restore --clean into the configured database. A
restore is checked (migrations at head, every invariant) before the command succeeds.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    parsed = make_url(url)
    args = ["--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432),
            "--username", parsed.username or "postgres", "--dbname", parsed.database]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return args, env


def backup(url: str, target: Path) -> Path:
    target = Path(target)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        return target
    import os

    args, env = _pg_args(url)
    # S603/S607: an operator's command runs PostgreSQL's own pg_dump from PATH, with an
    # argument list (no shell) built from the configured database URL.
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args],  # noqa: S603, S607
                   check=True, env={**os.environ, **env}, capture_output=True)
    return target


def restore(url: str, source: Path, engine=None) -> None:
    source = Path(source)
    if url.startswith("sqlite"):
        if engine is not None:
            engine.dispose()  # no open connection while the file is replaced
        origin = sqlite3.connect(source)
        destination = sqlite3.connect(_sqlite_path(url))
        with destination:
            origin.backup(destination)
        origin.close()
        destination.close()
        return
    import os

    if engine is not None:
        engine.dispose()
    args, env = _pg_args(url)
    # S603/S607: as for pg_dump above.
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",  # noqa: S603, S607
                    *args, str(source)], check=True, env={**os.environ, **env},
                   capture_output=True)
