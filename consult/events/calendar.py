"""iCalendar (RFC 5545) feeds, written by the maintained ``icalendar`` package (escaping,
line folding and the required properties are its job, not ours): one event (« Ajouter à
mon agenda »), a programme, an organisation, a territory, and a person's own events on a
secret address they can revoke. Public feeds never carry the connection link of an
online event; a person's feed carries it for the events they are confirmed at."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from flask import abort, current_app, url_for

from consult.db import db, utcnow
from consult.events.models import CalendarFeed, Event, EventStatus, RegistrationStatus

PRODID = "-//Consult//Evenements//FR"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def _place(event: Event) -> str:
    from flask_babel import gettext as _

    if not event.format.has_place:
        return _("En ligne")
    place = ", ".join(p for p in (event.address, event.commune.label if event.commune
                                  else None) if p)
    return place + (f" — {_('et en ligne')}" if event.format.has_link else "")


def vevent(event: Event, with_link: bool = False):
    from icalendar import Event as VEvent  # imported when a calendar is asked (3 MB)

    page = url_for("events.show", event_id=event.id, _external=True)
    item = VEvent()
    host = current_app.config.get("SERVER_NAME") or "consult"
    item.add("uid", f"evenement-{event.id}@{host}")
    item.add("dtstamp", _utc(utcnow()))
    item.add("dtstart", _utc(event.starts_at))
    item.add("dtend", _utc(event.ends_at))
    item.add("summary", event.title)
    description = [event.kind.label, event.description.strip(), page]
    if with_link and event.online_url:
        description.insert(2, event.online_url)
    item.add("description", "\n\n".join(part for part in description if part))
    item.add("location", _place(event))
    item.add("url", page)
    item.add("organizer", f"mailto:noreply@{host}", parameters={"CN": event.organisation.name})
    item.add("categories", [event.kind.label])
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    if event.updated_at:
        item.add("last-modified", _utc(event.updated_at))
    return item


def calendar(name: str, events, links_for: set[int] | None = None) -> bytes:
    """A calendar of ``events``; the connection links only of the ids in ``links_for``."""
    from icalendar import Calendar

    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    for event in events:
        feed.add_component(vevent(event, with_link=event.id in (links_for or set())))
    return feed.to_ical()


def ics_response(body: bytes, filename: str):
    from flask import Response

    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# --- A person's feed: a secret address they can revoke -----------------------------


def feed_token(user_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar:{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:40]


def personal_feed_url(user_id: int) -> str | None:
    feed = db.session.get(CalendarFeed, user_id)
    if feed is None:
        return None
    return url_for("events.personal_calendar", user_id=user_id,
                   token=feed_token(user_id, feed.nonce), _external=True)


def renew_feed(user_id: int) -> None:
    """A new secret address; the previous one stops working at once."""
    feed = db.session.get(CalendarFeed, user_id) or CalendarFeed(user_id=user_id)
    feed.nonce, feed.created_at = secrets.token_hex(16), utcnow()
    db.session.add(feed)
    db.session.flush()


def revoke_feed(user_id: int) -> None:
    feed = db.session.get(CalendarFeed, user_id)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def feed_owner(user_id: int, token: str) -> int:
    """The person whose feed this is, or 404 (an unknown or revoked address)."""
    feed = db.session.get(CalendarFeed, user_id)
    if feed is None or not hmac.compare_digest(feed_token(user_id, feed.nonce), token):
        abort(404)
    return user_id


def personal_calendar_body(user_id: int) -> bytes:
    from flask_babel import gettext as _

    from consult.events.queries import registered_events

    rows = registered_events(user_id)
    confirmed = {event.id for event, status in rows if status == RegistrationStatus.CONFIRMED}
    return calendar(_("Mes événements"), [event for event, _status in rows], confirmed)
