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
                      workers: int = 2, **settings: str) -> dict:
    """Migrate, load the demo, start gunicorn; ``settings``: more CONSULT_* variables."""
    database = _new_database(tmp_path_factory, cleanups)
    port = _free_port()
    instance = tmp_path_factory.mktemp(f"live-instance-{theme}")
    env = dict(os.environ, CONSULT_DATABASE_URL=database,
               CONSULT_SECRET_KEY="live-" + uuid.uuid4().hex,
               CONSULT_BASE_URL=f"http://127.0.0.1:{port}", CONSULT_MAIL_CONSOLE="0",
               CONSULT_RATELIMIT_ENABLED="0", CONSULT_INSTANCE_PATH=str(instance),
               CONSULT_THEME=theme)
    env.update({f"CONSULT_{k}": v for k, v in settings.items()})
    flask = [sys.executable, "-m", "flask", "--app", "consult"]
    subprocess.run([*flask, "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = instance / "gunicorn.log"  # the server's errors, to read when a test fails
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
        start_new_session=True, stdout=log.open("ab"), stderr=subprocess.STDOUT)
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
    return {"url": base, "database": database, "env": env, "theme": theme, "log": log,
            "master": server.pid}




class Visitor:
    """One person's browser as far as HTTP goes: cookies kept, CSRF token read from the
    pages, answers returned as (status, text) whatever the status."""

    def __init__(self, base: str) -> None:
        import http.cookiejar

        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def request(self, path: str, data: dict | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        import urllib.error
        import urllib.parse

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        import re

        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return status, text

    def sign_in(self, email: str, password: str) -> None:
        self.request("/connexion")
        status, page = self.request("/connexion", {"csrf_token": self.token, "email": email,
                                                   "password": password})
        assert status == 200 and "/deconnexion" in page, f"{email} could not sign in"

    def post_json(self, path: str) -> int:
        """A button pressed with JavaScript on (the support button): the status."""
        return self.request(path, {"csrf_token": self.token},
                            {"Accept": "application/json"})[0]
