"""What organisations hold about a person, for the export and the erasure."""

from __future__ import annotations

from sqlalchemy import delete

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.db import db
from consult.organisations.models import Invitation


@section("memberships")
def memberships(user: User) -> list[dict]:
    return [{"organisation": m.organisation.name, "role": str(m.role),
             "since": iso(m.created_at)} for m in user.memberships]


@eraser
def erase_memberships(user: User) -> None:
    user.memberships.clear()
    if user.email:
        db.session.execute(delete(Invitation).where(Invitation.email == user.email,
                                                    Invitation.accepted_at.is_(None)))
