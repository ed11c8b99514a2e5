from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.challenges.phases import ORDER, Phase
from consult.db import Base, enum_type, utcnow
from consult.organisations.models import Organisation
from consult.territories.models import Territory


class ModerationMode(enum.StrEnum):
    PRE = "pre"  # new ideas wait, invisible to others, until an agent approves them
    POST = "post"  # published at once, reviewed after

    @property
    def label(self) -> str:
        return str(_l("Avant publication") if self is ModerationMode.PRE
                   else _l("Après publication"))


challenge_organisations = Table(
    "challenge_organisations", Base.metadata,
    Column("challenge_id", Integer, ForeignKey("challenges.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="RESTRICT"),
           primary_key=True, index=True),
)


class Challenge(Base):
    """A service challenge run by one or several organisations."""

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint(
            "submission_starts_at < voting_starts_at AND voting_starts_at < review_starts_at "
            "AND review_starts_at < results_at", name="phases_in_order"),
        CheckConstraint("supports_per_person IS NULL OR supports_per_person > 0",
                        name="supports_limit_positive"),
        CheckConstraint("ideas_count >= 0 AND supports_count >= 0", name="counters_positive"),
        CheckConstraint("auto_hide_threshold IS NULL OR auto_hide_threshold > 0",
                        name="auto_hide_positive"),
        CheckConstraint("cover_image IS NULL OR cover_alt IS NOT NULL", name="cover_has_alt"),
        Index("ix_challenges_published_dates", "published_at", "submission_starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    service: Mapped[str] = mapped_column(String(200))  # the public service concerned
    problem: Mapped[str] = mapped_column(Text)  # Markdown
    audience: Mapped[str] = mapped_column(Text, default="")  # who is affected
    context: Mapped[str] = mapped_column(Text, default="")  # context and constraints
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"), index=True)
    cover_image: Mapped[str | None] = mapped_column(String(64))  # file name in instance/media
    cover_alt: Mapped[str | None] = mapped_column(String(300))
    submission_starts_at: Mapped[datetime]
    voting_starts_at: Mapped[datetime]
    review_starts_at: Mapped[datetime]
    results_at: Mapped[datetime]
    supports_per_person: Mapped[int | None]  # None: no limit
    self_support_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        enum_type(ModerationMode, "moderation_mode", 8), default=ModerationMode.POST)
    moderation_charter: Mapped[str] = mapped_column(Text, default="")
    auto_hide_threshold: Mapped[int | None] = mapped_column(default=5)
    published_at: Mapped[datetime | None]
    results_message: Mapped[str | None] = mapped_column(Text)
    results_published_at: Mapped[datetime | None]
    # participants when the results were published: the shares of the frozen ranking
    results_participants: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Counters kept in the same transaction as the rows they count (lists sort by them).
    ideas_count: Mapped[int] = mapped_column(default=0)  # published ideas
    supports_count: Mapped[int] = mapped_column(default=0)
    participants_count: Mapped[int] = mapped_column(default=0)  # rows in participations
    # The last phase whose start was announced to followers (see notifications.digest).
    announced_phase: Mapped[str | None] = mapped_column(String(16))

    territory: Mapped[Territory | None] = relationship(lazy="joined")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=challenge_organisations, lazy="selectin", order_by=Organisation.name)
    themes: Mapped[list[Theme]] = relationship(
        back_populates="challenge", lazy="selectin", order_by="Theme.name",
        cascade="all, delete-orphan")

    def phase_at(self, now: datetime) -> Phase:
        if self.published_at is None:
            return Phase.DRAFT
        if now < self.submission_starts_at:
            return Phase.ANNOUNCED
        if now < self.voting_starts_at:
            return Phase.SUBMISSION
        if now < self.review_starts_at:
            return Phase.VOTING
        if now < self.results_at:
            return Phase.REVIEW
        return Phase.RESULTS

    @property
    def phase(self) -> Phase:
        return self.phase_at(utcnow())

    def phase_dates(self) -> list[tuple[Phase, datetime, datetime | None]]:
        """Each phase with its start and end, for the timeline."""
        starts = [self.submission_starts_at, self.voting_starts_at, self.review_starts_at,
                  self.results_at]
        ends: list[datetime | None] = [*starts[1:], None]
        return list(zip(ORDER, starts, ends, strict=True))

    def is_run_by(self, organisation_id: int) -> bool:
        return any(o.id == organisation_id for o in self.organisations)

    @property
    def organisation_ids(self) -> set[int]:
        return {o.id for o in self.organisations}


class Theme(Base):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("challenge_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))

    challenge: Mapped[Challenge] = relationship(back_populates="themes")


class Participation(Base):
    """One person's part in one challenge: how many supports they have used. The limit
    is enforced by a conditional UPDATE on this row, so concurrent supports cannot
    exceed it (PostgreSQL re-checks the condition under the row lock; SQLite
    serialises writers)."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("user_id", "challenge_id"),
        CheckConstraint("supports_used >= 0", name="supports_used_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    supports_used: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResultEntry(Base):
    """One line of a challenge's published ranking, written once when the results are
    published: what the results record (rank, supports, share, selection and its
    justification) never changes afterwards, whatever happens to the idea (issue 14)."""

    __tablename__ = "result_entries"
    __table_args__ = (
        CheckConstraint("position > 0 AND rank > 0 AND rank <= position",
                        name="rank_positive"),
        CheckConstraint("supports >= 0", name="supports_positive"),
        CheckConstraint("NOT selected OR justification IS NOT NULL",
                        name="selected_is_justified"),
        UniqueConstraint("challenge_id", "idea_id"),
        Index("ix_result_entries_challenge_selected", "challenge_id", "selected"),
    )

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rank: Mapped[int]  # ties share a rank
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"),
                                         index=True)
    supports: Mapped[int]
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    justification: Mapped[str | None] = mapped_column(Text)


class CoOwnershipProposal(Base):
    """An organisation asked to co-own a challenge (issue 14): it appears among the
    challenge's organisations only once one of its administrators accepts, so nobody
    can publish a challenge in another organisation's name."""

    __tablename__ = "co_ownership_proposals"
    __table_args__ = (
        CheckConstraint("(decided_at IS NULL) = (accepted IS NULL)", name="decision_dated"),
        Index("ix_co_ownership_pending", "organisation_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship()
    organisation: Mapped[Organisation] = relationship()


# The default moderation charter of a new challenge (its organisations edit it).
DEFAULT_CHARTER_RULES = (
    "Propos injurieux, discriminatoires ou haineux",
    "Données personnelles d'un tiers",
    "Publicité ou spam",
    "Hors sujet par rapport au défi",
    "Contenu illégal",
)


class CharterRule(Base):
    """One rule of a challenge's published moderation charter: a rejection always cites
    one, and the public figures count rejections per rule."""

    __tablename__ = "charter_rules"
    __table_args__ = (UniqueConstraint("challenge_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
