"""Brute force: login and reset are limited per address and per account."""

import pytest

from consult.core.ratelimit import limiter
from tests.conftest import csrf_token
from tests.factories import UserFactory


@pytest.fixture
def limits(app):
    limiter.enabled = True
    limiter.reset()
    yield limiter
    limiter.reset()
    limiter.enabled = False


def attempt(client, email, ip, path="/connexion", token=None):
    data = {"csrf_token": token or csrf_token(client), "email": email, "password": "mauvais"}
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": ip})


def test_login_is_limited_per_account_even_from_many_addresses(client, limits, caplog):
    UserFactory(email="cible@exemple.fr")
    token = csrf_token(client)
    statuses = [attempt(client, "cible@exemple.fr", f"10.0.0.{i}", token=token).status_code
                for i in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    refused = attempt(client, "CIBLE@exemple.fr", "10.0.1.1", token=token)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Trop de tentatives" in refused.text
    assert any("rate limit reached" in r.message for r in caplog.records)
    assert "mauvais" not in caplog.text  # never the password in the logs
    # another account from a fresh address is not affected
    assert attempt(client, "autre@exemple.fr", "10.0.2.1", token=token).status_code == 422


def test_login_is_limited_per_address(client, limits):
    token = csrf_token(client)
    statuses = [attempt(client, f"p{i}@exemple.fr", "192.0.2.7", token=token).status_code
                for i in range(31)]
    assert statuses[-1] == 429 and 429 not in statuses[:30]


def test_showing_the_login_form_is_never_limited(client, limits):
    for _ in range(40):
        assert client.get("/connexion", environ_base={"REMOTE_ADDR": "192.0.2.8"}
                          ).status_code == 200


def test_password_resets_can_neither_flood_nor_block_the_owner(client, limits):
    """Asking again and again from many addresses sends one mail per half hour, and the
    owner is never answered 429: the link already mailed still works (issue 14)."""
    from sqlalchemy import func, select

    from consult.core.outbox import OutboxMessage
    from consult.db import db

    UserFactory(email="cible@exemple.fr")
    token = csrf_token(client)
    statuses = [attempt(client, "cible@exemple.fr", f"10.1.0.{i}", "/mot-de-passe-oublie",
                        token=token).status_code for i in range(12)]
    assert statuses == [200] * 12
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.to_address == "cible@exemple.fr")) == 1


def test_password_reset_is_limited_per_address(client, limits):
    token = csrf_token(client)
    statuses = [attempt(client, f"p{i}@exemple.fr", "192.0.2.9", "/mot-de-passe-oublie",
                        token=token).status_code for i in range(11)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


def test_registration_is_throttled_per_address(client, limits):
    token = csrf_token(client)
    statuses = [client.post("/inscription", data={
        "csrf_token": token, "display_name": "Robot", "email": f"r{i}@exemple.fr",
        "password": "une phrase de passe solide"}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    ).status_code for i in range(11)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]
