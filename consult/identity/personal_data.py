"""What identity holds about a person: the providers their account is linked to and the
facts kept (verified, of age); they leave with the account."""

from __future__ import annotations

from sqlalchemy import delete, select

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.db import db
from consult.identity.models import ExternalIdentity, MembershipRequest
from consult.identity.operations import identities_of


@section("identities")
def identities(user: User) -> list[dict]:
    return [{"provider": i.provider, "subject": i.subject, "verified_at": iso(i.verified_at),
             "age_floor": i.age_floor, "adult": i.adult, "linked_at": iso(i.created_at),
             "last_login_at": iso(i.last_login_at)} for i in identities_of(user)]


@section("membership_requests")
def membership_requests(user: User) -> list[dict]:
    """The organisations a ProConnect sign-in asked to confirm the person, and their
    answers."""
    rows = db.session.scalars(select(MembershipRequest).where(
        MembershipRequest.user_id == user.id).order_by(MembershipRequest.id))
    return [{"organisation": r.organisation.name, "matched_by": r.matched_by,
             "asked_at": iso(r.created_at), "decided_at": iso(r.decided_at),
             "accepted": r.accepted} for r in rows]


@eraser
def erase_identities(user: User) -> None:
    db.session.execute(delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    db.session.execute(delete(MembershipRequest).where(MembershipRequest.user_id == user.id))
