"""The shared catalogue of solutions: the catalogue, a solution with its evidence and
where it was reused, publishing an adopted brief to it, and reusing it in one step; the
brief's page shows its catalogue entry (``catalogue_section``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.core.errors_domain import Refused, refusable
from consult.db import db
from consult.labs import bp
from consult.labs import catalogue as ops
from consult.labs.forms import ReuseForm, SolutionForm
from consult.labs.models import Solution
from consult.organisations.models import Organisation


def solution_or_404(solution_id: int) -> Solution:
    return db.session.get(Solution, solution_id) or abort(404)


@bp.route("/solutions")
def catalogue():
    return render_template("labs/catalogue.html", solutions=ops.catalogue())


@bp.route("/solutions/<int:solution_id>")
def solution(solution_id: int):
    from consult.briefs.models import Brief

    solution = solution_or_404(solution_id)
    return render_template("labs/solution.html", solution=solution,
                           brief=db.session.get(Brief, solution.brief_id),
                           evidence=ops.evidence(solution), reuses=ops.reuses_of(solution),
                           may_reuse=bool(_reuse_choices(solution)[0]))


def _brief_or_404(brief_id: int):
    from consult.briefs.models import Brief

    brief = db.session.get(Brief, brief_id)
    if brief is None or not brief.is_public:
        abort(404)
    return brief


@bp.route("/cahiers/<int:brief_id>/catalogue", methods=["GET", "POST"])
@login_required
def publish_solution(brief_id: int):
    brief = _brief_or_404(brief_id)
    problem = ops.publication_problem(current_user, brief)
    if problem:
        abort(403)
    existing = ops.solution_of(brief.id)
    form = SolutionForm(obj=existing, data=None if existing else {
        "title": brief.title, "summary": brief.proposed_solution or brief.problem_statement})
    if form.validate_on_submit():
        try:
            with refusable():
                published = ops.publish(person(), brief, form.title.data, form.summary.data,
                                        form.assessment.data)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("La solution est au catalogue : d’autres administrations peuvent "
                    "l’essaimer."), "success")
            return redirect(url_for("labs.solution", solution_id=published.id))
    return form_page("labs/solution_form.html", form, brief=brief, solution=existing)


def _reuse_choices(solution: Solution) -> tuple[list[Organisation], list[Organisation]]:
    if not current_user.is_authenticated:
        return [], []
    organisations = [m.organisation for m in current_user.memberships
                     if m.organisation_id != solution.organisation_id]
    labs = ops.carrying_labs(current_user)
    return (organisations, labs) if organisations and labs else ([], [])


@bp.route("/solutions/<int:solution_id>/essaimer", methods=["GET", "POST"])
@login_required
def reuse(solution_id: int):
    solution = solution_or_404(solution_id)
    organisations, labs = _reuse_choices(solution)
    if not organisations:
        first = next(iter(m.organisation for m in current_user.memberships), None)
        problem = ops.reuse_problem(current_user, solution, None, first) or _(
            "Cette solution vient de votre organisation.")
        return render_template("labs/reuse_refused.html", solution=solution,
                               problem=problem), 403
    form = ReuseForm()
    form.organisation.choices = [(o.slug, o.name) for o in organisations]
    form.lab.choices = [(o.slug, o.name) for o in labs]
    if form.validate_on_submit():
        organisation = next((o for o in organisations if o.slug == form.organisation.data),
                            None)
        lab = next((o for o in labs if o.slug == form.lab.data), None)
        try:
            with refusable():
                made = ops.reuse(person(), solution, lab, organisation)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Projet ouvert : il présente la solution d’origine et la crédite."),
                  "success")
            return redirect(url_for("labs.project", project_id=made.project_id))
    return form_page("labs/reuse_form.html", form, solution=solution)


def catalogue_section(brief, editable: bool) -> Markup:
    """On the brief's page: its catalogue entry and reuses, or the way to publish it."""
    entry = ops.solution_of(brief.id)
    may_publish = editable and ops.publication_problem(current_user, brief) is None
    if entry is None and not may_publish:
        return Markup("")
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "labs/_brief_section.html", brief=brief, entry=entry, may_publish=may_publish,
        reuses=ops.reuses_of(entry) if entry else []))


@bp.app_context_processor
def _brief_page():
    return {"catalogue_section": catalogue_section}


