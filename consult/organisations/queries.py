from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, selectinload

from consult.db import db
from consult.organisations.models import Invitation, Membership, Organisation


def agent_organisation_ids(user) -> frozenset[int]:
    """The organisations ``user`` is an agent of: from their memberships when loaded,
    else one light query, kept for the rest of the request (a support button asks
    the rules twice); a membership added or removed in the request forgets it."""
    if "memberships" in user.__dict__:
        return frozenset(m.organisation_id for m in user.memberships)
    from flask import g, has_app_context

    memo = g.setdefault("consult_agent_of", {}) if has_app_context() else {}
    if user.id not in memo:
        memo[user.id] = frozenset(db.session.scalars(
            select(Membership.organisation_id).where(Membership.user_id == user.id)))
    return memo[user.id]


@event.listens_for(Session, "after_flush")
def _memberships_changed(session, _context) -> None:
    from flask import g, has_app_context

    changed = any(isinstance(o, Membership) for o in (*session.new, *session.deleted))
    if changed and has_app_context():
        g.pop("consult_agent_of", None)


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
