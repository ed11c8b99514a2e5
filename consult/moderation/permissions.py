"""Moderation belongs to the agents of the organisations that run a challenge (and the
platform administrators): never a citizen, never another organisation's agent."""

from __future__ import annotations

from typing import Any

from consult.challenges.models import Challenge
from consult.challenges.permissions import is_agent_for
from consult.core.security import Permission, rule


@rule(Permission.MODERATE)
def can_moderate(user: Any, challenge: Challenge | None) -> bool:
    """``challenge`` None asks: may this person open the moderation workspace at all?"""
    if challenge is None:
        return bool(user.memberships)
    return is_agent_for(user, challenge)
