"""Reading query-string parameters without ever failing on what a person typed."""

from __future__ import annotations

import enum
from typing import TypeVar

from flask import request

E = TypeVar("E", bound=enum.Enum)


def int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def enum_arg(name: str, enum_cls: type[E], default: E | None = None) -> E | None:
    try:
        return enum_cls(request.args.get(name, ""))
    except ValueError:
        return default


def text_arg(name: str, limit: int = 200) -> str:
    return (request.args.get(name) or "").strip()[:limit]
