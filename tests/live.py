"""A real Consult under gunicorn on 127.0.0.1, on its own migrated demo database
(SQLite, or PostgreSQL like the rest of the run): for the browser and API tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from consult.db import scratch_database

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _new_database(tmp_path_factory, cleanups: list) -> str:
    if os.environ.get("CONSULT_TEST_DB") != "postgresql":
        return f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    url, drop = scratch_database(os.environ["CONSULT_TEST_DATABASE_URL"], "consult_live")
    cleanups.append(drop)
    return url


def start_live_server(tmp_path_factory, cleanups: list, theme: str = "neutral",
                      **settings: str) -> dict:
    """Migrate, load the demo, start gunicorn; ``settings``: more CONSULT_* variables."""
    database = _new_database(tmp_path_factory, cleanups)
    port = _free_port()
    instance = tmp_path_factory.mktemp(f"live-instance-{theme}")
    env = dict(os.environ, CONSULT_DATABASE_URL=database,
               CONSULT_SECRET_KEY="live-" + uuid.uuid4().hex,
               CONSULT_BASE_URL=f"http://127.0.0.1:{port}", CONSULT_MAIL_CONSOLE="0",
               CONSULT_RATELIMIT_ENABLED="0", CONSULT_INSTANCE_PATH=str(instance),
               CONSULT_THEME=theme, **{f"CONSULT_{k}": v for k, v in settings.items()})
    flask = [sys.executable, "-m", "flask", "--app", "consult"]
    subprocess.run([*flask, "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = instance / "gunicorn.log"  # the server's errors, to read when a test fails
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True,
        stdout=log.open("ab"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def stop():
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    cleanups.insert(0, stop)
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/sante", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    else:
        pytest.fail(f"the live server ({theme}) did not start")
    return {"url": base, "database": database, "env": env, "theme": theme, "log": log}


