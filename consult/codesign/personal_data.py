"""What co-design holds about a person (export) and erases with the account: consents
with phone and availability, and registrations (a freed seat goes to the waiting list).
Feedback stays, like comments, under « compte supprimé »."""

from __future__ import annotations

from sqlalchemy import delete, select

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.codesign.models import (
    Feedback,
    Registration,
    RegistrationStatus,
    TestSession,
    Volunteer,
)
from consult.db import db


@section("volunteering")
def volunteering(user: User) -> list[dict]:
    rows = db.session.scalars(select(Volunteer).where(Volunteer.user_id == user.id))
    return [{"brief_id": v.brief_id, "consent_at": iso(v.consent_at),
             "availability": v.availability, "contact_preference": str(v.contact_preference),
             "phone": v.phone} for v in rows]


@section("registrations")
def registrations(user: User) -> list[dict]:
    rows = db.session.execute(select(Registration, TestSession.title).join(
        TestSession, TestSession.id == Registration.session_id).where(
        Registration.user_id == user.id)).all()
    return [{"session": title, "status": str(r.status), "at": iso(r.created_at)}
            for r, title in rows]


@section("feedback")
def feedback(user: User) -> list[dict]:
    rows = db.session.scalars(select(Feedback).where(Feedback.user_id == user.id))
    return [{"brief_id": f.brief_id, "version": f.version.name, "worked": f.worked,
             "did_not_work": f.did_not_work, "rating": f.rating, "comment": f.comment,
             "at": iso(f.created_at)} for f in rows]


@eraser
def erase_codesign(user: User) -> None:
    from consult.codesign.operations import cancel

    for registration in db.session.scalars(select(Registration).where(
            Registration.user_id == user.id,
            Registration.status != RegistrationStatus.CANCELLED)).all():
        cancel(user, db.session.get(TestSession, registration.session_id))
    db.session.execute(delete(Registration).where(Registration.user_id == user.id))
    db.session.execute(delete(Volunteer).where(Volunteer.user_id == user.id))
