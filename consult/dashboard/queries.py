from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, literal_column, select

from consult.briefs.models import Brief
from consult.challenges.models import Challenge, challenge_organisations
from consult.comments.models import Comment, CommentStatus, Report
from consult.db import db, utcnow
from consult.ideas.models import Idea, IdeaStatus, Support


def challenge_ids(organisation_id: int):
    return select(challenge_organisations.c.challenge_id).where(
        challenge_organisations.c.organisation_id == organisation_id)


def week_start(column):
    """The Monday of the row's week, as a date, on both dialects."""
    if db.dialect == "postgresql":
        return func.date(func.date_trunc(literal_column("'week'"), column))
    return func.date(column, "-6 days", "weekday 1")


@dataclass
class Week:
    start: date
    ideas: int = 0
    supports: int = 0
    comments: int = 0


def participation_by_week(organisation_id: int, weeks: int = 12) -> list[Week]:
    since = utcnow() - timedelta(weeks=weeks)
    ids = challenge_ids(organisation_id)
    series = {
        "ideas": select(week_start(Idea.created_at), func.count()).where(
            Idea.challenge_id.in_(ids), Idea.created_at >= since),
        "supports": select(week_start(Support.created_at), func.count()).where(
            Support.challenge_id.in_(ids), Support.created_at >= since),
        "comments": select(week_start(Comment.created_at), func.count()).join(
            Idea, Idea.id == Comment.idea_id).where(Idea.challenge_id.in_(ids),
                                                    Comment.created_at >= since),
    }
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday())
    table = {monday - timedelta(weeks=n): Week(monday - timedelta(weeks=n))
             for n in range(weeks - 1, -1, -1)}
    for name, query in series.items():
        for start, count in db.session.execute(query.group_by(literal_column("1"))).all():
            start = start if isinstance(start, date) else date.fromisoformat(str(start)[:10])
            if start in table:
                setattr(table[start], name, count)
    return list(table.values())


def per_challenge(organisation_id: int) -> list[tuple[Challenge, int]]:
    comments = select(Idea.challenge_id, func.count(Comment.id).label("n")).join(
        Comment, Comment.idea_id == Idea.id).where(
        Comment.status == CommentStatus.PUBLISHED).group_by(Idea.challenge_id).subquery()
    rows = db.session.execute(select(Challenge, func.coalesce(comments.c.n, 0)).outerjoin(
        comments, comments.c.challenge_id == Challenge.id).where(
        Challenge.id.in_(challenge_ids(organisation_id))).order_by(
        Challenge.created_at.desc())).all()
    return [(challenge, count) for challenge, count in rows]


def _median_hours(pairs) -> float | None:
    delays = [(end - start).total_seconds() / 3600 for start, end in pairs if start and end]
    return round(median(delays), 1) if delays else None


@dataclass
class Answers:
    published: int
    answered: int
    median_hours: float | None

    @property
    def rate(self) -> float:
        return self.answered / self.published if self.published else 0.0


def answers(organisation_id: int) -> Answers:
    ids = challenge_ids(organisation_id)
    published = db.session.scalar(select(func.count()).where(
        Idea.challenge_id.in_(ids), Idea.status == IdeaStatus.PUBLISHED)) or 0
    pairs = db.session.execute(select(Idea.published_at, Idea.answered_at).where(
        Idea.challenge_id.in_(ids), Idea.status == IdeaStatus.PUBLISHED,
        Idea.answered_at.is_not(None)).limit(20_000)).all()
    return Answers(published, len(pairs), _median_hours(pairs))


def moderation_delays(organisation_id: int) -> dict[str, float | None]:
    ids = challenge_ids(organisation_id)
    decided = db.session.execute(select(Idea.created_at, Idea.moderated_at).where(
        Idea.challenge_id.in_(ids), Idea.moderated_at.is_not(None)).limit(20_000)).all()
    reports = db.session.execute(select(Report.created_at, Report.resolved_at).where(
        Report.challenge_id.in_(ids), Report.resolved_at.is_not(None)).limit(20_000)).all()
    pending = db.session.scalar(select(func.count()).where(
        Idea.challenge_id.in_(ids), Idea.status == IdeaStatus.PENDING)) or 0
    open_reports = db.session.scalar(select(func.count()).where(
        Report.challenge_id.in_(ids), Report.resolved_at.is_(None))) or 0
    return {"ideas_hours": _median_hours(decided), "reports_hours": _median_hours(reports),
            "pending": pending, "open_reports": open_reports}


def briefs_of(organisation_id: int) -> list[Brief]:
    return list(db.session.scalars(select(Brief).where(
        (Brief.organisation_id == organisation_id)
        | Brief.challenge_id.in_(challenge_ids(organisation_id))).order_by(
        Brief.created_at.desc())))

