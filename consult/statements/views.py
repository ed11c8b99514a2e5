"""The statements' pages: one statement at a time to answer, a statement to submit, the
report of the opinion groups, and the agents' moderation of statements."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.challenges.eligibility import offers_franceconnect
from consult.challenges.permissions import can_view_challenge, is_agent_for, open_to
from consult.challenges.phases import Action, Phase
from consult.challenges.queries import challenge_by_slug
from consult.core import ratelimit as rl
from consult.core.errors_domain import Refused, refusable
from consult.core.pagecache import anonymous_cache
from consult.db import db
from consult.statements import bp
from consult.statements import operations as ops
from consult.statements import results as _results  # noqa: F401  (citable consensus)
from consult.statements.models import (
    MAX_STATEMENT,
    OpinionReport,
    Statement,
    StatementStatus,
)


def _challenge_or_404(slug: str):
    challenge = challenge_by_slug(slug)
    if (challenge is None or not can_view_challenge(current_user, challenge)
            or not any(p.kind == Phase.STATEMENTS for p in challenge.phases)):
        abort(404)
    return challenge


def _page(challenge, status: int = 200, text: str = "", error: str | None = None,
          vote_error: str | None = None):
    problem = ops.participation_problem(current_user, challenge, Action.AGREE)
    statement = None if problem else ops.next_statement(person(), challenge)
    return render_template(
        "statements/vote.html", challenge=challenge, problem=problem, statement=statement,
        answered=0 if problem else ops.votes_of(person(), challenge), text=text,
        error=error, vote_error=vote_error, max_length=MAX_STATEMENT,
        may_state=Action.STATE in _actions(challenge),
        offer_franceconnect=bool(problem) and offers_franceconnect(
            current_user, challenge, Action.AGREE)), status


def _actions(challenge):
    from consult.challenges.permissions import actions_for

    return actions_for(current_user, challenge)


@bp.route("/defis/<slug>/points-d-accord")
def vote_page(slug: str):
    return _page(_challenge_or_404(slug))


@bp.route("/defis/<slug>/points-d-accord/<int:statement_id>", methods=["POST"])
@login_required
@rl.limiter.limit(rl.VOTES_PER_PERSON, key_func=rl.person_key)
def vote(slug: str, statement_id: int):
    challenge = _challenge_or_404(slug)
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.challenge_id != challenge.id:
        abort(404)
    # no savepoint: the operation refuses before its first write (SQLite's writer's turn
    # starts there), and the 400 or 409 below rolls the whole request back
    try:
        ops.vote(person(), statement_id, request.form.get("choice", ""))
    except Refused as refusal:  # nothing counted; said with its status, the page again
        return _page(challenge, 400 if refusal.field else 409, vote_error=refusal.message)
    return redirect(url_for("statements.vote_page", slug=slug), 303)


@bp.route("/defis/<slug>/points-d-accord/proposer", methods=["POST"])
@login_required
@rl.limiter.limit("20 per hour", key_func=rl.person_key)
def submit(slug: str):
    challenge = _challenge_or_404(slug)
    text = request.form.get("text", "")
    try:
        with refusable():
            statement = ops.submit(person(), challenge, text)
    except Refused as refusal:  # said on the field, what was typed kept
        return _page(challenge, 422, text=text[:2000], error=refusal.message)
    flash(_("Votre proposition est publiée.") if statement.status ==
          StatementStatus.PUBLISHED else
          _("Votre proposition est envoyée : elle sera soumise au vote après modération."),
          "success")
    return redirect(url_for("statements.vote_page", slug=slug))


@bp.route("/defis/<slug>/points-d-accord/rapport")
@anonymous_cache()  # agents (their moderation queue) always get their own page
def report(slug: str):
    challenge = _challenge_or_404(slug)
    found = db.session.get(OpinionReport, challenge.id)
    data = found.report if found and found.report else {}
    cited = {e["id"] for group in data.get("groups", []) for e in group["statements"]} | {
        e["id"] for key in ("consensus", "divisive") for e in data.get(key, [])}
    texts = {s.id: s for s in db.session.scalars(select(Statement).where(
        Statement.challenge_id == challenge.id, Statement.id.in_(cited)))} if cited else {}
    agent = is_agent_for(current_user, challenge)
    pending = list(db.session.scalars(select(Statement).where(
        Statement.challenge_id == challenge.id, Statement.status == StatementStatus.PENDING)
        .order_by(Statement.id))) if agent else []
    return render_template("statements/report.html", challenge=challenge, found=found,
                           texts=texts, pending=pending, agent=agent,
                           marks=_map_marks(data.get("points", [])))


def _map_marks(points: list) -> Markup:
    """The map's letters, one per person shown (2,000 at most), written at once: two
    numbers and a letter each, nothing a person typed (people who voted alike would
    hide each other: each is moved a little)."""
    return Markup("".join(  # noqa: S704  # nosec B704 - numbers and a fixed letter only
        f'<text x="{float(x) * 100 + (n % 5 - 2) * 3:.1f}" '
        f'y="{float(y) * 100 + (n // 5 % 5 - 2) * 3:.1f}" font-size="7" '
        f'text-anchor="middle" fill="currentColor">{"ABCDE"[int(g) - 1]}</text>'
        for n, (x, y, g) in enumerate(points[:2000])))


@bp.route("/defis/<slug>/points-d-accord/<int:statement_id>/moderer", methods=["POST"])
@login_required
def moderate(slug: str, statement_id: int):
    from flask_wtf import FlaskForm

    challenge = _challenge_or_404(slug)
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.challenge_id != challenge.id:
        abort(404)
    if not is_agent_for(current_user, challenge):
        abort(403)
    if not FlaskForm().validate_on_submit() or request.form.get("decision") not in {
            "publish", "reject"}:
        abort(400)
    ops.moderate(person(), statement, request.form["decision"] == "publish")
    flash(_("Proposition publiée.") if statement.status == StatementStatus.PUBLISHED
          else _("Proposition refusée."), "success")
    return redirect(url_for("statements.report", slug=slug))


@bp.route("/defis/<slug>/points-d-accord/recalculer", methods=["POST"])
@login_required
def recompute(slug: str):
    from flask_wtf import FlaskForm

    from consult.core.tasks import enqueue

    challenge = _challenge_or_404(slug)
    if not is_agent_for(current_user, challenge):
        abort(403)
    FlaskForm().validate_on_submit() or abort(400)
    enqueue("statements.groups", challenge.id)
    flash(_("Les groupes sont recalculés en arrière-plan : le rapport sera à jour dans un "
            "instant."), "success")
    return redirect(url_for("statements.report", slug=slug))


def statements_section(challenge) -> Markup:
    if not any(p.kind == Phase.STATEMENTS for p in challenge.phases):
        return Markup("")
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "statements/_challenge_section.html", challenge=challenge,
        open=open_to(challenge, Action.AGREE)))


@bp.app_context_processor
def _on_challenges():
    return {"statements_section": statements_section}
