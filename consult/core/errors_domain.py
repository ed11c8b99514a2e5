"""The one exception operations raise to refuse something, with a message for a person.

A refusal rolls back what the request wrote (issue 16): every ``Refused`` made while a
request runs is noted on the request, and the request's transaction is committed only
if each of them was *contained* — raised inside ``refusable()``, which undid what the
operation wrote before refusing (a savepoint). A view that catches a refusal and answers
with a redirect, a re-rendered form or a JSON 409 therefore never commits a half-done
operation, whether or not its author remembered to roll back; a view that wants the
other writes of the request to stay (a batch where one item is refused) runs each item
inside ``refusable()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_request_context


class Refused(Exception):
    """An action refused for a reason a person can read and act on."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.contained = False
        if has_request_context():
            g.setdefault("consult_refusals", []).append(self)


@contextmanager
def refusable() -> Iterator[None]:
    """Run operations that may refuse: on ``Refused``, everything written inside the block
    is undone (a savepoint) and the refusal goes on to the caller, contained; what the
    request wrote outside the block stays."""
    from consult.db import db

    savepoint = db.session.begin_nested()
    try:
        yield
    except BaseException as error:
        if savepoint.is_active:
            savepoint.rollback()
        if isinstance(error, Refused):
            error.contained = True
        raise
    if savepoint.is_active:
        savepoint.commit()
