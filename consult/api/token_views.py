"""The organisation administrator's page for API tokens: create one (its secret shown
once, on the answer to the form, never stored in clear nor in the session), see when
each was last used, revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.api.forms import TokenForm
from consult.api.models import ApiScope, ApiToken
from consult.api.tokens import create_token, revoke_token, tokens_of
from consult.core.errors_domain import Refused
from consult.core.security import Permission, can
from consult.db import db
from consult.organisations.forms import ConfirmForm
from consult.organisations.queries import organisation_by_slug

bp = Blueprint("api_tokens", __name__)


def _organisation(slug: str):
    organisation = organisation_by_slug(slug) or abort(404)
    if not can(person(), Permission.MANAGE_API_TOKENS, organisation):
        abort(403)
    return organisation


@bp.route("/espace/<slug>/jetons-api", methods=["GET", "POST"])
@login_required
def index(slug: str):
    organisation = _organisation(slug)
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = create_token(person(), organisation, form.name.data,
                                          {ApiScope(s) for s in form.scopes.data})
        except Refused as refusal:
            form.form_errors.append(refusal.message)
        else:
            form = TokenForm(formdata=None)
    response = make_response(form_page(
        "api/tokens.html", form, organisation=organisation, secret=secret,
        tokens=tokens_of(organisation), confirm_form=ConfirmForm()))
    response.headers["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response


@bp.route("/espace/<slug>/jetons-api/<int:token_id>/revoquer", methods=["POST"])
@login_required
def revoke(slug: str, token_id: int):
    organisation = _organisation(slug)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.organisation_id != organisation.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        revoke_token(person(), token)
        flash(_("Le jeton « %(name)s » est révoqué : il ne permet plus rien.", name=token.name),
              "success")
    return redirect(url_for("api_tokens.index", slug=slug))
