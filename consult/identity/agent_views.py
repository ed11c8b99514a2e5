"""An organisation's administrators say how its agents are recognised when they sign in
with ProConnect, and confirm (or decline) those who did (identity.agents)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.core.errors_domain import Refused, refusable
from consult.core.security import Permission, can
from consult.db import db
from consult.identity import agents, bp
from consult.identity.forms import RecognitionForm
from consult.identity.models import MembershipRequest
from consult.organisations.forms import ConfirmForm
from consult.organisations.queries import organisation_by_slug


def _organisation_for_admin(slug: str):
    organisation = organisation_by_slug(slug) or abort(404)
    if not can(current_user, Permission.INVITE_AGENT, organisation):
        abort(403)
    return organisation


@bp.route("/espace/<slug>/proconnect", methods=["GET", "POST"])
@login_required
def recognition(slug: str):
    organisation = _organisation_for_admin(slug)
    form = RecognitionForm()
    if not form.is_submitted():
        form.sirets.data = "\n".join(organisation.sirets.split())
        form.email_domains.data = "\n".join(organisation.email_domains.split())
    elif form.validate():
        agents.set_recognition(person(), organisation, form.found_sirets,
                               form.found_domains)
        flash(_("Les agents qui se connectent avec ProConnect seront reconnus ainsi."),
              "success")
        return redirect(url_for("identity.recognition", slug=slug))
    return form_page("identity/recognition.html", form, organisation=organisation,
                     pending=agents.pending_requests(organisation))


@bp.route("/espace/<slug>/proconnect/<int:request_id>", methods=["POST"])
@login_required
def decide(slug: str, request_id: int):
    from flask import request as http

    organisation = _organisation_for_admin(slug)
    found = db.session.get(MembershipRequest, request_id)
    if found is None or found.organisation_id != organisation.id:
        abort(404)
    if not ConfirmForm().validate_on_submit() or http.form.get(
            "decision") not in {"accept", "decline"}:
        abort(400)
    accept = http.form["decision"] == "accept"
    try:
        with refusable():
            agents.decide(person(), found, accept)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("identity.recognition", slug=slug)), 303
    flash(_("%(name)s est maintenant agent de %(org)s.", name=found.user.display_name,
            org=organisation.name) if accept else
          _("La demande de %(name)s est déclinée.", name=found.user.display_name), "success")
    return redirect(url_for("identity.recognition", slug=slug))
