from datetime import date

import pytest
from sqlalchemy import select

from consult.briefs.models import BriefStatus
from consult.briefs.operations import change_status, convert_to_brief, post_update
from consult.core.errors_domain import Refused
from consult.db import db
from consult.ideas.models import IdeaStatus
from consult.notifications.models import Notification
from consult.notifications.operations import follow
from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory, UserFactory


def make_brief(ideas, **kwargs):
    return convert_to_brief(UserFactory(), ideas, OrganisationFactory(), title="Un cahier",
                            problem_statement="Le problème à résoudre.",
                            milestones=[("Prototype", date(2027, 1, 15))], **kwargs)


def test_lineage_is_linked_both_ways(client):
    challenge = ChallengeFactory(phase="results")
    ideas = [IdeaFactory(challenge=challenge, title=f"Idée source {n}") for n in range(2)]
    brief = make_brief(ideas)
    assert client.get(f"/cahiers/{brief.id}").status_code == 404  # drafts are not public
    change_status(UserFactory(), brief, BriefStatus.PUBLISHED)
    page = client.get(f"/cahiers/{brief.id}").text
    for idea in ideas:
        assert idea.title in page and idea.author.display_name in page
    idea_page = client.get(f"/idees/{ideas[0].id}").text
    assert "Cette idée est devenue un cahier de prototypage" in idea_page
    assert f"/cahiers/{brief.id}" in idea_page


def test_life_of_a_brief_and_its_journal(client):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    follower = UserFactory()
    follow(follower, idea=idea)
    brief = make_brief([idea])
    agent = UserFactory()
    change_status(agent, brief, BriefStatus.PUBLISHED)
    change_status(agent, brief, BriefStatus.PROTOTYPING, "On commence.")
    post_update(agent, brief, "Premier atelier le 3 février.")
    with pytest.raises(Refused):
        change_status(agent, brief, BriefStatus.ADOPTED)  # testing comes first
    with pytest.raises(Refused):
        change_status(agent, brief, BriefStatus.ABANDONED)  # needs a reason
    change_status(agent, brief, BriefStatus.ABANDONED, reason="Budget supprimé.")
    page = client.get(f"/cahiers/{brief.id}").text
    assert "Premier atelier le 3 février." in page and "Budget supprimé." in page
    kinds = [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == follower.id).order_by(Notification.id))]
    assert kinds == ["brief_status", "brief_status", "brief_update", "brief_status"]


def test_a_brief_needs_a_problem_and_published_ideas_of_one_challenge():
    idea = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    with pytest.raises(Refused, match="énoncer le problème"):
        convert_to_brief(UserFactory(), [idea], OrganisationFactory(), title="x",
                         problem_statement="  ")
    other = IdeaFactory(challenge=ChallengeFactory(phase="results"))
    with pytest.raises(Refused):
        make_brief([idea, other])
    hidden = IdeaFactory(challenge=idea.challenge, status=IdeaStatus.HIDDEN)
    with pytest.raises(Refused):
        make_brief([hidden])
