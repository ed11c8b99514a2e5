from __future__ import annotations

from consult.core.security import Permission, rule


@rule(Permission.EDIT_PROFILE)
def can_edit_profile(user, profile_owner) -> bool:
    return profile_owner is None or profile_owner.id == user.id


@rule(Permission.CONFIRMED_ACTION)
def can_act_confirmed(user, _obj) -> bool:
    return user.is_confirmed
