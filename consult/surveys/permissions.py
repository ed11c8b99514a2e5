"""Who may answer a survey, build it, read its results and moderate its free texts: the
challenge's rules (actions_for) plus what is the survey's own — its phase's dates."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.challenges.permissions import (
    actions_for,
    can_view_challenge,
    is_agent_for,
    participation_problem,
)
from consult.challenges.phases import Action
from consult.core.security import Permission, can
from consult.db import utcnow
from consult.surveys.models import Survey

# Below this many people, a count could point at someone: it is not published.
SMALL = 5


def respond_problem(user: Any, survey: Survey) -> str | None:
    """Why ``user`` may not answer (or change their answer) now, or None."""
    if not survey.phase.is_under_way(utcnow()):
        return _not_open(survey)
    problem = participation_problem(user, survey.challenge, Action.RESPOND)
    if problem is not None:
        return problem
    if not survey.questions:
        return _("Ce questionnaire n’a pas encore de questions.")
    return None


def _not_open(survey: Survey) -> str:
    now = utcnow()
    if survey.phase.starts_at > now:
        return _("Ce questionnaire n’est pas encore ouvert.")
    return _("Ce questionnaire est clos : les réponses ne peuvent plus changer.")


def may_build(user: Any, survey_or_challenge) -> bool:
    """The agents who edit the challenge build its questionnaires."""
    challenge = getattr(survey_or_challenge, "challenge", survey_or_challenge)
    return bool(getattr(user, "is_authenticated", False)) and can(
        user, Permission.EDIT_CHALLENGE, challenge)


def may_see(user: Any, survey: Survey) -> bool:
    return can_view_challenge(user, survey.challenge)


def may_see_results(user: Any, survey: Survey) -> bool:
    """Its organisations' agents at any time; everyone once the survey is over (answers
    still coming would be steered by the results shown)."""
    if not may_see(user, survey):
        return False
    return is_agent_for(user, survey.challenge) or survey.phase.has_ended(utcnow())


def exact_counts_for(user: Any, survey: Survey) -> bool:
    """Agents read exact counts; the public and the open data, counts of 5 and more."""
    return is_agent_for(user, survey.challenge)


def may_moderate(user: Any, survey: Survey) -> bool:
    return Action.MODERATE in actions_for(user, survey.challenge)
