"""The organisation administrator creates and revokes API tokens in the workspace."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult.api.models import ApiToken
from consult.core.tokens import hash_secret
from consult.db import db
from consult.organisations.models import MembershipRole
from tests.conftest import login, post_form
from tests.factories import OrganisationFactory, agent_of


def test_an_administrator_creates_a_token_seen_once_then_revokes_it(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation, MembershipRole.ADMIN))
    path = f"/espace/{organisation.slug}/jetons-api"
    created = post_form(client, path, {"name": "Site de la ville",
                                       "scopes": ["answers:write", "challenges:write"]})
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(consult_[A-Za-z0-9_-]+)"', created.text).group(1)
    token = db.session.scalar(select(ApiToken).where(ApiToken.organisation_id == organisation.id))
    assert token.token_hash == hash_secret(secret) and token.scopes == \
        "answers:write challenges:write"
    shown_again = client.get(path)
    assert secret not in shown_again.text and token.prefix in shown_again.text
    revoked = post_form(client, f"{path}/{token.id}/revoquer")
    assert revoked.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert "Révoqué" in client.get(path).text


def test_a_token_needs_a_name_and_a_right_and_keeps_what_was_typed(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation, MembershipRole.ADMIN))
    refused = post_form(client, f"/espace/{organisation.slug}/jetons-api",
                        {"name": "Tableau de bord"})
    assert refused.status_code == 422
    assert 'value="Tableau de bord"' in refused.text
    assert not db.session.scalars(select(ApiToken)).all()


def test_agents_and_other_organisations_cannot_manage_tokens(client):
    organisation = OrganisationFactory()
    login(client, agent_of(organisation))
    assert client.get(f"/espace/{organisation.slug}/jetons-api").status_code == 403
    login(client, agent_of(OrganisationFactory(), MembershipRole.ADMIN))
    assert client.get(f"/espace/{organisation.slug}/jetons-api").status_code == 403
