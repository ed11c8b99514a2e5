"""Reading query-string parameters without ever failing on what a person typed."""

from __future__ import annotations

import enum
from typing import TypeVar

from flask import request

E = TypeVar("E", bound=enum.Enum)


MAX_ID = 2**31 - 1  # what an integer column holds on both databases


def parse_id(value: object) -> int | None:
    """A positive id from what a person sent, or None: ASCII digits only (« ² » and other
    scripts' digits are digits to Python, not ids), within what the database holds."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def is_number(value: object) -> bool:
    """Plain digits 0-9 (``"²".isdigit()`` is true, yet ``int("²")`` fails), ten at most."""
    text = str(value if value is not None else "")
    return text.isascii() and text.isdigit() and len(text) <= 10


def parse_ids(values) -> list[int]:
    return [number for number in map(parse_id, values) if number is not None]


def int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))


def enum_arg(name: str, enum_cls: type[E], default: E | None = None) -> E | None:
    try:
        return enum_cls(request.args.get(name, ""))
    except ValueError:
        return default


def text_arg(name: str, limit: int = 200) -> str:
    """Text typed in a search box: control characters dropped (PostgreSQL refuses NUL;
    the others are never meant), spaces trimmed, length bounded."""
    import re

    return re.sub(r"[\x00-\x1f\x7f]", "", request.args.get(name) or "").strip()[:limit]
