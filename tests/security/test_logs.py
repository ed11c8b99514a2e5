"""Logs contain no password and no token: what people type, the links mailed to them and
the API tokens of integrations never reach a log line, whether Consult or gunicorn
writes it."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest

from consult.core import logredact
from consult.core.logredact import MASK, GunicornLogger, redact
from tests.conftest import link_in, mails_to, post_form

PASSWORD = "une phrase de passe vraiment secrète"
WRONG = "ce n'est pas le bon mot de passe"


@pytest.fixture
def log_lines():
    """A production-like handler on the root logger, at DEBUG, with Consult's filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logredact.install()
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_register_confirm_login_reset_leave_no_secret_in_the_logs(client, log_lines):
    secrets = [PASSWORD, WRONG]
    post_form(client, "/inscription", {"email": "lea@exemple.fr", "display_name": "Léa",
                                       "password": PASSWORD, "password_confirm": PASSWORD,
                                       "accept": "y"})
    confirm = link_in(mails_to("lea@exemple.fr")[-1], "/compte/confirmer/")
    secrets.append(confirm.rsplit("/", 1)[-1])
    client.get(confirm)
    post_form(client, "/deconnexion")
    post_form(client, "/connexion", {"email": "lea@exemple.fr", "password": WRONG})
    post_form(client, "/mot-de-passe-oublie", {"email": "lea@exemple.fr"})
    reset = link_in(mails_to("lea@exemple.fr", "accounts/reset_password")[-1], "/mot-de-passe/")
    secrets.append(reset.rsplit("/", 1)[-1])
    client.get(reset + "x")  # a damaged link, refused
    post_form(client, "/mot-de-passe-oublie", {"email": "personne@exemple.fr"})
    written = log_lines.getvalue()
    assert "failed login" in written  # the log is written, and read here
    for secret in secrets:
        assert secret not in written, secret


def test_secrets_are_masked_wherever_they_appear():
    token = "consult_" + "A" * 43
    lines = {
        "GET /compte/confirmer/eyJ1aWQiOjF9.Zx HTTP/1.1": "/compte/confirmer/" + MASK,
        "POST /mot-de-passe/abc.def-ghi HTTP/1.1": "/mot-de-passe/" + MASK,
        "GET /invitations/tok123?x=1": "/invitations/" + MASK + "?x=1",
        f"Authorization: Bearer {token}": "Bearer " + MASK,
        f"used {token} twice": f"used {MASK} twice",
        "GET /recherche?token=abc&q=1": "token=" + MASK + "&q=1",
    }
    for line, expected in lines.items():
        assert expected in redact(line), line
    assert redact("GET /defis/mon-defi?page=2") == "GET /defis/mon-defi?page=2"


def test_an_exception_on_a_link_page_is_logged_without_the_token(log_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("consult.errors").exception(
            "unexpected error on %s %s", "GET", "/mot-de-passe/secret-du-lien")
    written = log_lines.getvalue()
    assert "unexpected error on GET /mot-de-passe/" + MASK in written
    assert "secret-du-lien" not in written


def test_gunicorn_access_lines_hide_the_token_of_a_mailed_link():
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    request = SimpleNamespace(method="GET", path="/mot-de-passe/le-jeton-secret",
                              query="token=autre-secret", version=(1, 1),
                              uri="/mot-de-passe/le-jeton-secret?token=autre-secret",
                              headers=[])
    response = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": request.uri, "REMOTE_ADDR": "127.0.0.1",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": request.path,
               "QUERY_STRING": request.query}
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=1))
    line = " ".join(atoms[key] for key in ("r", "U", "q"))
    assert "le-jeton-secret" not in line and "autre-secret" not in line, line
    assert MASK in line
