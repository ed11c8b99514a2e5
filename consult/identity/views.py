"""Signing in with ProConnect or FranceConnect: the way out to the provider, the way
back (everything checked by Authlib: state, PKCE, nonce, the ID token's signature,
issuer, audience and expiry), proving an existing account before linking it, and the
logout that ends the provider's session too."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
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
from consult.core.outbox import queue_mail
from consult.core.tokens import TokenError, make_token, read_token
from consult.core.urls import external_url
from consult.db import db, writes_on_get
from consult.identity import agent_views, agents, bp, personal_data  # noqa: F401
from consult.identity import operations as ops
from consult.identity.forms import ProveForm
from consult.identity.providers import Provider, client, configured, provider
from consult.organisations.forms import ConfirmForm

log = logging.getLogger(__name__)
PENDING = "identity_pending"  # a verified identity waiting for its account's proof
SIGNED_IN_WITH = "identity_signed_in_with"  # provider and ID token, for the logout


@bp.app_template_global("identity_providers")
def _identity_providers():
    """The providers offered (the login page, « S’identifier avec FranceConnect » where a
    rule asks for a verified identity)."""
    return configured()


@bp.app_template_global("my_identities")
def _my_identities() -> dict:
    """The account page: the identities linked and the facts kept, and the providers
    the person may still link."""
    if not current_user.is_authenticated:
        return {"linked": [], "offered": []}
    linked = ops.identities_of(current_user)
    names = {i.provider for i in linked}
    labels = {p.name: p.label for p in configured()}
    return {"linked": [(labels.get(i.provider, i.provider), i) for i in linked],
            "offered": [p for p in configured() if p.name not in names]}


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
    try:
        return client(found).authorize_redirect(
            external_url("identity.callback", name=name), nonce=secrets.token_urlsafe(24),
            **extra)
    except UNREACHABLE as error:
        return _unreachable(found, error)


def _refused(message: str, status: int = 400):
    return render_template("identity/problem.html", message=message), status


def _unreachable(found: Provider, error: Exception):
    log.warning("%s unreachable: %s", found.name, type(error).__name__)
    return _refused(_("%(provider)s ne répond pas pour le moment : réessayez dans quelques "
                      "minutes, ou connectez-vous avec votre adresse e-mail et votre mot de "
                      "passe.", provider=found.label), 503)


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
    except UNREACHABLE as error:
        return _unreachable(found, error)
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as error:
        log.warning("refused callback from %s: %s", name, type(error).__name__)
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
                            "account": outcome.needs_proof.id,
                            "nonce": secrets.token_urlsafe(16)}
        return redirect(url_for("identity.prove", name=name))
    return _signed_in(found, outcome.user, token.get("id_token"), outcome.created, claims)


def _signed_in(found: Provider, user, id_token: str | None, created: bool = False,
               claims: ops.Claims | None = None):
    target = session.get("identity_next", "")
    sign_in(user)  # a fresh session (the provider's state and nonce are gone with it)
    session[SIGNED_IN_WITH] = {"provider": found.name, "id_token": id_token}
    flash(_("Bienvenue %(name)s : votre compte est créé avec %(provider)s.",
            name=user.display_name, provider=found.label) if created else
          _("Vous êtes connecté·e avec %(provider)s. Bonjour %(name)s !",
            provider=found.label, name=user.display_name), "success")
    if found.for_agents and claims is not None:
        _tell_agent(agents.agent_arrives(user, found.name, claims))
    return redirect(safe_next(target, url_for("site.home")))


def _tell_agent(arrival: agents.Arrival) -> None:
    """What an agent arriving with ProConnect is told about their organisations."""
    def names(found):
        return ", ".join(o.name for o in found)

    if arrival.asked:
        flash(_("Votre rattachement à %(names)s est demandé à ses administrateurs : vous "
                "serez prévenu·e de leur réponse. En attendant, vous participez comme "
                "usager.", names=names(arrival.asked)), "info")
    elif arrival.waiting:
        flash(_("Votre rattachement à %(names)s attend encore la réponse de ses "
                "administrateurs.", names=names(arrival.waiting)), "info")
    elif arrival.unknown:
        flash(_("Aucune organisation de la plateforme ne reconnaît encore votre "
                "administration (SIRET ou domaine de votre adresse) : vous participez comme "
                "usager. Pour agir en agent, demandez à l’administrateur de votre "
                "organisation de vous inviter."), "info")


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
    if request.method == "POST" and request.form.get("by") == "mail":
        return _send_proof_mail(found, account, pending)
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
            return _signed_in(found, user, None, claims=ops.Claims.read(pending["claims"]))
    return form_page("identity/prove.html", form, provider=found, email=account.email,
                     mail_form=ConfirmForm(prefix="mail"))


PROOF_PURPOSE, PROOF_AGE = "identity-link", timedelta(hours=1)


def _send_proof_mail(found: Provider, account, pending: dict):
    """The other proof: a link sent to the account's address, to open in this same
    browser within an hour (a link opened elsewhere proves nothing: someone else's
    identity would be linked to the account)."""
    if not ConfirmForm(prefix="mail").validate_on_submit():
        abort(400)
    token = make_token(PROOF_PURPOSE, {"p": found.name, "a": account.id,
                                       "n": pending["nonce"]})
    queue_mail(account.email, "identity/link_proof", account.locale, user=account,
               provider=str(found.label), link_url=external_url(
                   "identity.prove_by_mail", name=found.name, token=token))
    return render_template("identity/proof_sent.html", provider=found, email=account.email)


@bp.route("/connexion/<name>/lier/<token>", methods=["GET", "POST"])
@rl.limiter.limit(rl.LOGIN_PER_ADDRESS, exempt_when=rl.only_posts)
def prove_by_mail(name: str, token: str):
    """The link from the mail: shown with a button (opening a link changes nothing),
    accepted only in the browser that signed in with the provider."""
    from consult.accounts.models import User

    found = _provider_or_404(name)
    try:
        data = read_token(PROOF_PURPOSE, token, PROOF_AGE)
    except TokenError:
        return _refused(_("Ce lien n’est plus valable : recommencez la connexion avec "
                          "%(provider)s.", provider=found.label))
    pending = session.get(PENDING)
    if (not pending or data.get("p") != name or pending.get("provider") != name
            or pending.get("account") != data.get("a")
            or pending.get("nonce") != data.get("n")):
        return _refused(_("Ouvrez ce lien dans le navigateur où vous vous êtes connecté·e "
                          "avec %(provider)s (il ne vaut que là, pour que personne d’autre "
                          "ne lie son identité à votre compte).", provider=found.label))
    account = db.session.get(User, data["a"])
    if account is None or account.is_deleted:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with refusable():
                ops.link(account, found, ops.Claims.read(pending["claims"]))
        except Refused as refusal:
            return _refused(refusal.message, 409)
        session.pop(PENDING, None)
        return _signed_in(found, account, None, claims=ops.Claims.read(pending["claims"]))
    return render_template("identity/prove_by_mail.html", form=form, provider=found,
                           email=account.email)


# requests' errors (Authlib's transport) are OSErrors: no need to import requests (7 MB
# in every worker) to name them
UNREACHABLE = (OSError,)


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
