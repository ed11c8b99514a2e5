"""Brute force against several gunicorn workers: the limits count where every worker
sees the same counters — Redis for several machines, the instance's SQLite file in the
embedded default (`make run`) — so an attacker whose attempts land on four different
workers is stopped after exactly the limit, not four times it (issue 14)."""

from __future__ import annotations

import os

import pytest

from consult.core.ratelimit import LOGIN_PER_ACCOUNT
from tests.live import Visitor, start_live_server

pytestmark = pytest.mark.slow
# A Redis database of its own per xdist worker: each module's fixture flushes its
# database before and after, and another worker's flush in the middle of this test once
# wiped the counters and let an eleventh attempt through (CI, under load)
REDIS = "redis://127.0.0.1:6379/{}".format(
    15 - int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 15)


@pytest.fixture(scope="module", params=["redis", "embedded"])
def server(request, tmp_path_factory):
    if request.param == "embedded":  # no Redis: the default of `make run`
        cleanups: list = []
        yield start_live_server(tmp_path_factory, cleanups, workers=4, RATELIMIT_ENABLED="1",
                                API_RATELIMIT_ANONYMOUS="20 per minute")
        for cleanup in cleanups:
            cleanup()
        return
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (.ci/run starts it)")
    cleanups: list = []
    yield start_live_server(tmp_path_factory, cleanups, workers=4, RATELIMIT_ENABLED="1",
                            REDIS_URL=REDIS, API_RATELIMIT_ANONYMOUS="20 per minute")
    for cleanup in cleanups:
        cleanup()
    redis.Redis.from_url(REDIS).flushdb()


def test_login_limit_per_account_holds_across_workers(server):
    limit = int(LOGIN_PER_ACCOUNT.split()[0])
    statuses = []
    for _ in range(limit + 3):  # each attempt a new visitor, a new connection
        visitor = Visitor(server["url"])
        visitor.request("/connexion")
        statuses.append(visitor.request("/connexion", {
            "csrf_token": visitor.token, "email": "camille@demo.consult.example",
            "password": "pas le bon mot de passe"})[0])
    # (when this fails, the workers' log says whether one lost Redis and counted alone)
    assert statuses == [422] * limit + [429] * 3, (statuses, _log_tail(server))
    # the right password does not get through the lock either: the account is protected
    visitor = Visitor(server["url"])
    visitor.request("/connexion")
    assert visitor.request("/connexion", {"csrf_token": visitor.token,
                                          "email": "camille@demo.consult.example",
                                          "password": "demo-consult-2026"})[0] == 429
    log = server["log"].read_text(errors="replace")
    assert "pas le bon mot de passe" not in log


def test_the_api_limit_holds_across_workers(server):
    statuses = [Visitor(server["url"]).request("/api/v1/challenges")[0] for _ in range(24)]
    assert statuses == [200] * 20 + [429] * 4, (statuses, _log_tail(server))


def _log_tail(server) -> str:
    return server["log"].read_text(errors="replace")[-4000:]
