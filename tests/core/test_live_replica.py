"""Reads from a real streaming replica (``consult.replica``): a PostgreSQL primary and
its replica made by ``pg_basebackup``, started for this module, under gunicorn. With the
replica's replay paused (a replica as far behind as one can be), a person who signs in
and supports an idea sees themselves signed in and their support, while an anonymous
visitor's page still comes from the replica; once the replica catches up the person's
reads go back to it; a stopped replica costs no error page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from bench.cluster.postgres import PostgresPair, server_bin
from consult import replica as consult_replica
from tests.live import ROOT, Visitor, _free_port, start_live_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.dbless,  # it brings its own PostgreSQL pair: once per run is enough
    pytest.mark.skipif(server_bin() is None or os.geteuid() != 0,
                       reason="needs Debian's PostgreSQL server and root to run it as "
                              "postgres"),
]

PASSWORD = "banc-d-essai-2026"  # the invented citizens of bench.seed


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    pair = PostgresPair(_free_port(), _free_port())
    cleanups: list = [pair.stop]
    try:
        pair.start()
        live = start_live_server(
            tmp_path_factory, cleanups, workers=2, DATABASE_URL=pair.url(),
            DATABASE_REPLICA_URL=pair.url("replica"), PAGE_CACHE_SECONDS="0",
            ARGON2_TIME_COST="1", ARGON2_MEMORY_COST="1024", ARGON2_PARALLELISM="1")
        subprocess.run([sys.executable, "-m", "bench.seed", "--scale", "0.0005"], cwd=ROOT,
                       env=live["env"], check=True, capture_output=True)
        engine = create_engine(pair.url())
        with engine.connect() as conn:
            live["idea"] = conn.execute(text(  # one the two citizens did not support
                "SELECT id FROM ideas WHERE challenge_id = (SELECT id FROM challenges "
                "WHERE slug = 'grand-debat') AND id NOT IN (SELECT idea_id FROM supports "
                "JOIN users ON users.id = supports.user_id WHERE users.email IN "
                "('citoyen1@bench.consult.example', 'citoyen2@bench.consult.example')) "
                "ORDER BY id LIMIT 1")).scalar_one()
        engine.dispose()
        pair.wait_caught_up()
        live["pair"] = pair
        yield live
    finally:
        for cleanup in cleanups:
            cleanup()


def supports_shown(page: str) -> int:
    found = re.search(r"<strong data-supports-count>([\d\u202f\xa0 ]+)</strong>", page)
    assert found, "no supports figure on the page"
    return int(re.sub(r"\D", "", found.group(1)))


def lsn_cookie(visitor: Visitor) -> str | None:
    jar = next(h for h in visitor.opener.handlers if hasattr(h, "cookiejar")).cookiejar
    return next((c.value for c in jar if c.name == "consult_lsn"), None)


def test_a_person_reads_their_own_writes_while_others_read_the_replica(replicated):
    pair, idea = replicated["pair"], replicated["idea"]
    anonymous = Visitor(replicated["url"])
    status, page = anonymous.request(f"/idees/{idea}")
    assert status == 200
    before = supports_shown(page)

    pair.pause_replay()
    try:
        person = Visitor(replicated["url"])
        # signing in writes a session the paused replica does not have: the pages that
        # follow must still know the person (sign_in checks the page after the login)
        person.sign_in("citoyen1@bench.consult.example", PASSWORD)
        assert lsn_cookie(person) is not None
        assert person.post_json(f"/idees/{idea}/soutenir") == 200
        status, page = person.request(f"/idees/{idea}")
        assert status == 200
        assert f"/idees/{idea}/retirer-soutien" in page  # their support, shown as theirs
        assert supports_shown(page) == before + 1
        # everyone else's page comes from the replica, which has not replayed it yet
        status, page = anonymous.request(f"/idees/{idea}")
        assert status == 200 and supports_shown(page) == before
    finally:
        pair.resume_replay()

    pair.wait_caught_up()
    assert supports_shown(anonymous.request(f"/idees/{idea}")[1]) == before + 1
    status, page = person.request(f"/idees/{idea}")
    assert status == 200 and f"/idees/{idea}/retirer-soutien" in page
    assert lsn_cookie(person) is None  # caught up: back to the replica


def test_a_stopped_replica_costs_no_error_page(replicated):
    pair, idea = replicated["pair"], replicated["idea"]
    person = Visitor(replicated["url"])
    person.sign_in("citoyen2@bench.consult.example", PASSWORD)
    anonymous = Visitor(replicated["url"])
    pair.stop_replica()
    try:
        for _ in range(6):  # both workers, several times
            assert anonymous.request(f"/idees/{idea}")[0] == 200
            assert anonymous.request("/defis")[0] == 200
            assert person.request(f"/idees/{idea}")[0] == 200
        assert person.post_json(f"/idees/{idea}/soutenir") == 200
        log = replicated["log"].read_text()
        assert "read replica unavailable, reading from the primary" in log
        check = subprocess.run([sys.executable, "-m", "flask", "--app", "consult", "check"],
                               cwd=ROOT, env=replicated["env"], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stderr
    finally:
        pair.start_replica()
    pair.wait_caught_up()  # back, it catches up and is read again
    time.sleep(consult_replica.SET_ASIDE_SECONDS)
    assert anonymous.request(f"/idees/{idea}")[0] == 200
