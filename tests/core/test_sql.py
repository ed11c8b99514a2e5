"""``core.sql.read`` runs a prebuilt SELECT on the driver's cursor: its rows must be what
SQLAlchemy's own execution gives (every conversion of parameters and columns), the
statement seen by the engine's listeners, and a driver's error raised as SQLAlchemy's."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import bindparam, column, event, exc, select, table

from consult.accounts.models import AgeBand, User
from consult.core import sql
from consult.core.sql import read
from consult.db import db
from tests.factories import UserFactory

_users = User.__table__
# an enum, a date and time, booleans, a NULL; a date and time as a parameter; a LIMIT
_PEOPLE = (select(_users.c.id, _users.c.age_band, _users.c.created_at,
                  _users.c.is_platform_admin, _users.c.important_mail, _users.c.deleted_at)
           .where(_users.c.created_at >= bindparam("since"),
                  _users.c.id.in_(select(_users.c.id).where(_users.c.id >= bindparam("low"))))
           .order_by(_users.c.id).limit(2))
_EXPANDING = select(_users.c.id).where(_users.c.id.in_(bindparam("ids", expanding=True)))


def test_a_read_gives_the_rows_sqlalchemy_gives(app):
    UserFactory(age_band=AgeBand.FROM_20, is_platform_admin=True)
    UserFactory()
    UserFactory()
    db.session.flush()
    params = {"since": datetime(2000, 1, 1), "low": 0}
    expected = [tuple(row) for row in db.session.connection().execute(_PEOPLE, params)]
    rows = read(_PEOPLE, **params)
    assert rows.all() == expected and len(rows) == 2  # the LIMIT's own parameter
    first = rows.first()
    assert first[1] is AgeBand.FROM_20 and isinstance(first[2], datetime)
    assert first[3] is True and first[5] is None
    assert rows.scalars() == [row[0] for row in expected] and rows.scalar() == expected[0][0]
    assert read(_PEOPLE, since=datetime(2100, 1, 1), low=0).first() is None
    assert sql._compiled(_PEOPLE, db.session.connection().dialect,
                         ("low", "since")) is not None  # kept


def test_pending_changes_are_flushed_and_an_in_list_goes_through_sqlalchemy(app):
    person = UserFactory()
    db.session.flush()
    person.age_band = AgeBand.FROM_60  # not flushed yet
    rows = read(_PEOPLE, since=datetime(2000, 1, 1), low=person.id)
    assert rows.first()[1] is AgeBand.FROM_60
    assert sql._compiled(_EXPANDING, db.session.connection().dialect, ("ids",)) is None
    assert list(read(_EXPANDING, ids=[person.id, -1]).scalars()) == [person.id]


def test_the_engines_listeners_see_each_read(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        read(_PEOPLE, since=datetime(2000, 1, 1), low=0)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len([s for s in seen if "FROM users" in s]) == 1


def test_a_drivers_error_is_sqlalchemys(app):
    """The replica's fallback and the pool's invalidation read SQLAlchemy's errors."""
    missing = select(column("x")).select_from(table("no_such_table")).where(
        column("x") == bindparam("x"))
    with pytest.raises(exc.DBAPIError):
        read(missing, x=1)
    db.session.rollback()


def test_statements_built_at_each_call_are_not_kept(app, monkeypatch):
    monkeypatch.setattr(sql, "_COMPILED", {})
    monkeypatch.setattr(sql, "_MOST", 2)
    for low in range(4):  # a new statement object each time
        statement = select(_users.c.id).where(_users.c.id >= bindparam("low")).limit(1)
        read(statement, low=low)
    assert len(sql._COMPILED) == 2


def test_a_prebuilt_write_sets_the_columns_defaults_or_goes_through_sqlalchemy(app):
    """An INSERT's constant defaults are given as SQLAlchemy gives them (a counter's row
    starts at 0); a default computed in Python (a date) sends it through SQLAlchemy."""
    from sqlalchemy import insert

    from consult.challenges.models import challenge_counters
    from consult.core.sql import add_to_counter, execute, insert_ignore
    from consult.notifications.models import Follow
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory()
    person = UserFactory()
    db.session.flush()
    add_to_counter(challenge_counters, "participants", 1, challenge_id=challenge.id, slot=3)
    add_to_counter(challenge_counters, "participants", 1, challenge_id=challenge.id, slot=3)
    counters = challenge_counters.c
    assert read(select(counters.supports, counters.participants).where(
        counters.challenge_id == bindparam("c")), c=challenge.id).all() == [(0, 2)]
    follows = Follow.__table__
    dated = insert(follows).values(user_id=bindparam("u"), challenge_id=bindparam("c"))
    assert sql._compiled(dated, db.session.connection().dialect, ("c", "u")) is None  # utcnow()
    execute(dated, {"u": person.id, "c": challenge.id})
    assert db.session.scalar(select(Follow.created_at)) is not None
    assert insert_ignore(challenge_counters, challenge_id=challenge.id, slot=3) is False


def test_a_refused_write_raises_sqlalchemys_integrity_error(app):
    from sqlalchemy import insert

    from consult.challenges.models import challenge_counters
    from consult.core.sql import execute
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory()
    db.session.flush()
    row = insert(challenge_counters).values(challenge_id=bindparam("c"), slot=bindparam("s"))
    execute(row, {"c": challenge.id, "s": 1})
    with pytest.raises(exc.IntegrityError):  # the same slot again
        execute(row, {"c": challenge.id, "s": 1})
    db.session.rollback()


def test_an_insert_without_values_sets_the_columns_its_parameters_name(app):
    """As SQLAlchemy compiles it: the columns come from the parameters' names (a
    pairwise choice), so each set of names is its own statement; an UPDATE's rowcount
    says whether it changed a row (a pair claimed once)."""
    from sqlalchemy import insert, update

    from consult.challenges.models import challenge_counters
    from consult.core.sql import execute
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory()
    db.session.flush()
    counters = challenge_counters.c
    row = insert(challenge_counters).returning(counters.slot)
    assert execute(row, {"challenge_id": challenge.id, "slot": 1, "supports": 5}
                   ).scalar_one() == 1
    assert execute(row, {"challenge_id": challenge.id, "slot": 2, "participants": 7}
                   ).one() == (2,)
    both = select(counters.slot, counters.supports, counters.participants).where(
        counters.challenge_id == bindparam("c")).order_by(counters.slot)
    assert read(both, c=challenge.id).all() == [(1, 5, 0), (2, 0, 7)]
    claim = (update(challenge_counters).where(counters.challenge_id == bindparam("c"),
                                              counters.supports == 5)
             .values(supports=counters.supports + 1))
    assert execute(claim, {"c": challenge.id}).rowcount == 1
    assert execute(claim, {"c": challenge.id}).rowcount == 0  # already claimed
    with pytest.raises(exc.NoResultFound):
        read(both, c=-1).one()
