"""Changing an id in the address or in a form never reaches another organisation's
objects (the route × role table in tests/test_routes.py covers every route; these are
the ids that travel inside forms and query strings)."""

from __future__ import annotations

from sqlalchemy import select

from consult.briefs.models import Brief
from consult.db import db
from consult.ideas.models import IdeaStatus
from tests.conftest import login, post_form
from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory, agent_of


def two_organisations():
    a, b = OrganisationFactory(), OrganisationFactory()
    challenge_a = ChallengeFactory(phase="results", organisations=[a])
    challenge_b = ChallengeFactory(phase="results", organisations=[b])
    return a, b, challenge_a, challenge_b


def test_a_brief_form_never_copies_another_organisations_idea(client):
    _a, b, challenge_a, challenge_b = two_organisations()
    secret = IdeaFactory(challenge=challenge_a, title="Idée en attente de A",
                         body="Texte que B ne doit pas lire.", status=IdeaStatus.PENDING,
                         published_at=None)
    login(client, agent_of(b))
    page = client.get(f"/defis/{challenge_b.slug}/cahiers/nouveau?idee={secret.id}")
    assert page.status_code == 200
    assert "Texte que B ne doit pas lire." not in page.text
    assert "Idée en attente de A" not in page.text
    response = post_form(client, f"/defis/{challenge_b.slug}/cahiers/nouveau", {
        "ideas": [str(secret.id)], "organisation": str(b.id), "title": "Cahier volé",
        "problem_statement": "Un problème assez long."})
    assert response.status_code == 422  # not one of this challenge's ideas
    assert db.session.scalar(select(Brief).where(Brief.title == "Cahier volé")) is None


def test_a_merge_into_another_organisations_idea_is_refused(client):
    _a, b, challenge_a, challenge_b = two_organisations()
    mine = IdeaFactory(challenge=challenge_b, title="Idée de B")
    theirs = IdeaFactory(challenge=challenge_a, title="Idée de A")
    login(client, agent_of(b))
    response = post_form(client, f"/moderation/idees/{mine.id}", {
        "form": "merge", "m-kept": str(theirs.id)})
    assert response.status_code == 422
    db.session.refresh(mine)
    assert mine.status == IdeaStatus.PUBLISHED and mine.merged_into_id is None
    # and the agent of B cannot open A's idea in moderation by its number
    assert client.get(f"/moderation/idees/{theirs.id}").status_code in (403, 404)
