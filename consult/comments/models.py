from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, enum_type, utcnow


class CommentStatus(enum.StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"  # by an agent or the reports threshold
    DELETED = "deleted"  # by its author: the text is erased, the place in the thread kept


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_idea_created", "idea_id", "created_at"),
        Index("ix_comments_status_idea", "status", "idea_id"),  # hidden ones, per challenge
        CheckConstraint("status != 'deleted' OR body = ''", name="deleted_is_erased"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                           index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(enum_type(CommentStatus, "comment_status", 16),
                                                  default=CommentStatus.PUBLISHED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"  # insults, harassment, hate
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    ILLEGAL = "illegal"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REPORT_REASON_LABELS[self])


REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Publicité ou spam"),
    ReportReason.ABUSE: _l("Propos injurieux, haineux ou harcèlement"),
    ReportReason.PERSONAL_DATA: _l("Données personnelles d’un tiers"),
    ReportReason.OFF_TOPIC: _l("Hors sujet"),
    ReportReason.ILLEGAL: _l("Contenu illégal"),
    ReportReason.OTHER: _l("Autre raison"),
}


class Report(Base):
    """A person reports an idea or a comment once; agents see reports grouped per item."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "target_type", "target_id"),
        CheckConstraint("target_type IN ('idea', 'comment')", name="known_target"),
        Index("ix_reports_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[ReportReason] = mapped_column(enum_type(ReportReason, "report_reason", 16))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
