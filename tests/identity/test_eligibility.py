"""Eligibility rules per action (issue 20): rules kept as data on the challenge, shown
before people act, enforced by the one ``participation_problem`` that the pages, the API
and the operations ask; one verified identity, one support, even across accounts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from consult.challenges.eligibility import Eligibility
from consult.challenges.models import Challenge
from consult.challenges.permissions import participation_problem
from consult.challenges.phases import Action
from consult.core.errors_domain import Refused
from consult.db import db, utcnow
from consult.ideas.models import Support
from consult.ideas.operations import cast_support
from consult.identity.models import ExternalIdentity
from consult.identity.providers import KNOWN, Provider
from consult.territories.reference import resolve_territory
from tests.conftest import csrf_token, login, post_form
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


def with_rules(challenge: Challenge, *rules: dict) -> Challenge:
    challenge.eligibility = [Eligibility.read(r).as_data() for r in rules]
    db.session.flush()
    return challenge


def verified(user, subject: str | None = None, age: int | None = 18) -> ExternalIdentity:
    identity = ExternalIdentity(user_id=user.id, provider="franceconnect",
                                subject=subject or f"fc-{user.id}", verified_at=utcnow(),
                                age_floor=age)
    db.session.add(identity)
    db.session.flush()
    user.__dict__.pop("_consult_verified", None)
    return identity


@pytest.fixture
def franceconnect(app, monkeypatch):
    known = KNOWN["franceconnect"]
    configured = Provider(known.name, known.label, known.for_agents, known.default_scopes,
                          issuer="https://fc.example", client_id="c", client_secret="s",
                          discovery_url="https://fc.example/.well-known/openid-configuration",
                          help_url=known.help_url)
    monkeypatch.setitem(app.config, "IDENTITY_PROVIDERS", {"franceconnect": configured})


def test_a_verified_identity_rule_is_said_before_acting_and_enforced(client, franceconnect):
    challenge = with_rules(ChallengeFactory(phase="supports"),
                           {"action": "support", "level": "verified"})
    idea = IdeaFactory(challenge=challenge)
    db.session.commit()
    # signed out: the page says what it takes, with the FranceConnect button
    page = client.get(f"/defis/{challenge.slug}").text
    assert "Pour soutenir une idée, connectez-vous avec FranceConnect." in page
    assert "/connexion/franceconnect?next=" in page
    assert "Qui peut participer" in page and "Identité vérifiée avec FranceConnect" in page
    # signed in with a password only: told, and the support refused, nothing saved
    person = UserFactory()
    login(client, person)
    page = client.get(f"/defis/{challenge.slug}").text
    assert "Pour soutenir une idée, confirmez votre identité avec FranceConnect." in page
    refused = post_form(client, f"/idees/{idea.id}/soutenir")
    assert refused.status_code in (302, 303, 403, 409)
    assert db.session.scalar(select(func.count()).select_from(Support)) == 0
    as_json = client.post(f"/idees/{idea.id}/soutenir",
                          headers={"Accept": "application/json",
                                   "X-CSRFToken": csrf_token(client)})
    assert as_json.status_code >= 400
    assert "FranceConnect" in json.dumps(as_json.get_json(), ensure_ascii=False)
    assert db.session.scalar(select(func.count()).select_from(Support)) == 0
    # verified: the same click counts, and the support carries the identity's key
    verified(person)
    db.session.commit()
    assert "connectez-vous avec FranceConnect" not in client.get(
        f"/defis/{challenge.slug}").text
    post_form(client, f"/idees/{idea.id}/soutenir")
    support = db.session.scalar(select(Support))
    assert support.user_id == person.id and len(support.voter_key) == 64


def test_age_organisation_and_territory_rules(app):
    val_d_oise, _candidates = resolve_territory("95")
    cergy, _candidates = resolve_territory("Cergy")
    paris, _candidates = resolve_territory("Paris")
    mairie = OrganisationFactory(name="Mairie de Cergy")
    challenge = with_rules(
        ChallengeFactory(phase="ideas"),
        {"action": "propose", "level": "confirmed", "min_age": 16},
        {"action": "comment", "organisations": [mairie.id]},
        {"action": "respond", "territory_id": val_d_oise.id})
    young, adult = UserFactory(), UserFactory()
    verified(young, age=15)
    verified(adult, age=18)
    assert "16 ans ou plus" in participation_problem(young, challenge, Action.PROPOSE)
    assert participation_problem(adult, challenge, Action.PROPOSE) is None
    nobody = UserFactory()
    assert "FranceConnect" in participation_problem(nobody, challenge, Action.PROPOSE)
    # agents of the organisation named only
    assert "Mairie de Cergy" in participation_problem(adult, challenge, Action.COMMENT)
    assert participation_problem(agent_of(mairie), challenge, Action.COMMENT) is None
    # the declared territory: within the département, elsewhere, or none declared
    adult.territory = cergy
    assert participation_problem(adult, challenge, Action.RESPOND) in (
        None, "Ce n’est pas possible pendant cette phase.")  # (no survey phase here)
    from consult.challenges import eligibility

    rule = eligibility.rules(challenge)[2]
    assert eligibility.rule_problem(adult, rule) is None
    adult.territory = paris
    assert "il faut habiter" in eligibility.rule_problem(adult, rule)
    adult.territory = None
    adult.territory_id = None
    assert "indiquez dans votre profil" in eligibility.rule_problem(adult, rule)


def test_a_rule_for_one_phase_applies_only_while_it_is_under_way(app):
    challenge = ChallengeFactory(phase="ideas")
    supports_phase = next(p for p in challenge.phases if p.kind == "supports")
    ideas_phase = next(p for p in challenge.phases if p.kind == "ideas")
    with_rules(challenge, {"action": "comment", "level": "verified",
                           "phase_id": supports_phase.id})
    person = UserFactory()
    assert participation_problem(person, challenge, Action.COMMENT) is None
    with_rules(challenge, {"action": "comment", "level": "verified",
                           "phase_id": ideas_phase.id})
    assert "FranceConnect" in participation_problem(person, challenge, Action.COMMENT)


def test_any_account_lets_an_unconfirmed_person_take_part(app):
    challenge = ChallengeFactory(phase="ideas")
    hurried = UserFactory(email_confirmed_at=None)
    assert "Confirmez" in participation_problem(hurried, challenge, Action.PROPOSE)
    with_rules(challenge, {"action": "propose", "level": "account"})
    assert participation_problem(hurried, challenge, Action.PROPOSE) is None
    assert "Confirmez" in participation_problem(hurried, challenge, Action.COMMENT)


def test_one_verified_identity_supports_once_across_accounts(app):
    from consult.accounts.operations import erase_account

    challenge = with_rules(ChallengeFactory(phase="supports", supports_per_person=2),
                           {"action": "support", "level": "verified"})
    first, second, third = (IdeaFactory(challenge=challenge) for _ in range(3))
    old = UserFactory()
    verified(old, subject="fc-la-meme-personne")
    cast_support(old, first)
    erase_account(old)  # the identity leaves with the account; its supports stay counted
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    new = UserFactory()
    verified(new, subject="fc-la-meme-personne")
    with pytest.raises(Refused, match="depuis un autre compte"):
        cast_support(new, first)
    cast_support(new, second)  # one of the two supports is left to this identity
    with pytest.raises(Refused):
        cast_support(new, third)
    assert db.session.scalar(select(func.count()).select_from(Support)) == 2
    # another identity is another person
    other = UserFactory()
    verified(other, subject="fc-quelqu-un-d-autre")
    cast_support(other, first)


def test_the_editor_sets_the_rules_with_every_error_at_once(client, franceconnect):
    organisation = OrganisationFactory()
    agent = agent_of(organisation)
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    db.session.commit()
    login(client, agent)
    path = f"/defis/{challenge.slug}/qui-peut-participer"
    assert client.get(path).status_code == 200
    bad = post_form(client, path, {"support-level": "verified", "support-phase": "",
                                   "propose-level": "confirmed", "propose-phase": "999999",
                                   "respond-level": "confirmed", "respond-phase": "",
                                   "respond-territory": "Nulle-Part-sur-Mer",
                                   "comment-level": "confirmed", "comment-phase": "",
                                   "register-level": "confirmed", "register-phase": ""})
    assert bad.status_code == 422
    assert "Territoire inconnu" in bad.text and "Choisissez une phase du défi" in bad.text
    assert 'value="Nulle-Part-sur-Mer"' in bad.text  # what was typed is kept
    db.session.refresh(challenge)
    assert challenge.eligibility == []  # nothing half-saved
    good = post_form(client, path, {"support-level": "verified", "support-phase": "",
                                    "support-min_age": "16",
                                    "propose-level": "confirmed", "propose-phase": "",
                                    "respond-level": "confirmed", "respond-phase": "",
                                    "respond-territory": "95",
                                    "comment-level": "confirmed", "comment-phase": "",
                                    "register-level": "confirmed", "register-phase": ""})
    assert good.status_code == 302
    db.session.refresh(challenge)
    assert [(r["action"], r["level"], r["min_age"]) for r in challenge.eligibility] == [
        ("support", "verified", 16), ("respond", "confirmed", None)]
    page = client.get(f"/defis/{challenge.slug}").text
    assert "16 ans ou plus" in page
    # the API says the same
    api = client.get(f"/api/v1/challenges/{challenge.id}").get_json()
    assert [r["action"] for r in api["eligibility"]] == ["support", "respond"]
    assert api["eligibility"][1]["territory"]["code"] == "95"
    # a citizen may not set them
    login(client, UserFactory())
    assert client.get(path).status_code == 403


def test_franceconnect_rules_are_refused_where_it_is_not_configured(client):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    db.session.commit()
    login(client, agent_of(organisation))
    out = post_form(client, f"/defis/{challenge.slug}/qui-peut-participer",
                    {"support-level": "verified", "support-phase": ""})
    assert out.status_code == 422 and "FranceConnect n’est pas configuré" in out.text


def test_event_registration_follows_the_challenge_rules(app):
    from consult.events import registration as seats
    from consult.events.operations import schedule_event
    from tests.events.helpers import draft

    organisation = OrganisationFactory()
    agent = agent_of(organisation)
    challenge = with_rules(ChallengeFactory(phase="ideas", organisations=[organisation]),
                           {"action": "register", "min_age": 18})
    event = schedule_event(agent, organisation, draft(challenge_id=challenge.id))
    citizen = UserFactory()
    assert "FranceConnect" in seats.registration_problem(citizen, event)
    verified(citizen, age=16)
    assert "18 ans ou plus" in seats.registration_problem(citizen, event)
    adult = UserFactory()
    verified(adult, age=18)
    assert seats.register(adult, event) == "confirmed"
    # an event of no challenge keeps its own rules only
    free = schedule_event(agent, organisation, draft())
    assert seats.registration_problem(citizen, free) is None


def test_the_api_sets_and_checks_the_rules(client, app, franceconnect):
    from consult.api.models import ApiScope
    from consult.api.tokens import create_token
    from consult.organisations.models import MembershipRole
    from tests.api.test_api_writes import NEW, send

    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    _token, secret = create_token(admin, organisation, "Site", {ApiScope.CHALLENGES})
    db.session.commit()
    wrong = send(client, "POST", "/api/v1/challenges", {**NEW, "eligibility": [
        {"action": "support", "level": "verified", "territory": "departement:00"}]}, secret)
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["field"] == "eligibility.0.territory"
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 0
    made = send(client, "POST", "/api/v1/challenges", {**NEW, "eligibility": [
        {"action": "support", "level": "verified", "min_age": 16},
        {"action": "comment", "organisations": [organisation.id]}]}, secret)
    assert made.status_code == 201, made.get_json()
    rules = made.get_json()["eligibility"]
    assert [(r["action"], r["level"], r["min_age"]) for r in rules] == [
        ("support", "verified", 16), ("comment", "confirmed", None)]
    assert rules[1]["organisations"][0]["id"] == organisation.id
    assert "16 ans ou plus" in rules[0]["description"]
    cleared = send(client, "PATCH", f"/api/v1/challenges/{made.get_json()['id']}",
                   {"eligibility": []}, secret)
    assert cleared.status_code == 200 and cleared.get_json()["eligibility"] == []


def test_the_editor_refuses_what_it_did_not_offer_without_a_500(client):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    db.session.commit()
    login(client, agent_of(organisation))
    path = f"/defis/{challenge.slug}/qui-peut-participer"
    for junk in ({"support-level": "root"}, {"support-min_age": "²"},
                 {"support-organisations": "99999999999"}, {"support-phase": "x\x00"},
                 {"support-organisations": "abc"}, {"respond-territory": "a\x00b"}):
        out = post_form(client, path, {"support-level": "confirmed", "support-phase": "",
                                       **junk})
        assert out.status_code == 422, (junk, out.status_code)
    db.session.refresh(challenge)
    assert challenge.eligibility == []


def test_the_pairwise_and_statements_methods_follow_their_rules(client, franceconnect):
    """A national ranking reserved to verified identities, statements answered by the
    people of one territory: said before acting, with the FranceConnect button, enforced,
    nothing drawn or counted for whoever does not meet them."""
    from consult.pairwise.models import PairShown, PairwiseVote
    from consult.statements import operations as statements
    from consult.statements.models import StatementVote
    from tests.pairwise.test_pairwise import pairwise_challenge, token_on
    from tests.statements.test_statements import statements_challenge

    ranking, _ideas = pairwise_challenge()
    with_rules(ranking, {"action": "compare", "level": "verified"})
    person = UserFactory()
    db.session.commit()
    path = f"/defis/{ranking.slug}/comparer"
    signed_out = client.get(path).text
    assert "Pour comparer les idées deux à deux, connectez-vous avec FranceConnect." in signed_out
    assert "/connexion/franceconnect?next=" in signed_out
    login(client, person)
    told = client.get(path)
    assert told.status_code == 403
    assert "Pour comparer les idées deux à deux, confirmez votre identité avec FranceConnect." \
        in told.text and "/connexion/franceconnect?next=" in told.text
    assert db.session.scalar(select(func.count()).select_from(PairShown)) == 0  # nothing drawn
    assert "Comparer deux à deux" in client.get(f"/defis/{ranking.slug}").text  # the rule shown
    verified(person)
    db.session.commit()
    page = client.get(path).text
    assert "FranceConnect" not in page.split("<main", 1)[1]
    assert post_form(client, path, {"token": token_on(page), "choice": "left"}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PairwiseVote)) == 1

    val_d_oise, _candidates = resolve_territory("95")
    agora = statements_challenge()
    with_rules(agora, {"action": "agree", "territory_id": val_d_oise.id})
    organiser = agent_of(agora.organisations[0])
    said = statements.submit(organiser, agora, "Les horaires devraient inclure le samedi.")
    elsewhere = UserFactory(territory_id=resolve_territory("Lyon")[0].id)
    with pytest.raises(Refused, match="il faut habiter"):
        statements.vote(elsewhere, said.id, "agree")
    neighbour = UserFactory(territory_id=resolve_territory("Cergy")[0].id)
    statements.vote(neighbour, said.id, "agree")
    assert db.session.scalar(select(StatementVote.user_id)) == neighbour.id


def test_a_method_s_own_rules_are_offered_only_where_the_challenge_has_its_phase(client):
    from consult.api.models import ApiScope
    from consult.api.tokens import create_token
    from consult.organisations.models import MembershipRole
    from tests.api.test_api_writes import NEW, send
    from tests.pairwise.test_pairwise import pairwise_challenge

    organisation = OrganisationFactory()
    admin = agent_of(organisation, MembershipRole.ADMIN)
    ranking, _ideas = pairwise_challenge()
    ranking.organisations = [organisation]
    votes = ChallengeFactory(phase="supports", organisations=[organisation])
    _token, secret = create_token(admin, organisation, "Site", {ApiScope.CHALLENGES})
    db.session.commit()
    login(client, admin)
    editor = client.get(f"/defis/{ranking.slug}/qui-peut-participer").text
    assert "Comparer deux à deux" in editor and "points d’accord" not in editor
    assert "Comparer deux à deux" not in client.get(
        f"/defis/{votes.slug}/qui-peut-participer").text
    saved = post_form(client, f"/defis/{ranking.slug}/qui-peut-participer",
                      {"compare-level": "account", "compare-phase": ""})
    assert saved.status_code == 302
    db.session.refresh(ranking)
    assert [(r["action"], r["level"]) for r in ranking.eligibility] == [("compare", "account")]
    # the API names the field when a rule has no phase to apply to; nothing is made
    refused = send(client, "POST", "/api/v1/challenges", {**NEW, "eligibility": [
        {"action": "support"}, {"action": "compare", "level": "account"}]}, secret)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "eligibility.1.action"
    assert db.session.scalar(select(func.count()).select_from(Challenge)) == 2
