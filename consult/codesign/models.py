from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, enum_type, utcnow


class ContactPreference(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    PLATFORM = "platform"  # only through the platform's notifications

    @property
    def label(self) -> str:
        return str({ContactPreference.EMAIL: _l("Par e-mail"),
                    ContactPreference.PHONE: _l("Par téléphone"),
                    ContactPreference.PLATFORM: _l("Seulement par la plateforme")}[self])


class Volunteer(Base):
    """A person who agreed to test a brief's prototype. Consent is recorded with its date;
    withdrawing erases availability and phone."""

    __tablename__ = "volunteers"
    __table_args__ = (
        UniqueConstraint("brief_id", "user_id"),
        CheckConstraint("contact_preference != 'phone' OR phone IS NOT NULL",
                        name="phone_when_preferred"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)
    availability: Mapped[str] = mapped_column(Text, default="")
    contact_preference: Mapped[ContactPreference] = mapped_column(
        enum_type(ContactPreference, "contact_preference", 16), default=ContactPreference.EMAIL)
    phone: Mapped[str | None] = mapped_column(String(30))

    user: Mapped[User] = relationship(lazy="joined")


class Reviewers(enum.StrEnum):
    """Who may review a version of the prototype: the brief's team decides."""

    VOLUNTEERS = "volunteers"  # people who volunteered to test this brief
    PARTICIPANTS = "participants"  # people registered to a session of this version
    ANYONE = "anyone"  # anyone signed in with a confirmed address

    @property
    def label(self) -> str:
        return str({Reviewers.VOLUNTEERS: _l("Les volontaires du cahier"),
                    Reviewers.PARTICIPANTS: _l("Les personnes inscrites à une séance de "
                                               "cette version"),
                    Reviewers.ANYONE: _l("Toute personne inscrite sur la plateforme")}[self])


class PrototypeVersion(Base):
    """A version of the prototype, defined by the brief's team (issue 14: citizens typed
    the version, « v1 » and « V1 » became two)."""

    __tablename__ = "prototype_versions"
    __table_args__ = (UniqueConstraint("brief_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(60))
    released_on: Mapped[date | None]
    changes: Mapped[str] = mapped_column(Text, default="")  # what changed (Markdown)
    reviewers: Mapped[Reviewers] = mapped_column(enum_type(Reviewers, "reviewers", 16),
                                                 default=Reviewers.VOLUNTEERS)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    """Structured feedback on one version of the prototype: one per person and version,
    which its author may edit."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
                      UniqueConstraint("version_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("prototype_versions.id", ondelete="CASCADE"), index=True)
    worked: Mapped[str] = mapped_column(Text, default="")
    did_not_work: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    version: Mapped[PrototypeVersion] = relationship(lazy="joined")
