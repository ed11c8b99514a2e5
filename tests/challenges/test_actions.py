"""One rule per action (issue 16): actions_for() answers what a person may do in a
challenge now, from the phase's table and the person's role; the operations, the
templates and the API ask it."""

from __future__ import annotations

import pytest

from consult.briefs.operations import convert_to_brief
from consult.challenges.permissions import actions_for, can_close_phase
from consult.challenges.phases import Action
from consult.core.errors_domain import Refused
from consult.db import utcnow
from consult.organisations.models import MembershipRole as Role
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
    move_to,
)


class Anonymous:
    is_authenticated = False


def test_what_each_person_may_do_in_each_phase(app):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    citizen, agent = UserFactory(), agent_of(organisation)
    unconfirmed = UserFactory(email_confirmed_at=None)
    stranger = agent_of(OrganisationFactory())
    assert actions_for(Anonymous(), challenge) == {Action.VIEW}
    assert actions_for(unconfirmed, challenge) == {Action.VIEW}
    assert actions_for(citizen, challenge) == {Action.VIEW, Action.FOLLOW, Action.SUPPORT,
                                              Action.COMMENT, Action.REPORT}
    assert actions_for(stranger, challenge) == actions_for(citizen, challenge)
    assert actions_for(agent, challenge) == actions_for(citizen, challenge) | {
        Action.MODERATE, Action.ANSWER}
    move_to(challenge, "review")
    assert {Action.PUBLISH_RESULTS, Action.CONVERT} <= actions_for(agent, challenge)
    assert Action.SUPPORT not in actions_for(citizen, challenge)
    challenge.results_published_at = utcnow()
    assert Action.PUBLISH_RESULTS not in actions_for(agent, challenge)  # once only
    draft = ChallengeFactory(phase="supports", organisations=[organisation], published_at=None)
    assert actions_for(citizen, draft) == frozenset()  # not even seen
    assert actions_for(agent, draft) == {Action.VIEW}


def test_ideas_become_a_brief_after_the_vote_by_the_challenges_agents(app):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    idea = IdeaFactory(challenge=challenge)
    agent = agent_of(organisation)
    with pytest.raises(Refused, match="une fois le vote terminé"):
        convert_to_brief(agent, [idea], organisation, title="Tôt", problem_statement="P")
    move_to(challenge, "review")
    with pytest.raises(Refused, match="agents des organisations du défi"):
        convert_to_brief(UserFactory(), [idea], organisation, title="Pas à moi",
                         problem_statement="P")
    brief = convert_to_brief(agent, [idea], organisation, title="À temps", problem_statement="P")
    assert brief.ideas == [idea]


def test_a_phase_closes_early_only_while_it_can(app):
    organisation = OrganisationFactory()
    admin = agent_of(organisation, Role.ADMIN)
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    assert can_close_phase(admin, challenge)
    assert not can_close_phase(agent_of(organisation), challenge)  # administrators only
    move_to(challenge, "results")
    assert not can_close_phase(admin, challenge)
    assert not can_close_phase(admin, ChallengeFactory(published_at=None,
                                                       organisations=[organisation]))


def test_answers_and_moderation_follow_the_phase(app):
    from consult.ideas.models import AnswerStatus
    from consult.moderation.operations import give_official_answer

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="supports", organisations=[organisation])
    idea = IdeaFactory(challenge=challenge)
    give_official_answer(agent_of(organisation), idea, AnswerStatus.UNDER_STUDY, "On étudie.")
    with pytest.raises(Refused, match="Vous ne modérez pas ce défi"):
        give_official_answer(agent_of(OrganisationFactory()), idea, AnswerStatus.UNDER_STUDY,
                             "Pas mon défi.")
