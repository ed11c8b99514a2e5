"""Writes through the API: an organisation's token, scoped and revocable, for its own
challenges only; the same rules, log and notifications as the workspace pages. A
session cookie never stands for a token."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from consult.api.models import ApiScope, ApiToken
from consult.api.tokens import create_token, revoke_token
from consult.audit.models import ActionLog
from consult.challenges.models import Challenge
from consult.core.tokens import hash_secret
from consult.db import db
from consult.notifications.models import Notification
from consult.organisations.models import MembershipRole
from tests.conftest import login
from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory, agent_of


def phases(results_at="2027-04-10T09:00:00+01:00"):
    return [{"kind": "ideas", "starts_at": "2027-01-10T09:00:00+01:00",
             "ends_at": "2027-02-10T09:00:00+01:00"},
            {"kind": "supports", "starts_at": "2027-02-10T09:00:00+01:00",
             "ends_at": "2027-03-10T09:00:00+01:00", "title": "Le vote des familles"},
            {"kind": "review", "starts_at": "2027-03-10T09:00:00+01:00",
             "ends_at": "2027-04-10T09:00:00+01:00"},
            {"kind": "results", "starts_at": results_at}]


DATES = {"phases": phases()}
NEW = {"title": "Simplifier l'inscription à la cantine", "service": "Restauration scolaire",
       "problem": "Trois formulaires différents.", "themes": ["Tarifs", "Inscription"],
       "territory": "departement:95", "charter_rules": ["Hors sujet"], **DATES}


@pytest.fixture
def org():
    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    token, secret = create_token(admin, organisation, "Site de la ville",
                                 {ApiScope.CHALLENGES, ApiScope.ANSWERS})
    return {"organisation": organisation, "admin": admin, "token": token, "secret": secret}


def send(client, method, path, body, secret=None, **headers):
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.open(path, method=method, data=json.dumps(body),
                       content_type="application/json", headers=headers)


def test_the_token_is_stored_hashed_and_shown_once(org):
    stored = db.session.get(ApiToken, org["token"].id)
    assert stored.token_hash == hash_secret(org["secret"])
    assert org["secret"] not in {stored.token_hash, stored.prefix, stored.name}
    assert org["secret"].startswith(stored.prefix)


def test_create_a_challenge_then_update_and_publish_it(client, org):
    created = send(client, "POST", "/api/v1/challenges", NEW, org["secret"])
    assert created.status_code == 201, created.text
    body = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/challenges/{body['id']}")
    assert body["phase"] == "draft" and body["organisations"][0]["id"] == org["organisation"].id
    assert body["phases"][0]["starts_at"] == "2027-01-10T08:00:00Z"  # stored in UTC
    assert [(p["kind"], p["label"]) for p in body["phases"]] == [
        ("ideas", "Dépôt des idées"), ("supports", "Le vote des familles"),
        ("review", "Étude par l'administration"), ("results", "Résultats")]
    assert body["rules"]["supports_per_person"] == 3
    assert body["themes"] == ["Inscription", "Tarifs"]
    assert body["rules"]["charter_rules"] == ["Hors sujet"]
    assert body["territory"]["key"] == "departement:95"
    # a draft is visible to its organisation's token only
    path = f"/api/v1/challenges/{body['id']}"
    assert client.get(path).status_code == 404
    assert client.get(path, headers={"Authorization": f"Bearer {org['secret']}"}) \
        .status_code == 200
    updated = send(client, "PATCH", path, {"title": "Une cantine plus simple", "publish": True},
                   org["secret"])
    assert updated.status_code == 200, updated.text
    assert updated.get_json()["title"] == "Une cantine plus simple"
    assert updated.get_json()["phase"] == "announced"
    assert client.get(path).status_code == 200  # now public
    entries = db.session.scalars(select(ActionLog).where(
        ActionLog.challenge_id == body["id"]).order_by(ActionLog.id)).all()
    assert [e.action for e in entries] == ["challenge.create", "challenge.update",
                                           "challenge.publish"]
    assert all(e.actor_id == org["admin"].id and e.details["via"] == f"api:{org['token'].prefix}"
               for e in entries)
    db.session.expire_all()
    assert db.session.get(ApiToken, org["token"].id).last_used_at is not None


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"title": ""}, 400, "title"),
    ({"title": "  espaces autour  "}, 400, "title"),
    ({"supports_per_person": 0}, 400, "supports_per_person"),
    ({"phases": phases("2027-04-10T09:00:00")}, 400, "phases.3.starts_at"),  # no time zone
    ({"phases": phases("2027-01-01T09:00:00Z")}, 422, "phases"),  # before the review
    ({"phases": []}, 400, "phases"),
    ({"phases": [{"kind": "vote", "starts_at": "2027-01-01T09:00:00Z"}]}, 400,
     "phases.0.kind"),
    ({"territory": "commune:00000"}, 422, "territory"),
    ({"unknown": 1}, 400, "unknown"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(client, org, change,
                                                                      status, field):
    response = send(client, "POST", "/api/v1/challenges", {**NEW, **change}, org["secret"])
    assert response.status_code == status, response.text
    assert response.get_json()["error"]["field"] == field
    assert not db.session.scalars(select(Challenge).where(
        Challenge.service == NEW["service"])).all()


def test_answering_an_idea_tells_its_author_and_supporters(client, org):
    challenge = ChallengeFactory(phase="supports", organisations=[org["organisation"]])
    idea = IdeaFactory(challenge=challenge)
    response = send(client, "PUT", f"/api/v1/ideas/{idea.id}/answer",
                    {"status": "selected", "text": "Nous la testons au printemps."},
                    org["secret"])
    assert response.status_code == 200, response.text
    assert response.get_json()["answer"]["status"] == "selected"
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == idea.author_id)).all()
    refused = send(client, "PUT", f"/api/v1/ideas/{idea.id}/answer",
                   {"status": "not_retained", "text": ""}, org["secret"])
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "text"


def test_tokens_act_only_for_their_own_organisation(client, org):
    foreign = ChallengeFactory(phase="supports")
    idea = IdeaFactory(challenge=foreign)
    assert send(client, "PATCH", f"/api/v1/challenges/{foreign.id}", {"title": "Piraté"},
                org["secret"]).status_code == 403
    assert send(client, "PUT", f"/api/v1/ideas/{idea.id}/answer", {"status": "selected"},
                org["secret"]).status_code == 403
    assert db.session.get(Challenge, foreign.id).title != "Piraté"


def test_a_token_needs_the_right_scope(client, org):
    _token, answers_only = create_token(org["admin"], org["organisation"], "Réponses",
                                        {ApiScope.ANSWERS})
    refused = send(client, "POST", "/api/v1/challenges", NEW, answers_only)
    assert refused.status_code == 403 and "challenges:write" in refused.get_json()[
        "error"]["message"]


def test_missing_unknown_revoked_or_orphaned_tokens_are_refused(client, org):
    assert send(client, "POST", "/api/v1/challenges", NEW).status_code == 401
    unknown = send(client, "POST", "/api/v1/challenges", NEW, "consult_" + "x" * 43)
    assert unknown.status_code == 401 and unknown.headers["WWW-Authenticate"].startswith(
        "Bearer")
    other_admin = agent_of(org["organisation"], MembershipRole.ADMIN)
    revoke_token(other_admin, org["token"])
    assert send(client, "POST", "/api/v1/challenges", NEW, org["secret"]).status_code == 401
    # a token dies with its creator's administrator role
    _token, secret = create_token(other_admin, org["organisation"], "Autre",
                                  {ApiScope.CHALLENGES})
    assert send(client, "POST", "/api/v1/challenges", NEW, secret).status_code == 201
    other_admin.membership_in(org["organisation"].id).role = MembershipRole.AGENT
    db.session.flush()
    assert send(client, "POST", "/api/v1/challenges", NEW, secret).status_code == 401


def test_a_signed_in_session_is_not_a_token(client, org):
    """A page elsewhere cannot make an administrator's browser write through the API."""
    login(client, org["admin"])
    response = send(client, "POST", "/api/v1/challenges", NEW)
    assert response.status_code == 401
    assert not db.session.scalars(select(Challenge).where(
        Challenge.service == NEW["service"])).all()
