"""What ideas, supports, comments, reports, follows and notifications hold about a
person (export), and what account deletion erases: follows, notifications and reports
go; ideas, comments and supports stay (under « compte supprimé ») so totals hold."""

from __future__ import annotations

import json

from sqlalchemy import Text, cast, delete, select

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.comments.models import Comment, Report
from consult.db import db
from consult.ideas.models import Idea, Support
from consult.moderation import backlog
from consult.notifications.models import Follow, Notification


@section("ideas")
def ideas(user: User) -> list[dict]:
    rows = db.session.scalars(select(Idea).where(Idea.author_id == user.id).order_by(Idea.id))
    return [{"id": i.id, "challenge": i.challenge.title, "title": i.title, "body": i.body,
             "status": str(i.status), "created_at": iso(i.created_at)} for i in rows]


@section("supports")
def supports(user: User) -> list[dict]:
    rows = db.session.execute(select(Support.created_at, Idea.id, Idea.title).join(
        Idea, Idea.id == Support.idea_id).where(Support.user_id == user.id)).all()
    return [{"idea_id": idea_id, "idea": title, "at": iso(at)} for at, idea_id, title in rows]


@section("comments")
def comments(user: User) -> list[dict]:
    rows = db.session.scalars(select(Comment).where(Comment.author_id == user.id))
    return [{"id": c.id, "idea_id": c.idea_id, "body": c.body, "status": str(c.status),
             "created_at": iso(c.created_at)} for c in rows]


@section("reports")
def reports(user: User) -> list[dict]:
    rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id))
    return [{"target": f"{r.target_type}:{r.target_id}", "reason": str(r.reason),
             "details": r.details, "at": iso(r.created_at)} for r in rows]


@section("follows")
def follows(user: User) -> list[dict]:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id))
    return [{"challenge_id": f.challenge_id, "idea_id": f.idea_id} for f in rows]


@section("notifications")
def notifications(user: User) -> list[dict]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    return [{"kind": n.kind, "params": n.params, "at": iso(n.created_at),
             "read_at": iso(n.read_at)} for n in rows]


@eraser
def erase_name_from_others_notifications(user: User) -> None:
    """Older notifications copied the replier's name into their text: point them to the
    account instead, so the name goes with it."""
    if not user.display_name:
        return
    needle = json.dumps(user.display_name)[1:-1]
    for notification in db.session.scalars(select(Notification).where(
            Notification.kind == "reply",
            cast(Notification.params, Text).contains(needle, autoescape=True))):
        params = dict(notification.params)
        if params.pop("author", None) == user.display_name:
            notification.params = {**params, "author_id": user.id}


@eraser
def erase_follows_and_notifications(user: User) -> None:
    for model in (Follow, Notification):
        db.session.execute(delete(model).where(model.user_id == user.id))
    reported = db.session.execute(select(Report.target_type, Report.target_id).where(
        Report.reporter_id == user.id, Report.resolved_at.is_(None))).all()
    db.session.execute(delete(Report).where(Report.reporter_id == user.id))
    for kind, target_id in reported:  # an item only this person reported leaves the queue
        backlog.refresh(kind, target_id)
