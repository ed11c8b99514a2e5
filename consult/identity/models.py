"""An identity at an OpenID Connect provider, linked to one account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, utcnow
from consult.organisations.models import Organisation

# The ages a rule may ask for: 11 (collège), 13, 15 (digital majority in France), 16, 18.
AGE_THRESHOLDS = (11, 13, 15, 16, 18)


class ExternalIdentity(Base):
    """One provider's subject for one account: a FranceConnect identity is one Consult
    account (and an account has at most one identity per provider). Only the facts the
    rules need are kept: the identity was verified, and when; the highest of the age
    thresholds the rules use (``AGE_THRESHOLDS``: 18 is « majeur ») the person had
    reached then, from the birth date the provider gave (the date itself is not kept;
    it is read again at each sign-in, so a birthday moves the fact on)."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),
                      UniqueConstraint("user_id", "provider"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    provider: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(255))
    verified_at: Mapped[datetime | None]  # an identity from official sources (FranceConnect)
    age_floor: Mapped[int | None] = mapped_column(SmallInteger)  # None: no birth date given
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    @property
    def adult(self) -> bool | None:
        return None if self.age_floor is None else self.age_floor >= 18


class MembershipRequest(Base):
    """An agent signed in with ProConnect for an organisation known by its SIRET or its
    e-mail domain: its administrators confirm (or decline) that they work there; no
    role is given before. One request per person and organisation: a declined request
    is not asked again at every sign-in."""

    __tablename__ = "membership_requests"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    provider: Mapped[str] = mapped_column(String(20))
    matched_by: Mapped[str] = mapped_column(String(20))  # "siret" or "email_domain"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    accepted: Mapped[bool | None] = mapped_column(Boolean)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
