"""Persistent ORM objects built from the rows of a prebuilt Core statement, for the loads
signed-in requests make most: the person with their memberships
(accounts.operations.session_user), an idea with its challenge and phases
(ideas.views.idea_for_rules), a challenge with its phases
(challenges.queries.challenge_for_rules).

Loading through the ORM builds its row processors at every execution: the person cost
135 µs beyond the request's first statement against 50 µs for the same columns read by
a prebuilt Core statement and the objects built here; a challenge and its phases 265 µs
(two statements) against 120; an idea with its challenge and phases, already one
statement, 250 against 210 in a request (bench/README.md, sixth pass).

What is built is what the ORM would have given:

- the mapped columns that are not deferred, under their attribute names (a column
  property is its SQL expression, read by the statement like any column);
- an object already in the session is returned as it is, as the ORM does without
  ``populate_existing``;
- the object is persistent in the session (``make_transient_to_detached`` then what
  ``Session.add`` does for it, without its cascade): what it does not hold is expired
  and loads on access, its changes are flushed, the identity map knows it;
- a relationship is set only when the caller read all of it (``loaded``), with the
  order the relationship declares; any other loads on access as usual.

tests/core/test_loading.py compares every attribute with an ORM load."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached, scoped_session
from sqlalchemy.orm.attributes import set_committed_value


class Loader:
    """The columns to select for one mapped class, and the objects from their values."""

    def __init__(self, entity: type) -> None:
        self.mapper = inspect(entity)
        self.props = tuple(p for p in self.mapper.column_attrs if not p.deferred)
        self.keys = tuple(p.key for p in self.props)
        positions = {p.key: n for n, p in enumerate(self.props)}
        self.primary_key = tuple(positions[self.mapper.get_property_by_column(c).key]
                                 for c in self.mapper.primary_key)

    @property
    def columns(self) -> list:
        """What a statement selects for this class, in the order ``instance`` reads."""
        return [p.expression for p in self.props]

    def __len__(self) -> int:
        return len(self.props)

    def instance(self, session: Session | scoped_session,
                 values: Sequence[Any]) -> tuple[Any, bool]:
        """(the object of these values, whether it was built now); (None, False) for the
        empty side of an outer join."""
        if isinstance(session, scoped_session):
            session = session()
        identity = tuple(values[n] for n in self.primary_key)
        if any(value is None for value in identity):
            return None, False
        key = self.mapper.identity_key_from_primary_key(identity)
        existing = session.identity_map.get(key)
        if existing is not None:
            return existing, False
        instance = self.mapper.class_manager.new_instance()
        instance.__dict__.update(zip(self.keys, values, strict=True))
        make_transient_to_detached(instance)  # what is missing is expired
        # Session.add, without walking every relationship of the class for a cascade:
        # nothing is attached to a new object yet (a third of the time otherwise). A
        # private method of SQLAlchemy's Session (2.0 and 2.1): tests/core/test_loading.py
        # fails if it changes (the object would not be persistent, its changes lost)
        session._update_impl(inspect(instance))
        return instance, True


    def each(self, session: Session | scoped_session, rows: Iterable[Sequence[Any]],
             start: int, end: int | None = None) -> list:
        """The object of ``row[start:end]`` of each row, in their order, the empty side
        of an outer join left out (a challenge's phases, a row each)."""
        return [instance for instance, _built in
                (self.instance(session, row[start:end]) for row in rows)
                if instance is not None]


def loaded(instance: Any, relationship: str, values: Iterable[Any]) -> None:
    """Set ``instance.relationship`` to ``values`` as loaded from the database (a
    collection in the relationship's declared order; the caller read all of it)."""
    prop = inspect(instance).mapper.relationships[relationship]
    if prop.uselist:
        set_committed_value(instance, relationship, list(values))
    else:
        value = list(values)
        set_committed_value(instance, relationship, value[0] if value else None)
