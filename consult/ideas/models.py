from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.challenges.models import Challenge, Theme
from consult.db import Base, enum_type, utcnow
from consult.territories.models import Territory


class IdeaStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for pre-moderation: seen only by its author and agents
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"  # hidden by an agent or by the reports threshold
    WITHDRAWN = "withdrawn"  # by its author
    MERGED = "merged"  # closed as a duplicate of another idea

    @property
    def label(self) -> str:
        return str(IDEA_STATUS_LABELS[self])


IDEA_STATUS_LABELS = {
    IdeaStatus.PENDING: _l("En attente de modération"),
    IdeaStatus.PUBLISHED: _l("Publiée"),
    IdeaStatus.REJECTED: _l("Refusée"),
    IdeaStatus.HIDDEN: _l("Masquée"),
    IdeaStatus.WITHDRAWN: _l("Retirée par son auteur"),
    IdeaStatus.MERGED: _l("Fusionnée avec une autre idée"),
}


class AnswerStatus(enum.StrEnum):
    """The administration's official answer on an idea (given by agents, issue 4)."""

    UNDER_STUDY = "under_study"
    SELECTED = "selected"
    NOT_RETAINED = "not_retained"
    IMPLEMENTED = "implemented"

    @property
    def label(self) -> str:
        return str(ANSWER_STATUS_LABELS[self])


ANSWER_STATUS_LABELS = {
    AnswerStatus.UNDER_STUDY: _l("À l’étude"),
    AnswerStatus.SELECTED: _l("Retenue"),
    AnswerStatus.NOT_RETAINED: _l("Non retenue"),
    AnswerStatus.IMPLEMENTED: _l("Réalisée"),
}


SHUFFLE_RING = 2**31


def new_shuffle_key() -> int:
    return secrets.randbelow(SHUFFLE_RING)


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint("supports_count >= 0 AND comments_count >= 0", name="counters_positive"),
        CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)",
                        name="merged_has_target"),
        CheckConstraint("status != 'published' OR published_at IS NOT NULL",
                        name="published_has_date"),
        Index("ix_ideas_challenge_status_supports", "challenge_id", "status", "supports_count"),
        # the duplicates merged into an idea (its page offers their supporters to move)
        Index("ix_ideas_merged_into", "merged_into_id",
              sqlite_where=text("merged_into_id IS NOT NULL"),
              postgresql_where=text("merged_into_id IS NOT NULL")),
        Index("ix_ideas_challenge_status_published", "challenge_id", "status", "published_at"),
        Index("ix_ideas_challenge_status_comments", "challenge_id", "status", "comments_count"),
        # the random order while voting, and the filters' counts, read from indexes alone
        Index("ix_ideas_challenge_status_shuffle", "challenge_id", "status", "shuffle_key"),
        Index("ix_ideas_challenge_status_theme", "challenge_id", "status", "theme_id"),
        Index("ix_ideas_challenge_status_territory", "challenge_id", "status", "territory_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(140))
    body: Mapped[str] = mapped_column(Text)  # Markdown, rendered through core.sanitize
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"),
                                                 index=True)
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"), index=True)
    status: Mapped[IdeaStatus] = mapped_column(enum_type(IdeaStatus, "idea_status", 16))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="RESTRICT"))
    supports_count: Mapped[int] = mapped_column(default=0)
    comments_count: Mapped[int] = mapped_column(default=0)
    rejection_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_rules.id", ondelete="SET NULL"))  # the charter rule cited
    moderated_at: Mapped[datetime | None]
    answer_status: Mapped[AnswerStatus | None] = mapped_column(
        enum_type(AnswerStatus, "answer_status", 16))
    answer_text: Mapped[str | None] = mapped_column(Text)
    # the answering organisation's own status, as it read then (answers.AnswerLabel);
    # answer_status is its canonical one
    answer_label: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="")  # stemmed words (SQLite FTS5)
    # A random place on a ring, drawn once: each visitor's random order starts at a point
    # of their own on it (ideas.queries), so that order is an index range, not a sort.
    shuffle_key: Mapped[int] = mapped_column(default=new_shuffle_key, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    # When the idea became part of a record others rely on (published results, a
    # prototype brief's lineage): from then on its author may no longer edit or
    # withdraw it (issue 14). Set by the results and the briefs, read by the rules.
    frozen_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    theme: Mapped[Theme | None] = relationship(lazy="joined")
    territory: Mapped[Territory | None] = relationship(lazy="joined")

    @property
    def is_public(self) -> bool:
        return self.status == IdeaStatus.PUBLISHED

    @property
    def is_viewable(self) -> bool:
        """Whether anyone may open its page (a merged idea shows where it went)."""
        return self.status in {IdeaStatus.PUBLISHED, IdeaStatus.MERGED}

    @property
    def has_reactions(self) -> bool:
        """Once supported or discussed, the text is frozen (only withdrawal remains)."""
        return self.supports_count > 0 or self.comments_count > 0


class Support(Base):
    """One person supports one idea: unique in the database, not only in the code."""

    __tablename__ = "supports"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        # where a rule asks for a verified identity: one identity, one support per idea,
        # whatever account it came through (identity.operations.voter_key)
        Index("uq_supports_idea_voter", "idea_id", "voter_key", unique=True),
        Index("ix_supports_user_challenge", "user_id", "challenge_id"),
        Index("ix_supports_voter_challenge", "voter_key", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voter_key: Mapped[str | None] = mapped_column(String(64))


class IdeaCredit(Base):
    """The author of a duplicate, credited on the idea it was merged into."""

    __tablename__ = "idea_credits"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    from_idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
