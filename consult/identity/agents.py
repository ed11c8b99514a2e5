"""Agents arriving with ProConnect. An organisation's administrators declare how its
agents are recognised (SIRET or SIREN numbers, e-mail domains); an agent who signs in
with ProConnect for a recognised organisation is not made a member: a request goes to
its administrators, who confirm or decline. No role is ever given automatically."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import events as signals
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.db import db, utcnow
from consult.identity.models import MembershipRequest
from consult.identity.operations import Claims
from consult.organisations.models import MembershipRole, Organisation

_SIRET = re.compile(r"^\d{9}(\d{5})?$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse_sirets(text: str) -> tuple[list[str], list[str]]:
    """The SIRET (14 digits) or SIREN (9 digits) numbers typed, and the words that are
    neither (spaces inside a number are allowed: « 213 100 557 00013 »)."""
    found, wrong = [], []
    for part in re.split(r"[,;\n]+", text or ""):
        digits = part.replace(" ", "").replace("\u00a0", "").strip()
        if not digits:
            continue
        (found if _SIRET.match(digits) else wrong).append(digits)
    return sorted(set(found)), wrong


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    found, wrong = [], []
    for part in re.split(r"[\s,;]+", (text or "").lower()):
        domain = part.strip().lstrip("@")
        if not domain:
            continue
        (found if _DOMAIN.match(domain) else wrong).append(domain)
    return sorted(set(found)), wrong


def set_recognition(actor: User, organisation: Organisation, sirets: list[str],
                    domains: list[str]) -> None:
    organisation.sirets = " ".join(sirets)
    organisation.email_domains = " ".join(domains)
    db.session.flush()
    record(actor, "organisation.recognition", organisation, organisation_id=organisation.id,
           sirets=organisation.sirets, email_domains=organisation.email_domains)


@dataclass(frozen=True)
class Match:
    organisation: Organisation
    matched_by: str  # "siret" or "email_domain"


def organisations_for(claims: Claims) -> list[Match]:
    """The organisations that declared the agent's SIRET (or its SIREN, the first nine
    digits) or the domain of their address."""
    domain = (claims.email or "").rpartition("@")[2]
    matches: dict[int, Match] = {}
    for organisation in db.session.scalars(select(Organisation).where(
            (Organisation.sirets != "") | (Organisation.email_domains != ""))
            .order_by(Organisation.name)):
        numbers = set((organisation.sirets or "").split())
        if claims.siret and (claims.siret in numbers or claims.siret[:9] in numbers):
            matches[organisation.id] = Match(organisation, "siret")
        elif domain and domain in set((organisation.email_domains or "").split()):
            matches.setdefault(organisation.id, Match(organisation, "email_domain"))
    return list(matches.values())


@dataclass(frozen=True)
class Arrival:
    asked: list[Organisation]  # requests made now
    waiting: list[Organisation]  # requests made before, not decided yet
    member_of: list[Organisation]  # already a member
    unknown: bool  # no organisation recognises the agent


def agent_arrives(user: User, provider: str, claims: Claims) -> Arrival:
    """A ProConnect sign-in: ask each recognising organisation to confirm the agent,
    once."""
    asked, waiting, member_of = [], [], []
    matches = organisations_for(claims)
    for match in matches:
        organisation = match.organisation
        if user.membership_in(organisation.id) is not None:
            member_of.append(organisation)
            continue
        existing = db.session.scalar(select(MembershipRequest).where(
            MembershipRequest.organisation_id == organisation.id,
            MembershipRequest.user_id == user.id))
        if existing is not None:
            if existing.decided_at is None:
                waiting.append(organisation)
            continue
        request = MembershipRequest(organisation_id=organisation.id, user_id=user.id,
                                    provider=provider, matched_by=match.matched_by)
        db.session.add(request)
        db.session.flush()
        record(user, "membership_request.create", request, organisation_id=organisation.id,
               matched_by=match.matched_by)
        signals.membership_requested.send(request)
        asked.append(organisation)
    return Arrival(asked, waiting, member_of, unknown=not matches)


def pending_requests(organisation: Organisation) -> list[MembershipRequest]:
    return list(db.session.scalars(select(MembershipRequest).where(
        MembershipRequest.organisation_id == organisation.id,
        MembershipRequest.decided_at.is_(None)).order_by(MembershipRequest.created_at)))


def decide(actor: User, request: MembershipRequest, accept: bool) -> None:
    """An administrator confirms the agent works there (they become an agent, the role
    an administrator may change later) or declines."""
    from consult.organisations.operations import add_member

    if request.decided_at is not None:
        raise Refused(_("Cette demande a déjà reçu une réponse."))
    if request.user.is_deleted:
        raise Refused(_("Ce compte a été supprimé."))
    request.decided_at, request.decided_by_id, request.accepted = utcnow(), actor.id, accept
    if accept:
        add_member(actor, request.organisation, request.user, MembershipRole.AGENT)
    db.session.flush()
    record(actor, "membership_request.decide", request,
           organisation_id=request.organisation_id, user_id=request.user_id,
           accepted=accept)
    signals.membership_decided.send(request)
