"""Asking another administration for an opinion, answering, citing it; the reminders.
Who may do what is asked here only (``ask_problem``, ``may_answer``, ``may_follow``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.challenges.models import Challenge
from consult.challenges.permissions import is_agent_for
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.outbox import queue_mail
from consult.core.text import forbidden_characters_message, has_forbidden_characters
from consult.core.timezones import today_in_paris
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.ideas.models import Idea
from consult.opinions.models import MAX_OPINION, MAX_QUESTION, OpinionRequest, OpinionStatus
from consult.organisations.models import Membership, Organisation
from consult.organisations.queries import agent_organisation_ids

REMIND_DAYS_BEFORE = 2


def may_follow(user: Any, challenge: Challenge) -> bool:
    """The challenge's agents: they ask, read the opinions, cite them."""
    return is_agent_for(user, challenge)


def may_answer(user: Any, request: OpinionRequest) -> bool:
    """The asked organisation's agents, for this request only."""
    return (getattr(user, "is_authenticated", False)
            and request.asked_organisation_id in agent_organisation_ids(user))


def may_see(user: Any, request: OpinionRequest) -> bool:
    challenge = db.session.get(Challenge, request.challenge_id)
    return may_answer(user, request) or may_follow(user, challenge)


def askable_organisations(challenge: Challenge) -> list[Organisation]:
    """Every organisation but the challenge's own."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.id.not_in(challenge.organisation_ids)).order_by(Organisation.name)))


def ask_problems(user: User, idea: Idea, organisation_id: int | None, question: str,
                 deadline: date | None, today: date) -> dict[str, str]:
    """Every problem of a request at once, by field."""
    problems: dict[str, str] = {}
    challenge = idea.challenge
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        problems["organisation"] = _("Choisissez l’organisation à qui demander un avis.")
    elif organisation.id in challenge.organisation_ids:
        problems["organisation"] = _("Cette organisation porte déjà le défi : ses agents "
                                     "voient l’idée. Demandez l’avis d’une autre "
                                     "administration.")
    question = (question or "").strip()
    if len(question) < 10:
        problems["question"] = _("Formulez la question en quelques mots (10 caractères au "
                                 "moins).")
    elif len(question) > MAX_QUESTION:
        problems["question"] = _("%(max)s caractères au plus.", max=MAX_QUESTION)
    elif has_forbidden_characters(question):
        problems["question"] = forbidden_characters_message()
    if deadline is None:
        problems["deadline"] = _("Indiquez une date limite (jj/mm/aaaa).")
    elif deadline <= today:
        problems["deadline"] = _("La date limite doit être après aujourd’hui.")
    elif deadline > today + timedelta(days=366):
        problems["deadline"] = _("La date limite doit tomber dans l’année qui vient.")
    return problems


def ask(user: User, idea: Idea, organisation_id: int | None, question: str,
        deadline: date | None) -> OpinionRequest:
    if not may_follow(user, idea.challenge):
        raise Refused(_("Seuls les agents des organisations du défi demandent des avis."))
    problems = ask_problems(user, idea, organisation_id, question, deadline, today_in_paris())
    if problems:
        field, message = next(iter(problems.items()))
        raise Refused(message, field)
    request = OpinionRequest(idea_id=idea.id, challenge_id=idea.challenge_id,
                             asked_organisation_id=organisation_id, asked_by_id=user.id,
                             question=question.strip(), deadline=deadline)
    db.session.add(request)
    db.session.flush()
    record(user, "opinion.ask", request, challenge_id=idea.challenge_id,
           organisation_id=organisation_id)
    _mail_agents(request, "opinions/asked")
    return request


def answer(user: User, request: OpinionRequest, opinion: str) -> OpinionRequest:
    if not may_answer(user, request):
        raise Refused(_("Cet avis est demandé à une autre organisation."))
    if request.status != OpinionStatus.PENDING:
        raise Refused(_("Cette demande n’attend plus d’avis."))
    opinion = (opinion or "").strip()
    if not opinion:
        raise Refused(_("Écrivez votre avis."), "opinion")
    if len(opinion) > MAX_OPINION:
        raise Refused(_("%(max)s caractères au plus.", max=MAX_OPINION), "opinion")
    if has_forbidden_characters(opinion):
        raise Refused(forbidden_characters_message(), "opinion")
    request.opinion, request.status = opinion, OpinionStatus.ANSWERED
    request.answered_by_id, request.answered_at = user.id, utcnow()
    db.session.flush()
    record(user, "opinion.answer", request, challenge_id=request.challenge_id)
    asker = db.session.get(User, request.asked_by_id) if request.asked_by_id else None
    if asker is not None and asker.email and not asker.is_deleted:
        queue_mail(asker.email, "opinions/answered", locale=asker.locale, user=asker,
                   request=request, organisation=request.asked_organisation,
                   url=external_url("opinions.show", request_id=request.id))
    return request


def withdraw(user: User, request: OpinionRequest) -> OpinionRequest:
    if not may_follow(user, db.session.get(Challenge, request.challenge_id)):
        raise Refused(_("Seuls les agents des organisations du défi retirent une demande."))
    if request.status != OpinionStatus.PENDING:
        raise Refused(_("Cette demande n’attend plus d’avis."))
    request.status = OpinionStatus.WITHDRAWN
    db.session.flush()
    record(user, "opinion.withdraw", request, challenge_id=request.challenge_id)
    return request


def cite(user: User, request: OpinionRequest) -> OpinionRequest:
    """Cite the opinion with the official answer: shown on the idea's page from then."""
    if not may_follow(user, db.session.get(Challenge, request.challenge_id)):
        raise Refused(_("Seuls les agents des organisations du défi citent un avis."))
    if request.status != OpinionStatus.ANSWERED:
        raise Refused(_("Seul un avis donné peut être cité."))
    request.cited_at, request.cited_by_id = utcnow(), user.id
    db.session.flush()
    record(user, "opinion.cite", request, challenge_id=request.challenge_id)
    return request


def _mail_agents(request: OpinionRequest, template: str) -> int:
    people = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.organisation_id
                                       == request.asked_organisation_id))
    sent = 0
    for person in people:
        if person.email and not person.is_deleted:
            queue_mail(person.email, template, locale=person.locale, user=person,
                       request=request, idea=request.idea,
                       url=external_url("opinions.show", request_id=request.id))
            sent += 1
    return sent


def send_opinion_reminders(now: datetime | None = None) -> int:
    """Remind the asked organisation's agents of a pending request whose deadline is two
    days away or less (once). Commits."""
    today = (now.date() if now else today_in_paris())
    due = db.session.scalars(select(OpinionRequest).where(
        OpinionRequest.status == OpinionStatus.PENDING, OpinionRequest.reminded_at.is_(None),
        OpinionRequest.deadline <= today + timedelta(days=REMIND_DAYS_BEFORE))).all()
    sent = 0
    for request in due:
        sent += _mail_agents(request, "opinions/reminder")
        request.reminded_at = now or utcnow()
    db.session.commit()
    return sent


def asked_of(user: User) -> list[OpinionRequest]:
    """The requests to the person's organisations: pending first, soonest deadline first."""
    orgs = agent_organisation_ids(user)
    if not orgs:
        return []
    return list(db.session.scalars(select(OpinionRequest).where(
        OpinionRequest.asked_organisation_id.in_(orgs),
        OpinionRequest.status != OpinionStatus.WITHDRAWN)
        .order_by((OpinionRequest.status == OpinionStatus.PENDING).desc(),
                  OpinionRequest.deadline, OpinionRequest.id)))


def sent_by(user: User) -> list[OpinionRequest]:
    """The requests of the challenges the person's organisations own."""
    from consult.challenges.models import challenge_organisations

    orgs = agent_organisation_ids(user)
    if not orgs:
        return []
    return list(db.session.scalars(select(OpinionRequest).where(
        OpinionRequest.challenge_id.in_(select(challenge_organisations.c.challenge_id).where(
            challenge_organisations.c.organisation_id.in_(orgs))))
        .order_by((OpinionRequest.status == OpinionStatus.PENDING).desc(),
                  OpinionRequest.deadline, OpinionRequest.id)))


def of_organisation(organisation_id: int) -> dict[str, list[OpinionRequest]]:
    """An organisation's requests, for its dashboard: those about its challenges
    (« sent ») and those it was asked (« received »), withdrawn ones aside, pending first
    and soonest deadline first."""
    from consult.challenges.models import challenge_organisations

    order = ((OpinionRequest.status == OpinionStatus.PENDING).desc(),
             OpinionRequest.deadline, OpinionRequest.id)
    live = OpinionRequest.status != OpinionStatus.WITHDRAWN
    own = select(challenge_organisations.c.challenge_id).where(
        challenge_organisations.c.organisation_id == organisation_id)
    return {
        "sent": list(db.session.scalars(select(OpinionRequest).where(
            live, OpinionRequest.challenge_id.in_(own)).order_by(*order))),
        "received": list(db.session.scalars(select(OpinionRequest).where(
            live, OpinionRequest.asked_organisation_id == organisation_id).order_by(*order))),
    }


def requests_on(idea: Idea) -> list[OpinionRequest]:
    return list(db.session.scalars(select(OpinionRequest).where(
        OpinionRequest.idea_id == idea.id).order_by(OpinionRequest.id)))


def cited_on(idea: Idea) -> list[OpinionRequest]:
    return list(db.session.scalars(select(OpinionRequest).where(
        OpinionRequest.idea_id == idea.id, OpinionRequest.cited_at.is_not(None))
        .order_by(OpinionRequest.answered_at)))


def delays(requests: list[OpinionRequest], today: date) -> dict[str, Any]:
    """What the requests page shows at the top: pending, late, median days to answer."""
    pending = [r for r in requests if r.status == OpinionStatus.PENDING]
    answered = sorted((r.answered_at.date() - r.created_at.date()).days
                      for r in requests if r.answered_at)
    return {"pending": len(pending), "late": sum(1 for r in pending if r.deadline < today),
            "median_days": answered[len(answered) // 2] if answered else None}
