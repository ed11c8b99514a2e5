"""A request for an opinion on an idea, from a challenge's organisations to another."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db import Base, enum_type, utcnow
from consult.ideas.models import Idea
from consult.organisations.models import Organisation

MAX_QUESTION = 2000
MAX_OPINION = 5000


class OpinionStatus(enum.StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str({OpinionStatus.PENDING: _l("En attente"),
                    OpinionStatus.ANSWERED: _l("Avis donné"),
                    OpinionStatus.WITHDRAWN: _l("Demande retirée")}[self])


class OpinionRequest(Base):
    __tablename__ = "opinion_requests"
    __table_args__ = (Index("ix_opinion_requests_asked", "asked_organisation_id", "status"),
                      Index("ix_opinion_requests_idea", "idea_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    asked_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date]
    status: Mapped[OpinionStatus] = mapped_column(
        enum_type(OpinionStatus, "opinion_status", 10), default=OpinionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    opinion: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    cited_at: Mapped[datetime | None]  # cited with the official answer: public from then
    cited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    idea: Mapped[Idea] = relationship()
    asked_organisation: Mapped[Organisation] = relationship()

    def days_late(self, today: date) -> int:
        """Days past the deadline, 0 if not late (an answered request: when it was)."""
        end = self.answered_at.date() if self.answered_at else today
        return max(0, (end - self.deadline).days)
