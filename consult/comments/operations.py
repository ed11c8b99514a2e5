from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from consult.accounts.models import User
from consult.challenges.models import Challenge
from consult.challenges.operations import ensure_participation
from consult.comments import permissions as rules
from consult.comments.models import Comment, CommentStatus, Report, ReportReason
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit
from consult.core.sql import insert_ignore
from consult.db import db, utcnow
from consult.ideas.models import Idea, IdeaStatus
from consult.ideas.permissions import comment_problem


def post_comment(user: User, idea: Idea, body: str, parent: Comment | None = None) -> Comment:
    problem = comment_problem(user, idea)
    if problem:
        raise Refused(problem)
    if parent is not None:
        if parent.idea_id != idea.id or parent.status != CommentStatus.PUBLISHED:
            raise Refused(_("On ne peut répondre qu’à un commentaire publié de cette idée."))
        if parent.parent_id is not None:  # one level of replies: answer in the same thread
            parent = db.session.get(Comment, parent.parent_id)
    comment = Comment(idea_id=idea.id, author=user, body=body.strip(),
                      parent_id=parent.id if parent else None)
    db.session.add(comment)
    db.session.flush()
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(
        comments_count=Idea.comments_count + 1))
    ensure_participation(user, idea.challenge)
    emit(events.comment_posted, comment, idea=idea, author=user, parent=parent)
    return comment


def edit_comment(user: User, comment: Comment, body: str) -> None:
    problem = rules.own_comment_problem(user, comment)
    if problem:
        raise Refused(problem)
    comment.body = body.strip()
    comment.edited_at = utcnow()


def delete_comment(user: User, comment: Comment) -> None:
    problem = rules.own_comment_problem(user, comment)
    if problem:
        raise Refused(problem)
    comment.body = ""
    comment.status = CommentStatus.DELETED
    comment.edited_at = utcnow()
    db.session.execute(update(Idea).where(Idea.id == comment.idea_id).values(
        comments_count=Idea.comments_count - 1))


def report(user: User, target: Idea | Comment, reason: ReportReason, details: str = "") -> bool:
    """Report once per person and item; returns False when already reported. Reaching the
    challenge's threshold of distinct reporters hides the item until an agent decides."""
    problem = rules.report_problem(user)
    if problem:
        raise Refused(problem)
    target_type = "idea" if isinstance(target, Idea) else "comment"
    idea = target if isinstance(target, Idea) else db.session.get(Idea, target.idea_id)
    inserted = insert_ignore(Report.__table__, target_type=target_type, target_id=target.id,
                             challenge_id=idea.challenge_id, reporter_id=user.id,
                             reason=reason.value, details=details.strip()[:2000],
                             created_at=utcnow())
    if not inserted:
        return False
    threshold = idea.challenge.auto_hide_threshold
    if threshold:
        count = db.session.scalar(select(func.count()).where(
            Report.target_type == target_type, Report.target_id == target.id,
            Report.resolved_at.is_(None)))
        if count >= threshold:
            _auto_hide(target, idea)
    emit(events.moderation_item_changed, target_type, target_id=target.id)
    return True


def _auto_hide(target: Idea | Comment, idea: Idea) -> None:
    from consult.core.events import record

    if isinstance(target, Idea) and target.status == IdeaStatus.PUBLISHED:
        target.status = IdeaStatus.HIDDEN
        db.session.execute(update(Challenge).where(Challenge.id == idea.challenge_id).values(
            ideas_count=Challenge.ideas_count - 1))
        record(None, "idea.auto_hide", target, reason="reports_threshold")
    elif isinstance(target, Comment) and target.status == CommentStatus.PUBLISHED:
        target.status = CommentStatus.HIDDEN
        db.session.execute(update(Idea).where(Idea.id == idea.id).values(
            comments_count=Idea.comments_count - 1))
        record(None, "comment.auto_hide", target, reason="reports_threshold")
