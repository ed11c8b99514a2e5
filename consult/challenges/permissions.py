"""Who may see a challenge and do what in it: the phase table combined with the role."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.challenges.models import Challenge
from consult.challenges.phases import Action, Phase, allows
from consult.core.security import Permission, rule


def is_agent_for(user: Any, challenge: Challenge) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_platform_admin:
        return True
    return any(user.is_agent_of(o) for o in challenge.organisation_ids)


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge.published_at is not None or is_agent_for(user, challenge)


def phase_allows(user: Any, challenge: Challenge, action: Action) -> bool:
    return allows(challenge.phase, action, agent=is_agent_for(user, challenge))


def participation_problem(user: Any, challenge: Challenge, action: Action) -> str | None:
    """Why ``user`` may not take part (``action``) in ``challenge`` now, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour participer.")
    if user.is_deleted:
        return _("Ce compte a été supprimé.")
    if not user.is_confirmed:
        return _("Confirmez d’abord votre adresse e-mail (lien envoyé par e-mail).")
    if not phase_allows(user, challenge, action):
        return PHASE_REFUSALS.get(action, lambda p: _("Ce n’est pas possible pendant cette "
                                                      "phase."))(challenge.phase)
    return None


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


def is_open(challenge: Challenge) -> bool:
    return challenge.phase in {Phase.SUBMISSION, Phase.VOTING}


@rule(Permission.LAUNCH_CHALLENGE)
def can_launch(user: Any, organisation) -> bool:
    return organisation is not None and user.is_agent_of(organisation.id)


@rule(Permission.EDIT_CHALLENGE)
def can_edit_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge is not None and is_agent_for(user, challenge)


@rule(Permission.CLOSE_PHASE)
def can_close_phase(user: Any, challenge: Challenge) -> bool:
    return challenge is not None and any(user.is_admin_of(o) for o in challenge.organisation_ids)
