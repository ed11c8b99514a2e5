"""Events (workshops, hackathons, trainings, webinars, round tables, exhibitions, user
tests), their registrations, and the programmes (innovation weeks and months) that
gather them.

A test session of a brief is an event of the kind *user test* linked to its brief
(migration 0021 moved ``test_sessions`` here, with their registrations and guarantees):
``confirmed_count`` is kept with the registrations and a conditional UPDATE on it decides
confirmed or waiting, so an event is never overbooked (a CHECK says so too)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
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

from consult.accounts.models import User
from consult.db import Base, enum_type, utcnow
from consult.organisations.models import Organisation
from consult.territories.models import Territory


class _Labelled(enum.StrEnum):
    """An enum whose members read as a French (or English) label."""

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError


class EventKind(_Labelled):
    WORKSHOP = "workshop"
    HACKATHON = "hackathon"
    TRAINING = "training"
    WEBINAR = "webinar"
    ROUND_TABLE = "round_table"
    EXHIBITION = "exhibition"
    USER_TEST = "user_test"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.WORKSHOP: _l("Atelier"), cls.HACKATHON: _l("Hackathon"),
                cls.TRAINING: _l("Formation"), cls.WEBINAR: _l("Webinaire"),
                cls.ROUND_TABLE: _l("Table ronde"), cls.EXHIBITION: _l("Exposition"),
                cls.USER_TEST: _l("Test avec les usagers")}


class EventFormat(_Labelled):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"  # both: a place, and a link for those who follow from afar

    @classmethod
    def _labels(cls) -> dict:
        return {cls.IN_PERSON: _l("Sur place"), cls.ONLINE: _l("En ligne"),
                cls.HYBRID: _l("Sur place et en ligne")}

    @property
    def has_place(self) -> bool:
        return self is not EventFormat.ONLINE

    @property
    def has_link(self) -> bool:
        return self is not EventFormat.IN_PERSON


class Audience(_Labelled):
    EVERYONE = "everyone"
    CITIZENS = "citizens"
    AGENTS = "agents"  # agents of an organisation on Consult: only they may register

    @classmethod
    def _labels(cls) -> dict:
        return {cls.EVERYONE: _l("Tout public"), cls.CITIZENS: _l("Citoyens et usagers"),
                cls.AGENTS: _l("Agents publics")}


class EventStatus(_Labelled):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.SCHEDULED: _l("Programmé"), cls.CANCELLED: _l("Annulé")}


class Review(_Labelled):
    """Where an event submitted to a programme stands with the programme's team."""

    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    REFUSED = "refused"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.SUBMITTED: _l("À examiner"),
                cls.CHANGES_REQUESTED: _l("Modifications demandées"),
                cls.ACCEPTED: _l("Accepté"), cls.REFUSED: _l("Refusé")}


event_partners = Table(
    "event_partners", Base.metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class Programme(Base):
    """An innovation week or month: dates, a territory (none: national), the
    organisation that runs it (its agents review what partners submit)."""

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"))
    submissions_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    territory: Mapped[Territory | None] = relationship(lazy="joined")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity",
                        name="never_overbooked"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("format = 'online' OR address IS NOT NULL", name="place_has_address"),
        CheckConstraint("format = 'in_person' OR online_url IS NOT NULL", name="online_has_link"),
        CheckConstraint("kind != 'user_test' OR brief_id IS NOT NULL", name="test_has_brief"),
        CheckConstraint("status != 'cancelled' OR cancel_reason IS NOT NULL",
                        name="cancelled_has_reason"),
        CheckConstraint("(programme_id IS NULL) = (review IS NULL)", name="review_in_programme"),
        CheckConstraint("review IS NULL OR review NOT IN ('refused', 'changes_requested') "
                        "OR review_reason IS NOT NULL", name="review_has_reason"),
        Index("ix_events_starts_at", "starts_at"),
        Index("ix_events_programme", "programme_id", "review", "starts_at"),
        Index("ix_events_organisation", "organisation_id", "starts_at"),
        Index("ix_events_commune", "commune_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "event_kind", 16))
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    organisation_id: Mapped[int] = mapped_column(  # the organiser; partners below
        ForeignKey("organisations.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime]  # naive UTC, typed and read in Paris time
    ends_at: Mapped[datetime]
    format: Mapped[EventFormat] = mapped_column(enum_type(EventFormat, "event_format", 16))
    address: Mapped[str | None] = mapped_column(String(300))
    commune_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"))
    online_url: Mapped[str | None] = mapped_column(String(500))  # registered people only
    audience: Mapped[Audience] = mapped_column(enum_type(Audience, "event_audience", 16),
                                               default=Audience.EVERYONE)
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    sign_language: Mapped[bool] = mapped_column(Boolean, default=False)
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int]
    confirmed_count: Mapped[int] = mapped_column(default=0)
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL"), index=True)
    brief_id: Mapped[int | None] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                                 index=True)
    # the version of the prototype a user test tries, if any
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("prototype_versions.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"))
    review: Mapped[Review | None] = mapped_column(enum_type(Review, "event_review", 24))
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]
    status: Mapped[EventStatus] = mapped_column(enum_type(EventStatus, "event_status", 16),
                                                default=EventStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    reminder_sent_at: Mapped[datetime | None]
    # the write-up, published after the event
    summary: Mapped[str] = mapped_column(Text, default="")  # Markdown
    materials: Mapped[str] = mapped_column(Text, default="")  # Markdown: links, slides
    attendance: Mapped[int | None]  # people present, checked in or counted on the day
    written_up_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    commune: Mapped[Territory | None] = relationship(lazy="joined")
    partners: Mapped[list[Organisation]] = relationship(
        secondary=event_partners, lazy="selectin", order_by=Organisation.name)
    programme: Mapped[Programme | None] = relationship(lazy="select")
    themes: Mapped[list[EventTheme]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="EventTheme.theme")
    questions: Mapped[list[EventQuestion]] = relationship(
        lazy="select", cascade="all, delete-orphan",
        order_by="(EventQuestion.position, EventQuestion.id)")

    @property
    def organisers(self) -> list[Organisation]:
        return [self.organisation, *(p for p in self.partners if p.id != self.organisation_id)]

    @property
    def same_day(self) -> bool:
        """Whether it starts and ends on the same day, in Paris time."""
        from consult.core.timezones import utc_to_local

        return utc_to_local(self.starts_at).date() == utc_to_local(self.ends_at).date()

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_listed(self) -> bool:
        """Shown to everyone: on its own, or accepted by its programme's team."""
        return self.programme_id is None or self.review == Review.ACCEPTED

    @property
    def theme_codes(self) -> list[str]:
        return [t.theme for t in self.themes]

    @property
    def accessibility(self) -> list[str]:
        """What the organisers provide, as people read it."""
        from consult.events.themes import accessibility_labels

        return accessibility_labels(self)


class EventTheme(Base):
    """A theme of the shared list (``events.themes.THEMES``) an event is about."""

    __tablename__ = "event_themes"
    __table_args__ = (Index("ix_event_themes_theme", "theme", "event_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)


class EventQuestion(Base):
    """A question the organisers ask at registration (« Votre service ? »)."""

    __tablename__ = "event_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    label: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)


class RegistrationStatus(_Labelled):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.CONFIRMED: _l("Inscrit·e"), cls.WAITING: _l("Liste d’attente"),
                cls.CANCELLED: _l("Annulée")}


class Registration(Base):
    """A person's place at an event (or in its waiting line). Accessibility needs and
    answers are seen only by the organisers, and erased with the account."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_event_registrations_event_status", "event_id", "status", "id"),
        CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'",
                        name="checked_in_is_confirmed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "registration_status", 16))
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # question id → text
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class CalendarFeed(Base):
    """A person's secret calendar of their registrations. The address carries an HMAC
    of the person and this nonce (nothing secret is stored); a new nonce revokes it."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventIdea(Base):
    """An idea captured during a workshop and posted into the linked challenge."""

    __tablename__ = "event_ideas"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"),
                                         primary_key=True, unique=True)


class FollowScope(enum.StrEnum):
    ORGANISATION = "organisation"
    TERRITORY = "territory"
    PROGRAMME = "programme"


class AgendaFollow(Base):
    """A person follows the events of an organisation, a territory or a programme: they
    hear of each new event listed there."""

    __tablename__ = "agenda_follows"
    __table_args__ = (UniqueConstraint("user_id", "scope", "target_id"),
                      Index("ix_agenda_follows_target", "scope", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[FollowScope] = mapped_column(enum_type(FollowScope, "follow_scope", 16))
    target_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
