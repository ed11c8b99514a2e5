"""Cursor (keyset) pagination: each page continues after the last row of the previous
one, on an ordering that always ends with the id, so no row is skipped or repeated
while rows are added, and deep pages cost the same as the first."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from consult.api.errors import ApiError
from consult.db import db


@dataclass(frozen=True)
class Ordering:
    """Columns of a total order (the last one unique), all ascending or all descending."""

    name: str
    columns: Sequence[ColumnElement]
    descending: bool
    types: Sequence[type]  # int, datetime: how cursor values are read back

    def order_by(self) -> list:
        return [c.desc() if self.descending else c.asc() for c in self.columns]


def _encode(ordering: Ordering, values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps([ordering.name, *plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(ordering: Ordering, cursor: str) -> list[Any]:
    invalid = ApiError(400, "invalid_cursor", _("Curseur invalide : reprenez depuis la "
                         "première page ou gardez le même tri."), "cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, *values = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise invalid from exc
    if name != ordering.name or len(values) != len(ordering.types):
        raise invalid
    decoded = []
    for kind, value in zip(ordering.types, values, strict=True):
        try:
            if kind is datetime:
                decoded.append(datetime.fromisoformat(value))
            elif kind is int and type(value) is int and abs(value) < 2**62:
                decoded.append(value)
            else:
                raise TypeError
        except (TypeError, ValueError) as exc:
            raise invalid from exc
    return decoded


def page(query: Select, ordering: Ordering, cursor: str | None, limit: int,
         key: Callable[[Any], Sequence[Any]]) -> tuple[list[Any], str | None]:
    """One page of ``query`` after ``cursor``; ``key(row)`` gives the ordering's values."""
    if cursor:
        values = _decode(ordering, cursor)
        row = tuple_(*ordering.columns)
        bound = tuple_(*values)
        query = query.where(row < bound if ordering.descending else row > bound)
    rows = list(db.session.scalars(query.order_by(*ordering.order_by()).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, _encode(ordering, key(rows[-1]))
