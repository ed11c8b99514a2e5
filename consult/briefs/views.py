from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.briefs import bp, permissions, queries  # noqa: F401  (registers the rule)
from consult.briefs import operations as ops
from consult.briefs.forms import BriefForm, StatusForm, UpdateForm
from consult.briefs.models import NEXT_STATUSES, Brief, BriefStatus
from consult.challenges.permissions import is_agent_for
from consult.challenges.queries import challenge_by_slug
from consult.core.errors_domain import Refused, refusable
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import page_number
from consult.core.params import enum_arg, int_arg, parse_ids
from consult.core.security import Permission, can
from consult.db import db
from consult.ideas.models import AnswerStatus, Idea, IdeaStatus
from consult.organisations.models import Organisation
from consult.organisations.queries import all_organisations

FIELDS = ("title", "problem_statement", "users_and_needs", "proposed_solution", "hypotheses",
          "success_indicators", "legal_constraints", "budget_constraints",
          "technical_constraints", "team")


def _require(target) -> None:
    if not can(current_user, Permission.EDIT_BRIEF, target):
        abort(403)


def brief_or_404(brief_id: int) -> Brief:
    brief = db.session.get(Brief, brief_id)
    if brief is None or not (brief.is_public or is_agent_for(current_user, brief.challenge)
                             or can(current_user, Permission.EDIT_BRIEF, brief)):
        abort(404)
    return brief


@bp.route("/cahiers")
@anonymous_cache()
def index():
    filters = queries.BriefFilters(organisation_id=int_arg("organisation"),
                                   territory_id=int_arg("territoire"),
                                   status=enum_arg("etat", BriefStatus))
    return render_template("briefs/index.html", filters=filters,
                           page=queries.brief_page(filters, page_number(request.args.get("page"))),
                           organisations=all_organisations(),
                           territories=queries.brief_territories(),
                           statuses=queries.PUBLIC_STATUSES)


bp.add_app_template_global(queries.progress_step, "progress_step")  # the card's macro


@bp.route("/cahiers/<int:brief_id>")
@anonymous_cache()
def show(brief_id: int):
    brief = brief_or_404(brief_id)
    editable = can(current_user, Permission.EDIT_BRIEF, brief)
    status_form = None
    if editable:
        status_form = StatusForm(prefix="s")
        status_form.status.choices = [SelectChoice(s.value, s.label) for s in BriefStatus
                                      if s in NEXT_STATUSES[brief.status]]
    return render_template("briefs/show.html", brief=brief, editable=editable,
                           status_form=status_form,
                           update_form=UpdateForm(prefix="u") if editable else None,
                           BriefStatus=BriefStatus)


CHOICES_MOST_SUPPORTED = 100


def _choices(form: BriefForm, challenge, named: list[int] | tuple = ()) -> None:
    """The ideas a brief may come from: the challenge's selected ideas, the ideas named
    (by the link that opened the form, by the brief itself, by the submitted form) and
    the most supported ones — not every idea of a challenge of 200,000."""
    named = parse_ids((*named, *request.form.getlist("ideas"), *request.args.getlist("idee")))
    published = select(Idea).where(Idea.challenge_id == challenge.id,
                                   Idea.status == IdeaStatus.PUBLISHED)
    ideas = list(db.session.scalars(published.where(
        (Idea.answer_status == AnswerStatus.SELECTED) | Idea.id.in_(named))))
    ideas += [i for i in db.session.scalars(published.order_by(Idea.supports_count.desc())
                                            .limit(CHOICES_MOST_SUPPORTED))
              if i not in ideas]
    ideas.sort(key=lambda i: (i.answer_status != AnswerStatus.SELECTED, -i.supports_count))
    form.ideas.choices = [SelectChoice(i.id, f"{i.title} ({i.supports_count})") for i in ideas]
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in challenge.organisations]


def _submitted(form: BriefForm):
    ideas = list(db.session.scalars(select(Idea).where(Idea.id.in_(form.ideas.data))))
    organisation = db.session.get(Organisation, form.organisation.data)
    milestones = [(m.form.title.data.strip(), m.form.due_on.data) for m in form.milestones
                  if m.form.title.data and m.form.due_on.data]
    fields = {name: (getattr(form, name).data or "") for name in FIELDS}
    return ideas, organisation, milestones, fields


@bp.route("/defis/<slug>/cahiers/nouveau", methods=["GET", "POST"])
@login_required
def new(slug: str):
    challenge = challenge_by_slug(slug) or abort(404)
    _require(challenge)
    form = BriefForm()
    _choices(form, challenge)
    if request.method == "GET":
        chosen = parse_ids(request.args.getlist("idee")) or [
            i.id for i in db.session.scalars(select(Idea).where(
                Idea.challenge_id == challenge.id, Idea.answer_status == AnswerStatus.SELECTED))]
        form.ideas.data = chosen
        # only this challenge's ideas: an id from elsewhere (another organisation's
        # pending idea) must not have its text copied into the form
        ideas = list(db.session.scalars(select(Idea).where(
            Idea.id.in_(chosen), Idea.challenge_id == challenge.id)))
        form.ideas.data = [idea.id for idea in ideas]
        if ideas:
            for name, value in ops.prefill(challenge, ideas).items():
                getattr(form, name).data = value
    if form.validate_on_submit():
        ideas, organisation, milestones, fields = _submitted(form)
        try:
            with refusable():
                brief = ops.convert_to_brief(person(), ideas, organisation,
                                             milestones=milestones, **fields)
        except Refused as refusal:
            form.form_errors.append(refusal.message)
        else:
            flash(_("Cahier de prototypage créé (brouillon)."), "success")
            return redirect(url_for("briefs.show", brief_id=brief.id))
    return form_page("briefs/form.html", form, challenge=challenge, brief=None)


@bp.route("/cahiers/<int:brief_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(brief_id: int):
    brief = brief_or_404(brief_id)
    _require(brief)
    form = BriefForm(obj=brief if request.method == "GET" else None)
    _choices(form, brief.challenge, [i.id for i in brief.ideas])
    if request.method == "GET":
        form.ideas.data = [i.id for i in brief.ideas]
        form.organisation.data = brief.organisation_id
        for entry, milestone in zip(form.milestones, brief.milestones, strict=False):
            entry.form.title.data, entry.form.due_on.data = milestone.title, milestone.due_on
    if form.validate_on_submit():
        ideas, organisation, milestones, fields = _submitted(form)
        try:
            with refusable():
                ops.update_brief(person(), brief, ideas, organisation, milestones, **fields)
        except Refused as refusal:
            form.form_errors.append(refusal.message)
        else:
            flash(_("Cahier enregistré."), "success")
            return redirect(url_for("briefs.show", brief_id=brief.id))
    return form_page("briefs/form.html", form, challenge=brief.challenge, brief=brief)


@bp.route("/cahiers/<int:brief_id>/etat", methods=["POST"])
@login_required
def change_status(brief_id: int):
    brief = brief_or_404(brief_id)
    _require(brief)
    form = StatusForm(prefix="s")
    if not form.validate_on_submit():
        abort(400)
    try:
        with refusable():
            ops.change_status(person(), brief, BriefStatus(form.status.data),
                              form.text.data or "", form.reason.data or None)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("briefs.show", brief_id=brief.id)), 303
    flash(_("État du cahier mis à jour ; les personnes concernées sont prévenues."), "success")
    return redirect(url_for("briefs.show", brief_id=brief.id))


@bp.route("/cahiers/<int:brief_id>/journal", methods=["POST"])
@login_required
def post_update(brief_id: int):
    brief = brief_or_404(brief_id)
    _require(brief)
    form = UpdateForm(prefix="u")
    if not form.validate_on_submit():
        flash(_("Le message est vide."), "error")
        return redirect(url_for("briefs.show", brief_id=brief.id)), 303
    ops.post_update(person(), brief, form.text.data)
    flash(_("Nouvelles publiées dans le journal."), "success")
    return redirect(url_for("briefs.show", brief_id=brief.id, _anchor="journal-title"))


@bp.route("/cahiers/<int:brief_id>.md")
def export_markdown(brief_id: int):
    from flask import Response

    from consult.briefs.exports import as_markdown
    from consult.core.urls import external_url

    brief = brief_or_404(brief_id)
    return Response(as_markdown(brief, external_url("briefs.show", brief_id=brief.id)),
                    mimetype="text/markdown; charset=utf-8", headers={
                        "Content-Disposition": f'attachment; filename="cahier-{brief.id}.md"'})


@bp.route("/cahiers/<int:brief_id>.pdf")
def export_pdf(brief_id: int):
    from flask import Response

    from consult.briefs.exports import as_pdf
    from consult.core.urls import external_url

    brief = brief_or_404(brief_id)
    return Response(as_pdf(brief, external_url("briefs.show", brief_id=brief.id)),
                    mimetype="application/pdf", headers={
                        "Content-Disposition": f'attachment; filename="cahier-{brief.id}.pdf"'})
