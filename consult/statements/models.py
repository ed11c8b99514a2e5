"""Statements, the votes on them, and the opinion groups computed from the votes."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, enum_type, utcnow

MAX_STATEMENT = 280  # as short as Pol.is': one idea, read in a glance


class StatementStatus(enum.StrEnum):
    PENDING = "pending"  # waits for the challenge's moderation
    PUBLISHED = "published"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return str({StatementStatus.PENDING: _l("En attente de modération"),
                    StatementStatus.PUBLISHED: _l("Publiée"),
                    StatementStatus.REJECTED: _l("Refusée")}[self])


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (Index("ix_statements_challenge_status", "challenge_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(MAX_STATEMENT))
    status: Mapped[StatementStatus] = mapped_column(
        enum_type(StatementStatus, "statement_status", 12), default=StatementStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[datetime | None]
    agree: Mapped[int] = mapped_column(default=0)
    disagree: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)


class StatementVote(Base):
    """One person's answer to one statement: 1 agree, -1 disagree, 0 pass; changeable."""

    __tablename__ = "statement_votes"
    __table_args__ = (UniqueConstraint("statement_id", "user_id"),
                      CheckConstraint("value IN (-1, 0, 1)", name="value_known"),
                      Index("ix_statement_votes_challenge", "challenge_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpinionReport(Base):
    """The last computation of a challenge's opinion groups: the method, its inputs'
    fingerprint and what it found (groups, their statements, consensus, divisive,
    the anonymous map), kept as data to show and to publish."""

    __tablename__ = "opinion_reports"

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    participants: Mapped[int] = mapped_column(default=0)
    votes: Mapped[int] = mapped_column(default=0)
    method: Mapped[str] = mapped_column(String(200))
    report: Mapped[dict] = mapped_column(JSON, default=dict)
