"""The replica's rules without a replica (the real pair: test_live_replica.py): only a
lost connection sets the replica aside, and the position cookie is read strictly."""

from __future__ import annotations

from flask import g, request
from sqlalchemy import create_engine
from sqlalchemy.exc import DataError, OperationalError

from consult import replica
from consult.db import db


def test_only_a_lost_connection_sets_the_replica_aside(app):
    saved = db.replica
    db.replica = replica.Replica(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/x"))
    try:
        with app.test_request_context("/idees/1"):
            g.consult_read_bind = object()  # this request read the replica
            # a request's own bad input must not turn the replica off for everybody
            assert not db.replica_failed(DataError("SELECT", {}, Exception("bad cast")))
            assert db.replica.set_aside_until == 0 and replica.REPLAY not in request.environ
            assert db.replica_failed(OperationalError("SELECT", {}, Exception("closed")))
            assert request.environ[replica.REPLAY] and db.replica.set_aside_until > 0
            g.pop("consult_read_bind")
        with app.test_request_context("/"):  # a request that never read the replica
            assert not db.replica_failed(OperationalError("SELECT", {}, Exception("x")))
    finally:
        db.replica = saved


def test_the_position_cookie_is_read_strictly(app):
    for value, read in (("0/3000148", "0/3000148"), ("a1/ff", "A1/FF"),
                        ("0/3000148'; DROP", None), ("", None), ("1/2/3", None)):
        with app.test_request_context("/", headers={"Cookie": f"{replica.LSN_COOKIE}={value}"}):
            assert replica.waited_position() == read, value
