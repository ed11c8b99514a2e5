"""Programmes: an organisation opens an innovation week or month; partner organisations
submit their events; the programme's team reviews them in a queue (accept / ask for
changes / refuse with a reason: the pattern of moderation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import events as signals
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.outbox import queue_mail
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.events.models import Event, Programme, Review
from consult.organisations.models import Membership, Organisation
from consult.organisations.operations import slugify
from consult.territories.models import Territory


@dataclass
class ProgrammeDraft:
    title: str
    starts_on: date | None
    ends_on: date | None
    description: str = ""
    territory: Territory | None = None
    submissions_open: bool = True


def programme_problems(draft: ProgrammeDraft) -> dict[str, str]:
    problems = {}
    if len(" ".join((draft.title or "").split())) < 3:
        problems["title"] = _("Donnez un titre d’au moins 3 caractères.")
    if draft.starts_on and draft.ends_on and draft.ends_on < draft.starts_on:
        problems["ends_on"] = _("La fin doit venir après le début.")
    if draft.starts_on is None:
        problems["starts_on"] = _("Ce champ est obligatoire.")
    if draft.ends_on is None:
        problems["ends_on"] = _("Ce champ est obligatoire.")
    return problems


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80] or "programme"
    slug, n = base, 2
    while db.session.scalar(select(Programme.id).where(Programme.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def open_programme(actor: User, organisation: Organisation, draft: ProgrammeDraft) -> Programme:
    for name, message in programme_problems(draft).items():
        raise Refused(message, name)
    programme = Programme(slug=_unique_slug(draft.title), organisation_id=organisation.id,
                          title=" ".join(draft.title.split()))
    _apply(programme, draft)
    db.session.add(programme)
    db.session.flush()
    record(actor, "programme.open", programme, organisation_id=organisation.id)
    return programme


def update_programme(actor: User, programme: Programme, draft: ProgrammeDraft) -> None:
    problems = programme_problems(draft)
    for name, message in problems.items():
        raise Refused(message, name)
    programme.title = " ".join(draft.title.split())
    _apply(programme, draft)
    db.session.flush()
    record(actor, "programme.update", programme, organisation_id=programme.organisation_id)


def _apply(programme: Programme, draft: ProgrammeDraft) -> None:
    programme.description = (draft.description or "").strip()
    programme.starts_on, programme.ends_on = draft.starts_on, draft.ends_on
    programme.territory_id = draft.territory.id if draft.territory else None
    programme.submissions_open = draft.submissions_open


DECISIONS = {"accept": Review.ACCEPTED, "changes": Review.CHANGES_REQUESTED,
             "refuse": Review.REFUSED}


def review_event(actor: User, event: Event, decision: str, reason: str = "") -> Review:
    """The programme's team decides on a submitted event; its organisers are told once
    (a mail to the agent who submitted it, in their language)."""
    if event.programme_id is None:
        raise Refused(_("Cet événement n’est proposé à aucun programme."))
    review = DECISIONS.get(decision)
    if review is None:
        raise Refused(_("Choisissez une décision."), "decision")
    reason = (reason or "").strip()
    if review in {Review.REFUSED, Review.CHANGES_REQUESTED} and not reason:
        raise Refused(_("Dites à l’organisateur ce qui ne va pas : il lira ce message."),
                      "reason")
    if event.review == review and review == Review.ACCEPTED:
        raise Refused(_("Cet événement est déjà accepté."))
    was_listed = event.is_listed
    event.review, event.review_reason, event.reviewed_at = review, reason or None, utcnow()
    db.session.flush()
    record(actor, f"programme.{decision}", event, organisation_id=event.organisation_id,
           programme_id=event.programme_id, reason=reason or None)
    submitter = db.session.get(User, event.created_by_id) if event.created_by_id else None
    if submitter is not None and submitter.email and not submitter.is_deleted:
        queue_mail(submitter.email, "events/reviewed", locale=submitter.locale,
                   user=submitter, event=event, programme=event.programme, review=review,
                   event_url=external_url("events.edit", event_id=event.id)
                   if review == Review.CHANGES_REQUESTED
                   else external_url("events.show", event_id=event.id))
    if event.is_listed and not was_listed:
        signals.event_listed.send(event)
    return review


def review_queue(programme: Programme) -> list[Event]:
    """Events waiting for the team, oldest submission first."""
    return list(db.session.scalars(select(Event).where(
        Event.programme_id == programme.id, Event.review == Review.SUBMITTED)
        .order_by(Event.created_at, Event.id)))


def team_ids(programme: Programme) -> set[int]:
    return set(db.session.scalars(select(Membership.user_id).where(
        Membership.organisation_id == programme.organisation_id)))
