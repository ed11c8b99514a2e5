"""Consult: a participatory consultation platform for public services."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from consult import sqlalchemy_python
from consult.config import Config, env_int

# before anything imports SQLAlchemy: its compiled (Cython) modules crash a threaded
# worker under load; their Python form runs instead (consult/sqlalchemy_python.py)
sqlalchemy_python.install()
csrf = CSRFProtect()


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    from consult.config import env

    app = Flask(__name__, template_folder=str(root / "templates"),
                static_folder=str(root / "static"), instance_relative_config=True,
                instance_path=env("INSTANCE_PATH"))
    settings = config if config is not None else Config(Path(app.instance_path))
    app.config.update(settings.as_dict() if isinstance(settings, Config) else settings)
    if app.config.get("INSTANCE_PATH"):  # a configuration's own folder (each test run's)
        app.instance_path = str(app.config["INSTANCE_PATH"])
    from consult.core.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its routes
    _configure_logging(app)

    from consult.core.http import ChunkedBodyLimit

    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])
    proxies = env_int("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from consult.db import db

    db.init_app(app)
    csrf.init_app(app)

    from consult.accounts.sessions import init_login
    from consult.core.errors import init_errors
    from consult.core.i18n import init_i18n
    from consult.core.ratelimit import init_ratelimit
    from consult.core.templating import init_templating

    init_login(app)
    init_i18n(app)
    init_ratelimit(app)
    init_templating(app)
    init_errors(app)

    from consult import accessibility
    from consult.identity.providers import init_providers

    accessibility.init_app(app)
    init_providers(app)  # ProConnect, FranceConnect: offered when configured

    _subscribe()
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    from consult.core.tasks import init_tasks

    init_tasks(app)  # (after the blueprints: their modules declared the jobs)

    from consult.cli import register_cli

    register_cli(app)

    @app.before_request
    def _remember_scheme():
        g.scheme = request.cookies.get("consult_scheme", "system")

    from consult.core.pagecache import init_page_cache

    init_page_cache(app)  # last: its key needs the person, the language and the scheme
    return app


def _configure_logging(app: Flask) -> None:
    if not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)
    from consult.core import logredact

    logredact.install()  # whoever configured the handlers, none writes a secret


def _subscribe() -> None:
    """Connect what reacts to the domains' events (core.events): the journal and the
    notifications; and the domains' integrity checks. Importing connects them, once
    per process."""
    from consult.audit import subscribers as _journal  # noqa: F401
    from consult.comments import integrity as _comment_checks  # noqa: F401  (flask check)
    from consult.ideas import integrity as _checks  # noqa: F401  (flask check)
    from consult.moderation import backlog as _queue  # noqa: F401  (its rows, flask check)
    from consult.notifications import subscribers as _notifications  # noqa: F401


def _blueprints():
    """Import each domain's views (which import its permissions) and return its blueprint."""
    from consult.accounts import views as accounts_views
    from consult.answers import views as answers_views
    from consult.api import actions as api_actions  # noqa: F401  (writes)
    from consult.api import blueprint as api_blueprint
    from consult.api import docs as api_docs  # noqa: F401  (description and its page)
    from consult.api import events as api_events  # noqa: F401  (events, programmes)
    from consult.api import labs as api_labs  # noqa: F401  (projects, calls, solutions)
    from consult.api import pairwise as api_pairwise  # noqa: F401  (pairwise rankings)
    from consult.api import statements as api_statements  # noqa: F401  (opinion groups)
    from consult.api import token_views as api_token_views
    from consult.api import topics as api_topics  # noqa: F401  (emerging topics)
    from consult.api import views as api_views  # noqa: F401  (reads)
    from consult.briefs import pages as _briefs_pages  # noqa: F401  (on the idea page)
    from consult.briefs import personal_data as _briefs_data  # noqa: F401  (erasure)
    from consult.briefs import views as briefs_views
    from consult.challenges import views as challenges_views
    from consult.codesign import pages as _codesign_pages  # noqa: F401  (on the brief page)
    from consult.codesign import views as codesign_views
    from consult.comments import pages as _discussion  # noqa: F401  (idea page, on ideas)
    from consult.dashboard import views as dashboard_views
    from consult.events import follows as _agenda_follows  # noqa: F401  (follow buttons)
    from consult.events import personal_data as _events_data  # noqa: F401  (export, erasure)
    from consult.events import programme_views as _programmes  # noqa: F401  (on events)
    from consult.events import views as events_views
    from consult.ideas import challenge_page as _challenge_page  # noqa: F401  (on challenges)
    from consult.ideas import results_pages as _results_pages  # noqa: F401  (on challenges)
    from consult.ideas import views as ideas_views
    from consult.identity import views as identity_views
    from consult.labs import call_views as _calls  # noqa: F401  (on labs)
    from consult.labs import catalogue_views as _catalogue  # noqa: F401  (brief page too)
    from consult.labs import personal_data as _labs_data  # noqa: F401  (export, erasure)
    from consult.labs import report_views as _reports  # noqa: F401  (on labs)
    from consult.labs import views as labs_views
    from consult.moderation import views as moderation_views
    from consult.notifications import follows as _follows  # noqa: F401  (follow buttons)
    from consult.notifications import personal_data  # noqa: F401  (export and erasure)
    from consult.notifications import views as notifications_views
    from consult.opendata import views as opendata_views
    from consult.opinions import views as opinions_views
    from consult.organisations import views as organisations_views
    from consult.pairwise import views as pairwise_views
    from consult.representativeness import views as representativeness_views
    from consult.site import views as site_views
    from consult.statements import views as statements_views
    from consult.surveys import pages as _survey_pages  # noqa: F401  (challenge, brief)
    from consult.surveys import views as surveys_views
    from consult.topics import views as topics_views

    return [module.bp for module in (site_views, accounts_views, organisations_views,
                                     challenges_views, ideas_views, notifications_views,
                                     briefs_views, moderation_views, codesign_views,
                                     events_views, labs_views, identity_views,
                                     dashboard_views, opendata_views, surveys_views,
                                     pairwise_views, statements_views, topics_views,
                                     opinions_views, answers_views,
                                     representativeness_views,
                                     api_blueprint,
                                     api_token_views)]
