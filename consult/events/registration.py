"""Registration to an event: safe under any number of people at once. A conditional UPDATE
takes a seat only while one is free (``confirmed_count < capacity``, and a CHECK forbids
more), otherwise the person joins the waiting list; a cancellation hands the seat to the
first person waiting, who is told. User tests of a brief, trainings and workshops all
register here (issue 18: the engine of test sessions, generalised)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.challenges import eligibility
from consult.challenges.phases import Action
from consult.core import events as signals
from consult.core.errors_domain import Refused
from consult.core.outbox import queue_mail
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.events.models import (
    Audience,
    Event,
    Registration,
    RegistrationStatus,
)

MAX_NEEDS = 2000
MAX_ANSWER = 1000


def registration_problem(user, event: Event) -> str | None:
    """Why ``user`` may not register to ``event`` now (None: they may). The one place the
    rule lives: the event page, the form, the API and the operation ask it."""
    if event.is_cancelled:
        return _("Cet événement est annulé.")
    if not event.is_listed:
        return _("Cet événement n’est pas encore au programme.")
    if event.starts_at <= utcnow():
        return _("Cet événement a déjà commencé.")
    challenge = _challenge_of(event)
    if not getattr(user, "is_authenticated", False):
        return (challenge is not None and eligibility.signed_out_problem(
            challenge, Action.REGISTER)) or _("Connectez-vous pour vous inscrire.")
    if not user.is_confirmed and not (challenge is not None and eligibility.accepts_unconfirmed(
            challenge, Action.REGISTER)):
        return _("Confirmez d’abord votre adresse e-mail (lien envoyé par e-mail).")
    if event.audience == Audience.AGENTS and not user.memberships:
        return _("Cet événement est réservé aux agents publics : rejoignez l’organisation "
                 "où vous travaillez pour vous inscrire.")
    if challenge is not None:  # the challenge's rules for its events (« Qui peut participer »)
        return eligibility.eligibility_problem(user, challenge, Action.REGISTER)
    return None


def _challenge_of(event: Event):
    if event.challenge_id is None:
        return None
    from consult.challenges.models import Challenge

    return db.session.get(Challenge, event.challenge_id)


def answers_problems(event: Event, answers: dict[str, str]) -> dict[str, str]:
    """Every problem with the answers to the event's questions, by question id."""
    problems = {}
    for question in event.questions:
        text = (answers.get(str(question.id)) or "").strip()
        if question.required and not text:
            problems[str(question.id)] = _("Répondez à cette question.")
        elif len(text) > MAX_ANSWER:
            problems[str(question.id)] = _("%(max)s caractères au plus.", max=MAX_ANSWER)
    return problems


def current_registration(user, event_id: int) -> Registration | None:
    """The person's registration (confirmed or waiting), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event_id, Registration.user_id == user.id,
        Registration.status != RegistrationStatus.CANCELLED))


def register(user: User, event: Event, *, needs: str = "",
             answers: dict[str, str] | None = None) -> RegistrationStatus:
    """Take a seat if one is free, else join the waiting list."""
    problem = registration_problem(user, event)
    if problem:
        raise Refused(problem)
    answers = {str(q.id): (answers or {}).get(str(q.id), "").strip() for q in event.questions}
    for question_id, message in answers_problems(event, answers).items():
        raise Refused(message, f"question_{question_id}")
    needs = (needs or "").strip()
    if len(needs) > MAX_NEEDS:
        raise Refused(_("%(max)s caractères au plus.", max=MAX_NEEDS), "needs")
    current = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))
    if current is not None and current.status != RegistrationStatus.CANCELLED:
        raise Refused(_("Vous êtes déjà inscrit·e à cet événement."))
    try:
        with db.session.begin_nested():  # the seat and the registration: both or neither
            seat = db.session.execute(update(Event).where(
                Event.id == event.id, Event.confirmed_count < Event.capacity,
            ).values(confirmed_count=Event.confirmed_count + 1)
                .returning(Event.id)).first()
            status = RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITING
            if current is None:
                current = Registration(event_id=event.id, user_id=user.id, status=status)
                db.session.add(current)
            else:  # a cancelled registration comes back at the end of the line
                current.status, current.created_at = status, utcnow()
                current.checked_in_at = None
            current.accessibility_needs, current.answers = needs, answers
            db.session.flush()
    except IntegrityError as exc:
        raise Refused(_("Vous êtes déjà inscrit·e à cet événement.")) from exc
    return status


def cancel(user: User, event: Event) -> None:
    """The person gives up their place (or their place in line)."""
    registration = current_registration(user, event.id)
    if registration is None:
        raise Refused(_("Vous n’êtes pas inscrit·e à cet événement."))
    release(registration, event)


def release(registration: Registration, event: Event) -> None:
    """A registration ends; a confirmed seat passes to the first person waiting."""
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.checked_in_at = None
    registration.accessibility_needs, registration.answers = "", {}
    db.session.flush()
    if was_confirmed:
        _promote_or_free(event)


def _promote_or_free(event: Event) -> None:
    query = select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.WAITING).order_by(
        Registration.created_at, Registration.id).limit(1)
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Registration)
    waiting = db.session.scalar(query)
    if waiting is None or event.starts_at <= utcnow():
        db.session.execute(update(Event).where(Event.id == event.id).values(
            confirmed_count=Event.confirmed_count - 1))
        return
    waiting.status = RegistrationStatus.CONFIRMED  # the seat passes on; the count stays
    db.session.flush()
    signals.seat_freed.send(event, user_id=waiting.user_id)


def check_in(event: Event, registration: Registration, present: bool) -> None:
    """An organiser marks a confirmed person present (or not) on the day."""
    if registration.event_id != event.id or registration.status != RegistrationStatus.CONFIRMED:
        raise Refused(_("Seules les personnes inscrites peuvent être pointées."))
    if event.starts_at - timedelta(hours=12) > utcnow():
        raise Refused(_("Le pointage ouvre le jour de l’événement."))
    registration.checked_in_at = utcnow() if present else None
    db.session.flush()


def counts(event_ids: list[int]) -> dict[int, dict[RegistrationStatus, int]]:
    """Confirmed and waiting people per event (one grouped query)."""
    result: dict[int, dict[RegistrationStatus, int]] = {}
    if not event_ids:
        return result
    for event_id, status, count in db.session.execute(
            select(Registration.event_id, Registration.status, func.count()).where(
                Registration.event_id.in_(event_ids),
                Registration.status != RegistrationStatus.CANCELLED)
            .group_by(Registration.event_id, Registration.status)):
        result.setdefault(event_id, {})[status] = count
    return result


def send_reminders(now=None) -> int:
    """Mail confirmed participants of events starting within 24 hours (once, in their
    language). Commits."""
    now = now or utcnow()
    query = select(Event).where(Event.reminder_sent_at.is_(None),
                                Event.status != "cancelled",
                                Event.starts_at > now,
                                Event.starts_at <= now + timedelta(hours=24))
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Event)
    sent = 0
    for event in db.session.scalars(query).all():
        people = db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED))
        for registration in people:
            user = registration.user
            if user.email and not user.is_deleted:
                queue_mail(user.email, "events/reminder", locale=user.locale, user=user,
                           event=event, event_url=external_url("events.show",
                                                               event_id=event.id))
                sent += 1
        event.reminder_sent_at = now
    db.session.commit()
    return sent

