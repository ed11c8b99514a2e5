"""``make cluster`` at its smallest, on every run: three web hosts in network namespaces
behind HAProxy, a PostgreSQL primary and its streaming replica, Redis. Under a load of
people supporting and reading back, one host is SIGKILLed, the replica and Redis are
stopped: no acknowledged write is lost, everybody reads their own writes, the only
failures are the requests in flight on the killed host, ``flask check`` passes; sessions,
rate limits and the mail are shared by the hosts."""

from __future__ import annotations

import pytest

from bench.cluster import run as cluster

pytestmark = [
    pytest.mark.slow,
    pytest.mark.dbless,  # brings its own PostgreSQL pair
    pytest.mark.skipif(cluster.missing() is not None, reason=str(cluster.missing())),
]


def test_three_hosts_lose_no_write_when_a_host_the_replica_and_redis_fail(tmp_path):
    output, result = cluster.main([
        "--scale", "0.001", "--duration", "2", "--connections", "8", "--people", "10",
        "--fault-seconds", "12", "--output", str(tmp_path / "cluster.md")])
    assert output.exists()

    # every row answered through HAProxy, without errors; the reads went to the replica
    rows = {label: measured for label, _c, measured, _ratio in result["rows"]}
    assert all(m["requests"] > 0 and m["errors"] == 0 for m in rows.values()), rows
    _primary, replica = rows[cluster.bench.SIGNED_IN_IDEA]["transactions"]
    assert replica >= rows[cluster.bench.SIGNED_IN_IDEA]["requests"] * 0.9

    # shared state: sessions on every host, one rate-limit count, each mail once
    assert result["sessions"]["signed_in"] == result["sessions"]["pages"] > 0
    assert result["limits_shared"] == {422: 30, 429: 6}
    mail = result["mail"]
    assert (mail["sent"], mail["twice"], mail["left"]) == (300, 0, 0)
    assert sum(mail["per_host"].values()) == 300  # (which hosts sent them is chance)

    faults = result["faults"]
    killed_at = faults["events"][0][0]
    assert faults["known"] == 10 and faults["lost"] == 0 and faults["phantom"] == 0
    assert faults["reads"] > 50 and faults["unseen"] == 0
    # kept pages keep coming: at most a page in flight per reader on the killed host is cut
    # (checked below to be in the second it died), every other one is answered
    pages = faults["anonymous_pages"]
    assert pages.get(200, 0) > 50 and sum(n for status, n in pages.items()
                                          if status != 200) <= 4, pages
    # the only failures: what a signed-in person had in flight on the host killed (a
    # press, or a page whose answer the dying host cut short), in the second it died
    assert all(what in {"0", "502", "GET 0", "GET 502"}
               and killed_at - 0.5 <= second <= killed_at + 1.5
               for second, what in faults["failures"]), faults["failures"]
    assert set(faults["login_without_redis"]) <= {422, 429}
    assert result["warnings"]["réplica écarté"] > 0
    assert result["warnings"]["limites sans Redis"] > 0
    assert result["warnings"]["cache de pages sans Redis"] > 0
    assert result["check"][0] == 0, result["check"]
    assert result["back"]["signed_in"] == result["back"]["pages"]
