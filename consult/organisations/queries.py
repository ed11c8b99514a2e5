from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.db import db
from consult.organisations.models import Invitation, Membership, Organisation


def organisation_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def member_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(Membership.organisation_id, func.count()).group_by(Membership.organisation_id))
    return dict(rows.all())


def members_of(organisation: Organisation) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.organisation_id == organisation.id)
        .options(selectinload(Membership.user)).order_by(Membership.role, Membership.id)))


def open_invitations(organisation: Organisation) -> list[Invitation]:
    from consult.db import utcnow

    return list(db.session.scalars(
        select(Invitation).where(Invitation.organisation_id == organisation.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None),
                                 Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())))
