"""The results of the supports vote, as pages of the challenge: the ranking, its CSV,
and publishing it. Defined by ideas (whose supports they count) on the challenges
blueprint, so that the endpoints stay ``challenges.results``… and challenges never
import ideas (tests/test_architecture.py)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult.accounts.sessions import person
from consult.challenges import bp
from consult.challenges.queries import challenge_by_slug
from consult.core.errors_domain import Refused, refusable
from consult.core.params import parse_ids
from consult.core.security import Permission, can
from consult.ideas.result_bases import SUPPORTS, bases_for, basis_of, citable_for
from consult.ideas.results import publish_results, ranking, results_csv


def _require(permission: Permission, obj) -> None:
    if not can(current_user, permission, obj):
        abort(403)


@bp.route("/defis/<slug>/resultats")
def results(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    agent = can(current_user, Permission.EDIT_CHALLENGE, challenge)
    if challenge.results_published_at is None and not agent:
        abort(404)
    return render_template("challenges/results.html", challenge=challenge,
                           ranking=ranking(challenge, limit=200), agent=agent,
                           selected=ranking(challenge, selected_only=True),
                           basis=basis_of(challenge))


@bp.route("/defis/<slug>/resultats.csv", endpoint="results_csv")
def results_csv_download(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    if challenge.results_published_at is None and not can(
            current_user, Permission.EDIT_CHALLENGE, challenge):
        abort(404)
    return Response(results_csv(challenge), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="resultats-{challenge.slug}.csv"'})


@bp.route("/defis/<slug>/resultats/publier", methods=["GET", "POST"], endpoint="publish_results")
@login_required
def publish(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    _require(Permission.EDIT_CHALLENGE, challenge)
    bases = bases_for(challenge)
    asked = request.values.get("basis", SUPPORTS)  # (a text: matched, never looked up)
    basis = next((b for b in bases if b.key == asked), bases[0])
    ranked = ranking(challenge, limit=100, basis=basis)
    form = FlaskForm()
    errors: list[str] = []
    reordering = request.form.get("action") == "reorder"  # same page, what was typed kept
    if form.validate_on_submit() and not reordering:
        chosen = set(parse_ids(request.form.getlist("selected")))
        selections = {i: request.form.get(f"justification-{i}", "") for i in chosen}
        try:
            with refusable():
                told = publish_results(person(), challenge, request.form.get("message", ""),
                                       selections, basis.key,
                                       tuple(parse_ids(request.form.getlist("statements"))))
        except Refused as refusal:
            errors.append(refusal.message)
        else:
            flash(_("Résultats publiés ; %(n)d personnes prévenues.", n=told), "success")
            return redirect(url_for("challenges.results", slug=slug))
    status = 422 if errors else 200
    return render_template("challenges/publish_results.html", challenge=challenge,
                           ranking=ranked, form=form, errors=errors, bases=bases,
                           basis=basis, citable=citable_for(challenge),
                           values=request.form), status
