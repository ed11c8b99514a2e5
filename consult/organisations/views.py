from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.forms import RegisterForm
from consult.accounts.sessions import person, sign_in
from consult.accounts.views import form_page, register_user_from
from consult.core import ratelimit as rl
from consult.core.security import Permission, can
from consult.db import db
from consult.organisations import bp, permissions, personal_data, queries  # noqa: F401
from consult.organisations import operations as ops
from consult.organisations.forms import (
    AppointAdminForm,
    ConfirmForm,
    InviteForm,
    OrganisationForm,
)
from consult.organisations.models import Invitation, Membership, MembershipRole, OrganisationKind


def require(permission: Permission, obj=None) -> None:
    if not current_user.is_authenticated:
        abort(401)
    if not can(current_user, permission, obj):
        abort(403)


def organisation_or_404(slug: str):
    organisation = queries.organisation_by_slug(slug)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/admin/organisations", methods=["GET", "POST"])
@login_required
def platform_list():
    require(Permission.CREATE_ORGANISATION)
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = ops.create_organisation(
            person(), name=form.name.data, kind=OrganisationKind(form.kind.data),
            description=form.description.data or "", website=form.website.data,
            territory_id=form.territory.territory_id)
        flash(_("Organisation « %(name)s » créée. Nommez maintenant son administrateur.",
                name=organisation.name), "success")
        return redirect(url_for("organisations.platform_detail", slug=organisation.slug))
    return form_page("organisations/platform_list.html", form,
                     organisations=queries.all_organisations(),
                     member_counts=queries.member_counts())


@bp.route("/admin/organisations/<slug>", methods=["GET", "POST"])
@login_required
def platform_detail(slug: str):
    organisation = organisation_or_404(slug)
    require(Permission.APPOINT_ORGANISATION_ADMIN, organisation)
    form = AppointAdminForm()
    if form.validate_on_submit():
        ops.invite(person(), organisation, form.email.data, MembershipRole.ADMIN)
        flash(_("%(email)s est nommé·e administrateur (un e-mail lui a été envoyé).",
                email=form.email.data), "success")
        return redirect(url_for("organisations.platform_detail", slug=slug))
    return form_page("organisations/platform_detail.html", form, organisation=organisation,
                     members=queries.members_of(organisation),
                     invitations=queries.open_invitations(organisation))


@bp.route("/espace/<slug>")
@login_required
def workspace(slug: str):
    organisation = organisation_or_404(slug)
    require(Permission.VIEW_ORGANISATION_WORKSPACE, organisation)
    return render_template("organisations/workspace.html", organisation=organisation)


@bp.route("/espace/<slug>/membres", methods=["GET", "POST"])
@login_required
def members(slug: str):
    organisation = organisation_or_404(slug)
    require(Permission.INVITE_AGENT, organisation)
    form = InviteForm()
    if form.validate_on_submit():
        result = ops.invite(person(), organisation, form.email.data,
                            MembershipRole(form.role.data))
        message = (_("%(email)s a été ajouté·e à l'organisation.", email=form.email.data)
                   if isinstance(result, Membership) else
                   _("Invitation envoyée à %(email)s.", email=form.email.data))
        flash(message, "success")
        return redirect(url_for("organisations.members", slug=slug))
    return form_page("organisations/members.html", form, organisation=organisation,
                     members=queries.members_of(organisation),
                     invitations=queries.open_invitations(organisation),
                     confirm_form=ConfirmForm())


@bp.route("/espace/<slug>/membres/<int:membership_id>/retirer", methods=["POST"])
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = organisation_or_404(slug)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    require(Permission.REMOVE_MEMBER, membership)
    ConfirmForm().validate_on_submit() or abort(400)
    try:
        ops.remove_member(person(), membership)
    except ops.OrganisationError:
        flash(_("Une organisation garde toujours au moins un administrateur."), "error")
        return redirect(url_for("organisations.members", slug=slug)), 303
    flash(_("Le membre a été retiré de l'organisation."), "success")
    return redirect(url_for("organisations.members", slug=slug))


@bp.route("/espace/<slug>/invitations/<int:invitation_id>/annuler", methods=["POST"])
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = organisation_or_404(slug)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    require(Permission.INVITE_AGENT, organisation)
    ConfirmForm().validate_on_submit() or abort(400)
    ops.revoke_invitation(person(), invitation)
    flash(_("Invitation annulée."), "success")
    return redirect(url_for("organisations.members", slug=slug))


@bp.route("/invitations/<token>/inscription", methods=["GET", "POST"])
@rl.limiter.limit(rl.REGISTER_PER_ADDRESS, exempt_when=rl.only_posts)
def register_invited(token: str):
    """Creating one's account from an invitation: the address is the invitation's, and
    the link reaching it confirms it; the person joins the organisation at once."""
    invitation = ops.invitation_for_token(token)
    if invitation is None:
        return render_template("organisations/invitation.html", invitation=None), 400
    if current_user.is_authenticated:
        return redirect(url_for("organisations.invitation", token=token))
    form = RegisterForm()
    if request.method == "GET":
        form.email.data = invitation.email
    if not form.validate_on_submit():
        return form_page("accounts/register.html", form, invitation=invitation)
    user = register_user_from(form)
    if user is None or user.email != invitation.email:  # another address: the usual way
        return render_template("accounts/check_your_mail.html", email=form.email.data)
    ops.accept_invitation_on_register(invitation, user)
    sign_in(user)
    flash(_("Bienvenue ! Vous avez rejoint %(org)s.", org=invitation.organisation.name),
          "success")
    return redirect(url_for("organisations.workspace", slug=invitation.organisation.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = ops.invitation_for_token(token)
    if invitation is None:
        return render_template("organisations/invitation.html", invitation=None), 400
    form = ConfirmForm()
    if current_user.is_authenticated and form.validate_on_submit():
        try:
            ops.accept_invitation(invitation, person())
        except ops.OrganisationError:
            flash(_("Cette invitation a été envoyée à une autre adresse e-mail."), "error")
            return render_template("organisations/invitation.html", invitation=invitation,
                                   form=form, token=token), 403
        flash(_("Vous avez rejoint %(org)s.", org=invitation.organisation.name), "success")
        return redirect(url_for("organisations.workspace", slug=invitation.organisation.slug))
    if request.method == "POST" and not current_user.is_authenticated:
        abort(401)
    return render_template("organisations/invitation.html", invitation=invitation, form=form,
                           token=token)
