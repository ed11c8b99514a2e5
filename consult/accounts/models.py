from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db import Base, enum_type, utcnow

if TYPE_CHECKING:
    from consult.territories.models import Territory


class AgeBand(enum.StrEnum):
    """The INSEE's broad age groups (« grandes classes d'âge »), so that the people who
    take part can be compared with the population (representativeness)."""

    UNDER_20 = "0_19"
    FROM_20 = "20_39"
    FROM_40 = "40_59"
    FROM_60 = "60_74"
    FROM_75 = "75_plus"

    @property
    def label(self) -> str:
        from flask_babel import gettext as _

        return {"0_19": _("moins de 20 ans"), "20_39": _("20 à 39 ans"),
                "40_59": _("40 à 59 ans"), "60_74": _("60 à 74 ans"),
                "75_plus": _("75 ans ou plus")}[self.value]


class Gender(enum.StrEnum):
    """As the person describes themself; only « femme » and « homme » can be compared
    with the INSEE's figures, which know two sexes."""

    WOMAN = "f"
    MAN = "m"
    OTHER = "other"

    @property
    def label(self) -> str:
        from flask_babel import gettext as _

        return {"f": _("femme"), "m": _("homme"), "other": _("autre réponse")}[self.value]


class User(UserMixin, Base):
    """A person with an account. Deleting an account erases the personal data and keeps
    the row (as « compte supprimé ») so that ideas, comments and vote totals stay whole."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email"),
        CheckConstraint(
            "deleted_at IS NULL OR (email IS NULL AND password_hash IS NULL)",
            name="erased_when_deleted",
        ),
        CheckConstraint("locale IN ('fr', 'en')", name="known_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))  # stored lower-cased
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"))
    # declared only if the person wishes, never shown: who takes part, against the
    # population (consult.representativeness)
    age_band: Mapped[AgeBand | None] = mapped_column(enum_type(AgeBand, "age_band", 8))
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, "gender", 8))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    email_confirmed_at: Mapped[datetime | None]
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    digest_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # results of what one took part in, a seat freed on a waiting list: by e-mail too
    important_mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    territory: Mapped[Territory | None] = relationship(lazy="select")
    # ``memberships`` (the organisations the person works for) is declared by
    # organisations.models, which knows about users: accounts never import organisations.

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: a deleted account cannot log in
        return self.deleted_at is None

    @property
    def public_name(self) -> str:
        """The only name shown to others: never the e-mail address."""
        if self.is_deleted:
            from flask_babel import gettext

            return gettext("Compte supprimé")
        return self.display_name

    def membership_in(self, organisation_id: int) -> Any:  # organisations.Membership
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    def is_agent_of(self, organisation_id: int) -> bool:
        return self.membership_in(organisation_id) is not None

    def is_admin_of(self, organisation_id: int) -> bool:
        membership = self.membership_in(organisation_id)
        return membership is not None and membership.is_admin

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class AuthSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored.
    Logging out deletes the row, so a copied cookie stops working at once."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="joined")
