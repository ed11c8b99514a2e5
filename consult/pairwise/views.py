"""The comparison page (two ideas, one choice, the next pair) and the ranking."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from consult.accounts.sessions import person
from consult.challenges.eligibility import offers_franceconnect
from consult.challenges.permissions import can_view_challenge, is_agent_for, open_to
from consult.challenges.phases import Action, Phase
from consult.challenges.queries import challenge_by_slug
from consult.core import ratelimit as rl
from consult.core.errors_domain import Refused
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import page_number
from consult.db import db, writes_on_get
from consult.ideas.models import Idea
from consult.pairwise import bp
from consult.pairwise import operations as ops
from consult.pairwise.models import PairwiseScore, PairwiseVote
from consult.pairwise.results import ranking_page


def _challenge_or_404(slug: str):
    challenge = challenge_by_slug(slug)
    if challenge is None or not can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


def _has_pairwise(challenge) -> bool:
    return any(p.kind == Phase.PAIRWISE for p in challenge.phases)


@bp.route("/defis/<slug>/comparer")
@writes_on_get  # the pair shown is recorded with its one-time token
def compare(slug: str):
    challenge = _challenge_or_404(slug)
    if not _has_pairwise(challenge):
        abort(404)
    problem = ops.compare_problem(current_user, challenge)
    if problem:
        return render_template("pairwise/compare.html", challenge=challenge, problem=problem,
                               pair=None, offer_franceconnect=offers_franceconnect(
                                   current_user, challenge, Action.COMPARE),
                               ), 403 if current_user.is_authenticated else 200
    # the page is read and rendered first, the pair drawn recorded last: on SQLite a
    # request's first write takes the single writer's turn, held until its commit
    pair = ops.draw_pair(person(), challenge)
    page = _page(challenge, pair)
    if pair is not None:
        ops.record_shown(pair)
    return page


def _page(challenge, pair, status: int = 200, refused: str | None = None,
          field: str | None = None, answer: ops.Answer | None = None):
    # their challenge is this one, already loaded: taken from the session rather than
    # joined again (a joined challenge would run its three selectin loads once more)
    ideas = {} if pair is None else {i.id: i for i in db.session.scalars(
        select(Idea).where(Idea.id.in_((pair.left_id, pair.right_id)))
        .options(lazyload(Idea.challenge)))}
    answered = db.session.scalar(select(func.count()).select_from(PairwiseVote).where(
        PairwiseVote.challenge_id == challenge.id, PairwiseVote.user_id == current_user.id))
    return render_template("pairwise/compare.html", challenge=challenge, pair=pair,
                           ideas=ideas, problem=None, answered=answered,
                           reasons=ops.REASONS, refused=refused, field=field,
                           answer=answer, may_propose=Action.PROPOSE in _actions(challenge)
                           ), status


def _actions(challenge):
    from consult.challenges.permissions import actions_for

    return actions_for(current_user, challenge)


@bp.route("/defis/<slug>/comparer", methods=["POST"])
@login_required
@rl.limiter.limit(rl.VOTES_PER_PERSON, key_func=rl.person_key)
def vote(slug: str):
    challenge = _challenge_or_404(slug)
    answer = ops.Answer(choice=request.form.get("choice", ""),
                        reason=request.form.get("reason") or None,
                        reason_text=(request.form.get("reason_text") or "").strip() or None)
    # no savepoint: the operation refuses before its first write (SQLite's writer's turn
    # starts there), and the 400 or 409 below rolls the whole request back
    try:
        ops.vote(person(), request.form.get("token", ""), answer, challenge.id)
    except Refused as refusal:  # nothing counted (rolled back); said with its status
        if refusal.field:  # a mistake in the answer: the same pair, what was typed kept
            pair = ops.open_pair(person(), request.form.get("token", ""))
            return _page(challenge, pair, 400, refusal.message, refusal.field, answer)
        # a stale, reused or forged token, an idea withdrawn, outside the phase
        return _page(challenge, None, 409, refusal.message)
    flash(_("Choix compté. Voici une autre paire.") if answer.choice != "none" else
          _("C’est noté. Voici une autre paire."), "success")
    return redirect(url_for("pairwise.compare", slug=slug), 303)


@bp.route("/defis/<slug>/classement")
@anonymous_cache()  # (the agents' « recalculer » button is only on pages made for them)
def ranking(slug: str):
    challenge = _challenge_or_404(slug)
    if not _has_pairwise(challenge):
        abort(404)
    found, page = ranking_page(challenge.id, page_number(request.args.get("page")))
    rows = [(standing.idea, standing.score) for standing in found.standings]
    return render_template("pairwise/ranking.html", challenge=challenge, rows=rows,
                           page=page, first_rank=(page.number - 1) * page.size,
                           votes=found.votes, computed=found.computed_at,
                           may_recompute=is_agent_for(current_user, challenge))


@bp.route("/defis/<slug>/classement/recalculer", methods=["POST"])
@login_required
def recompute(slug: str):
    from flask_wtf import FlaskForm

    challenge = _challenge_or_404(slug)
    if not is_agent_for(current_user, challenge):
        abort(403)
    FlaskForm().validate_on_submit() or abort(400)
    from consult.core.tasks import enqueue

    enqueue("pairwise.scores", challenge.id)
    flash(_("Le classement est recalculé en arrière-plan : il sera à jour dans un instant."),
          "success")
    return redirect(url_for("pairwise.ranking", slug=slug))


def pairwise_section(challenge) -> Markup:
    """The challenge page's invitation to compare, and the link to the ranking."""
    if not _has_pairwise(challenge):
        return Markup("")
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "pairwise/_challenge_section.html", challenge=challenge,
        open=open_to(challenge, Action.COMPARE)))


def pairwise_scores(challenge, idea_ids: list[int]) -> dict:
    """The pairwise standing of the ideas listed (the results' publication cites it
    beside the supports, so that a selection can be justified by it): those ideas' score
    lines only, not the whole ranking of 10,000."""
    if not _has_pairwise(challenge) or not idea_ids:
        return {}
    return {score.idea_id: score for score in db.session.scalars(select(PairwiseScore).where(
        PairwiseScore.challenge_id == challenge.id, PairwiseScore.idea_id.in_(idea_ids),
        PairwiseScore.score.is_not(None)))}


@bp.app_context_processor
def _on_challenges():
    return {"pairwise_section": pairwise_section, "pairwise_scores": pairwise_scores}
