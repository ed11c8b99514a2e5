"""Who may organise, edit and review events. Registration has its own rule, with a
reason a person can read (``events.registration.registration_problem``)."""

from __future__ import annotations

from typing import Any

from consult.core.security import Permission, can, rule
from consult.events.models import Event, Programme


@rule(Permission.ORGANISE_EVENT)
def can_organise_event(user: Any, organisation) -> bool:
    return organisation is not None and user.is_agent_of(organisation.id)


@rule(Permission.EDIT_EVENT)
def can_edit_event(user: Any, event: Event) -> bool:
    """Agents of the organiser and of the partner organisations; for a user test, the
    brief's team too."""
    if event is None:
        return False
    if user.is_agent_of(event.organisation_id) or any(
            user.is_agent_of(p.id) for p in event.partners):
        return True
    if event.brief_id is not None:
        from consult.briefs.models import Brief
        from consult.db import db

        return can(user, Permission.EDIT_BRIEF, db.session.get(Brief, event.brief_id))
    return False


@rule(Permission.OPEN_PROGRAMME)
def can_open_programme(user: Any, organisation) -> bool:
    return organisation is not None and user.is_agent_of(organisation.id)


@rule(Permission.REVIEW_PROGRAMME)
def can_review_programme(user: Any, programme: Programme) -> bool:
    return programme is not None and user.is_agent_of(programme.organisation_id)
