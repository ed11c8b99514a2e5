from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, enum_type, utcnow
from consult.territories.models import Territory


class OrganisationKind(enum.StrEnum):
    MINISTERE = "ministere"
    SERVICE_ETAT = "service_etat"
    OPERATEUR = "operateur"
    REGION = "region"
    DEPARTEMENT = "departement"
    COMMUNE = "commune"  # commune or intercommunalité
    LABORATOIRE = "laboratoire"
    ASSOCIATION = "association"

    @property
    def label(self) -> str:
        return str(ORGANISATION_KIND_LABELS[self])

    @property
    def is_state(self) -> bool:
        """State bodies may use the State design system (DSFR); local authorities may not."""
        return self in {OrganisationKind.MINISTERE, OrganisationKind.SERVICE_ETAT,
                        OrganisationKind.OPERATEUR}


ORGANISATION_KIND_LABELS = {
    OrganisationKind.MINISTERE: _l("Ministère"),
    OrganisationKind.SERVICE_ETAT: _l("Service de l'État"),
    OrganisationKind.OPERATEUR: _l("Opérateur de l'État"),
    OrganisationKind.REGION: _l("Région"),
    OrganisationKind.DEPARTEMENT: _l("Département"),
    OrganisationKind.COMMUNE: _l("Commune ou intercommunalité"),
    OrganisationKind.LABORATOIRE: _l("Laboratoire d'innovation"),
    OrganisationKind.ASSOCIATION: _l("Association"),
}


class MembershipRole(enum.StrEnum):
    AGENT = "agent"
    ADMIN = "admin"  # organisation administrator: an agent who also manages the members

    @property
    def label(self) -> str:
        return str(_l("Agent") if self is MembershipRole.AGENT
                   else _l("Administrateur de l'organisation"))


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "org_kind"))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How its agents are recognised when they sign in with ProConnect (identity.agents):
    # SIRET or SIREN numbers and e-mail domains, separated by spaces, set by its admins
    sirets: Mapped[str] = mapped_column(String(500), default="", server_default="")
    email_domains: Mapped[str] = mapped_column(String(500), default="", server_default="")

    territory: Mapped[Territory | None] = relationship(lazy="select")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan")


class Membership(Base):
    """A person is an agent (or the administrator) of an organisation."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # declares User.memberships too: the people's side of memberships lives here
    user: Mapped[User] = relationship(
        foreign_keys=[user_id], backref=backref("memberships", lazy="select",
                                                cascade="all, delete-orphan"))
    organisation: Mapped[Organisation] = relationship(back_populates="memberships",
                                                      lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == MembershipRole.ADMIN


class Invitation(Base):
    """An invitation sent by e-mail to join an organisation as an agent. Only the hash of
    its token is stored; it can be used once and expires."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("(accepted_at IS NULL) = (accepted_by_id IS NULL)",
                        name="accepted_has_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "invitation_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and \
            self.expires_at > utcnow()
