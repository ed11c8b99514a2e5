"""Co-owning a challenge is proposed to the other organisation, whose administrators
accept before it appears; only an organisation's own administrators take it off; the
audit files each action under the actor's own organisation (issue 14: an agent could
publish a challenge in another organisation's name)."""

from __future__ import annotations

from sqlalchemy import select

from consult.audit.models import ActionLog
from consult.challenges.models import Challenge, CoOwnershipProposal
from consult.db import db
from consult.notifications.models import Notification
from consult.organisations.models import MembershipRole
from tests.challenges.test_editor import FORM
from tests.conftest import login, post_form
from tests.factories import OrganisationFactory, agent_of


def test_another_organisation_is_only_invited_and_cannot_be_left_holding_it(client, app):
    mine, theirs = OrganisationFactory(name="Mairie A"), OrganisationFactory(name="Préfecture B")
    agent = agent_of(mine)
    their_admin = agent_of(theirs, MembershipRole.ADMIN)
    login(client, agent)
    response = post_form(client, f"/espace/{mine.slug}/defis/nouveau",
                         dict(FORM, organisations=[str(mine.id), str(theirs.id)]))
    assert response.status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert challenge.organisation_ids == {mine.id}  # not theirs until they accept
    proposal = db.session.scalar(select(CoOwnershipProposal))
    assert proposal.organisation_id == theirs.id and proposal.decided_at is None
    assert db.session.scalar(select(Notification.user_id).where(
        Notification.kind == "co_ownership_proposed")) == their_admin.id

    # the attack: keep only the other organisation
    edit = dict(FORM, organisations=[str(theirs.id)])
    refused = post_form(client, f"/defis/{challenge.slug}/modifier", edit)
    assert refused.status_code == 422
    assert "Seuls les administrateurs de Mairie A" in refused.text
    db.session.refresh(challenge)
    assert challenge.organisation_ids == {mine.id}

    # their administrator accepts: now both
    admin = app.test_client()
    login(admin, their_admin)
    page = admin.get(f"/espace/{theirs.slug}/co-portage").text
    assert f"/defis/{challenge.slug}" in page
    assert post_form(admin, f"/espace/{theirs.slug}/co-portage/{proposal.id}",
                     {"decision": "accept"}).status_code == 302
    db.session.refresh(challenge)
    assert challenge.organisation_ids == {mine.id, theirs.id}
    # an agent of A still cannot take B off; B's administrator can
    assert post_form(client, f"/defis/{challenge.slug}/modifier",
                     dict(FORM, organisations=[str(mine.id)])).status_code == 422
    assert post_form(admin, f"/defis/{challenge.slug}/modifier",
                     dict(FORM, organisations=[str(mine.id)])).status_code == 302
    db.session.refresh(challenge)
    assert challenge.organisation_ids == {mine.id}
    filed = {(a.action, a.organisation_id) for a in db.session.scalars(select(ActionLog).where(
        ActionLog.challenge_id == challenge.id))}
    assert ("challenge.create", mine.id) in filed
    assert ("challenge.co_ownership_accept", theirs.id) in filed
    assert all(org == mine.id for action, org in filed if action == "challenge.update"
               ) or ("challenge.update", theirs.id) in filed  # B's admin files under B


def test_an_agent_of_another_organisation_cannot_answer_for_it(client):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    from consult.challenges.co_ownership import set_organisations
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(organisations=[mine])
    set_organisations(agent_of(mine), challenge, [mine, theirs])
    proposal = db.session.scalar(select(CoOwnershipProposal))
    login(client, agent_of(theirs))  # an agent, not an administrator, of B
    assert client.get(f"/espace/{theirs.slug}/co-portage").status_code == 403
    assert post_form(client, f"/espace/{theirs.slug}/co-portage/{proposal.id}",
                     {"decision": "accept"}).status_code == 403
    db.session.refresh(challenge)
    assert challenge.organisation_ids == {mine.id}
