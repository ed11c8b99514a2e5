"""What events hold about a person (export) and erase with the account: registrations
with their accessibility needs and answers (a freed seat goes to the waiting list), and
the secret of their calendar feed."""

from __future__ import annotations

from sqlalchemy import delete, select

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.db import db
from consult.events.models import CalendarFeed, Event, Registration, RegistrationStatus


@section("registrations")
def registrations(user: User) -> list[dict]:
    rows = db.session.execute(select(Registration, Event.title, Event.starts_at).join(
        Event, Event.id == Registration.event_id).where(Registration.user_id == user.id)
        .order_by(Event.starts_at)).all()
    return [{"event_id": r.event_id, "event": title, "starts_at": iso(starts_at),
             "status": str(r.status), "at": iso(r.created_at),
             "accessibility_needs": r.accessibility_needs, "answers": r.answers,
             "checked_in_at": iso(r.checked_in_at)} for r, title, starts_at in rows]


@section("calendar_feed")
def calendar_feed(user: User) -> dict | None:
    feed = db.session.get(CalendarFeed, user.id)
    return {"created_at": iso(feed.created_at)} if feed else None


@eraser
def erase_registrations(user: User) -> None:
    from consult.events.registration import release

    for registration in db.session.scalars(select(Registration).where(
            Registration.user_id == user.id,
            Registration.status != RegistrationStatus.CANCELLED)).all():
        release(registration, db.session.get(Event, registration.event_id))
    db.session.execute(delete(Registration).where(Registration.user_id == user.id))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
