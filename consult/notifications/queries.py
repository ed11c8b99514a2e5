from __future__ import annotations

from sqlalchemy import func, select

from consult.db import db
from consult.notifications.models import Notification


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))
