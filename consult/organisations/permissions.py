"""Who may do what with an organisation. The platform administrator may do everything
(``core.security.can``); creating organisations and naming their administrators is
reserved to them, so those permissions have no rule here."""

from __future__ import annotations

from consult.core.security import Permission, rule


@rule(Permission.VIEW_ORGANISATION_WORKSPACE)
def can_view_workspace(user, organisation) -> bool:
    return organisation is not None and user.is_agent_of(organisation.id)


@rule(Permission.MANAGE_ORGANISATION)
def can_manage_organisation(user, organisation) -> bool:
    return organisation is not None and user.is_admin_of(organisation.id)


@rule(Permission.INVITE_AGENT)
def can_invite_agent(user, organisation) -> bool:
    return organisation is not None and user.is_admin_of(organisation.id)


@rule(Permission.REMOVE_MEMBER)
def can_remove_member(user, membership) -> bool:
    return (membership is not None and membership.user_id != user.id
            and user.is_admin_of(membership.organisation_id))


@rule(Permission.MANAGE_API_TOKENS)
def can_manage_api_tokens(user, organisation) -> bool:
    return organisation is not None and user.is_admin_of(organisation.id)
