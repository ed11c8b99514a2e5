"""An organisation's answer templates and its own answer statuses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, enum_type, utcnow
from consult.ideas.models import AnswerStatus

MAX_NAME = 80
MAX_BODY = 4000  # as an official answer
MAX_LABEL = 80


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


class AnswerLabel(Base):
    """An answer status of the organisation's own (« Transmise au service voirie »),
    mapped onto one of the four canonical ones, which the open data and the API keep
    so that every organisation's answers stay comparable. An idea keeps the label's
    text as it was when answered (``ideas.answer_label``)."""

    __tablename__ = "answer_labels"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_LABEL))
    status: Mapped[AnswerStatus] = mapped_column(enum_type(AnswerStatus, "answer_status", 16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
