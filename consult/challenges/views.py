from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from consult.challenges import (  # noqa: F401  (routes)
    bp,
    co_ownership_views,
    editor,
    eligibility_views,
    permissions,
    queries,
)
from consult.challenges.phases import Action, Phase
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import page_number
from consult.core.params import enum_arg, int_arg, text_arg
from consult.organisations.queries import all_organisations


def eligibility_of(challenge):
    """The challenge's conditions to take part, described (the same for everyone: the
    page may be kept; what the person lacks is said in the ballot's personal slot)."""
    from consult.challenges import eligibility

    return {"rules": eligibility.described(challenge)}


def challenge_or_404(slug: str):
    challenge = queries.challenge_by_slug(slug)
    if challenge is None or not permissions.can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


@bp.app_context_processor
def _rules():
    """The templates ask the rules, never restate them (tests/test_templates_ask.py)."""
    return {"actions_for": lambda challenge: permissions.actions_for(current_user, challenge),
            "open_to": permissions.open_to, "Action": Action,
            "eligibility_of": eligibility_of,
            # an organisation's workspace lists its challenges: organisations stay below
            "challenges_run_by": lambda organisation: queries.challenges_run_by(
                organisation.id)}


@bp.route("/defis")
@anonymous_cache()
def index():
    filters = queries.ChallengeFilters(
        organisation_id=int_arg("organisation"), theme=text_arg("theme", 80),
        territory_id=int_arg("territoire"), phase=enum_arg("phase", Phase))
    page = queries.challenge_page(filters, page_number(request.args.get("page")))
    return render_template("challenges/index.html", page=page, filters=filters,
                           organisations=all_organisations(), themes=queries.theme_names(),
                           territories=queries.challenge_territories(),
                           phases=[p for p in Phase if p != Phase.DRAFT])
