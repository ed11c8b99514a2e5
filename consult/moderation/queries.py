"""The moderation queue and log: only the challenges of the agent's organisations."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from consult.accounts.models import User
from consult.audit.labels import action_label
from consult.audit.models import ActionLog
from consult.challenges.models import Challenge, CharterRule, challenge_organisations
from consult.comments.models import Comment, CommentStatus, Report
from consult.core.pagination import Page, count_rows
from consult.core.spreadsheet import safe_cell
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from consult.moderation.backlog import QueueEntry


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


QUEUE_PAGE_SIZE = 25


def _queue_keys(user, challenge_id: int | None, kind: str, *, counting=False) -> Select:
    """(kind, target id, since) of the items of the queue asked, from the queue's rows
    (``backlog``): pending ideas since they were proposed, reported ideas and comments
    since their first open report (an idea both pending and reported is one item,
    since it was proposed; among the reported, since its first report)."""
    since = {"pending": QueueEntry.pending_since,
             "reported": QueueEntry.reported_since}.get(kind, QueueEntry.since)
    keys = select(QueueEntry.kind, QueueEntry.target_id, since.label("since"))
    if kind:
        keys = keys.where(since.is_not(None))
    if challenge_id:
        keys = keys.where(QueueEntry.challenge_id == challenge_id)
    if user.is_platform_admin:
        return keys
    if counting:  # counted from the index on (challenge, since): 0.08 ms at 2,800 items
        return keys.where(QueueEntry.challenge_id.in_(moderated_challenge_ids(user)))
    # a page: the same challenges as an EXISTS, so that the planner walks the queue by
    # its index on ``since`` as far as the page asks (0.03 ms), instead of gathering
    # every item of the agent's challenges to sort them (0.85 ms; SQLite)
    return keys.where(moderated_challenge_ids(user).where(
        challenge_organisations.c.challenge_id == QueueEntry.challenge_id).exists())


# what the queue shows of an idea: its author, its challenge's title; not its theme, its
# territory, nor its challenge's territory, organisations, themes and phases (loaded for
# each page: 14 → 11 statements with pending ideas in three challenges)
_QUEUE_IDEA_LOADING = (
    load_only(Idea.id, Idea.challenge_id, Idea.author_id, Idea.title, Idea.status,
              Idea.created_at),  # not its body, the longest column (read on its page)
    lazyload(Idea.theme), lazyload(Idea.territory),
    joinedload(Idea.challenge).load_only(Challenge.id, Challenge.title, Challenge.slug)
    .lazyload("*"),
    joinedload(Idea.author).load_only(User.id, User.display_name, User.deleted_at)
    .lazyload("*"))


def queue(user, *, challenge_id: int | None = None, kind: str = "", oldest_first=False,
          page: int = 1, size: int = QUEUE_PAGE_SIZE) -> Page[QueueItem]:
    """One page of the pending ideas and the reported ideas and comments (their reports
    grouped), in the order asked: every item is reached, however long the queue."""
    keys = _queue_keys(user, challenge_id, kind)
    since = keys.selected_columns.since
    ordered = keys.order_by(since.asc() if oldest_first else since.desc(),
                            QueueEntry.kind, QueueEntry.target_id).limit(size)
    # the length apart from the page: from the queue's rows both are a walk of an index
    # (0.1 ms at 2,800 items), where one statement with a window count must read them all
    total = count_rows(_queue_keys(user, challenge_id, kind, counting=True))
    number = min(page, max(1, ceil(total / size)))  # a link kept while others decided
    rows = db.session.execute(ordered.offset((number - 1) * size)).all() if total else []
    idea_ids = {row.target_id for row in rows if row.kind == "idea"}
    comments = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(
        {row.target_id for row in rows if row.kind == "comment"})))}
    ideas = {i.id: i for i in db.session.scalars(select(Idea).where(Idea.id.in_(
        idea_ids | {c.idea_id for c in comments.values()})).options(*_QUEUE_IDEA_LOADING))}
    reports: dict[tuple[str, int], list[Report]] = {}
    if kind in ("", "reported") and rows:
        for report in db.session.scalars(select(Report).where(
                Report.resolved_at.is_(None),
                or_(and_(Report.target_type == "idea", Report.target_id.in_(idea_ids)),
                    and_(Report.target_type == "comment",
                         Report.target_id.in_(comments.keys())))).order_by(Report.created_at)):
            reports.setdefault((report.target_type, report.target_id), []).append(report)
    items = []
    for row in rows:
        target = (ideas if row.kind == "idea" else comments).get(row.target_id)
        if target is None:
            continue
        idea = target if isinstance(target, Idea) else ideas[target.idea_id]
        item = QueueItem(row.kind, target, idea, pending=getattr(target, "status", None)
                         == IdeaStatus.PENDING, since=row.since)
        for report in reports.get((row.kind, row.target_id), []):
            item.reports += 1
            label = report.reason.label
            item.reasons[label] = item.reasons.get(label, 0) + 1
            if report.details:
                item.details.append(report.details)
        items.append(item)
    return Page(items=items, number=number, size=size, total=total)


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
