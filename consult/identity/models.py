"""An identity at an OpenID Connect provider, linked to one account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, utcnow


class ExternalIdentity(Base):
    """One provider's subject for one account: a FranceConnect identity is one Consult
    account (and an account has at most one identity per provider). Only the facts the
    rules need are kept: the identity was verified, and when; whether the person is of
    age, from the birth date the provider gave (the date itself is not kept)."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),
                      UniqueConstraint("user_id", "provider"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    provider: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(255))
    verified_at: Mapped[datetime | None]  # an identity from official sources (FranceConnect)
    adult: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
