"""Who may work for a lab, manage its partners, carry its projects and read a request.
Calling on a lab has its own rule, with a reason a person can read
(``labs.operations.request_problem``)."""

from __future__ import annotations

from typing import Any

from consult.core.security import Permission, rule
from consult.labs.models import LabProject, LabRequest
from consult.organisations.models import OrganisationKind


def _is_lab(organisation) -> bool:
    return organisation is not None and organisation.kind == OrganisationKind.LABORATOIRE


@rule(Permission.LAB_TEAM)
def can_work_for_lab(user: Any, lab) -> bool:
    return _is_lab(lab) and user.is_agent_of(lab.id)


@rule(Permission.MANAGE_LAB_PARTNERS)
def can_manage_partners(user: Any, lab) -> bool:
    return _is_lab(lab) and user.is_admin_of(lab.id)


@rule(Permission.EDIT_PROJECT)
def can_edit_project(user: Any, project: LabProject) -> bool:
    """A project is owned jointly: the lab's agents and those of every organisation
    involved carry it."""
    return project is not None and (user.is_agent_of(project.lab_id) or any(
        user.is_agent_of(o.id) for o in project.organisations))


@rule(Permission.VIEW_LAB_REQUEST)
def can_view_request(user: Any, request: LabRequest) -> bool:
    return request is not None and (user.is_agent_of(request.lab_id)
                                    or user.is_agent_of(request.organisation_id))


@rule(Permission.VIEW_APPLICATION)
def can_view_application(user: Any, application) -> bool:
    """The applicant organisation's agents, the lab's team, and the jurors of its call
    (of that call only)."""
    if application is None:
        return False
    call = application.call
    return (user.is_agent_of(application.organisation_id) or user.is_agent_of(call.lab_id)
            or any(j.id == user.id for j in call.jurors))
