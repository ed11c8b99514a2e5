"""Backup and restore round-trip a seeded database exactly (on a database of its own:
a restore replaces everything)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
TABLES = ["users", "organisations", "challenges", "ideas", "supports", "comments", "briefs",
          "action_log", "territories", "outbox_messages"]


def _flask(env, *args):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "consult", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def _fingerprint(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
        ideas = conn.execute(text("SELECT id, title, supports_count FROM ideas ORDER BY id")).all()
    engine.dispose()
    return counts, [tuple(row) for row in ideas]


@pytest.mark.slow
def test_backup_then_restore_gives_back_the_same_database(tmp_path, database_url):
    if database_url.startswith("postgresql"):
        base = make_url(database_url)
        name = f"consult_backup_{uuid.uuid4().hex[:6]}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        admin, name, url = None, None, f"sqlite:///{tmp_path / 'source.sqlite3'}"
    env = dict(os.environ, CONSULT_DATABASE_URL=url, CONSULT_SECRET_KEY="x" * 32,
               CONSULT_INSTANCE_PATH=str(tmp_path / "instance"))
    try:
        assert _flask(env, "init-db").returncode == 0
        assert _flask(env, "demo").returncode == 0
        before = _fingerprint(url)
        archive = tmp_path / "consult.backup"
        assert _flask(env, "backup", str(archive)).returncode == 0 and archive.stat().st_size
        engine = create_engine(url)  # damage the live database after the backup
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM supports"))
            conn.execute(text("UPDATE ideas SET title = 'abîmé'"))
        engine.dispose()
        assert _fingerprint(url) != before
        restored = _flask(env, "restore", "--yes", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert "Base restaurée et vérifiée." in restored.stdout
        assert _fingerprint(url) == before
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
