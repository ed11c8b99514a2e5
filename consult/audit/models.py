from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, utcnow


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a log entry."""


class ActionLog(Base):
    """One entry per action: who, when, what, on what, why. Never updated nor deleted:
    the application refuses it (ORM events) and so does the database (triggers created
    by the migration, on SQLite and PostgreSQL)."""

    __tablename__ = "action_log"
    __table_args__ = (Index("ix_action_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


@event.listens_for(ActionLog, "before_update")
def _refuse_update(*_args):
    raise AppendOnlyError("action_log is append-only")


@event.listens_for(ActionLog, "before_delete")
def _refuse_delete(*_args):
    raise AppendOnlyError("action_log is append-only")
