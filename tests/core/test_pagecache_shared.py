"""Kept pages shared through Redis (core.pagecache.SharedPages), on the machine's real
Redis: what one worker kept, another finds (slots included); a Redis that does not
answer, or holds something that is not a kept page, costs a miss, never an error."""

from __future__ import annotations

import logging
import uuid

import pytest
import redis

from consult.core.pagecache import Entry, PageCache, SharedPages

pytestmark = pytest.mark.dbless

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def key():
    name = ("localhost", f"/defis/test-{uuid.uuid4().hex}?", "fr", "system", 7, True)
    yield name
    redis.Redis.from_url(REDIS).delete(SharedPages.name(name))


def entry() -> Entry:
    return Entry("<p>\x000\x00 et 12 soutiens</p>", "text/html", "nonce-1", "jeton-1",
                 (("idea_footer", (3, "Une idée", 5, True, 12, 0, "")),))


def test_a_page_kept_by_one_worker_is_found_by_another(key):
    first, second = PageCache(10, 64, SharedPages(REDIS, 10)), PageCache(10, 64,
                                                                         SharedPages(REDIS, 10))
    assert second.get(key) is None
    first.put(key, entry())
    assert second.get(key) == entry()  # the slots come back as tuples, as kept
    assert second.shared_hits == 1
    assert 0 < redis.Redis.from_url(REDIS).ttl(SharedPages.name(key)) <= 10


def test_redis_not_answering_costs_the_sharing_only(key, caplog):
    cache = PageCache(10, 64, SharedPages("redis://127.0.0.1:1/0", 10))
    with caplog.at_level(logging.WARNING, logger="consult.pagecache"):
        assert cache.get(key) is None
        cache.put(key, entry())
        assert cache.get(key) == entry()  # the worker's own memory still serves it
    warnings = [r for r in caplog.records if "Redis not answering" in r.getMessage()]
    assert len(warnings) == 1  # once, not per request


def test_what_is_not_a_kept_page_is_a_miss(key):
    redis.Redis.from_url(REDIS).set(SharedPages.name(key), b"\x80\x04 not json", ex=10)
    assert PageCache(10, 64, SharedPages(REDIS, 10)).get(key) is None
