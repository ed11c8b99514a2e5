"""Writes of co-design. Registration is safe under concurrency: a conditional UPDATE
takes a seat only while one is free, otherwise the person joins the waiting list; a
cancellation gives the seat to the first person waiting, who is told."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.briefs.models import Brief, BriefStatus
from consult.codesign.models import (
    ContactPreference,
    Feedback,
    PrototypeVersion,
    Registration,
    RegistrationStatus,
    Reviewers,
    SessionMode,
    TestSession,
    Volunteer,
)
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit, record
from consult.core.outbox import queue_mail
from consult.core.urls import external_url
from consult.db import db, utcnow

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


def session_date_problems(starts_at, ends_at) -> dict[str, str]:
    """Every problem with a session's dates (UTC), by field: the form shows them all with
    its other errors, the operation refuses on the first (issue 14)."""
    problems = {}
    if starts_at is not None and starts_at <= utcnow():
        problems["starts_at"] = _("La séance doit commencer dans le futur.")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems["ends_at"] = _("La fin doit venir après le début.")
    return problems


def schedule_session(actor: User, brief: Brief, *, title: str, starts_at, ends_at,
                     mode: SessionMode, location: str, capacity: int,
                     description: str = "", version_id: int | None = None) -> TestSession:
    _require_open(brief)
    if capacity is None or capacity < 1:
        raise Refused(_("La capacité doit être d’au moins une place."), "capacity")
    for field, problem in session_date_problems(starts_at, ends_at).items():
        raise Refused(problem, field)
    session = TestSession(brief_id=brief.id, title=title.strip(), starts_at=starts_at,
                          ends_at=ends_at, mode=mode, location=location.strip(),
                          capacity=capacity, description=description,
                          version_id=version_id if version_id in {
                              v.id for v in db.session.scalars(select(PrototypeVersion).where(
                                  PrototypeVersion.brief_id == brief.id))} else None)
    db.session.add(session)
    db.session.flush()
    record(actor, "session.create", session, organisation_id=brief.organisation_id,
               challenge_id=brief.challenge_id, capacity=capacity)
    emit(events.session_scheduled, session, brief=brief)  # the volunteers are told
    return session


def register(user: User, session: TestSession) -> RegistrationStatus:
    """Take a seat if one is free, else join the waiting list."""
    _require_confirmed(user)
    if session.starts_at <= utcnow():
        raise Refused(_("Cette séance a déjà commencé."))
    current = db.session.scalar(select(Registration).where(
        Registration.session_id == session.id, Registration.user_id == user.id))
    if current is not None and current.status != RegistrationStatus.CANCELLED:
        raise Refused(_("Vous êtes déjà inscrit·e à cette séance."))
    try:
        with db.session.begin_nested():  # the seat and the registration: both or neither
            seat = db.session.execute(update(TestSession).where(
                TestSession.id == session.id,
                TestSession.confirmed_count < TestSession.capacity,
            ).values(confirmed_count=TestSession.confirmed_count + 1)
                .returning(TestSession.id)).first()
            status = RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITING
            if current is None:
                db.session.add(Registration(session_id=session.id, user_id=user.id,
                                            status=status))
            else:  # a cancelled registration comes back at the end of the line
                current.status, current.created_at = status, utcnow()
            db.session.flush()
    except IntegrityError as exc:
        raise Refused(_("Vous êtes déjà inscrit·e à cette séance.")) from exc
    return status


def cancel(user: User, session: TestSession) -> None:
    registration = db.session.scalar(select(Registration).where(
        Registration.session_id == session.id, Registration.user_id == user.id,
        Registration.status != RegistrationStatus.CANCELLED))
    if registration is None:
        raise Refused(_("Vous n’êtes pas inscrit·e à cette séance."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    db.session.flush()
    if was_confirmed:
        _promote_or_free(session)


def _promote_or_free(session: TestSession) -> None:
    query = select(Registration).where(
        Registration.session_id == session.id,
        Registration.status == RegistrationStatus.WAITING).order_by(
        Registration.created_at, Registration.id).limit(1)
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Registration)
    waiting = db.session.scalar(query)
    if waiting is None:
        db.session.execute(update(TestSession).where(TestSession.id == session.id).values(
            confirmed_count=TestSession.confirmed_count - 1))
        return
    waiting.status = RegistrationStatus.CONFIRMED  # the seat passes on; the count stays
    db.session.flush()
    brief = db.session.get(Brief, session.brief_id)
    emit(events.seat_freed, session, brief=brief, user_id=waiting.user_id)


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
            select(Registration.id).join(TestSession, TestSession.id == Registration.session_id)
            .where(TestSession.version_id == version.id, Registration.user_id == user.id,
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


def send_reminders(now=None) -> int:
    """Mail confirmed participants of sessions starting within 24 hours (once). Commits."""
    now = now or utcnow()
    query = select(TestSession).where(TestSession.reminder_sent_at.is_(None),
                                      TestSession.starts_at > now,
                                      TestSession.starts_at <= now + timedelta(hours=24))
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=TestSession)
    sent = 0
    for session in db.session.scalars(query):
        brief = db.session.get(Brief, session.brief_id)
        people = db.session.scalars(select(Registration).where(
            Registration.session_id == session.id,
            Registration.status == RegistrationStatus.CONFIRMED))
        for registration in people:
            user = registration.user
            if user.email and not user.is_deleted:
                queue_mail(user.email, "codesign/reminder", locale=user.locale, user=user,
                           session=session, brief=brief,
                           brief_url=external_url("briefs.show", brief_id=brief.id))
                sent += 1
        session.reminder_sent_at = now
    db.session.commit()
    return sent
