"""API rate limits: per address without a token, per token with one; 429 with
Retry-After and a JSON error. Invalid tokens count against the address, so random
tokens do not buy a fresh quota."""

from __future__ import annotations

import pytest

from consult.api.models import ApiScope
from consult.api.tokens import create_token
from consult.core.ratelimit import limiter
from consult.organisations.models import MembershipRole
from tests.factories import OrganisationFactory, agent_of


@pytest.fixture
def limits(app):
    saved = {k: app.config[k] for k in ("API_RATELIMIT_ANONYMOUS", "API_RATELIMIT_TOKEN")}
    app.config.update(API_RATELIMIT_ANONYMOUS="3 per minute", API_RATELIMIT_TOKEN="5 per minute")
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.reset()
    limiter.enabled = False
    app.config.update(saved)


def hit(client, address, secret=None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.get("/api/v1/organisations", headers=headers,
                      environ_base={"REMOTE_ADDR": address})


def test_anonymous_calls_are_limited_per_address(client, limits, caplog):
    statuses = [hit(client, "10.1.0.1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = hit(client, "10.1.0.1")
    assert refused.is_json and refused.get_json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert hit(client, "10.1.0.2").status_code == 200  # another address has its own quota
    assert any("rate limit reached" in r.message for r in caplog.records)


def test_a_token_has_its_own_quota_and_random_tokens_do_not(client, limits):
    organisation = OrganisationFactory()
    _token, secret = create_token(agent_of(organisation, MembershipRole.ADMIN), organisation,
                                  "Tableau de bord", {ApiScope.ANSWERS})
    for _ in range(3):
        hit(client, "10.2.0.1")
    assert hit(client, "10.2.0.1").status_code == 429
    assert [hit(client, "10.2.0.1", secret).status_code for _ in range(6)] == [200] * 5 + [429]
    assert hit(client, "10.2.0.1", "consult_" + "z" * 43).status_code == 429
