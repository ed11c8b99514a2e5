"""What co-design holds about a person (export) and erases with the account: consents
with phone and availability (registrations to user tests are the events'). Feedback
stays, like comments, under « compte supprimé »."""

from __future__ import annotations

from sqlalchemy import delete, select

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.codesign.models import Feedback, Volunteer
from consult.db import db


@section("volunteering")
def volunteering(user: User) -> list[dict]:
    rows = db.session.scalars(select(Volunteer).where(Volunteer.user_id == user.id))
    return [{"brief_id": v.brief_id, "consent_at": iso(v.consent_at),
             "availability": v.availability, "contact_preference": str(v.contact_preference),
             "phone": v.phone} for v in rows]


@section("feedback")
def feedback(user: User) -> list[dict]:
    rows = db.session.scalars(select(Feedback).where(Feedback.user_id == user.id))
    return [{"brief_id": f.brief_id, "version": f.version.name, "worked": f.worked,
             "did_not_work": f.did_not_work, "rating": f.rating, "comment": f.comment,
             "at": iso(f.created_at)} for f in rows]


@eraser
def erase_codesign(user: User) -> None:
    db.session.execute(delete(Volunteer).where(Volunteer.user_id == user.id))
