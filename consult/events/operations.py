"""Writes of events: schedule, change, cancel, write up. Every rule on what an event may
be lives in ``event_problems``: the form shows all its problems at once, on their
fields, the API answers them by field, and the operation refuses on the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import events as signals
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.outbox import queue_mail
from consult.core.timezones import utc_to_local
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.events.models import (
    Audience,
    Event,
    EventFormat,
    EventKind,
    EventQuestion,
    EventStatus,
    EventTheme,
    Programme,
    Registration,
    RegistrationStatus,
    Review,
)
from consult.events.themes import THEMES
from consult.organisations.models import Organisation
from consult.territories.models import Territory, TerritoryKind

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
MAX_QUESTIONS = 5


@dataclass
class EventDraft:
    """What an organiser typed, whatever the door (form, API)."""

    kind: EventKind
    title: str
    starts_at: datetime | None  # naive UTC
    ends_at: datetime | None
    format: EventFormat
    capacity: int | None
    description: str = ""
    address: str | None = None
    commune: Territory | None = None
    online_url: str | None = None
    audience: Audience = Audience.EVERYONE
    themes: list[str] = field(default_factory=list)
    step_free: bool = False
    sign_language: bool = False
    easy_read: bool = False
    accessibility_notes: str = ""
    challenge_id: int | None = None
    brief_id: int | None = None
    version_id: int | None = None
    partner_ids: list[int] = field(default_factory=list)
    questions: list[tuple[str, bool]] = field(default_factory=list)  # (label, required)


def event_problems(draft: EventDraft, programme: Programme | None = None,
                   existing: Event | None = None) -> dict[str, str]:
    """Every problem with an event as typed, by field."""
    problems: dict[str, str] = {}
    title = " ".join((draft.title or "").split())
    if len(title) < 3:
        problems["title"] = _("Donnez un titre d’au moins 3 caractères.")
    moved = existing is None or draft.starts_at != existing.starts_at
    if draft.starts_at is not None and moved and draft.starts_at <= utcnow():
        problems["starts_at"] = _("L’événement doit commencer dans le futur.")
    if draft.starts_at is not None and draft.ends_at is not None and \
            draft.ends_at <= draft.starts_at:
        problems["ends_at"] = _("La fin doit venir après le début.")
    if draft.capacity is None or draft.capacity < 1:
        problems["capacity"] = _("La capacité doit être d’au moins une place.")
    elif existing is not None and draft.capacity < existing.confirmed_count:
        problems["capacity"] = _("%(count)s personnes sont déjà inscrites : la capacité ne peut "
                                 "pas descendre en dessous.", count=existing.confirmed_count)
    if draft.format.has_place:
        if not (draft.address or "").strip():
            problems["address"] = _("Indiquez l’adresse du lieu.")
        if draft.commune is None:
            problems["commune"] = _("Indiquez la commune du lieu (par son nom ou son code "
                                    "postal INSEE).")
        elif draft.commune.kind != TerritoryKind.COMMUNE:
            problems["commune"] = _("Indiquez une commune, pas un département ni une région.")
    if draft.format.has_link and not _URL.match((draft.online_url or "").strip()):
        problems["online_url"] = _("Indiquez le lien de connexion, qui commence par https://.")
    unknown = [t for t in draft.themes if t not in THEMES]
    if unknown:
        problems["themes"] = _("Thème inconnu : %(themes)s.", themes=", ".join(unknown))
    if draft.kind == EventKind.USER_TEST and draft.brief_id is None:
        problems["kind"] = _("Un test avec les usagers se programme depuis son cahier de "
                             "prototypage.")
    if len(draft.questions) > MAX_QUESTIONS:
        problems["questions"] = _("%(max)s questions au plus.", max=MAX_QUESTIONS)
    if programme is not None and draft.starts_at and draft.ends_at:
        for name, message in _programme_date_problems(draft, programme).items():
            problems.setdefault(name, message)
    return problems


def _programme_date_problems(draft: EventDraft, programme: Programme) -> dict[str, str]:
    from flask_babel import format_date

    problems = {}
    between = _("Le programme « %(title)s » a lieu du %(start)s au %(end)s.",
                title=programme.title, start=format_date(programme.starts_on, "long"),
                end=format_date(programme.ends_on, "long"))
    if not programme.starts_on <= utc_to_local(draft.starts_at).date() <= programme.ends_on:
        problems["starts_at"] = between
    if not programme.starts_on <= utc_to_local(draft.ends_at).date() <= programme.ends_on:
        problems["ends_at"] = between
    return problems


def _first_refusal(problems: dict[str, str]) -> None:
    for name, message in problems.items():
        raise Refused(message, name)


def _apply(event: Event, draft: EventDraft) -> None:
    event.kind, event.title = draft.kind, " ".join(draft.title.split())
    event.description = (draft.description or "").strip()
    event.starts_at, event.ends_at = draft.starts_at, draft.ends_at
    event.format, event.capacity = draft.format, draft.capacity
    event.address = draft.address.strip() if draft.format.has_place and draft.address else None
    event.commune_id = draft.commune.id if draft.format.has_place and draft.commune else None
    event.online_url = (draft.online_url.strip() if draft.format.has_link and draft.online_url
                        else None)
    event.audience = draft.audience
    event.step_free, event.sign_language = draft.step_free, draft.sign_language
    event.easy_read = draft.easy_read
    event.accessibility_notes = (draft.accessibility_notes or "").strip()
    event.challenge_id = draft.challenge_id
    event.brief_id = draft.brief_id
    event.version_id = draft.version_id
    wanted = set(dict.fromkeys(draft.themes))
    event.themes = [t for t in event.themes if t.theme in wanted] + [
        EventTheme(theme=code) for code in wanted - set(event.theme_codes)]
    partners = set(draft.partner_ids) - {event.organisation_id}
    event.partners = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(partners)))) if partners else []


def _set_questions(event: Event, questions: list[tuple[str, bool]]) -> None:
    """Questions keep their ids while their label stays (answers refer to them)."""
    kept = {q.label: q for q in event.questions}
    event.questions = []
    for position, (label, required) in enumerate(questions):
        label = " ".join(label.split())[:300]
        if not label:
            continue
        question = kept.pop(label, None) or EventQuestion(label=label)
        question.required, question.position = required, position
        event.questions.append(question)


def schedule_event(actor: User, organisation: Organisation, draft: EventDraft,
                   programme: Programme | None = None) -> Event:
    """A new event of ``organisation``; submitted to ``programme`` when given (shown in
    it once its team accepts)."""
    if programme is not None:
        problem = submission_problem(programme)
        if problem:
            raise Refused(problem)
    _first_refusal(event_problems(draft, programme))
    event = Event(organisation_id=organisation.id, created_by_id=actor.id,
                  capacity=draft.capacity, kind=draft.kind, format=draft.format)
    if programme is not None:
        event.programme_id, event.review = programme.id, Review.SUBMITTED
    db.session.add(event)
    _apply(event, draft)
    _set_questions(event, draft.questions)
    db.session.flush()
    record(actor, "event.create", event, organisation_id=organisation.id,
           challenge_id=event.challenge_id, capacity=event.capacity,
           programme_id=event.programme_id)
    if event.is_listed:
        signals.event_listed.send(event)
    return event


# what registered people are told of when it changes (field → how they read it)
def _watched() -> dict[str, str]:
    return {"starts_at": _("la date"), "ends_at": _("l’heure de fin"),
            "address": _("le lieu"), "commune_id": _("la commune"),
            "online_url": _("le lien de connexion"), "format": _("le format")}


def update_event(actor: User, event: Event, draft: EventDraft) -> list[str]:
    """Change an event; registered people hear once of what changed that matters to
    them (date, place, link). Returns those changes, as people read them."""
    if event.is_cancelled:
        raise Refused(_("Cet événement est annulé."))
    _first_refusal(event_problems(draft, event.programme, existing=event))
    before = {name: getattr(event, name) for name in _watched()}
    _apply(event, draft)
    _set_questions(event, draft.questions)
    event.updated_at = utcnow()
    if event.programme_id is not None and event.review == Review.CHANGES_REQUESTED:
        event.review, event.review_reason = Review.SUBMITTED, None  # back in the queue
    db.session.flush()
    changes = [label for name, label in _watched().items() if getattr(event, name) != before[name]]
    if event.reminder_sent_at is not None and ("starts_at" in [
            n for n in _watched() if getattr(event, n) != before[n]]):
        event.reminder_sent_at = None  # a new date: a new reminder
    record(actor, "event.update", event, organisation_id=event.organisation_id,
           changes=changes)
    if changes:
        _tell_registered(event, "events/changed", changes=", ".join(changes))
    return changes


def cancel_event(actor: User, event: Event, reason: str) -> int:
    """Cancel an event with a message; everyone registered or waiting is told once.
    Returns how many were told."""
    if event.is_cancelled:
        raise Refused(_("Cet événement est déjà annulé."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Dites aux personnes inscrites pourquoi l’événement est annulé."),
                      "reason")
    event.status, event.cancel_reason = EventStatus.CANCELLED, reason
    db.session.flush()
    record(actor, "event.cancel", event, organisation_id=event.organisation_id, reason=reason)
    return _tell_registered(event, "events/cancelled")


def _tell_registered(event: Event, template: str, **context) -> int:
    """One mail per person registered or waiting, in their language (through the outbox,
    in the same transaction)."""
    told = 0
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED)):
        user = registration.user
        if user.email and not user.is_deleted:
            queue_mail(user.email, template, locale=user.locale, user=user, event=event,
                       event_url=external_url("events.show", event_id=event.id), **context)
            told += 1
    signals.event_changed.send(event, template=template)
    return told


def write_up(actor: User, event: Event, *, summary: str, materials: str,
             attendance: int | None) -> None:
    """The organisers tell what happened: once the event has begun."""
    if event.starts_at > utcnow():
        raise Refused(_("Le compte rendu se publie une fois l’événement commencé."))
    if event.is_cancelled:
        raise Refused(_("Cet événement est annulé."))
    if not (summary or "").strip():
        raise Refused(_("Racontez en quelques lignes ce qui s’est passé."), "summary")
    if attendance is not None and attendance < 0:
        raise Refused(_("Le nombre de participants ne peut pas être négatif."), "attendance")
    first = event.written_up_at is None
    event.summary, event.materials = summary.strip(), (materials or "").strip()
    event.attendance = attendance
    event.written_up_at = event.written_up_at or utcnow()
    db.session.flush()
    record(actor, "event.write_up", event, organisation_id=event.organisation_id,
           challenge_id=event.challenge_id, attendance=attendance)
    if first:
        signals.event_written_up.send(event)


def submission_problem(programme: Programme) -> str | None:
    if not programme.submissions_open:
        return _("Le programme « %(title)s » ne reçoit plus de propositions.",
                 title=programme.title)
    if programme.ends_on < utc_to_local(utcnow()).date():
        return _("Le programme « %(title)s » est terminé.", title=programme.title)
    return None


def parse_ideas(text: str) -> list[tuple[str, str]]:
    """« Title\\nbody…\\n\\nTitle 2… » → [(title, body)]: one idea per paragraph."""
    ideas = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines:
            title = lines[0][:140]
            ideas.append((title, "\n".join(lines[1:]) or title))
    return ideas


MAX_WORKSHOP_IDEAS = 50


def post_workshop_ideas(actor: User, event: Event, text: str) -> int:
    """Ideas captured during the event, posted into its linked challenge in the
    organiser's name and attributed to the event; they go through the challenge's
    moderation like any other. Returns how many were posted."""
    from consult.challenges.models import Challenge
    from consult.events.models import EventIdea
    from consult.ideas.operations import submit_idea

    ideas = parse_ideas(text)
    if not ideas:
        return 0
    if event.challenge_id is None:
        raise Refused(_("Liez d’abord l’événement à un défi : les idées y seront déposées."),
                      "ideas")
    if len(ideas) > MAX_WORKSHOP_IDEAS:
        raise Refused(_("%(max)s idées au plus à la fois.", max=MAX_WORKSHOP_IDEAS), "ideas")
    challenge = db.session.get(Challenge, event.challenge_id)
    for title, body in ideas:
        if len(title) < 5:
            raise Refused(_("Le titre « %(title)s » est trop court (5 caractères au moins).",
                            title=title), "ideas")
        try:
            idea = submit_idea(actor, challenge, title=title, body=body)
        except Refused as refusal:
            raise Refused(refusal.message, "ideas") from refusal
        db.session.add(EventIdea(event_id=event.id, idea_id=idea.id))
    db.session.flush()
    record(actor, "event.ideas", event, organisation_id=event.organisation_id,
           challenge_id=challenge.id, count=len(ideas))
    return len(ideas)
