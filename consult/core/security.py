"""Roles and permissions as enums, and the one ``can(user, permission, obj)`` that views,
templates, the API and the CLI all ask.

Each domain registers the small functions that decide its permissions in its own
``permissions.py`` (``@rule(Permission.X)``); this module only dispatches, so a
permission nobody registered is refused rather than silently allowed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any


class Role(enum.StrEnum):
    """What a person is on the platform; one person may hold several roles."""

    CITIZEN = "citizen"  # everyone with an account
    AGENT = "agent"  # agent of one or more organisations
    ORGANISATION_ADMIN = "organisation_admin"
    PLATFORM_ADMIN = "platform_admin"


class Permission(enum.StrEnum):
    # Platform
    MANAGE_PLATFORM = "manage_platform"  # list every organisation and account
    CREATE_ORGANISATION = "create_organisation"
    APPOINT_ORGANISATION_ADMIN = "appoint_organisation_admin"
    # Organisation
    VIEW_ORGANISATION_WORKSPACE = "view_organisation_workspace"
    MANAGE_ORGANISATION = "manage_organisation"  # edit its profile
    INVITE_AGENT = "invite_agent"
    REMOVE_MEMBER = "remove_member"
    MANAGE_API_TOKENS = "manage_api_tokens"  # create and revoke the organisation's tokens
    # Challenges run by the person's organisations
    LAUNCH_CHALLENGE = "launch_challenge"  # on an organisation
    EDIT_CHALLENGE = "edit_challenge"  # on a challenge: edit, preview, publish
    CLOSE_PHASE = "close_phase"  # on a challenge: organisation administrators
    MODERATE = "moderate"
    EDIT_BRIEF = "edit_brief"  # on a challenge (to convert) or a brief
    # Events and programmes
    ORGANISE_EVENT = "organise_event"  # on an organisation: its agents
    EDIT_EVENT = "edit_event"  # on an event: agents of its organisers (and of the brief)
    OPEN_PROGRAMME = "open_programme"  # on an organisation
    REVIEW_PROGRAMME = "review_programme"  # on a programme: agents of its organisation
    # Labs
    LAB_TEAM = "lab_team"  # on a lab: its agents (triage, projects, calls, reports)
    MANAGE_LAB_PARTNERS = "manage_lab_partners"  # on a lab: its administrators
    EDIT_PROJECT = "edit_project"  # on a lab project: the lab's and its organisations' agents
    VIEW_LAB_REQUEST = "view_lab_request"  # on a request: the lab's team and the requesters
    VIEW_APPLICATION = "view_application"  # on an application: applicants, team, its jurors
    # Account
    EDIT_PROFILE = "edit_profile"
    CONFIRMED_ACTION = "confirmed_action"  # actions that need a confirmed e-mail


Rule = Callable[[Any, Any], bool]
_RULES: dict[Permission, Rule] = {}


def rule(permission: Permission) -> Callable[[Rule], Rule]:
    """Register the function deciding ``permission``; one function per permission."""

    def register(func: Rule) -> Rule:
        if permission in _RULES and _RULES[permission] is not func:
            raise RuntimeError(f"permission {permission} already has a rule")
        _RULES[permission] = func
        return func

    return register


def can(user: Any, permission: Permission | str, obj: Any = None) -> bool:
    """True when ``user`` may do ``permission`` (on ``obj``). Never raises for anonymous."""
    permission = Permission(permission)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "deleted_at", None) is not None:
        return False
    if getattr(user, "is_platform_admin", False):
        return True
    decide = _RULES.get(permission)
    return bool(decide and decide(user, obj))


def roles_of(user: Any) -> set[Role]:
    """The roles a person holds, for display and for the authorisation tests."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    roles = {Role.CITIZEN}
    for membership in user.memberships:
        roles.add(Role.AGENT)
        if membership.is_admin:
            roles.add(Role.ORGANISATION_ADMIN)
    if user.is_platform_admin:
        roles.add(Role.PLATFORM_ADMIN)
    return roles
