"""Reads of events and programmes (issue 18): the agenda's filters, keyset pages, and the
attendance as figures; no person's data."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from consult.api import event_schemas as s
from consult.api.blueprint import bp
from consult.api.cursor import Ordering, page
from consult.api.errors import not_found
from consult.api.serialize import organisation_ref, territory
from consult.api.spec import api, responses
from consult.api.views import ID, _next_link
from consult.core.urls import external_url
from consult.db import db
from consult.events import queries
from consult.events.models import Event, EventKind, EventStatus, Programme
from consult.organisations.models import Organisation
from consult.territories.models import Territory
from consult.territories.reference import territory_id_by_key

EVENTS = Ordering("starts", [Event.starts_at, Event.id], False, [datetime, int])
PAST_EVENTS = Ordering("starts-desc", [Event.starts_at, Event.id], True, [datetime, int])
PROGRAMMES = Ordering("id-desc", [Programme.id], True, [int])


def event_out(event: Event, waiting: int) -> s.EventOut:
    programme = event.programme if event.programme_id else None
    return s.EventOut(
        id=event.id, kind=event.kind.value, kind_label=event.kind.label, title=event.title,
        description=event.description, starts_at=event.starts_at, ends_at=event.ends_at,
        format=event.format.value, address=event.address, commune=territory(event.commune),
        audience=event.audience.value, themes=event.theme_codes,
        accessibility=s.AccessibilityOut(step_free=event.step_free,
                                         sign_language=event.sign_language,
                                         easy_read=event.easy_read,
                                         notes=event.accessibility_notes),
        organisers=[organisation_ref(o) for o in event.organisers],
        programme=s.ProgrammeRef(id=programme.id, slug=programme.slug, title=programme.title)
        if programme else None,
        challenge_id=event.challenge_id, brief_id=event.brief_id,
        cancelled=event.status == EventStatus.CANCELLED,
        attendance=s.AttendanceOut(capacity=event.capacity, confirmed=event.confirmed_count,
                                   waiting=waiting, attended=event.attendance),
        written_up=event.written_up_at is not None,
        url=external_url("events.show", event_id=event.id))


def _events_out(rows: list[Event]) -> list[s.EventOut]:
    waiting = queries.waiting_counts([e.id for e in rows])
    return [event_out(e, waiting.get(e.id, 0)) for e in rows]


@bp.get("/events")
@api.validate(query=s.EventQuery, resp=responses(200, s.EventPage), tags=["événements"])
def events():
    """Événements

    Ateliers, formations, hackathons, webinaires, tables rondes, expositions et tests avec
    les usagers, publiés (ou acceptés par leur programme) ; à venir par défaut, du plus
    proche au plus lointain, filtrés comme l'agenda du site."""
    query: s.EventQuery = request.context.query
    filters = queries.AgendaFilters(start=query.start, end=query.end, past=query.past,
                                    kind=EventKind(query.kind) if query.kind else None,
                                    theme=query.theme, online=query.online)
    if query.audience:
        from consult.events.models import Audience

        filters.audience = Audience(query.audience)
    if query.territory:
        found = territory_id_by_key(query.territory)
        filters.territory = db.session.get(Territory, found) if found else None
        if filters.territory is None:
            return s.EventPage(items=[], next_cursor=None, next=None)
    for slug, model, attribute in ((query.organisation, Organisation, "organisation_id"),
                                   (query.programme, Programme, "programme_id")):
        if slug:
            found = db.session.scalar(select(model.id).where(model.slug == slug))
            setattr(filters, attribute, found if found is not None else -1)
    ordering = PAST_EVENTS if query.past and not query.start else EVENTS
    statement = queries.agenda(filters).order_by(None)
    rows, cursor = page(statement, ordering, query.cursor, query.limit,
                        lambda e: [e.starts_at, e.id])
    return s.EventPage(items=_events_out(rows), next_cursor=cursor, next=_next_link(cursor))


@bp.get(f"/events/<{ID}:event_id>")
@api.validate(resp=responses(200, s.EventOut, 404), tags=["événements"])
def event(event_id: int):
    """Un événement"""
    found = db.session.get(Event, event_id)
    if found is None or not found.is_listed:
        raise not_found(_("Événement introuvable."))
    return _events_out([found])[0]


def programme_out(programme: Programme) -> s.ProgrammeOut:
    figures = queries.programme_figures(programme)
    return s.ProgrammeOut(
        id=programme.id, slug=programme.slug, title=programme.title,
        description=programme.description, starts_on=programme.starts_on,
        ends_on=programme.ends_on, territory=territory(programme.territory),
        organisation=organisation_ref(programme.organisation),
        figures=s.ProgrammeFiguresOut(
            events=figures.total, registrations=figures.registrations,
            attendance=figures.attendance, by_kind=figures.kinds,
            by_format=figures.formats),
        url=external_url("events.programme", slug=programme.slug),
        calendar=external_url("events.programme_calendar", slug=programme.slug))


@bp.get("/programmes")
@api.validate(query=s.ProgrammeQuery, resp=responses(200, s.ProgrammePage),
              tags=["événements"])
def programmes():
    """Programmes (semaines et mois de l'innovation)

    Du plus récent au plus ancien, avec leurs chiffres : événements, inscriptions,
    participants, par format et par modalité."""
    query: s.ProgrammeQuery = request.context.query
    rows, cursor = page(select(Programme), PROGRAMMES, query.cursor, query.limit,
                        lambda p: [p.id])
    return s.ProgrammePage(items=[programme_out(p) for p in rows], next_cursor=cursor,
                           next=_next_link(cursor))


@bp.get(f"/programmes/<{ID}:programme_id>")
@api.validate(resp=responses(200, s.ProgrammeOut, 404), tags=["événements"])
def programme(programme_id: int):
    """Un programme"""
    found = db.session.get(Programme, programme_id)
    if found is None:
        raise not_found(_("Programme introuvable."))
    return programme_out(found)
