"""Dates are stored in naive UTC; people type and read them in the platform's time zone
(Europe/Paris by default)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))


def local_to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(_zone()).replace(tzinfo=None)


def today_in_paris() -> date:
    """Today's date where the platform's people are (its time zone)."""
    return utc_to_local(datetime.now(UTC).replace(tzinfo=None)).date()
