"""What surveys add to other domains' pages, asked by their templates only if surveys
are installed: the challenge page's questionnaires (``survey_section``) and a brief's
SUS scores per prototype version (``sus_scores``)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from consult.challenges.phases import Phase
from consult.db import utcnow
from consult.surveys import bp, operations, permissions
from consult.surveys.results import sus_by_version


def survey_section(challenge) -> Markup:
    phases = [p for p in challenge.timeline() if p.kind == Phase.SURVEY]
    if not phases:
        return Markup("")
    now = utcnow()
    items = []
    for phase in phases:
        survey = operations.survey_of(phase)
        items.append({
            "phase": phase, "survey": survey, "open": phase.is_under_way(now),
            "answered": survey is not None and operations.my_response(
                survey, current_user) is not None,
            "results": survey is not None and permissions.may_see_results(current_user,
                                                                          survey)})
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "surveys/_challenge_section.html", challenge=challenge, items=items,
        may_build=permissions.may_build(current_user, challenge)))


@bp.app_context_processor
def _other_pages():
    return {"survey_section": survey_section, "sus_scores": sus_by_version}
