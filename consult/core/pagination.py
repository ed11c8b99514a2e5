"""Offset pagination for pages (bounded: a page number beyond the last shows the last)."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from consult.db import db

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(value: Any) -> int:
    try:
        return max(1, min(int(value), 100_000))
    except (TypeError, ValueError):
        return 1


def count_rows(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) or 0


def paginate(query: Select, number: int, size: int = 20, total: int | None = None) -> Page:
    """One page of ``query``; ``total`` may be given when a counter already holds it."""
    if total is None:
        total = count_rows(query)
    number = min(number, max(1, ceil(total / size)))
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(items=items, number=number, size=size, total=total)
