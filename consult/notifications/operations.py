from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select, update

from consult.core.sql import insert_ignore
from consult.db import db, utcnow
from consult.notifications.models import Follow, Notification


def follow(user, *, challenge=None, idea=None) -> None:
    insert_ignore(Follow.__table__, user_id=user.id,
                  challenge_id=challenge.id if challenge else None,
                  idea_id=idea.id if idea else None, created_at=utcnow())


def unfollow(user, *, challenge=None, idea=None) -> None:
    query = delete(Follow).where(Follow.user_id == user.id)
    if challenge is not None:
        query = query.where(Follow.challenge_id == challenge.id)
    else:
        query = query.where(Follow.idea_id == idea.id)
    db.session.execute(query)


def follower_ids(*, challenge=None, idea=None) -> set[int]:
    if challenge is not None:
        query = select(Follow.user_id).where(Follow.challenge_id == challenge.id)
    else:
        query = select(Follow.user_id).where(Follow.idea_id == idea.id)
    return set(db.session.scalars(query))


def notify(user_ids: Iterable[int], kind: str, *, challenge=None, idea=None,
           exclude: int | None = None, mailed: bool = False, **params: Any) -> int:
    """One notification per person (never twice for one event), in one INSERT. ``mailed``:
    a mail of its own already left, so no digest or important-news mail repeats it."""
    people = sorted({uid for uid in user_ids if uid != exclude})
    if not people:
        return 0
    if challenge is not None:
        params.setdefault("challenge_title", challenge.title)
    if idea is not None:
        params.setdefault("idea_title", idea.title)
    now = utcnow()
    db.session.execute(insert(Notification), [
        {"user_id": uid, "kind": kind, "challenge_id": challenge.id if challenge else None,
         "idea_id": idea.id if idea else None, "params": params, "created_at": now,
         "digested_at": now if mailed else None, "mailed_at": now if mailed else None}
        for uid in people])
    return len(people)


def mark_all_read(user) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(
        read_at=utcnow()))
