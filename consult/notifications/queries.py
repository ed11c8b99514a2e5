from __future__ import annotations

from sqlalchemy import bindparam, func, select

from consult.accounts.operations import header_read
from consult.core.sql import read
from consult.db import db
from consult.notifications.models import Notification

_notifications = Notification.__table__


def _unread_of(person):
    return select(func.count()).select_from(_notifications).where(
        _notifications.c.user_id == person, _notifications.c.read_at.is_(None))


_UNREAD = _unread_of(bindparam("person"))
# the header's count, read with the session's statement on a page (asked through
# ``once_per_request("unread")``, notifications.views.unread_notifications)
header_read("unread", lambda person: _unread_of(person).scalar_subquery())


def unread_count(user) -> int:
    """The header's count (every signed-in page): a statement built once."""
    return read(_UNREAD, person=user.id).scalar() or 0


def recent(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))
