from __future__ import annotations

from typing import Any

from consult.briefs.models import Brief
from consult.challenges.models import Challenge
from consult.challenges.permissions import is_agent_for
from consult.core.security import Permission, rule


@rule(Permission.EDIT_BRIEF)
def can_edit_brief(user: Any, target: Brief | Challenge) -> bool:
    """Agents of the challenge's organisations, and of the organisation (lab) in charge."""
    if isinstance(target, Brief):
        return is_agent_for(user, target.challenge) or user.is_agent_of(target.organisation_id)
    return target is not None and is_agent_for(user, target)
