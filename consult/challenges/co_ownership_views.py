"""An organisation's administrators answer the invitations to co-own a challenge."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.challenges import bp
from consult.challenges.co_ownership import decide
from consult.challenges.models import CoOwnershipProposal
from consult.core.errors_domain import Refused, refusable
from consult.core.security import Permission, can
from consult.db import db
from consult.organisations.queries import organisation_by_slug


def _organisation(slug: str):
    organisation = organisation_by_slug(slug) or abort(404)
    if not can(current_user, Permission.MANAGE_ORGANISATION, organisation):
        abort(403)
    return organisation


@bp.route("/espace/<slug>/co-portage")
@login_required
def co_ownership(slug: str):
    organisation = _organisation(slug)
    proposals = list(db.session.scalars(select(CoOwnershipProposal).where(
        CoOwnershipProposal.organisation_id == organisation.id)
        .order_by(CoOwnershipProposal.decided_at.is_not(None),
                  CoOwnershipProposal.created_at.desc()).limit(100)))
    return render_template("challenges/co_ownership.html", organisation=organisation,
                           proposals=proposals, form=FlaskForm())


@bp.route("/espace/<slug>/co-portage/<int:proposal_id>", methods=["POST"])
@login_required
def decide_co_ownership(slug: str, proposal_id: int):
    organisation = _organisation(slug)
    proposal = db.session.get(CoOwnershipProposal, proposal_id)
    if proposal is None or proposal.organisation_id != organisation.id:
        abort(404)
    FlaskForm().validate_on_submit() or abort(400)
    accept = request.form.get("decision") == "accept"
    try:
        with refusable():
            decide(person(), proposal, accept)
    except Refused as refused:
        flash(refused.message, "error")
    else:
        flash(_("%(organisation)s co-porte maintenant le défi « %(challenge)s ».",
                organisation=organisation.name, challenge=proposal.challenge.title) if accept
              else _("Invitation déclinée."), "success")
    return redirect(url_for("challenges.co_ownership", slug=organisation.slug))
