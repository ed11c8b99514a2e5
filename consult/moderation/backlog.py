"""The moderation queue, kept as it changes (issue 17).

One row per item an agent has to look at — an idea waiting for publication, an idea or
a comment with open reports — with its challenge and the time since which it waits. The
queue page walks these rows by their index on ``since`` as far as its page, and counts
them by the index on (challenge, since): 0.1 ms at 2,800 items, where deriving the
queue at each request (a union of the pending ideas and the open reports grouped per
item) took 8.6 ms of a 16.8 ms page.

Nothing writes these rows but ``refresh``, which recomputes one item from what it is
made of (the idea's status, the item's open reports) and is called after every
operation that changes either: the moderation decisions directly, the ideas and the
reports through the ``moderation_item_changed`` event (they sit below this package),
the erasure of a reporter's account directly. Recomputing rather than adding and
subtracting makes a missed or repeated call harmless to the next one, and ``flask
check`` compares the rows with the queue derived from scratch (``derived``), which
``rebuild`` writes back (the migration that created the table, the benchmark's bulk
seed, the demonstration that back-dates its ideas).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    and_,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, mapped_column

from consult.comments.models import Comment, Report
from consult.core import events
from consult.db import Base, db
from consult.ideas.models import Idea, IdeaStatus
from consult.integrity import integrity_check


class QueueEntry(Base):
    """An item of the moderation queue. ``pending_since``: the idea waits for
    publication since it was proposed; ``reported_since``: its first open report;
    ``since`` orders the whole queue (an idea both pending and reported waits since it
    was proposed: every report on it came after)."""

    __tablename__ = "moderation_queue"
    __table_args__ = (
        CheckConstraint("kind IN ('idea', 'comment')", name="known_kind"),
        CheckConstraint("pending_since IS NOT NULL OR reported_since IS NOT NULL",
                        name="waits_for_something"),
        Index("ix_moderation_queue_since", "since"),
        Index("ix_moderation_queue_challenge_since", "challenge_id", "since"),
    )

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    pending_since: Mapped[datetime | None]
    reported_since: Mapped[datetime | None]
    since: Mapped[datetime]


def refresh(kind: str, target_id: int) -> None:
    """Recompute the queue's row of one idea or comment, after the operation's own
    writes, in its transaction. The item's own row is locked first (PostgreSQL; SQLite
    has one writer at a time): two operations on the same item — an agent's decision
    and a new report — recompute one after the other, the second seeing what the first
    committed, so neither can drop the row the other needs."""
    db.session.flush()
    if kind == "idea":
        source = db.session.execute(select(Idea.challenge_id, Idea.status, Idea.created_at)
                                    .where(Idea.id == target_id).with_for_update()).first()
        pending_since = (source.created_at if source and source.status == IdeaStatus.PENDING
                         else None)
    elif kind == "comment":
        source = db.session.execute(
            select(Idea.challenge_id).select_from(Comment).join(Idea, Idea.id == Comment.idea_id)
            .where(Comment.id == target_id).with_for_update(of=Comment)).first()
        pending_since = None
    else:
        raise ValueError(f"unknown kind of moderation item: {kind!r}")
    reported_since = db.session.scalar(select(func.min(Report.created_at)).where(
        Report.target_type == kind, Report.target_id == target_id,
        Report.resolved_at.is_(None)))
    db.session.execute(delete(QueueEntry).where(QueueEntry.kind == kind,
                                                QueueEntry.target_id == target_id))
    if source is not None and (pending_since or reported_since):
        db.session.execute(insert(QueueEntry).values(
            kind=kind, target_id=target_id, challenge_id=source.challenge_id,
            pending_since=pending_since, reported_since=reported_since,
            since=pending_since or reported_since))


@events.moderation_item_changed.connect
def _item_changed(kind: str, target_id: int) -> None:
    refresh(kind, target_id)


def derived():
    """The queue computed from scratch: (kind, target_id, challenge_id, pending_since,
    reported_since, since) of every item."""
    first_reports = select(Report.target_type, Report.target_id,
                           func.min(Report.challenge_id).label("challenge_id"),
                           func.min(Report.created_at).label("first")).where(
        Report.resolved_at.is_(None)).group_by(Report.target_type, Report.target_id).subquery()
    pending = select(literal("idea", String(16)).label("kind"), Idea.id.label("target_id"),
                     Idea.challenge_id, Idea.created_at.label("pending_since"),
                     first_reports.c.first.label("reported_since"),
                     Idea.created_at.label("since")).outerjoin(first_reports, and_(
                         first_reports.c.target_type == "idea",
                         first_reports.c.target_id == Idea.id)).where(
        Idea.status == IdeaStatus.PENDING)
    pending_ideas = select(Idea.id).where(Idea.status == IdeaStatus.PENDING)
    reported = select(first_reports.c.target_type, first_reports.c.target_id,
                      first_reports.c.challenge_id, null(), first_reports.c.first,
                      first_reports.c.first).where(~and_(
                          first_reports.c.target_type == "idea",
                          first_reports.c.target_id.in_(pending_ideas)))
    return union_all(pending, reported)


def rebuild() -> int:
    """Write the queue derived from scratch in place of the rows; how many items."""
    db.session.execute(delete(QueueEntry))
    columns = ["kind", "target_id", "challenge_id", "pending_since", "reported_since", "since"]
    db.session.execute(insert(QueueEntry).from_select(columns, derived()))
    return db.session.scalar(select(func.count()).select_from(QueueEntry))


@integrity_check
def queue_matches_items() -> list[str]:
    """The rows are the queue derived from scratch, item for item."""
    kept = set(db.session.execute(select(
        QueueEntry.kind, QueueEntry.target_id, QueueEntry.challenge_id,
        QueueEntry.pending_since, QueueEntry.reported_since, QueueEntry.since)).all())
    expected = set(db.session.execute(derived()).all())
    problems = []
    if missing := expected - kept:
        problems.append(f"file de modération, éléments absents ou datés autrement : "
                        f"{len(missing)} (dont {_first(missing)})")
    if extra := kept - expected:
        problems.append(f"file de modération, éléments en trop : {len(extra)} "
                        f"(dont {_first(extra)})")
    return problems


def _first(rows: set) -> list:
    return sorted(rows, key=lambda row: (row[0], row[1]))[:3]
