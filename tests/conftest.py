"""Test harness: one database per run (SQLite file or a fresh PostgreSQL database),
created through the migrations; each test runs inside a transaction rolled back at the
end (``join_transaction_mode="create_savepoint"``, as warehouse does), so tests are
isolated and fast. Tests that need real commits from several connections use the
``committed_db`` fixture instead, which empties the tables afterwards."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import text

from consult import create_app
from consult.config import TestConfig
from consult.db import db, scratch_database
from consult.migrate import upgrade

DB_KIND = os.environ.get("CONSULT_TEST_DB", "sqlite")
TESTS = Path(__file__).resolve().parent
LIVE_FIXTURES = frozenset({"demo_server", "api_server", "live_server", "live_servers"})


def pytest_configure(config):
    # a warning of SQLAlchemy's is a failure (here, not in pyproject.toml, whose filters
    # pytest resolves before consult is imported: see consult/sqlalchemy_python.py)
    config.addinivalue_line("filterwarnings", "error::sqlalchemy.exc.SAWarning")


def pytest_collection_modifyitems(config, items):
    """Markers from where a test lives and what it starts (a ``pytestmark`` in a
    conftest applies to nothing): every test under tests/browser is ``browser``; a
    test that starts a real server is ``live``. Under pytest-xdist each browser file
    runs whole on one worker, in order, on that worker's live server and Chromium
    (one per worker and database); the other live tests run together on one worker."""
    for item in items:
        path = Path(str(item.fspath)).resolve()
        browser = TESTS / "browser" in path.parents
        live = browser or bool(LIVE_FIXTURES & set(getattr(item, "fixturenames", ()))) \
            or path.name.startswith("test_live_")
        if browser:
            item.add_marker(pytest.mark.browser)
        if live:
            item.add_marker(pytest.mark.live)
            # a browser file keeps its order on one worker (its tests share a server);
            # the live servers of tests/security need the machine to themselves
            item.add_marker(pytest.mark.xdist_group(f"browser-{path.name}" if browser
                                                    else "live"))


def _postgres_url() -> str:
    url = os.environ.get("CONSULT_TEST_DATABASE_URL")
    if not url:
        pytest.exit("CONSULT_TEST_DB=postgresql needs CONSULT_TEST_DATABASE_URL", returncode=2)
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if DB_KIND != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'consult-test.sqlite3'}"
        return
    url, drop = scratch_database(_postgres_url(), f"consult_test_{os.getpid()}")
    yield url
    drop()


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production: the test's
    own context (for factories and direct queries) steps aside during the request,
    otherwise Flask would reuse it and share ``g`` between requests."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # streamed bodies are read inside the request
        outer = _cv_app.get(None)
        if outer is None:
            return super().open(*args, **kwargs)
        registry = db.session.registry
        test_session = registry() if registry.has() else None
        if test_session is not None:
            test_session.flush()  # what the test set up is visible to the request
            registry.clear()
        outer.pop()
        try:
            return super().open(*args, **kwargs)
        finally:
            outer.push()
            db.session.remove()
            if test_session is not None:
                registry.set(test_session)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = Path(tmp_path_factory.mktemp("instance"))
    application = create_app(TestConfig(instance, database_url))
    application.test_client_class = IsolatedClient
    from consult.core.ratelimit import limiter

    limiter.enabled = False  # switched on by the tests of the limits themselves
    from consult import sqlite_threads

    sqlite_threads._Watch.raise_errors = True  # a connection crossing threads: a failure
    upgrade(db.engine)
    yield application
    db.session.remove()
    db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test inside one transaction, rolled back afterwards."""
    if "committed_db" in request.fixturenames:
        with app.app_context():
            yield
        return
    connection = db.engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        ctx.pop()
        db.session.remove()
        outer.rollback()
        connection.close()
        db.session.configure(bind=db.engine, join_transaction_mode="conditional_savepoint")


COMMITTED_TABLES = (  # children first
    "result_entries", "co_ownership_proposals",
    "external_identities", "membership_requests",
    "pairwise_votes", "pairwise_pairs", "pairwise_scores",
    "statement_votes", "statements", "opinion_reports",
    "answer_templates", "answer_labels", "opinion_requests",
    "summaries", "duplicate_candidates", "topic_ideas", "topics", "topic_runs",
    "lab_reuses", "lab_solutions", "lab_scores", "lab_call_jurors", "lab_applications",
    "lab_call_criteria", "lab_calls",
    "lab_project_links", "lab_project_entries", "lab_requests", "lab_project_organisations",
    "lab_projects", "lab_partnerships",
    "feedback", "event_ideas", "event_registrations", "event_questions", "event_themes",
    "event_partners", "calendar_feeds", "agenda_follows", "events", "programmes", "volunteers",
    "brief_updates", "milestones",
    "brief_ideas", "briefs", "notifications", "follows", "moderation_queue",
    "reports", "comments", "supports",
    "ideas", "participations", "themes", "challenge_organisations",
    "challenge_counters", "challenges",
    "api_tokens", "auth_sessions", "memberships", "invitations", "outbox_messages", "users",
    "organisations",
)


@pytest.fixture
def committed_db(app):
    """Real commits, visible to other connections and threads; tables emptied after."""
    db.session.remove()
    yield db
    db.session.remove()
    with db.engine.begin() as conn:
        conn.info["write"] = True
        for table in COMMITTED_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, **kwargs):
    """POST like a browser: with the CSRF token of the session."""
    payload = {"csrf_token": csrf_token(client)}
    payload.update(data or {})
    return client.post(path, data=payload, **kwargs)


def login(client, user) -> None:
    """Open a real server-side session for ``user`` in ``client`` (no password work)."""
    from consult.accounts.operations import start_session

    token = start_session(user)
    db.session.flush()
    with client.session_transaction() as session:
        session["sid"] = token
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.permanent = True


def count_queries(client, url):
    """The statements one GET of ``url`` runs (it must answer 200)."""
    from sqlalchemy import event

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def mails_to(address: str, kind: str | None = None):
    from sqlalchemy import select

    from consult.core.outbox import OutboxMessage

    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link_in(mail, marker: str) -> str:
    match = re.search(r"https?://[^\s]*" + re.escape(marker) + r"[^\s]*", mail.body_text)
    assert match, f"no link containing {marker!r} in {mail.body_text!r}"
    return match.group(0).replace("http://localhost", "")


_VARYING = re.compile(r'(nonce="|name="csrf_token"[^>]*value=")[^"]+"')


def same_page(first, second, *replacements: tuple[str, str]) -> bool:
    """Two responses show the same page, but for nonces, CSRF tokens and ``replacements``."""
    texts = []
    for response, (old, new) in zip((first, second), replacements or [("", "")] * 2,
                                    strict=False):
        text = _VARYING.sub(r'\1X"', response.get_data(as_text=True))
        texts.append(text.replace(old, new) if old else text)
    if len(texts) < 2:
        texts.append(_VARYING.sub(r'\1X"', second.get_data(as_text=True)))
    return texts[0] == texts[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """A real gunicorn on the demo data, production settings (page cache on)."""
    from tests.live import start_live_server

    cleanups: list = []
    yield start_live_server(tmp_path_factory, cleanups)
    for cleanup in cleanups:
        cleanup()
