from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from consult.challenges.phases import Phase
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


# A challenge's supports and participants are counted on several rows (issue 17): each
# support, and each person's first act, moves the row of the person's slot (user id
# modulo COUNTER_SLOTS), so that different people do not wait for one another on a
# single counter row, as they did on the challenge's own row (one at a time per
# challenge on PostgreSQL, each holding the lock until its commit). A slot may go below
# zero (a support counted before, withdrawn after); the challenge's figure is what it
# settled at (its own columns: seeds, imports) plus its slots.
COUNTER_SLOTS = 16
challenge_counters = Table(
    "challenge_counters", Base.metadata,
    Column("challenge_id", Integer, ForeignKey("challenges.id", ondelete="CASCADE"),
           primary_key=True),
    Column("slot", SmallInteger, primary_key=True, autoincrement=False),
    Column("supports", Integer, nullable=False, default=0),
    Column("participants", Integer, nullable=False, default=0),
)


def counter_slot(user_id: int) -> int:
    return user_id % COUNTER_SLOTS


def _settled_plus_slots(settled, column: str, challenge_id):
    return settled.column + select(func.coalesce(func.sum(challenge_counters.c[column]), 0)) \
        .where(challenge_counters.c.challenge_id == challenge_id.column) \
        .correlate_except(challenge_counters).scalar_subquery()


class Challenge(Base):
    """A service challenge run by one or several organisations."""

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("ideas_count >= 0 AND supports_count >= 0", name="counters_positive"),
        CheckConstraint("auto_hide_threshold IS NULL OR auto_hide_threshold > 0",
                        name="auto_hide_positive"),
        CheckConstraint("cover_image IS NULL OR cover_alt IS NOT NULL", name="cover_has_alt"),
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
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        enum_type(ModerationMode, "moderation_mode", 8), default=ModerationMode.POST)
    moderation_charter: Mapped[str] = mapped_column(Text, default="")
    auto_hide_threshold: Mapped[int | None] = mapped_column(default=5)
    published_at: Mapped[datetime | None]
    results_message: Mapped[str | None] = mapped_column(Text)
    results_published_at: Mapped[datetime | None]
    # participants when the results were published: the shares of the frozen ranking
    results_participants: Mapped[int | None]
    # what the published ranking is ordered by (None: supports; "pairwise": the scores of
    # the comparison phase) and the statements it cites (consensus of the statements
    # phase, frozen with their text and share): ideas.result_bases
    results_basis: Mapped[str | None] = mapped_column(String(20))
    results_statements: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who may take part in which action (challenges.eligibility reads it): a list of
    # rules, [] for the platform's default (an account with a confirmed address).
    eligibility: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # Counters kept in the same transaction as the rows they count (lists sort by them).
    ideas_count: Mapped[int] = mapped_column(default=0)  # published ideas
    # supports and participants (rows in participations) counted when it was set up
    # (seeds, imports); since then on its counter rows, added in these two figures
    supports_settled: Mapped[int] = mapped_column("supports_count", default=0)
    participants_settled: Mapped[int] = mapped_column("participants_count", default=0)
    supports_count: Mapped[int] = column_property(
        _settled_plus_slots(supports_settled, "supports", id))
    participants_count: Mapped[int] = column_property(
        _settled_plus_slots(participants_settled, "participants", id))

    territory: Mapped[Territory | None] = relationship(lazy="joined")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=challenge_organisations, lazy="selectin", order_by=Organisation.name)
    themes: Mapped[list[Theme]] = relationship(
        back_populates="challenge", lazy="selectin", order_by="Theme.name",
        cascade="all, delete-orphan")

    phases: Mapped[list[ChallengePhase]] = relationship(
        back_populates="challenge", lazy="selectin", cascade="all, delete-orphan",
        order_by=lambda: (ChallengePhase.starts_at, ChallengePhase.id))

    def timeline(self) -> list[ChallengePhase]:
        """Its phases in the order they start (the rows, whatever was just edited)."""
        return sorted(self.phases, key=lambda p: (p.starts_at, p.id or 0))

    def phases_at(self, now: datetime) -> list[ChallengePhase]:
        """The phases under way at ``now`` (none before, between and after them)."""
        if self.published_at is None:
            return []
        return [p for p in self.timeline() if p.is_under_way(now)]

    def states_at(self, now: datetime) -> tuple[Phase, ...]:
        """The kinds of the phases under way, or the one state the challenge is in when
        none is: draft, announced, between two phases, closed."""
        if self.published_at is None:
            return (Phase.DRAFT,)
        current = self.phases_at(now)
        if current:
            return tuple(p.kind for p in current)
        if all(now < p.starts_at for p in self.phases):
            return (Phase.ANNOUNCED,)
        if all(p.ends_at is not None and p.ends_at <= now for p in self.phases):
            return (Phase.CLOSED,)
        return (Phase.PAUSE,)

    def phase_at(self, now: datetime) -> Phase:
        """The phase the challenge is in: the last one to have started of those under
        way (supports, when ideas are still being submitted beside the vote)."""
        return self.states_at(now)[-1]

    @property
    def phase(self) -> Phase:
        return self.phase_at(utcnow())

    @property
    def states(self) -> tuple[Phase, ...]:
        return self.states_at(utcnow())

    @property
    def current_phases(self) -> list[ChallengePhase]:
        return self.phases_at(utcnow())

    def current_phase(self, now: datetime | None = None) -> ChallengePhase | None:
        current = self.phases_at(now or utcnow())
        return current[-1] if current else None

    def phase_of(self, kind: Phase) -> ChallengePhase | None:
        """Its phase of ``kind`` (ideas, supports, review and results come once)."""
        return next((p for p in self.timeline() if p.kind == kind), None)

    @property
    def supports_per_person(self) -> int | None:
        """The vote's limit (None: no limit, or no vote), a setting of its supports phase."""
        vote = self.phase_of(Phase.SUPPORTS)
        return vote.settings.get("supports_per_person") if vote is not None else None

    @supports_per_person.setter
    def supports_per_person(self, value: int | None) -> None:
        self._set_vote_rule("supports_per_person", value)

    @property
    def self_support_allowed(self) -> bool:
        vote = self.phase_of(Phase.SUPPORTS)
        return bool(vote is not None and vote.settings.get("self_support_allowed"))

    @self_support_allowed.setter
    def self_support_allowed(self, value: bool) -> None:
        self._set_vote_rule("self_support_allowed", bool(value))

    def _set_vote_rule(self, name: str, value) -> None:
        vote = self.phase_of(Phase.SUPPORTS)
        if vote is not None:  # a new dict: JSON columns see replacements, not edits
            vote.settings = {**(vote.settings or {}), name: value}

    @property
    def has_vote(self) -> bool:
        return self.phase_of(Phase.SUPPORTS) is not None

    def vote_over(self, now: datetime | None = None) -> bool:
        """Whether its supports phase has ended (a challenge without a vote: never)."""
        vote = self.phase_of(Phase.SUPPORTS)
        return vote is not None and vote.has_ended(now or utcnow())

    @property
    def results_at(self) -> datetime | None:
        """When its results come: the start of its results phase, else its last end."""
        results = self.phase_of(Phase.RESULTS)
        if results is not None:
            return results.starts_at
        ends = [p.ends_at for p in self.phases if p.ends_at is not None]
        return max(ends) if ends else None

    def is_run_by(self, organisation_id: int) -> bool:
        return any(o.id == organisation_id for o in self.organisations)

    @property
    def organisation_ids(self) -> set[int]:
        if "organisations" in self.__dict__:  # loaded: no query
            return {o.id for o in self.organisations}
        # the rules need only the ids (a support button asks them): no Organisation
        # objects loaded for that
        from sqlalchemy import inspect, select

        session = inspect(self).session
        if session is None or self.id is None:
            return {o.id for o in self.organisations}
        if "_organisation_ids" not in self.__dict__:  # once per loading of the challenge
            self._organisation_ids = frozenset(session.scalars(
                select(challenge_organisations.c.organisation_id)
                .where(challenge_organisations.c.challenge_id == self.id)))
        return set(self._organisation_ids)


class ChallengePhase(Base):
    """One phase of a challenge: its kind (what it allows, see phases.py), its title,
    its dates (the last phase may stay open, as results do) and the settings of its
    kind (the supports phase keeps the vote's limit and self-support rule)."""

    __tablename__ = "challenge_phases"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR starts_at < ends_at", name="phase_dates_in_order"),
        Index("ix_challenge_phases_challenge", "challenge_id", "starts_at"),
        Index("ix_challenge_phases_kind_dates", "kind", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    kind: Mapped[Phase] = mapped_column(enum_type(Phase, "phase_kind", 16))
    title: Mapped[str] = mapped_column(String(120), default="")  # empty: the kind's label
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # When its start was announced to the challenge's followers (notifications.digest).
    announced_at: Mapped[datetime | None]

    challenge: Mapped[Challenge] = relationship(back_populates="phases")

    @property
    def label(self) -> str:
        return self.title or self.kind.label

    def is_under_way(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at is not None and self.ends_at <= now

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


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
    score: Mapped[float | None] = mapped_column(Float)  # the basis' score, if not supports


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
