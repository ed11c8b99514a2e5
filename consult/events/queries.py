"""Reads of events: the agenda with its filters (a programme's, an organisation's, the
whole platform's), the figures drawn beside it, a person's registrations. The page,
the API, the calendars and the open data share these selects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from consult.core.timezones import local_to_utc
from consult.db import db, utcnow
from consult.events.models import (
    Audience,
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    EventTheme,
    Programme,
    Registration,
    RegistrationStatus,
    Review,
    event_partners,
)
from consult.events.themes import THEMES
from consult.territories.models import Territory, TerritoryKind


@dataclass
class AgendaFilters:
    """What a person chose to see (every filter optional; the upcoming events by default)."""

    start: date | None = None
    end: date | None = None
    territory: Territory | None = None
    kind: EventKind | None = None
    theme: str | None = None
    audience: Audience | None = None
    online: bool | None = None  # True: can be followed online; False: on site
    past: bool = False
    organisation_id: int | None = None
    programme_id: int | None = None
    text: str = ""
    chosen: dict[str, str] = field(default_factory=dict)  # as typed, for the form

    @property
    def any(self) -> bool:
        return bool(self.chosen)


def listed() -> Select:
    """Events everyone may see: on their own, or accepted by their programme. Each
    commune comes with its département, whose code its label shows (« Saint-Denis
    (93) »): joined here, since a joined commune does not join its parent again."""
    return select(Event).where(or_(Event.programme_id.is_(None),
                                   Event.review == Review.ACCEPTED)).options(
        joinedload(Event.commune).joinedload(Territory.parent))


def in_territory(territory: Territory):
    """Events whose commune lies in ``territory`` (a commune, a département, a région)."""
    if territory.kind == TerritoryKind.COMMUNE:
        return Event.commune_id == territory.id
    communes = select(Territory.id).where(Territory.kind == TerritoryKind.COMMUNE)
    if territory.kind == TerritoryKind.DEPARTEMENT:
        communes = communes.where(Territory.parent_id == territory.id)
    else:
        departements = select(Territory.id).where(Territory.parent_id == territory.id)
        communes = communes.where(Territory.parent_id.in_(departements))
    return Event.commune_id.in_(communes)


def of_organisation(organisation_id: int):
    return or_(Event.organisation_id == organisation_id, Event.id.in_(
        select(event_partners.c.event_id).where(
            event_partners.c.organisation_id == organisation_id)))


def agenda(filters: AgendaFilters) -> Select:
    """The listed events the filters keep, soonest first (latest first for past ones)."""
    query = listed()
    now = utcnow()
    if filters.programme_id is not None:
        query = query.where(Event.programme_id == filters.programme_id)
    if filters.organisation_id is not None:
        query = query.where(of_organisation(filters.organisation_id))
    if filters.start:
        query = query.where(Event.ends_at >= local_to_utc(datetime.combine(filters.start,
                                                                         time.min)))
    elif not filters.past:
        query = query.where(Event.ends_at > now)
    if filters.end:
        query = query.where(Event.starts_at < local_to_utc(
            datetime.combine(filters.end + timedelta(days=1), time.min)))
    if filters.past:
        query = query.where(Event.ends_at <= now)
    if filters.territory is not None:
        query = query.where(in_territory(filters.territory))
    if filters.kind is not None:
        query = query.where(Event.kind == filters.kind)
    if filters.audience is not None:
        query = query.where(Event.audience.in_([filters.audience, Audience.EVERYONE]))
    if filters.online is True:
        query = query.where(Event.format != EventFormat.IN_PERSON)
    elif filters.online is False:
        query = query.where(Event.format != EventFormat.ONLINE)
    if filters.theme:
        query = query.where(Event.id.in_(select(EventTheme.event_id).where(
            EventTheme.theme == filters.theme)))
    if filters.text:
        words = filters.text.strip()[:100]
        for special in ("\\", "%", "_"):  # typed characters, not wildcards
            words = words.replace(special, "\\" + special)
        query = query.where(or_(Event.title.ilike(f"%{words}%", escape="\\"),
                                Event.description.ilike(f"%{words}%", escape="\\")))
    order = (Event.starts_at.desc(), Event.id.desc()) if filters.past else (
        Event.starts_at, Event.id)
    return query.order_by(*order)


def read_filters(args, programme: Programme | None = None) -> AgendaFilters:
    """The agenda's filters from a query string (``?du=&au=&territoire=&type=&theme=
    &public=&en_ligne=&passes=``); what cannot be read is left out, never an error."""
    from consult.territories.reference import resolve_territory

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    filters = AgendaFilters(programme_id=programme.id if programme else None)
    chosen = {}
    filters.start, filters.end = day("du"), day("au")
    for name, value in (("du", filters.start), ("au", filters.end)):
        if value:
            chosen[name] = value.isoformat()
    territory_text = _typed(args.get("territoire"), 120)
    if territory_text:
        filters.territory, _candidates = resolve_territory(territory_text)
        if filters.territory is not None:
            chosen["territoire"] = territory_text
    if args.get("type") in set(EventKind):
        filters.kind = EventKind(args["type"])
        chosen["type"] = args["type"]
    if args.get("theme") in THEMES:
        filters.theme = chosen["theme"] = args["theme"]
    if args.get("public") in set(Audience) and args["public"] != Audience.EVERYONE:
        filters.audience = Audience(args["public"])
        chosen["public"] = args["public"]
    if args.get("en_ligne") in ("1", "0"):
        filters.online = args["en_ligne"] == "1"
        chosen["en_ligne"] = args["en_ligne"]
    if args.get("passes") == "1":
        filters.past = True
        chosen["passes"] = "1"
    text = _typed(args.get("q"), 100)
    if text:
        filters.text = chosen["q"] = text
    filters.chosen = chosen
    return filters


def _typed(value: str | None, limit: int) -> str:
    """Text typed in a filter: control characters dropped (PostgreSQL refuses NUL; the
    others are never meant), spaces trimmed, length bounded (as ``core.params``)."""
    import re

    return re.sub(r"[\x00-\x1f\x7f]", "", value or "").strip()[:limit]


@dataclass
class Figures:
    """A programme's events counted by kind, by département and by format."""

    total: int
    by_kind: list[tuple[str, int]]
    by_departement: list[tuple[str, int]]
    by_format: list[tuple[str, int]]
    registrations: int
    attendance: int
    kinds: dict[str, int] = field(default_factory=dict)  # by value, for the API
    formats: dict[str, int] = field(default_factory=dict)


def programme_figures(programme: Programme, top: int = 12) -> Figures:
    """Three grouped counts over the programme's listed, not cancelled events (they stay
    a handful of indexed queries whatever the number of events)."""
    base = and_(Event.programme_id == programme.id, Event.review == Review.ACCEPTED,
                Event.status != EventStatus.CANCELLED)
    kinds = {EventKind(kind): count for kind, count in db.session.execute(
        select(Event.kind, func.count()).where(base).group_by(Event.kind))}
    by_kind = sorted(((kind.label, count) for kind, count in kinds.items()),
                     key=lambda row: (-row[1], row[0]))
    commune, departement = aliased(Territory), aliased(Territory)
    rows = db.session.execute(
        select(departement.name, departement.code, func.count()).select_from(Event)
        .join(commune, commune.id == Event.commune_id)
        .join(departement, departement.id == commune.parent_id)
        .where(base).group_by(departement.name, departement.code)
        .order_by(func.count().desc(), departement.code)).all()
    by_departement = [(f"{name} ({code})", count) for name, code, count in rows[:top]]
    if len(rows) > top:
        by_departement.append((_others(len(rows) - top), sum(c for *_r, c in rows[top:])))
    formats = [(EventFormat(fmt), count) for fmt, count in db.session.execute(
        select(Event.format, func.count()).where(base).group_by(Event.format)
        .order_by(func.count().desc()))]
    by_format = [(fmt.label, count) for fmt, count in formats]
    registrations = db.session.scalar(select(func.coalesce(func.sum(Event.confirmed_count), 0))
                                      .where(base)) or 0
    attendance = db.session.scalar(select(func.coalesce(func.sum(Event.attendance), 0))
                                   .where(base)) or 0
    total = sum(count for _label, count in by_kind)
    return Figures(total, by_kind, by_departement, by_format, int(registrations),
                   int(attendance), kinds={kind.value: n for kind, n in kinds.items()},
                   formats={fmt.value: n for fmt, n in formats})


def _others(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(num)s autre département", "%(num)s autres départements", count)


def registrations_of(event_id: int) -> list[Registration]:
    """Confirmed first (by name order of arrival), then the waiting line in order."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event_id,
        Registration.status != RegistrationStatus.CANCELLED).order_by(
        Registration.status, Registration.created_at, Registration.id)))


def my_registrations(user, event_ids: list[int]) -> dict[int, RegistrationStatus]:
    if not getattr(user, "is_authenticated", False) or not event_ids:
        return {}
    return dict(db.session.execute(select(Registration.event_id, Registration.status).where(
        Registration.user_id == user.id, Registration.event_id.in_(event_ids),
        Registration.status != RegistrationStatus.CANCELLED)).all())


def registered_events(user_id: int, include_past: bool = True) -> list[tuple[Event, str]]:
    """A person's events with their status (their agenda and their calendar feed)."""
    query = select(Event, Registration.status).join(
        Registration, Registration.event_id == Event.id).where(
        Registration.user_id == user_id, Registration.status != RegistrationStatus.CANCELLED)
    if not include_past:
        query = query.where(Event.ends_at > utcnow())
    return list(db.session.execute(query.order_by(Event.starts_at)).all())


def events_of_brief(brief_id: int, upcoming_only: bool = False) -> list[Event]:
    query = select(Event).where(Event.brief_id == brief_id)
    if upcoming_only:
        query = query.where(Event.ends_at > utcnow())
    return list(db.session.scalars(query.order_by(Event.starts_at)))


def upcoming_of_briefs(brief_ids: list[int], limit: int = 20) -> list[Event]:
    """The next user tests of these briefs, soonest first (an organisation's page)."""
    if not brief_ids:
        return []
    return list(db.session.scalars(
        select(Event).where(Event.brief_id.in_(brief_ids), Event.ends_at > utcnow(),
                            Event.status != EventStatus.CANCELLED)
        .order_by(Event.starts_at).limit(limit)))


def waiting_counts(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    return dict(db.session.execute(select(Registration.event_id, func.count()).where(
        Registration.event_id.in_(event_ids),
        Registration.status == RegistrationStatus.WAITING).group_by(
        Registration.event_id)).all())


def without_write_up(organisation_id: int, limit: int = 50) -> list[Event]:
    """The organisation's past events nobody has written up yet (its dashboard)."""
    return list(db.session.scalars(
        select(Event).where(of_organisation(organisation_id), Event.ends_at <= utcnow(),
                            Event.status != EventStatus.CANCELLED,
                            Event.written_up_at.is_(None))
        .order_by(Event.starts_at.desc()).limit(limit)))


def checked_in_count(event_id: int) -> int:
    return db.session.scalar(select(func.count()).where(
        Registration.event_id == event_id, Registration.checked_in_at.is_not(None))) or 0


def ideas_of_event(event_id: int, published_only: bool = True) -> list:
    """The ideas captured during the event and posted into its challenge."""
    from consult.events.models import EventIdea
    from consult.ideas.models import Idea, IdeaStatus

    query = select(Idea).join(EventIdea, EventIdea.idea_id == Idea.id).where(
        EventIdea.event_id == event_id)
    if published_only:
        query = query.where(Idea.status == IdeaStatus.PUBLISHED)
    return list(db.session.scalars(query.order_by(Idea.id)))


def event_of_idea(idea_id: int) -> Event | None:
    """The event an idea was captured at (« proposée lors de l’atelier du 12 mars »)."""
    from consult.events.models import EventIdea

    return db.session.scalar(select(Event).join(EventIdea, EventIdea.event_id == Event.id)
                             .where(EventIdea.idea_id == idea_id))
