"""Browser tests: a real gunicorn on 127.0.0.1 (its own migrated demo database, SQLite
or PostgreSQL like the rest of the run) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.live import start_live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def live_servers(tmp_path_factory):
    """One live server per theme, started when first asked for."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is installed by `make test`")
    servers, cleanups = {}, []

    def get(theme: str = "neutral") -> dict:
        if theme not in servers:
            servers[theme] = start_live_server(tmp_path_factory, cleanups, theme=theme)
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


def sql(live: dict, statement: str, **values):
    """A statement on the live server's database (to find what the demo made); its rows."""
    engine = create_engine(live["database"])
    with engine.begin() as conn:
        result = conn.execute(text(statement), values)
        rows = result.all() if result.returns_rows else None
    engine.dispose()
    return rows


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


def register(page, live: dict, name: str, email: str,
             password: str = "un mot de passe bien long") -> None:
    """A new confirmed citizen, through the registration form and the mailed link."""
    base = live["url"]
    page.goto(base + "/inscription")
    page.fill("#display_name", name)
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form.c-form button[type=submit]")
    page.goto(last_link(live["database"], email, "/compte/confirmer/"))
    sign_in(page, base, email, password)
