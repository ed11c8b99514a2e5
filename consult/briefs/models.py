from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.challenges.models import Challenge
from consult.db import Base, enum_type, utcnow
from consult.ideas.models import Idea
from consult.organisations.models import Organisation


class BriefStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    PROTOTYPING = "prototyping"
    TESTING = "testing"
    ADOPTED = "adopted"
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return str(BRIEF_STATUS_LABELS[self])


BRIEF_STATUS_LABELS = {
    BriefStatus.DRAFT: _l("Brouillon"),
    BriefStatus.PUBLISHED: _l("Publié"),
    BriefStatus.PROTOTYPING: _l("Prototypage en cours"),
    BriefStatus.TESTING: _l("Tests avec les usagers"),
    BriefStatus.ADOPTED: _l("Adopté"),
    BriefStatus.ABANDONED: _l("Abandonné"),
}

# The life of a brief: which status may follow which.
NEXT_STATUSES = {
    BriefStatus.DRAFT: {BriefStatus.PUBLISHED},
    BriefStatus.PUBLISHED: {BriefStatus.PROTOTYPING, BriefStatus.ABANDONED},
    BriefStatus.PROTOTYPING: {BriefStatus.TESTING, BriefStatus.ABANDONED},
    BriefStatus.TESTING: {BriefStatus.PROTOTYPING, BriefStatus.ADOPTED, BriefStatus.ABANDONED},
    BriefStatus.ADOPTED: set(),
    BriefStatus.ABANDONED: set(),
}

brief_ideas = Table(
    "brief_ideas", Base.metadata,
    Column("brief_id", Integer, ForeignKey("briefs.id", ondelete="CASCADE"), primary_key=True),
    Column("idea_id", Integer, ForeignKey("ideas.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class Brief(Base):
    """A prototype brief. Its source ideas (lineage) are linked both ways."""

    __tablename__ = "briefs"
    __table_args__ = (
        CheckConstraint("status != 'abandoned' OR abandon_reason IS NOT NULL",
                        name="abandoned_has_reason"),
        CheckConstraint("status = 'draft' OR published_at IS NOT NULL",
                        name="published_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="RESTRICT"),
                                              index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"))  # the team or lab in charge
    title: Mapped[str] = mapped_column(String(160))
    problem_statement: Mapped[str] = mapped_column(Text)
    users_and_needs: Mapped[str] = mapped_column(Text, default="")
    proposed_solution: Mapped[str] = mapped_column(Text, default="")
    hypotheses: Mapped[str] = mapped_column(Text, default="")
    success_indicators: Mapped[str] = mapped_column(Text, default="")
    legal_constraints: Mapped[str] = mapped_column(Text, default="")
    budget_constraints: Mapped[str] = mapped_column(Text, default="")
    technical_constraints: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[BriefStatus] = mapped_column(enum_type(BriefStatus, "brief_status", 16),
                                                default=BriefStatus.DRAFT)
    abandon_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship(lazy="joined", innerjoin=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    ideas: Mapped[list[Idea]] = relationship(secondary=brief_ideas, lazy="selectin",
                                             order_by=Idea.id)
    milestones: Mapped[list[Milestone]] = relationship(
        lazy="selectin", order_by="Milestone.due_on", cascade="all, delete-orphan")
    journal: Mapped[list[BriefUpdate]] = relationship(
        lazy="selectin", order_by="BriefUpdate.created_at.desc()", cascade="all, delete-orphan")

    @property
    def is_public(self) -> bool:
        return self.status != BriefStatus.DRAFT


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class BriefUpdate(Base):
    """The brief's public journal: each status change and each news, dated."""

    __tablename__ = "brief_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                          index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[BriefStatus | None] = mapped_column(
        enum_type(BriefStatus, "brief_update_status", 16))  # set when the status changed
    text: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User | None] = relationship(lazy="joined")
