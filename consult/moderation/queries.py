"""The moderation queue and log: only the challenges of the agent's organisations."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select

from consult.audit.labels import action_label
from consult.audit.models import ActionLog
from consult.challenges.models import Challenge, CharterRule, challenge_organisations
from consult.comments.models import Comment, CommentStatus, Report
from consult.core.spreadsheet import safe_cell
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus


def moderated_challenge_ids(user) -> Select:
    """The challenges this person moderates (all of them for a platform administrator)."""
    if user.is_platform_admin:
        return select(Challenge.id)
    organisation_ids = [m.organisation_id for m in user.memberships]
    return select(challenge_organisations.c.challenge_id).where(
        challenge_organisations.c.organisation_id.in_(organisation_ids))


def moderated_challenges(user) -> list:
    """Id, title and slug of each challenge this person moderates (the queue's filter
    and links): rows, not objects — an agent of a busy organisation has many, and
    loading each challenge with its phases and organisations was half of the queue's
    time."""
    return list(db.session.execute(select(Challenge.id, Challenge.title, Challenge.slug).where(
        Challenge.id.in_(moderated_challenge_ids(user))).order_by(Challenge.title)))


@dataclass
class QueueItem:
    kind: str  # "idea" or "comment"
    target: Idea | Comment
    idea: Idea
    pending: bool
    reports: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    since: datetime | None = None


def queue(user, *, challenge_id: int | None = None, kind: str = "", oldest_first=False,
          limit: int = 100) -> list[QueueItem]:
    """Pending ideas, and reported ideas and comments with their reports grouped."""
    allowed = moderated_challenge_ids(user)
    items: dict[tuple[str, int], QueueItem] = {}
    if kind in ("", "pending"):
        query = select(Idea).where(Idea.status == IdeaStatus.PENDING,
                                   Idea.challenge_id.in_(allowed))
        if challenge_id:
            query = query.where(Idea.challenge_id == challenge_id)
        for idea in db.session.scalars(query.limit(limit)):
            items[("idea", idea.id)] = QueueItem("idea", idea, idea, True, since=idea.created_at)
    if kind in ("", "reported"):
        query = select(Report).where(Report.resolved_at.is_(None),
                                     Report.challenge_id.in_(allowed))
        if challenge_id:
            query = query.where(Report.challenge_id == challenge_id)
        reports = list(db.session.scalars(query.order_by(Report.created_at).limit(limit * 20)))
        ideas = {i.id: i for i in db.session.scalars(select(Idea).where(Idea.id.in_(
            {r.target_id for r in reports if r.target_type == "idea"})))}
        comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(
            {r.target_id for r in reports if r.target_type == "comment"})))}
        missing = {c.idea_id for c in comments.values()} - ideas.keys()
        ideas.update({i.id: i for i in db.session.scalars(select(Idea).where(
            Idea.id.in_(missing)))})
        for report in reports:
            key = (report.target_type, report.target_id)
            if key not in items:
                target = (ideas if report.target_type == "idea" else comments).get(report.target_id)
                if target is None:
                    continue
                idea = target if isinstance(target, Idea) else ideas[target.idea_id]
                items[key] = QueueItem(report.target_type, target, idea,
                                       pending=getattr(target, "status", None)
                                       == IdeaStatus.PENDING, since=report.created_at)
            item = items[key]
            item.reports += 1
            label = report.reason.label
            item.reasons[label] = item.reasons.get(label, 0) + 1
            if report.details:
                item.details.append(report.details)
            item.since = min(item.since, report.created_at) if item.since else report.created_at
    ordered = sorted(items.values(), key=lambda i: i.since or datetime.min,
                     reverse=not oldest_first)
    return ordered[:limit]


def moderation_log(challenge: Challenge, limit: int | None = 500) -> list[ActionLog]:
    query = select(ActionLog).where(ActionLog.challenge_id == challenge.id).order_by(
        ActionLog.created_at.desc(), ActionLog.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


def log_as_csv(challenge: Challenge) -> str:
    """CSV (UTF-8, comma, CRLF, quoted) of the log; cells that a spreadsheet would read
    as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["date", "agent", "action", "action_code", "cible", "cible_id", "raison",
                     "details"])
    for entry in moderation_log(challenge, limit=None):
        writer.writerow([safe_cell(v) for v in (
            entry.created_at.isoformat(timespec="seconds"),
            entry.actor.public_name if entry.actor else "automatique", action_label(entry),
            entry.action,
            entry.target_type, entry.target_id or "", entry.reason or "",
            ", ".join(f"{k}={v}" for k, v in sorted((entry.details or {}).items())))])
    return buffer.getvalue()


def public_figures(challenge: Challenge) -> dict:
    """What the challenge page shows: published and rejected ideas, per charter rule."""
    # published ideas are the challenge's counter; the others are few and counted from
    # the index (a GROUP BY over every idea cost 10 ms at 200,000 ideas)
    statuses = dict(db.session.execute(select(Idea.status, func.count()).where(
        Idea.challenge_id == challenge.id, Idea.status.in_(
            [s for s in IdeaStatus if s != IdeaStatus.PUBLISHED])).group_by(Idea.status)).all())
    statuses[IdeaStatus.PUBLISHED] = challenge.ideas_count
    by_rule = db.session.execute(select(CharterRule.label, func.count(Idea.id)).join(
        Idea, Idea.rejection_rule_id == CharterRule.id).where(
        Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.REJECTED).group_by(
        CharterRule.label).order_by(func.count(Idea.id).desc())).all()
    # from the few hidden comments to their ideas (EXISTS), never from every idea of a
    # large challenge to its comments
    hidden_comments = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.status == CommentStatus.HIDDEN,
        select(Idea.id).where(Idea.id == Comment.idea_id,
                              Idea.challenge_id == challenge.id).exists()))
    return {"published": statuses.get(IdeaStatus.PUBLISHED, 0),
            "rejected": statuses.get(IdeaStatus.REJECTED, 0),
            "hidden": statuses.get(IdeaStatus.HIDDEN, 0),
            "merged": statuses.get(IdeaStatus.MERGED, 0),
            "pending": statuses.get(IdeaStatus.PENDING, 0),
            "rejected_by_rule": by_rule, "hidden_comments": hidden_comments}


def open_reports(target_type: str, target_id: int) -> list[Report]:
    return list(db.session.scalars(select(Report).where(
        Report.target_type == target_type, Report.target_id == target_id,
        Report.resolved_at.is_(None)).order_by(Report.created_at)))
