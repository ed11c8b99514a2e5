"""Lab pages: the labs and their portfolios, « Solliciter le labo », the team's queue
and triage, partnerships, and lab projects (public page with its journal and links,
stage, news, links)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.core.errors_domain import Refused, refusable
from consult.core.params import is_number as _number
from consult.core.security import Permission, can
from consult.db import db
from consult.labs import bp, permissions, queries  # noqa: F401  (rules registered)
from consult.labs import operations as ops
from consult.labs.catalogue import origin_of_project
from consult.labs.forms import (
    JournalForm,
    LinkForm,
    PartnerForm,
    ProjectForm,
    RequestForm,
    StageForm,
    TriageForm,
)
from consult.labs.models import (
    METHODS,
    STAGE_ORDER,
    LabProject,
    LabRequest,
    LinkKind,
    ProjectStage,
)
from consult.organisations.models import Organisation, OrganisationKind


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals.update(lab_methods=METHODS, stage_order=STAGE_ORDER)
    state.app.jinja_env.filters["stage_row"] = lambda item: (item[0].label, item[1])
    state.app.jinja_env.filters["event_row"] = lambda item: (item[0].label, item[1][0])
    state.app.jinja_env.filters["organisation_kind_label"] = lambda value: (
        OrganisationKind(value).label if value in set(OrganisationKind) else value)


def lab_or_404(slug: str) -> Organisation:
    lab = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if lab is None or lab.kind != OrganisationKind.LABORATOIRE:
        abort(404)
    return lab


def _require(permission: Permission, obj) -> None:
    if not can(current_user, permission, obj):
        abort(403)


def project_or_404(project_id: int) -> LabProject:
    """A project anyone may see when public; a private one, only those who carry it."""
    project = db.session.get(LabProject, project_id) or abort(404)
    if not project.public and not can(current_user, Permission.EDIT_PROJECT, project):
        abort(404)
    return project


# --- The labs ---------------------------------------------------------------------------


@bp.route("/labos")
def index():
    from consult.labs.call_queries import open_calls

    return render_template("labs/index.html", labs=queries.labs(), calls=open_calls())


def _requesting_organisations(lab: Organisation) -> list[Organisation]:
    """The person's organisations that may call on ``lab``."""
    if not current_user.is_authenticated:
        return []
    return [m.organisation for m in current_user.memberships
            if ops.request_problem(current_user, lab, m.organisation) is None]


@bp.route("/labos/<slug>")
def lab(slug: str):
    from consult.labs.call_queries import calls_of

    lab = lab_or_404(slug)
    stage = request.args.get("etape")
    stage = ProjectStage(stage) if stage in set(ProjectStage) else None
    team = can(current_user, Permission.LAB_TEAM, lab)
    first = next(iter(m.organisation for m in getattr(current_user, "memberships", [])), None)
    return render_template(
        "labs/lab.html", lab=lab, team=team, stage=stage,
        projects=queries.lab_projects(lab, with_private=team, stage=stage),
        calls=calls_of(lab), partners=queries.partners(lab),
        may_request=bool(_requesting_organisations(lab)),
        request_problem=ops.request_problem(current_user, lab, first)
        if current_user.is_authenticated and current_user.memberships else None)


# --- Requests ---------------------------------------------------------------------------


@bp.route("/labos/<slug>/solliciter", methods=["GET", "POST"])
@login_required
def new_request(slug: str):
    lab = lab_or_404(slug)
    organisations = _requesting_organisations(lab)
    first = next(iter(m.organisation for m in current_user.memberships), None)
    problem = None if organisations else ops.request_problem(current_user, lab, first)
    if problem:
        return render_template("labs/request_refused.html", lab=lab, problem=problem), 403
    form = RequestForm()
    form.organisation.choices = [(o.slug, o.name) for o in organisations]
    if form.validate_on_submit():
        organisation = next((o for o in organisations if o.slug == form.organisation.data),
                            organisations[0])
        try:
            with refusable():
                sent = ops.submit_request(person(), lab, organisation, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Demande envoyée à %(lab)s : son équipe vous répondra ici.", lab=lab.name),
                  "success")
            return redirect(url_for("labs.request_page", request_id=sent.id))
    return form_page("labs/request_form.html", form, lab=lab, lab_request=None)


def request_or_404(request_id: int) -> LabRequest:
    lab_request = db.session.get(LabRequest, request_id) or abort(404)
    if not can(current_user, Permission.VIEW_LAB_REQUEST, lab_request):
        abort(404)
    return lab_request


def _triage_form(lab_request: LabRequest) -> TriageForm:
    form = TriageForm(prefix="reponse")
    form.redirect_to.choices = [("", _("— Choisir —")), *(
        (o.slug, o.name) for o, _n in queries.labs() if o.id != lab_request.lab_id)]
    if not form.title.data:
        form.title.data = lab_request.service
    return form


@bp.route("/labos/demandes/<int:request_id>", methods=["GET", "POST"])
@login_required
def request_page(request_id: int):
    """The request: the requesters follow it (and add the details asked); the lab's team
    answers it."""
    lab_request = request_or_404(request_id)
    team = can(current_user, Permission.LAB_TEAM, lab_request.lab)
    requester = current_user.is_agent_of(lab_request.organisation_id)
    editable = requester and lab_request.status in queries.OPEN
    form = RequestForm(obj=lab_request if request.method == "GET" else None)
    form.organisation.choices = [(lab_request.organisation.slug,
                                  lab_request.organisation.name)]
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            try:
                with refusable():
                    ops.update_request(person(), lab_request, form.draft())
            except Refused as refusal:
                form.show_refusal(refusal)
            else:
                flash(_("Demande complétée : elle revient à l’équipe du laboratoire."),
                      "success")
                return redirect(url_for("labs.request_page", request_id=request_id))
    return form_page("labs/request.html", form, lab_request=lab_request, team=team,
                     editable=editable,
                     triage=_triage_form(lab_request) if team else None,
                     redirected_to=db.session.get(Organisation, lab_request.redirected_to_id)
                     if lab_request.redirected_to_id else None)


@bp.route("/labos/demandes/<int:request_id>/reponse", methods=["POST"])
@login_required
def triage(request_id: int):
    lab_request = request_or_404(request_id)
    _require(Permission.LAB_TEAM, lab_request.lab)
    form = _triage_form(lab_request)
    if form.validate_on_submit():
        chosen = form.redirect_to.data  # one of the labs offered, or nothing
        target = db.session.scalar(select(Organisation).where(Organisation.slug == chosen)) \
            if chosen and chosen in {value for value, _label in form.redirect_to.choices} \
            else None
        try:
            with refusable():
                project = ops.triage(person(), lab_request, form.decision.data,
                                     form.reason.data or "", target, form.title.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Réponse envoyée."), "success")
            if project is not None:
                return redirect(url_for("labs.project", project_id=project.id), 303)
            return redirect(url_for("labs.queue", slug=lab_request.lab.slug), 303)
    return form_page("labs/request.html", form, lab_request=lab_request, team=True,
                     editable=False, triage=form, redirected_to=None)


@bp.route("/labos/<slug>/demandes")
@login_required
def queue(slug: str):
    lab = lab_or_404(slug)
    _require(Permission.LAB_TEAM, lab)
    waiting, answered = queries.queue(lab)
    return render_template("labs/queue.html", lab=lab, waiting=waiting, answered=answered)


@bp.route("/labos/mes-demandes")
@login_required
def my_requests():
    from consult.labs.call_queries import applications_of, calls_judged_by

    return render_template("labs/mine.html", requests=queries.requests_of(current_user),
                           applications=applications_of(current_user),
                           juries=calls_judged_by(current_user),
                           labs=[o for o, _n in queries.labs()])


# --- Partnerships -----------------------------------------------------------------------


@bp.route("/labos/<slug>/partenaires", methods=["GET", "POST"])
@login_required
def partners(slug: str):
    lab = lab_or_404(slug)
    _require(Permission.MANAGE_LAB_PARTNERS, lab)
    current = queries.partners(lab)
    form = PartnerForm()
    taken = {o.id for o in current} | {lab.id}
    form.partner.choices = [("", _("— Choisir —")), *(
        (o.slug, o.name) for o in db.session.scalars(
            select(Organisation).order_by(Organisation.name)) if o.id not in taken)]
    if form.validate_on_submit():
        chosen = form.partner.data  # one of the organisations offered, or nothing
        partner = db.session.scalar(select(Organisation).where(Organisation.slug == chosen)) \
            if chosen and chosen in {value for value, _label in form.partner.choices} else None
        if partner is None:
            form.partner.errors.append(_("Choisissez une organisation."))
        else:
            ops.add_partner(person(), lab, partner)
            flash(_("%(name)s peut maintenant solliciter le laboratoire.", name=partner.name),
                  "success")
            return redirect(url_for("labs.partners", slug=slug))
    return form_page("labs/partners.html", form, lab=lab, current=current)


@bp.route("/labos/<slug>/partenaires/<int:partner_id>/retirer", methods=["POST"])
@login_required
def remove_partner(slug: str, partner_id: int):
    lab = lab_or_404(slug)
    _require(Permission.MANAGE_LAB_PARTNERS, lab)
    partner = db.session.get(Organisation, partner_id) or abort(404)
    ops.remove_partner(person(), lab, partner)
    flash(_("%(name)s n’est plus partenaire du laboratoire.", name=partner.name), "success")
    return redirect(url_for("labs.partners", slug=slug), 303)


# --- Projects ---------------------------------------------------------------------------


def _project_form(project: LabProject | None, lab: Organisation) -> ProjectForm:
    form = ProjectForm(obj=project if project is not None and request.method == "GET"
                       else None)
    form.organisations.choices = [(o.id, o.name) for o in db.session.scalars(
        select(Organisation).where(Organisation.id != lab.id).order_by(Organisation.name))]
    if project is not None and request.method == "GET":
        form.organisations.data = [o.id for o in project.organisations]
    return form


@bp.route("/labos/<slug>/projets/nouveau", methods=["GET", "POST"])
@login_required
def new_project(slug: str):
    lab = lab_or_404(slug)
    _require(Permission.LAB_TEAM, lab)
    form = _project_form(None, lab)
    if form.validate_on_submit():
        draft = form.draft()
        organisations = list(db.session.scalars(select(Organisation).where(
            Organisation.id.in_(draft.organisation_ids))))
        try:
            with refusable():
                project = ops.open_project(person(), lab, title=draft.title,
                                           summary=draft.summary, organisations=organisations,
                                           methods=draft.methods, public=draft.public)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Projet ouvert."), "success")
            return redirect(url_for("labs.project", project_id=project.id))
    return form_page("labs/project_form.html", form, lab=lab, project=None)


@bp.route("/projets/<int:project_id>")
def project(project_id: int):
    project = project_or_404(project_id)
    editable = can(current_user, Permission.EDIT_PROJECT, project)
    return render_template(
        "labs/project.html", project=project, editable=editable,
        links=queries.linked(project), origin=queries.origin_of(project),
        reused_from=origin_of_project(project.id),
        stage_form=_stage_form(project) if editable else None,
        journal_form=JournalForm(prefix="journal") if editable else None,
        link_form=LinkForm(prefix="lien") if editable else None)


def _stage_form(project: LabProject) -> StageForm:
    """Offered with the next stage chosen (going back, or stopping, stays possible)."""
    form = StageForm(prefix="etape")
    if not form.is_submitted() and project.stage in STAGE_ORDER:
        following = STAGE_ORDER[min(STAGE_ORDER.index(project.stage) + 1,
                                    len(STAGE_ORDER) - 1)]
        form.stage.data = following.value
    return form


def _editable_project(project_id: int) -> LabProject:
    project = project_or_404(project_id)
    _require(Permission.EDIT_PROJECT, project)
    return project


@bp.route("/projets/<int:project_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_project(project_id: int):
    project = _editable_project(project_id)
    form = _project_form(project, project.lab)
    if form.validate_on_submit():
        try:
            with refusable():
                ops.update_project(person(), project, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Projet enregistré."), "success")
            return redirect(url_for("labs.project", project_id=project.id))
    return form_page("labs/project_form.html", form, lab=project.lab, project=project)


def _project_page_with(project: LabProject, **forms):
    """The project page again, with the form that was refused (422, what was typed)."""
    context = dict(stage_form=_stage_form(project), journal_form=JournalForm(
        prefix="journal"), link_form=LinkForm(prefix="lien"))
    context.update(forms)
    failed = next(iter(forms.values()))
    return form_page("labs/project.html", failed, project=project, editable=True,
                     links=queries.linked(project), origin=queries.origin_of(project),
                     reused_from=origin_of_project(project.id), **context)


@bp.route("/projets/<int:project_id>/etape", methods=["POST"])
@login_required
def stage(project_id: int):
    project = _editable_project(project_id)
    form = StageForm(prefix="etape")
    if form.validate_on_submit():
        try:
            with refusable():
                ops.change_stage(person(), project, ProjectStage(form.stage.data),
                                 form.text.data or "", form.reason.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Étape enregistrée : « %(stage)s ».", stage=project.stage.label), "success")
            return redirect(url_for("labs.project", project_id=project.id), 303)
    return _project_page_with(project, stage_form=form)


@bp.route("/projets/<int:project_id>/journal", methods=["POST"])
@login_required
def tell(project_id: int):
    project = _editable_project(project_id)
    form = JournalForm(prefix="journal")
    if form.validate_on_submit():
        try:
            with refusable():
                ops.tell(person(), project, form.text.data)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Nouvelle publiée au journal du projet."), "success")
            return redirect(url_for("labs.project", project_id=project.id), 303)
    return _project_page_with(project, journal_form=form)


@bp.route("/projets/<int:project_id>/liens", methods=["POST"])
@login_required
def add_link(project_id: int):
    project = _editable_project(project_id)
    form = LinkForm(prefix="lien")
    if form.validate_on_submit():
        target = (form.target.data or "").strip().lstrip("#")
        if not _number(target) or int(target) > 2**31 - 1:
            form.target.errors.append(_("Saisissez un numéro."))
        else:
            try:
                with refusable():
                    ops.link(person(), project, LinkKind(form.kind.data), int(target))
            except Refused as refusal:
                form.show_refusal(refusal)
            else:
                flash(_("Lien ajouté au projet."), "success")
                return redirect(url_for("labs.project", project_id=project.id,
                                        _anchor="liens"), 303)
    return _project_page_with(project, link_form=form)


@bp.route("/projets/<int:project_id>/liens/retirer", methods=["POST"])
@login_required
def remove_link(project_id: int):
    project = _editable_project(project_id)
    kind, target = request.form.get("kind"), request.form.get("target", "")
    if kind not in set(LinkKind) or not _number(target) or int(target) > 2**31 - 1:
        abort(400)
    ops.unlink(person(), project, LinkKind(kind), int(target))
    flash(_("Lien retiré."), "success")
    return redirect(url_for("labs.project", project_id=project.id, _anchor="liens"), 303)


