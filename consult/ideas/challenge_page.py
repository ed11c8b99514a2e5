"""A challenge's page, with its ideas: defined by ideas on the challenges blueprint
(endpoint ``challenges.show``), so that challenges never import ideas
(tests/test_architecture.py)."""

from __future__ import annotations

import secrets

from flask import render_template, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select

from consult.challenges import bp
from consult.challenges.queries import challenge_for_rules
from consult.challenges.views import challenge_or_404
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import page_number
from consult.core.params import enum_arg, int_arg, text_arg
from consult.core.personal import memoised, personal_context, set_personal_context
from consult.core.sql import read
from consult.ideas.ballot import ballot_for
from consult.ideas.models import AnswerStatus, Idea, IdeaStatus
from consult.ideas.queries import (
    NARROWERS,
    IdeaFilters,
    IdeaSort,
    default_sort,
    idea_page,
    idea_territories,
    supported_idea_ids,
)

RANDOM_ORDERS = 64


def visitor_seed() -> int:
    """The visitor's random order, kept in the session so it is stable from page to page:
    one of 64 permutations drawn at random, so that no idea wins by being seen first
    while the pages stay cacheable (see core.pagecache)."""
    if "order_seed" not in session:
        session["order_seed"] = secrets.randbelow(RANDOM_ORDERS) + 1
    return session["order_seed"]


def _searching() -> bool:
    return bool(text_arg("q").strip())


def _random_order_key() -> int | None:
    """The page cache's key part: the visitor's order, unless another sort was asked
    (a search without a sort comes most supported first: ideas.queries.default_sort)."""
    if _searching() and not request.args.get("tri"):
        return None
    return visitor_seed() if request.args.get("tri") in (None, "", IdeaSort.RANDOM) else None



def idea_footer_state(idea_id: int, author_id: int, published: bool,
                      supports: int) -> tuple[int, str | None]:
    """What an idea card's foot shows of the person (templates/_personal.html): the
    idea's fresh count and their button."""
    context = personal_context()
    return (context["counts"].get(idea_id, supports), context["ballot"].option_of(
        published, author_id, idea_id in context["supported"]))


memoised("idea_footer", lambda args: idea_footer_state(args[0], args[2], args[3], args[4]))
memoised("ballot", lambda args: personal_context()["ballot"].shown)
bp.record_once(lambda state: state.app.jinja_env.globals.update(
    idea_footer_state=idea_footer_state))  # a global: slots render outside any page


def _personal(challenge, idea_ids: list[int], counts: dict[int, int] | None = None) -> None:
    """The personal context of the page's slots (templates/_personal.html): the person's
    ballot, which of the ideas shown they support, and the ideas' counts."""
    if counts is None:
        counts = dict(read(_COUNTS, ideas=idea_ids).all())
    set_personal_context(ballot=ballot_for(current_user, challenge), counts=counts,
                         supported=supported_idea_ids(current_user, idea_ids))


_ideas = Idea.__table__
_COUNTS = select(_ideas.c.id, _ideas.c.supports_count).where(
    _ideas.c.id.in_(bindparam("ideas", expanding=True)))


def _personal_on_hit(slots: list) -> bool:
    """A kept page, for another citizen: their context from the slots' arguments
    (False: the challenge is gone, render the page again)."""
    challenge_id = next((args[0] for name, args in slots if name == "ballot"), None)
    # the ballot's rules read the phases, not the organisations (their ids only, for an
    # agent: citizens share kept pages) nor the themes
    challenge = challenge_for_rules(challenge_id) if challenge_id else None
    if challenge is None:
        return False
    _personal(challenge, [args[0] for name, args in slots if name == "idea_footer"])
    return True


@bp.route("/defis/<slug>")
@anonymous_cache(vary=_random_order_key, personal=_personal_on_hit)
def show(slug: str):
    challenge = challenge_or_404(slug)
    sort = enum_arg("tri", IdeaSort) or default_sort(challenge, _searching())
    filters = IdeaFilters(theme_id=int_arg("theme"), territory_id=int_arg("territoire"),
                          answer=text_arg("reponse", 20), search=text_arg("q"), sort=sort,
                          seed=visitor_seed() if sort == IdeaSort.RANDOM else 1,
                          narrow={name: value for name in NARROWERS
                                  if (value := int_arg(name))})
    page = idea_page(challenge, filters, page_number(request.args.get("page")))
    ids = [idea.id for idea in page.items]
    _personal(challenge, ids, {idea.id: idea.supports_count for idea in page.items})
    return render_template(
        "challenges/show.html", challenge=challenge, page=page, filters=filters,
        IdeaSort=IdeaSort, IdeaStatus=IdeaStatus,
        territories=idea_territories(challenge), answers=list(AnswerStatus))
