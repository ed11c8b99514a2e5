"""Who may see a challenge and do what in it: the phase table combined with the role."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.challenges import eligibility
from consult.challenges.models import Challenge
from consult.challenges.phases import CLOSABLE, WITHOUT_ACCOUNT, Action, phase_actions
from consult.core.security import Permission, rule


def is_agent_for(user: Any, challenge: Challenge) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_platform_admin:
        return True
    from consult.organisations.queries import agent_organisation_ids

    mine = agent_organisation_ids(user)
    # a citizen (no organisation): the challenge's organisations need not be read
    return bool(mine) and not mine.isdisjoint(challenge.organisation_ids)


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge.published_at is not None or is_agent_for(user, challenge)


def actions_for(user: Any, challenge: Challenge) -> frozenset[Action]:
    """Everything ``user`` may do in ``challenge`` now — the one answer the views, the
    API, the CLI and the templates ask: the phase's table (phases.py), the agents'
    part for the agents of its organisations, only what needs no account for a person
    who cannot take part (signed out, unconfirmed, deleted), and what the challenge's
    state already settled (results publish once)."""
    if not can_view_challenge(user, challenge):
        return frozenset()
    allowed = phase_actions(challenge.states, agent=is_agent_for(user, challenge))
    if _account_problem(user) is not None:
        allowed &= WITHOUT_ACCOUNT | _unconfirmed_allowed(user, challenge, allowed)
    else:
        allowed -= {a for a in eligibility.RULED_ACTIONS
                    if a in allowed and eligibility.eligibility_problem(user, challenge, a)}
    if challenge.results_published_at is not None:
        allowed -= {Action.PUBLISH_RESULTS}
    return allowed


def open_to(challenge: Challenge, action: Action) -> bool:
    """Whether the phase lets people do ``action`` at all (an invitation to act shown to
    everyone, signed in or not: the action itself asks ``actions_for``)."""
    return action in phase_actions(challenge.states)


def _account_problem(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour participer.")
    if user.is_deleted:
        return _("Ce compte a été supprimé.")
    if not user.is_confirmed:
        return _("Confirmez d’abord votre adresse e-mail (lien envoyé par e-mail).")
    return None


def _unconfirmed_allowed(user: Any, challenge: Challenge, allowed) -> frozenset[Action]:
    """What a signed-in person whose address is not confirmed yet may still do: the
    actions whose rules accept any account."""
    if (not getattr(user, "is_authenticated", False) or user.is_deleted
            or user.is_confirmed):
        return frozenset()
    return frozenset(a for a in eligibility.RULED_ACTIONS if a in allowed
                     and eligibility.accepts_unconfirmed(challenge, a)
                     and eligibility.eligibility_problem(user, challenge, a) is None)


def participation_problem(user: Any, challenge: Challenge, action: Action) -> str | None:
    """Why ``user`` may not take part (``action``) in ``challenge`` now, or None: the
    account, the phase, then the challenge's eligibility rules (challenges.eligibility)."""
    account = _account_problem(user)
    if account is not None and action not in _unconfirmed_allowed(user, challenge, {action}):
        if not getattr(user, "is_authenticated", False):
            return eligibility.signed_out_problem(challenge, action) or account
        return account
    if action in actions_for(user, challenge):
        return None
    if action not in phase_actions(challenge.states, agent=is_agent_for(user, challenge)):
        return PHASE_REFUSALS.get(action, lambda p: _("Ce n’est pas possible pendant cette "
                                                      "phase."))(challenge.phase)
    return (eligibility.eligibility_problem(user, challenge, action)
            or _("Ce n’est pas possible pendant cette phase."))


PHASE_REFUSALS = {
    Action.PROPOSE: lambda phase: _("Le dépôt des idées n’est pas ouvert (phase : %(phase)s).",
                                    phase=phase.label),
    Action.SUPPORT: lambda phase: _("Le vote n’est pas ouvert (phase : %(phase)s).",
                                    phase=phase.label),
    Action.COMMENT: lambda phase: _("Les commentaires sont fermés (phase : %(phase)s).",
                                    phase=phase.label),
    Action.EDIT_OWN_IDEA: lambda phase: _("Les idées ne peuvent plus être modifiées "
                                          "(phase : %(phase)s).", phase=phase.label),
}


@rule(Permission.LAUNCH_CHALLENGE)
def can_launch(user: Any, organisation) -> bool:
    return organisation is not None and user.is_agent_of(organisation.id)


@rule(Permission.EDIT_CHALLENGE)
def can_edit_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge is not None and is_agent_for(user, challenge)


@rule(Permission.CLOSE_PHASE)
def can_close_phase(user: Any, challenge: Challenge) -> bool:
    """Its organisations' administrators, while the current phase can end early."""
    current = challenge.current_phase() if challenge is not None else None
    return (current is not None and current.kind in CLOSABLE and current.ends_at is not None
            and any(user.is_admin_of(o) for o in challenge.organisation_ids))
