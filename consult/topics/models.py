"""A challenge's emerging topics: each computation (its input's fingerprint, method and
parameters), the topics it found as agents then edit them, and which ideas each holds."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.challenges.models import Challenge
from consult.db import Base, enum_type, utcnow

MAX_LABEL = 80  # as a theme's name: a topic may become one


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str({RunStatus.QUEUED: _l("En cours de calcul"), RunStatus.DONE: _l("Calculé"),
                    RunStatus.FAILED: _l("Échec du calcul")}[self])


class TopicRun(Base):
    """One computation of a challenge's topics, asked by an agent (or by the system)."""

    __tablename__ = "topic_runs"
    __table_args__ = (Index("ix_topic_runs_challenge", "challenge_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus, "topic_run_status", 8),
                                              default=RunStatus.QUEUED)
    k: Mapped[int | None]  # the number of topics asked (None: the method's default)
    finished_at: Mapped[datetime | None]
    method: Mapped[str] = mapped_column(String(40), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    input_hash: Mapped[str] = mapped_column(String(64), default="")
    ideas: Mapped[int] = mapped_column(default=0)
    unassigned: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str] = mapped_column(String(300), default="")


class Topic(Base):
    """A topic: found by a run, then renamed, merged, split, published by agents. Only a
    published topic is shown to citizens (always validated by an agent)."""

    __tablename__ = "topics"
    __table_args__ = (Index("ix_topics_challenge_published", "challenge_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_runs.id", ondelete="CASCADE"),
                                        index=True)
    label: Mapped[str] = mapped_column(String(MAX_LABEL))
    words: Mapped[list] = mapped_column(JSON, default=list)
    representative: Mapped[list] = mapped_column(JSON, default=list)  # idea ids
    size: Mapped[int] = mapped_column(default=0)
    supports: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime | None]

    run: Mapped[TopicRun] = relationship()
    challenge: Mapped[Challenge] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class TopicIdea(Base):
    """An idea's place in a topic, with its weight on it (the most representative first)."""

    __tablename__ = "topic_ideas"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    weight: Mapped[float] = mapped_column(Float, default=0.0)


class DuplicateStatus(enum.StrEnum):
    OPEN = "open"  # waits for a moderator
    MERGED = "merged"  # resolved by the consent-based merge (moderation)
    DISMISSED = "dismissed"  # not duplicates: never proposed again

    @property
    def label(self) -> str:
        return str({DuplicateStatus.OPEN: _l("À examiner"),
                    DuplicateStatus.MERGED: _l("Fusionnées"),
                    DuplicateStatus.DISMISSED: _l("Pas des doublons")}[self])


class DuplicateCandidate(Base):
    """Two ideas of a challenge that may say the same thing (smaller id first), found by
    a topics run, until a moderator merges them or says they are not duplicates."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (UniqueConstraint("idea_a_id", "idea_b_id"),
                      CheckConstraint("idea_a_id < idea_b_id", name="ordered"),
                      Index("ix_duplicate_candidates_queue", "challenge_id", "status",
                            "similarity"))

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("topic_runs.id", ondelete="SET NULL"))
    idea_a_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    idea_b_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"),
                                           index=True)
    similarity: Mapped[float] = mapped_column(Float)
    status: Mapped[DuplicateStatus] = mapped_column(
        enum_type(DuplicateStatus, "duplicate_status", 10), default=DuplicateStatus.OPEN)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]


class SummaryKind(enum.StrEnum):
    EXTRACTIVE = "extractive"  # sentences of the ideas themselves
    GENERATIVE = "generative"  # written by the deployment's model, every sentence citing


class Summary(Base):
    """A summary of a topic (or of the whole challenge: ``topic_id`` None), each sentence
    citing the idea it comes from; shown to citizens only once an agent validated it. A
    generative one keeps the model and the prompt that wrote it."""

    __tablename__ = "summaries"
    __table_args__ = (Index("ix_summaries_challenge", "challenge_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    kind: Mapped[SummaryKind] = mapped_column(enum_type(SummaryKind, "summary_kind", 10))
    sentences: Mapped[list] = mapped_column(JSON, default=list)  # [{"idea_id", "text"}]
    method: Mapped[str] = mapped_column(String(300), default="")
    input_hash: Mapped[str] = mapped_column(String(64), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    prompt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(300), default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    computed_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    validated_at: Mapped[datetime | None]
