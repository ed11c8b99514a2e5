"""What the platform holds about a person, and how it is erased.

Each domain registers a *section* (what it holds about a person, for the JSON export)
and an *eraser* (what to remove when the account is deleted). The export and the
deletion therefore grow with the platform instead of forgetting a new table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from consult.accounts.models import User

Section = Callable[[User], Any]
Eraser = Callable[[User], None]

SECTIONS: dict[str, Section] = {}
ERASERS: list[Eraser] = []


def section(name: str) -> Callable[[Section], Section]:
    def register(func: Section) -> Section:
        SECTIONS[name] = func
        return func

    return register


def eraser(func: Eraser) -> Eraser:
    ERASERS.append(func)
    return func


def iso(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None
