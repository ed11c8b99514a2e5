"""Writes of co-design: volunteers, user tests (events of the kind *user test*, which
register through the events' engine), versions of the prototype and feedback."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.briefs.models import Brief, BriefStatus
from consult.codesign.models import (
    ContactPreference,
    Feedback,
    PrototypeVersion,
    Reviewers,
    Volunteer,
)
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit, record
from consult.db import db, utcnow
from consult.events.models import Event, EventKind, Registration, RegistrationStatus
from consult.events.operations import EventDraft, schedule_event
from consult.organisations.models import Organisation

OPEN = {BriefStatus.PUBLISHED, BriefStatus.PROTOTYPING, BriefStatus.TESTING}


def _require_open(brief: Brief) -> None:
    if brief.status not in OPEN:
        raise Refused(_("Ce cahier n’accueille pas de testeurs (%(status)s).",
                        status=brief.status.label))


def _require_confirmed(user: User) -> None:
    if not user.is_confirmed:
        raise Refused(_("Confirmez d’abord votre adresse e-mail (lien envoyé par e-mail)."))


def volunteer(user: User, brief: Brief, *, consent: bool, availability: str,
              contact: ContactPreference, phone: str | None = None) -> Volunteer:
    _require_open(brief)
    _require_confirmed(user)
    if not consent:
        raise Refused(_("Votre accord est nécessaire pour être contacté·e."), "consent")
    if contact == ContactPreference.PHONE and not (phone or "").strip():
        raise Refused(_("Indiquez un numéro pour être appelé·e."), "phone")
    existing = db.session.scalar(select(Volunteer).where(
        Volunteer.brief_id == brief.id, Volunteer.user_id == user.id))
    record = existing or Volunteer(brief_id=brief.id, user_id=user.id)
    record.consent_at = utcnow()
    record.availability = availability.strip()
    record.contact_preference = contact
    record.phone = phone.strip() if contact == ContactPreference.PHONE and phone else None
    db.session.add(record)
    db.session.flush()
    return record


def stop_volunteering(user: User, brief: Brief) -> None:
    record = db.session.scalar(select(Volunteer).where(
        Volunteer.brief_id == brief.id, Volunteer.user_id == user.id))
    if record is not None:
        db.session.delete(record)


def schedule_session(actor: User, brief: Brief, draft: EventDraft) -> Event:
    """A user test of the brief's prototype: an event of the kind *user test*, organised
    by the organisation in charge of the brief, linked to its challenge; its volunteers
    are told."""
    _require_open(brief)
    draft.kind, draft.brief_id = EventKind.USER_TEST, brief.id
    draft.challenge_id = draft.challenge_id or brief.challenge_id
    if draft.version_id not in {v.id for v in db.session.scalars(select(PrototypeVersion).where(
            PrototypeVersion.brief_id == brief.id))}:
        draft.version_id = None
    organisation = db.session.get(Organisation, brief.organisation_id)
    event = schedule_event(actor, organisation, draft)
    emit(events.session_scheduled, event, brief=brief)  # the volunteers are told
    return event


REVIEWABLE = {BriefStatus.PROTOTYPING, BriefStatus.TESTING, BriefStatus.ADOPTED}


def add_version(actor: User, brief: Brief, *, name: str, released_on=None, changes: str = "",
                reviewers: Reviewers = Reviewers.VOLUNTEERS) -> PrototypeVersion:
    """The brief's team defines a version of the prototype (name, date, what changed,
    who may review it)."""
    name = " ".join(name.split())
    if not name:
        raise Refused(_("Donnez un nom à la version, par exemple « Version 1 »."), "name")
    taken = db.session.scalar(select(PrototypeVersion.id).where(
        PrototypeVersion.brief_id == brief.id,
        func.lower(PrototypeVersion.name) == name.lower()))
    if taken is not None:
        raise Refused(_("Ce cahier a déjà une version « %(name)s ».", name=name), "name")
    version = PrototypeVersion(brief_id=brief.id, name=name, released_on=released_on,
                               changes=changes.strip(), reviewers=reviewers)
    db.session.add(version)
    db.session.flush()
    record(actor, "brief.version", brief, organisation_id=brief.organisation_id,
               challenge_id=brief.challenge_id, version=name)
    return version


def review_problem(user: User, version: PrototypeVersion, brief: Brief) -> str | None:
    """Why ``user`` may not review ``version`` (None: they may), by the team's rule."""
    if not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour donner votre avis.")
    if user.email_confirmed_at is None:
        return _("Confirmez d’abord votre adresse e-mail.")
    if brief.status not in REVIEWABLE:
        return _("Il n’y a pas encore de prototype à évaluer.")
    if version.reviewers == Reviewers.VOLUNTEERS and db.session.scalar(select(Volunteer.id).where(
            Volunteer.brief_id == brief.id, Volunteer.user_id == user.id)) is None:
        return _("Cette version est évaluée par les volontaires du cahier : proposez-vous "
                 "pour tester.")
    if version.reviewers == Reviewers.PARTICIPANTS and db.session.scalar(
            select(Registration.id).join(Event, Event.id == Registration.event_id)
            .where(Event.version_id == version.id, Registration.user_id == user.id,
                   Registration.status == RegistrationStatus.CONFIRMED).limit(1)) is None:
        return _("Cette version est évaluée par les personnes inscrites à une de ses séances.")
    return None


def give_feedback(user: User, version: PrototypeVersion, *, worked: str, did_not_work: str,
                  rating: int, comment: str = "") -> Feedback:
    """One review per person and version: a second one replaces the first."""
    brief = db.session.get(Brief, version.brief_id)
    problem = review_problem(user, version, brief)
    if problem:
        raise Refused(problem)
    if not 1 <= rating <= 5:
        raise Refused(_("La note va de 1 à 5."), "rating")
    feedback = db.session.scalar(select(Feedback).where(
        Feedback.version_id == version.id, Feedback.user_id == user.id))
    if feedback is None:
        feedback = Feedback(brief_id=brief.id, user_id=user.id, version_id=version.id,
                            rating=rating)
        db.session.add(feedback)
    else:
        feedback.updated_at = utcnow()
    feedback.worked, feedback.did_not_work = worked.strip(), did_not_work.strip()
    feedback.rating, feedback.comment = rating, comment.strip()
    db.session.flush()
    return feedback
