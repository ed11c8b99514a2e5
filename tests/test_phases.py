from consult.challenges.phases import CITIZEN_ACTIONS, Action, Phase, allows
from consult.db import utcnow
from tests.factories import DAY, ChallengeFactory, move_to


def test_phase_follows_the_dates():
    challenge = ChallengeFactory(phase="ideas")
    now = utcnow()
    assert challenge.phase_at(now) == Phase.IDEAS
    ideas, supports, review, results = challenge.timeline()
    assert challenge.phase_at(ideas.starts_at - DAY) == Phase.ANNOUNCED
    assert challenge.phase_at(supports.starts_at) == Phase.SUPPORTS
    assert challenge.phase_at(review.starts_at) == Phase.REVIEW
    assert challenge.phase_at(results.starts_at) == Phase.RESULTS
    challenge.published_at = None
    assert challenge.phase_at(now) == Phase.DRAFT


def test_the_table_says_what_each_phase_allows():
    assert allows(Phase.IDEAS, Action.PROPOSE)
    assert not allows(Phase.IDEAS, Action.SUPPORT)
    assert allows(Phase.SUPPORTS, Action.SUPPORT)
    assert not allows(Phase.SUPPORTS, Action.PROPOSE)
    assert not allows(Phase.RESULTS, Action.COMMENT)
    assert not allows(Phase.DRAFT, Action.VIEW)
    assert allows(Phase.DRAFT, Action.VIEW, agent=True)
    assert allows(Phase.SUPPORTS, Action.MODERATE, agent=True)
    assert not allows(Phase.SUPPORTS, Action.MODERATE)
    assert set(CITIZEN_ACTIONS) == set(Phase)


def test_closing_a_phase_early_moves_the_next_date(app):
    from consult.challenges.operations import close_phase_early
    from tests.factories import UserFactory

    challenge = ChallengeFactory(phase="ideas")
    assert close_phase_early(UserFactory(), challenge) == Phase.SUPPORTS
    move_to(challenge, "supports")
    assert challenge.phase == Phase.SUPPORTS
