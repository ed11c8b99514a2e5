"""Signing in with ProConnect or FranceConnect: the way out to the provider, the way
back (everything checked by Authlib: state, PKCE, nonce, the ID token's signature,
issuer, audience and expiry), proving an existing account before linking it, and the
logout that ends the provider's session too."""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts import operations as accounts
from consult.accounts.sessions import sign_in
from consult.accounts.views import form_page
from consult.core import ratelimit as rl
from consult.core.errors_domain import Refused, refusable
from consult.core.http import safe_next
from consult.core.urls import external_url
from consult.db import db, writes_on_get
from consult.identity import bp, personal_data  # noqa: F401  (export, erasure)
from consult.identity import operations as ops
from consult.identity.forms import ProveForm
from consult.identity.providers import Provider, client, configured, provider

log = logging.getLogger(__name__)
PENDING = "identity_pending"  # a verified identity waiting for its account's proof
SIGNED_IN_WITH = "identity_signed_in_with"  # provider and ID token, for the logout


@bp.app_context_processor
def _login_buttons():
    return {"identity_providers": configured}


def _provider_or_404(name: str) -> Provider:
    return provider(name) or abort(404)


@bp.route("/connexion/<name>")
@rl.limiter.limit(rl.LOGIN_PER_ADDRESS)
def start(name: str):
    """Off to the provider; the state, the nonce and the PKCE verifier stay in the
    session (Authlib)."""
    found = _provider_or_404(name)
    session["identity_next"] = request.args.get("next", "")[:300]
    extra = {"acr_values": found.acr} if found.acr else {}
    return client(found).authorize_redirect(
        external_url("identity.callback", name=name), nonce=secrets.token_urlsafe(24),
        **extra)


def _refused(message: str, status: int = 400):
    return render_template("identity/problem.html", message=message), status


@bp.route("/connexion/<name>/retour")
@rl.limiter.limit(rl.LOGIN_PER_ADDRESS)
@writes_on_get  # the provider sends the browser back with a GET: an account may be made
def callback(name: str):
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError

    found = _provider_or_404(name)
    if request.args.get("error"):
        return _refused(_("%(provider)s n’a pas confirmé votre identité : la connexion est "
                          "annulée.", provider=found.label))
    try:
        token = client(found).authorize_access_token()
        raw = dict(token.get("userinfo") or {})
        if not raw.get("sub"):
            raise ValueError("no sub in the ID token")
        try:
            raw.update({k: v for k, v in client(found).userinfo(token=token).items()
                        if k != "sub"})
        except Exception:
            log.warning("userinfo of %s not read", name, exc_info=True)
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        log.warning("refused callback from %s: %s", name, error)
        return _refused(_("La réponse de %(provider)s n’a pas pu être vérifiée (lien expiré, "
                          "déjà utilisé ou modifié) : recommencez la connexion.",
                          provider=found.label))
    claims = ops.Claims.read(raw)
    current = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        with refusable():
            outcome = ops.arrive(found, claims, current)
    except Refused as refusal:
        return _refused(refusal.message, 409)
    if outcome.needs_proof is not None:
        session[PENDING] = {"provider": name, "claims": raw,
                            "account": outcome.needs_proof.id}
        return redirect(url_for("identity.prove", name=name))
    return _signed_in(found, outcome.user, token.get("id_token"), outcome.created)


def _signed_in(found: Provider, user, id_token: str | None, created: bool = False):
    target = session.get("identity_next", "")
    sign_in(user)  # a fresh session (the provider's state and nonce are gone with it)
    session[SIGNED_IN_WITH] = {"provider": found.name, "id_token": id_token}
    flash(_("Bienvenue %(name)s : votre compte est créé avec %(provider)s.",
            name=user.display_name, provider=found.label) if created else
          _("Vous êtes connecté·e avec %(provider)s. Bonjour %(name)s !",
            provider=found.label, name=user.display_name), "success")
    return redirect(safe_next(target, url_for("site.home")))


@bp.route("/connexion/<name>/lier", methods=["GET", "POST"])
@rl.limiter.limit(rl.LOGIN_PER_ADDRESS, exempt_when=rl.only_posts)
def prove(name: str):
    """An account already has the address the provider gave: its owner proves it with
    its password before the identity is linked (never merged on the address alone)."""
    from consult.accounts.models import User

    found = _provider_or_404(name)
    pending = session.get(PENDING)
    if not pending or pending.get("provider") != name:
        return _refused(_("Recommencez la connexion avec %(provider)s.", provider=found.label))
    account = db.session.get(User, pending["account"])
    if account is None:
        abort(404)
    form = ProveForm()
    if form.validate_on_submit():
        user = accounts.authenticate(account.email, form.password.data)
        if user is None:
            form.password.errors.append(_("Mot de passe incorrect."))
        else:
            try:
                with refusable():
                    ops.link(user, found, ops.Claims.read(pending["claims"]))
            except Refused as refusal:
                return _refused(refusal.message, 409)
            session.pop(PENDING, None)
            return _signed_in(found, user, None)
    return form_page("identity/prove.html", form, provider=found, email=account.email)


def end_session_url() -> str | None:
    """Where the logout goes: the provider's end-session endpoint, when the person
    signed in through it and it publishes one (the person comes back to the home page)."""
    signed = session.get(SIGNED_IN_WITH)
    found = provider(signed["provider"]) if signed else None
    if found is None or not signed.get("id_token"):
        return None
    try:
        metadata = client(found).load_server_metadata()
    except Exception:
        log.warning("metadata of %s not read at logout", found.name, exc_info=True)
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode({
        "id_token_hint": signed["id_token"], "state": secrets.token_urlsafe(16),
        "post_logout_redirect_uri": external_url("site.home")})


@bp.record_once
def _logout_goes_to_the_provider(state) -> None:
    from consult.accounts.sessions import LOGOUT_TARGETS

    if end_session_url not in LOGOUT_TARGETS:
        LOGOUT_TARGETS.append(end_session_url)
