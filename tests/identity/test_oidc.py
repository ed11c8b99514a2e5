"""Signing in with ProConnect and FranceConnect (issue 20), against a real OpenID
Connect provider started by the test (oidc-provider-mock: Authlib's server, its keys,
its discovery document, over HTTP on 127.0.0.1): the code flow with state, nonce and
PKCE; a callback replayed, forged or from the wrong provider refused; a FranceConnect
identity is one account; an existing account is linked only after its owner proves
it; the logout goes through the provider's end-session endpoint."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.db import db
from consult.identity.models import ExternalIdentity
from consult.identity.providers import KNOWN, Provider
from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD, UserFactory


@pytest.fixture(scope="module")
def op():
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    from oidc_provider_mock import User as Claims

    people = [
        Claims(sub="fc-camille", claims={"email": "camille@exemple.fr", "given_name": "Camille",
                                         "family_name": "Dupont", "birthdate": "1990-04-02"}),
        Claims(sub="fc-jeune", claims={"email": "jeune@exemple.fr", "given_name": "Lou",
                                       "family_name": "Martin", "birthdate": "2015-01-01"}),
        Claims(sub="pc-agent", claims={"email": "agent@mairie.fr", "given_name": "Élise",
                                       "usual_name": "Moreau", "siret": "21950127800013"}),
        Claims(sub="pc-inconnu", claims={"email": "agent@ailleurs.example",
                                         "given_name": "Paul", "usual_name": "Martin",
                                         "siret": "11000000000000"}),
    ]
    with oidc_provider_mock.run_server_in_thread(require_nonce=True,
                                                 user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def providers(app, op, monkeypatch):
    configured = {name: Provider(known.name, known.label, known.for_agents,
                                 known.default_scopes, issuer=op,
                                 discovery_url=f"{op}/.well-known/openid-configuration",
                                 client_id=f"consult-{name}", client_secret="secret",
                                 # (the test provider gives names with the standard scope)
                                 scopes=known.default_scopes + " profile")
                  for name, known in KNOWN.items()}
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDERS", configured)
    return configured


def _authorize(client, name: str, sub: str, next_url: str = "") -> tuple[str, dict]:
    """Off to the provider, who authenticates ``sub``: the callback address it sends
    the browser back to, and the authorization request's parameters."""
    out = client.get(f"/connexion/{name}" + (f"?next={next_url}" if next_url else ""))
    assert out.status_code == 302
    asked = parse_qs(urlsplit(out.location).query)
    answer = requests.post(out.location, data={"sub": sub}, allow_redirects=False,
                           timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"], asked


def _back(client, location: str):
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def test_unconfigured_providers_are_not_offered(client):
    assert "S’identifier avec" not in client.get("/connexion").text
    assert client.get("/connexion/franceconnect").status_code == 404


def test_franceconnect_makes_one_account_per_identity(client, app, providers):
    page = client.get("/connexion").text
    assert "S’identifier avec FranceConnect" in page and "S’identifier avec ProConnect" in page
    location, asked = _authorize(client, "franceconnect", "fc-camille", "/defis")
    # the code flow with PKCE (S256), a state and a nonce
    assert asked["response_type"] == ["code"] and asked["code_challenge_method"] == ["S256"]
    assert asked["code_challenge"][0] and asked["state"][0] and asked["nonce"][0]
    back = _back(client, location)
    assert back.status_code == 302 and back.location.endswith("/defis")
    user = db.session.scalar(select(User).where(User.email == "camille@exemple.fr"))
    assert user.display_name == "Camille D." and user.email_confirmed_at is not None
    assert user.password_hash is None
    [identity] = db.session.scalars(select(ExternalIdentity))
    assert (identity.provider, identity.subject, identity.age_floor) == (
        "franceconnect", "fc-camille", 18)
    assert identity.verified_at is not None
    assert "Se déconnecter" in client.get("/").text or "/deconnexion" in client.get("/").text
    # the same callback again (a replay): refused, nothing more made
    replay = _back(client, location)
    assert replay.status_code == 400 and "n’a pas pu être vérifiée" in replay.text
    # another browser, the same identity: the same account
    other = app.test_client()
    location, _asked = _authorize(other, "franceconnect", "fc-camille")
    assert _back(other, location).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "camille@exemple.fr")) == 1
    # only the fact is kept: of age or not, never the birth date
    young_browser = app.test_client()
    location, _asked = _authorize(young_browser, "franceconnect", "fc-jeune")
    _back(young_browser, location)
    assert db.session.scalar(select(ExternalIdentity.age_floor).where(
        ExternalIdentity.subject == "fc-jeune")) == 11  # born in 2015: 11, not 13


def test_a_forged_state_or_a_code_for_another_browser_is_refused(client, app, providers):
    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    forged = client.get(f"{parts.path}?code={query['code'][0]}&state=autre-chose")
    assert forged.status_code == 400
    stranger = app.test_client()  # a code stolen into another browser: no state there
    assert _back(stranger, location).status_code == 400
    refused = client.get(f"{parts.path}?error=access_denied&state={query['state'][0]}")
    assert refused.status_code == 400 and "annulée" in refused.text
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0


def test_an_existing_account_is_linked_only_after_its_owner_proves_it(client, providers):
    owner = UserFactory(email="agent@mairie.fr")
    location, _asked = _authorize(client, "proconnect", "pc-agent")
    back = _back(client, location)
    assert back.location.endswith("/connexion/proconnect/lier")
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    page = client.get("/connexion/proconnect/lier").text
    assert "agent@mairie.fr" in page and "Rien n’est fusionné" in page
    wrong = post_form(client, "/connexion/proconnect/lier", {"password": "pas le bon"})
    assert wrong.status_code == 422 and "Mot de passe incorrect" in wrong.text
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    right = post_form(client, "/connexion/proconnect/lier",
                      {"password": PASSWORD})
    assert right.status_code == 302
    identity = db.session.scalar(select(ExternalIdentity))
    assert (identity.user_id, identity.provider, identity.verified_at) == (
        owner.id, "proconnect", None)  # ProConnect: no official identity check


def test_a_signed_in_person_links_and_logout_reaches_the_provider(client, app, providers):
    person = UserFactory(email="autre@exemple.fr")
    login(client, person)
    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    assert _back(client, location).status_code == 302
    assert db.session.scalar(select(ExternalIdentity.user_id)) == person.id
    # signed in through the provider, the logout ends its session too
    browser = app.test_client()
    location, _asked = _authorize(browser, "franceconnect", "fc-camille")
    _back(browser, location)
    out = browser.post("/deconnexion", data={"csrf_token": csrf_token(browser)})
    assert out.status_code == 302 and "/oauth2/end_session" in out.location
    ending = parse_qs(urlsplit(out.location).query)
    assert ending["id_token_hint"][0] and ending["post_logout_redirect_uri"][0]
    # a person who signed in with a password leaves as before
    password_browser = app.test_client()
    login(password_browser, UserFactory())
    plain = password_browser.post("/deconnexion",
                                  data={"csrf_token": csrf_token(password_browser)})
    assert plain.status_code == 302 and "/oauth2/end_session" not in plain.location


def test_personal_data_export_and_erasure(client, providers):
    from consult.accounts.operations import erase_account, export_personal_data

    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    _back(client, location)
    user = db.session.scalar(select(User).where(User.email == "camille@exemple.fr"))
    [entry] = export_personal_data(user)["identities"]
    assert entry["provider"] == "franceconnect" and entry["adult"] is True
    assert "birthdate" not in str(entry)
    erase_account(user)
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0


def test_a_wrong_nonce_an_expired_or_badly_signed_id_token_is_refused(client, app, providers,
                                                                       monkeypatch, caplog):
    import types

    from joserfc._rfc7519 import claims as joserfc_claims
    from joserfc.jwk import RSAKey

    from consult.identity.providers import client as oidc_client

    def nothing_made():
        assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 0

    # the nonce sent is not the one in the ID token (as if the token was for another
    # sign-in): Authlib compares it with the one kept in this browser's session
    location, asked = _authorize(client, "franceconnect", "fc-camille")
    with client.session_transaction() as session:
        key = f"_state_franceconnect_{asked['state'][0]}"
        state = session[key]
        state["data"]["nonce"] = "un-autre-nonce"
        session[key] = state
    assert _back(client, location).status_code == 400
    assert "InvalidClaimError" in caplog.text  # the nonce claim
    nothing_made()
    # an ID token signed by another key than the provider's (same key id)
    with app.test_request_context():
        found = oidc_client(providers["franceconnect"])
        real = found.fetch_jwk_set()
        forged = RSAKey.generate_key(2048).as_dict(private=False)
        forged["kid"] = real["keys"][0].get("kid")
        monkeypatch.setitem(found.server_metadata, "jwks", {"keys": [forged]})
        monkeypatch.setattr(type(found), "fetch_jwk_set",
                            lambda self, force=False: {"keys": [forged]})
    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    refused = _back(client, location)
    assert refused.status_code == 400 and "n’a pas pu être vérifiée" in refused.text
    assert "BadSignatureError" in caplog.text
    nothing_made()
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDERS", providers)
    # an ID token read three hours after it was made: expired (beyond Authlib's leeway)
    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    later = types.SimpleNamespace(time=lambda: __import__("time").time() + 3 * 3600)
    monkeypatch.setattr(joserfc_claims, "time", later)
    assert _back(client, location).status_code == 400
    assert "ExpiredTokenError" in caplog.text
    assert "secret" not in caplog.text and "code=" not in caplog.text  # no secret logged
    nothing_made()


def test_a_provider_down_gets_a_clear_page_and_nothing_is_made(client, app, providers,
                                                                monkeypatch):
    down = {name: Provider(p.name, p.label, p.for_agents, p.default_scopes,
                           issuer="http://127.0.0.1:9", client_id=p.client_id,
                           client_secret="secret",
                           discovery_url="http://127.0.0.1:9/.well-known/openid-configuration",
                           scopes=p.scopes) for name, p in providers.items()}
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDERS", down)
    out = client.get("/connexion/franceconnect")
    assert out.status_code == 503 and "ne répond pas" in out.text
    assert "mot de passe" in out.text  # the other way in is offered
    # down between the way out and the way back: the code cannot be exchanged
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDERS", providers)
    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    from consult.identity.providers import client as oidc_client

    with app.test_request_context():
        found = oidc_client(providers["franceconnect"])
        found.load_server_metadata()
        monkeypatch.setitem(found.server_metadata, "token_endpoint", "http://127.0.0.1:9/token")
    back = _back(client, location)
    assert back.status_code == 503 and "ne répond pas" in back.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_proconnect_agent_waits_for_the_organisation_administrator(client, app, providers):
    from consult.identity.models import MembershipRequest
    from consult.notifications.models import Notification
    from consult.organisations.models import MembershipRole
    from tests.factories import OrganisationFactory, agent_of

    mairie = OrganisationFactory(name="Ville de Cergy", sirets="219501278")
    admin = agent_of(mairie, MembershipRole.ADMIN)
    db.session.commit()
    location, _asked = _authorize(client, "proconnect", "pc-agent")
    arrived = _back(client, location)
    assert arrived.status_code == 302
    page = client.get("/").text
    assert "Votre rattachement à Ville de Cergy est demandé" in page
    agent = db.session.scalar(select(User).where(User.email == "agent@mairie.fr"))
    assert agent.memberships == []  # no role before the administrator confirms
    [request] = db.session.scalars(select(MembershipRequest))
    assert (request.organisation_id, request.matched_by) == (mairie.id, "siret")
    assert db.session.scalar(select(Notification.user_id).where(
        Notification.kind == "membership_requested")) == admin.id
    # signing in again asks nothing more
    again = app.test_client()
    location, _asked = _authorize(again, "proconnect", "pc-agent")
    _back(again, location)
    assert "attend encore la réponse" in again.get("/").text
    assert db.session.scalar(select(func.count()).select_from(MembershipRequest)) == 1
    # the agent cannot answer for the organisation; its administrator can
    assert post_form(client, f"/espace/{mairie.slug}/proconnect/{request.id}",
                     {"decision": "accept"}).status_code == 403
    office = app.test_client()
    login(office, admin)
    listed = office.get(f"/espace/{mairie.slug}/proconnect").text
    assert "Élise M." in listed and "SIRET" in listed
    assert post_form(office, f"/espace/{mairie.slug}/proconnect/{request.id}",
                     {"decision": "accept"}).status_code == 302
    db.session.expire_all()
    assert [m.role for m in agent.memberships] == [MembershipRole.AGENT]
    assert db.session.scalar(select(Notification.user_id).where(
        Notification.kind == "membership_decided")) == agent.id
    # an agent no organisation recognises takes part as a citizen, and is told so
    stranger = app.test_client()
    location, _asked = _authorize(stranger, "proconnect", "pc-inconnu")
    _back(stranger, location)
    assert "Aucune organisation de la plateforme ne reconnaît" in stranger.get("/").text
    assert db.session.scalar(select(func.count()).select_from(MembershipRequest)) == 1
    # the request is the agent's data: exported, and erased with the account
    from consult.accounts.operations import erase_account, export_personal_data

    [asked] = export_personal_data(agent)["membership_requests"]
    assert asked["organisation"] == "Ville de Cergy" and asked["accepted"] is True
    erase_account(agent)
    assert db.session.scalar(select(func.count()).select_from(MembershipRequest)) == 0


def test_the_administrator_declares_sirets_and_domains_with_every_error_at_once(client):
    from consult.organisations.models import MembershipRole
    from tests.factories import OrganisationFactory, agent_of

    mairie = OrganisationFactory()
    login(client, agent_of(mairie, MembershipRole.ADMIN))
    path = f"/espace/{mairie.slug}/proconnect"
    bad = post_form(client, path, {"sirets": "219 501 278 00013\n12345",
                                   "email_domains": "cergy.fr\npas un domaine"})
    assert bad.status_code == 422
    assert "Pas un SIRET" in bad.text and "Domaine invalide" in bad.text
    assert "12345" in bad.text  # what was typed is kept
    db.session.refresh(mairie)
    assert mairie.sirets == "" and mairie.email_domains == ""
    good = post_form(client, path, {"sirets": "219 501 278 00013\n219501278",
                                    "email_domains": "@cergy.fr\nVille-Cergy.fr"})
    assert good.status_code == 302
    db.session.refresh(mairie)
    assert mairie.sirets == "219501278 21950127800013"
    assert mairie.email_domains == "cergy.fr ville-cergy.fr"
    login(client, agent_of(mairie))  # an agent, not an administrator
    assert client.get(path).status_code == 403


def test_an_existing_account_can_be_proved_by_a_link_opened_in_the_same_browser(
        client, app, providers):
    from tests.conftest import link_in, mails_to

    owner = UserFactory(email="agent@mairie.fr", password_hash=None)
    db.session.commit()
    location, _asked = _authorize(client, "proconnect", "pc-agent")
    assert _back(client, location).location.endswith("/connexion/proconnect/lier")
    sent = client.post("/connexion/proconnect/lier",
                       data={"by": "mail", "mail-csrf_token": csrf_token(
                           client, "/connexion/proconnect/lier")})
    assert sent.status_code == 200 and "Lien envoyé" in sent.text
    [mail] = mails_to("agent@mairie.fr", "identity/link_proof")
    path = urlsplit(link_in(mail, "/connexion/proconnect/lier/")).path.lstrip("/")
    # opened in another browser (someone else's identity would be linked): refused
    elsewhere = app.test_client()
    assert "navigateur" in elsewhere.get("/" + path).text
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    # opened here: a button, then the link
    shown = client.get("/" + path)
    assert shown.status_code == 200 and "Lier et me connecter" in shown.text
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    linked = post_form(client, "/" + path)
    assert linked.status_code == 302
    assert db.session.scalar(select(ExternalIdentity.user_id)) == owner.id


def test_the_account_page_shows_the_facts_kept_and_offers_to_link(client, providers):
    location, _asked = _authorize(client, "franceconnect", "fc-camille")
    _back(client, location)
    page = client.get("/compte").text
    assert "Identités numériques" in page and "identité vérifiée le" in page
    assert "majeur·e" in page and "1990" not in page  # the fact, never the birth date
    assert "Lier mon identité ProConnect" in page  # the other provider can be linked


# (the forged values are words a random token of the log — the provider's own PKCE
# challenge — cannot hold by chance: « abc » once did)
@pytest.mark.parametrize("query", ["", "state=", "code=forgedcode", "code=forgedcode&state=",
                                   "code=%00&state=%00", "error=",
                                   "code=forgedcode&code=otherforged",
                                   "state=" + "x" * 3000])
def test_a_callback_with_missing_or_forged_parameters_is_a_clear_page(client, providers,
                                                                        caplog, query):
    """Whatever a provider (or someone pretending to be one) sends back: a page that
    says what happened, a log line without the parameters, no account, no session."""
    location, _asked = _authorize(client, "franceconnect", "fc-vide")
    path = urlsplit(location).path
    answer = client.get(f"{path}?{query}")
    assert answer.status_code == 400
    assert "recommencez la connexion" in answer.text or "annulée" in answer.text
    assert "forged" not in caplog.text and "x" * 12 not in caplog.text
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    with client.session_transaction() as session:
        assert "_user_id" not in session
