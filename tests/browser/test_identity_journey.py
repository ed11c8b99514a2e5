"""Identity in a real browser (issue 20), against a real gunicorn configured by
environment with two real OpenID Connect providers started by the test (one stands for
ProConnect, the other for FranceConnect): the département's administrator declares its
SIRET; an agent signs in with ProConnect and waits for her; she confirms him; she
reserves the vote of a challenge to verified identities; a citizen who arrives signed
out is told so before acting, signs in with FranceConnect from the page and supports."""

from __future__ import annotations

import pytest

from consult.db import utcnow
from tests.browser.conftest import sign_in
from tests.browser.conftest import sql as _sql
from tests.browser.test_journeys import submit
from tests.live import start_live_server

ADMIN = "agnes.admin@demo.consult.example"
PREFECTURE = "david.pref@demo.consult.example"  # runs the demo's vote (with the lab)
SIRET = "22950127100019"


@pytest.fixture(scope="module")
def providers():
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    from oidc_provider_mock import User

    agents = [User(sub="agent-pro", claims={"email": "yanis.agent@valdoise.example",
                                            "given_name": "Yanis", "usual_name": "Benali",
                                            "siret": SIRET})]
    citizens = [User(sub="citoyenne-fc", claims={
        "email": "ines.fc@exemple.fr", "given_name": "Inès", "family_name": "Roussel",
        "birthdate": "1988-06-14"})]
    with oidc_provider_mock.run_server_in_thread(require_nonce=True,
                                                 user_claims=agents) as pro, \
            oidc_provider_mock.run_server_in_thread(require_nonce=True,
                                                    user_claims=citizens) as fc:
        yield {"proconnect": f"http://localhost:{pro.server_port}",
               "franceconnect": f"http://localhost:{fc.server_port}"}


@pytest.fixture(scope="module")
def identity_server(tmp_path_factory, providers, chromium):
    cleanups: list = []
    settings = {}
    for name, issuer in providers.items():
        prefix = name.upper()
        settings.update({f"{prefix}_ISSUER": issuer, f"{prefix}_CLIENT_ID": f"consult-{name}",
                         f"{prefix}_CLIENT_SECRET": "secret-de-test",
                         # (the test providers give names with the standard scope)
                         f"{prefix}_SCOPES": ("openid email given_name usual_name siret "
                                              "profile" if name == "proconnect" else
                                              "openid email profile birthdate")})
    live = start_live_server(tmp_path_factory, cleanups, theme="neutral", **settings)
    yield live
    for cleanup in cleanups:
        cleanup()


def _through_provider(page, button_text: str, subject: str) -> None:
    """Click « S’identifier avec … », choose the person at the provider, come back."""
    submit(page, f"text={button_text}")
    assert "Authorize Client" in page.content()  # the provider's own page
    submit(page, f"button[name=sub][value={subject}]")


def test_an_agent_with_proconnect_and_a_citizen_with_franceconnect(identity_server,
                                                                   chromium):
    live, base = identity_server, identity_server["url"]
    [(department,)] = _sql(live, "SELECT slug FROM organisations WHERE name LIKE "
                                 "'Département du Val%'")
    [(slug,)] = _sql(live, "SELECT c.slug FROM challenges c JOIN challenge_phases p ON "
                           "p.challenge_id = c.id WHERE p.kind = 'supports' AND p.starts_at "
                           "<= :now AND (p.ends_at IS NULL OR p.ends_at > :now) ORDER BY c.id "
                           "LIMIT 1", now=utcnow())

    # 1. the département's administrator declares how its agents are recognised
    office = chromium.new_context(locale="fr-FR").new_page()
    sign_in(office, base, ADMIN)
    office.goto(f"{base}/espace/{department}/proconnect")
    office.fill("#sirets", "229 501 271 00019")
    submit(office, "main form.c-form button[type=submit]")
    assert "seront reconnus ainsi" in office.content()

    # 2. an agent signs in with ProConnect: an account, no role yet, a request
    agent = chromium.new_context(locale="fr-FR").new_page()
    agent.goto(f"{base}/connexion")
    _through_provider(agent, "S’identifier avec ProConnect", "agent-pro")
    assert "Vous êtes connecté·e avec ProConnect" in agent.content() or \
        "votre compte est créé avec ProConnect" in agent.content()
    assert "est demandé à ses administrateurs" in agent.content()
    assert agent.goto(f"{base}/espace/{department}").status == 403

    # 3. the administrator confirms him
    office.goto(f"{base}/espace/{department}/proconnect")
    assert "Yanis B." in office.content()
    submit(office, "text=Confirmer Yanis B. comme agent")
    assert "est maintenant agent" in office.content()
    assert agent.goto(f"{base}/espace/{department}").status == 200

    # 4. the préfecture reserves the vote of its challenge to verified identities
    prefecture = chromium.new_context(locale="fr-FR").new_page()
    sign_in(prefecture, base, PREFECTURE)
    prefecture.goto(f"{base}/defis/{slug}/qui-peut-participer")
    prefecture.click("summary:has-text('Soutenir')")  # each action folded until opened
    prefecture.check("#support-level-2")  # « Identité vérifiée avec FranceConnect »
    submit(prefecture, "main form.c-form button[type=submit]")
    assert "Les conditions de participation sont enregistrées" in prefecture.content()
    assert "Identité vérifiée avec FranceConnect" in prefecture.content()

    # 5. a citizen arrives signed out: told before acting, signs in from the page
    citizen = chromium.new_context(locale="fr-FR").new_page()
    citizen.goto(f"{base}/defis/{slug}")
    assert "Pour soutenir une idée, connectez-vous avec FranceConnect." in citizen.content()
    _through_provider(citizen, "S’identifier avec FranceConnect", "citoyenne-fc")
    assert f"/defis/{slug}" in citizen.url  # back where she was
    assert "connectez-vous avec FranceConnect" not in citizen.content()
    first = citizen.locator("form[data-support] button[aria-pressed=false]").first
    first.click()
    citizen.wait_for_selector("form[data-support] button[aria-pressed=true]")
    rows = _sql(live, "SELECT s.voter_key FROM supports s JOIN users u ON u.id = s.user_id "
                      "WHERE u.email = 'ines.fc@exemple.fr'")
    assert len(rows) == 1 and rows[0][0]  # counted once, for the verified identity
    [(age,)] = _sql(live, "SELECT age_floor FROM external_identities WHERE subject = "
                          "'citoyenne-fc'")
    assert age == 18  # the fact kept, not the birth date
