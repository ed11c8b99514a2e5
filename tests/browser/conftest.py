"""Browser tests: a real gunicorn on 127.0.0.1 (its own migrated demo database, SQLite
or PostgreSQL like the rest of the run) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from consult.db import scratch_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = pytest.mark.browser


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


def _start(theme: str, tmp_path_factory, cleanups: list) -> dict:
    database = _new_database(tmp_path_factory, cleanups)
    port = _free_port()
    instance = tmp_path_factory.mktemp(f"live-instance-{theme}")
    env = dict(os.environ, CONSULT_DATABASE_URL=database,
               CONSULT_SECRET_KEY="live-" + uuid.uuid4().hex,
               CONSULT_BASE_URL=f"http://127.0.0.1:{port}", CONSULT_MAIL_CONSOLE="0",
               CONSULT_RATELIMIT_ENABLED="0", CONSULT_INSTANCE_PATH=str(instance),
               CONSULT_THEME=theme)
    flask = [sys.executable, "-m", "flask", "--app", "consult"]
    subprocess.run([*flask, "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
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
    return {"url": base, "database": database, "env": env, "theme": theme}


@pytest.fixture(scope="session")
def live_servers(tmp_path_factory):
    """One live server per theme, started when first asked for."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is installed by `make test`")
    servers, cleanups = {}, []

    def get(theme: str = "neutral") -> dict:
        if theme not in servers:
            servers[theme] = _start(theme, tmp_path_factory, cleanups)
        return servers[theme]

    yield get
    for cleanup in cleanups:
        cleanup()


@pytest.fixture(scope="session")
def live_server(live_servers):
    return live_servers("neutral")


@pytest.fixture(scope="session")
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is installed by `make test`")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(page, base: str, email: str, password: str = "demo-consult-2026") -> None:
    page.goto(base + "/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form.c-form button[type=submit]")
    assert "/connexion" not in page.url, f"could not sign in as {email}"


def last_link(database_url: str, address: str, marker: str) -> str:
    """The link in the latest mail to ``address`` (the outbox, read from the database)."""
    import re

    engine = create_engine(database_url)
    with engine.connect() as conn:
        body = conn.execute(text(
            "SELECT body_text FROM outbox_messages WHERE to_address = :a ORDER BY id DESC"),
            {"a": address}).scalar()
    engine.dispose()
    assert body, f"no mail to {address}"
    return re.search(r"https?://\S*" + re.escape(marker) + r"\S*", body).group(0)
