"""An organisation's answer templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, enum_type, utcnow
from consult.ideas.models import AnswerStatus

MAX_NAME = 80
MAX_BODY = 4000  # as an official answer


class AnswerTemplate(Base):
    __tablename__ = "answer_templates"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    status: Mapped[AnswerStatus] = mapped_column(enum_type(AnswerStatus, "answer_status", 16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
