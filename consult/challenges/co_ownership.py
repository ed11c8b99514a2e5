"""Who may attach an organisation to a challenge, or take it off (issue 14: an agent
could tick another organisation as co-owner, then remove their own, and publish in the
other's name).

- An organisation joins a challenge directly when the person is one of its agents (or
  a platform administrator); any other organisation is *proposed* and joins only when
  one of its administrators accepts.
- An organisation leaves a challenge only by one of its own administrators (or a
  platform administrator); a challenge always keeps one organisation.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.challenges.models import Challenge, CoOwnershipProposal
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit, record
from consult.db import db, utcnow
from consult.organisations.models import Organisation


def may_attach(user: User, organisation: Organisation) -> bool:
    return user.is_platform_admin or user.is_agent_of(organisation.id)


def may_detach(user: User, organisation: Organisation) -> bool:
    return user.is_platform_admin or user.is_admin_of(organisation.id)


def pending_proposals(challenge: Challenge) -> list[CoOwnershipProposal]:
    return list(db.session.scalars(select(CoOwnershipProposal).where(
        CoOwnershipProposal.challenge_id == challenge.id,
        CoOwnershipProposal.decided_at.is_(None))))


def set_organisations(actor: User, challenge: Challenge, wanted: list[Organisation]) -> list[
        Organisation]:
    """Apply the organisations the editor asked for; returns those only proposed."""
    current = {o.id: o for o in challenge.organisations}
    wanted_ids = {o.id for o in wanted}
    leaving = [o for oid, o in current.items() if oid not in wanted_ids]
    refused = [o.name for o in leaving if not may_detach(actor, o)]
    if refused:
        raise Refused(_("Seuls les administrateurs de %(names)s peuvent retirer leur "
                        "organisation de ce défi.", names=", ".join(refused)), "organisations")
    joining = [o for o in wanted if o.id not in current]
    direct = [o for o in joining if may_attach(actor, o)]
    proposed = [o for o in joining if not may_attach(actor, o)]
    kept = [o for o in challenge.organisations if o.id in wanted_ids]
    if not kept and not direct:
        raise Refused(_("Un défi appartient à au moins une organisation dont vous faites "
                        "partie ; les autres sont invitées et le rejoignent quand elles "
                        "acceptent."), "organisations")
    challenge.organisations = [*kept, *direct]
    already = {p.organisation_id for p in pending_proposals(challenge)}
    for organisation in proposed:
        if organisation.id not in already:
            _propose(actor, challenge, organisation)
    return proposed


def _propose(actor: User, challenge: Challenge, organisation: Organisation) -> None:
    proposal = CoOwnershipProposal(challenge=challenge, organisation=organisation,
                                   proposed_by_id=actor.id)
    db.session.add(proposal)
    db.session.flush()
    emit(events.co_ownership_proposed, challenge, organisation=organisation)


def decide(actor: User, proposal: CoOwnershipProposal, accept: bool) -> None:
    if not may_detach(actor, proposal.organisation):  # its administrators decide
        raise Refused(_("Seuls les administrateurs de l’organisation décident."))
    if proposal.decided_at is not None:
        raise Refused(_("Cette proposition a déjà reçu une réponse."))
    proposal.accepted, proposal.decided_at, proposal.decided_by_id = accept, utcnow(), actor.id
    challenge = proposal.challenge
    if accept and proposal.organisation not in challenge.organisations:
        challenge.organisations.append(proposal.organisation)
    db.session.flush()
    record(actor, "challenge.co_ownership_" + ("accept" if accept else "decline"),
               challenge, organisation_id=proposal.organisation_id, challenge_id=challenge.id)
