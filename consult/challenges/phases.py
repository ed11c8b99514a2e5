"""The phases of a challenge and what each one allows: one table, read by the
permissions, the pages, the API and the CLI alike.

A challenge's phase follows from its dates (no scheduler): before ``submission_starts_at``
it is announced, then ideas are submitted, then supported, then reviewed, then results
are out. Closing a phase early moves the next date to now.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Phase(enum.StrEnum):
    DRAFT = "draft"  # not published: only its organisations see it
    ANNOUNCED = "announced"  # published, submission not started yet
    SUBMISSION = "submission"
    VOTING = "voting"
    REVIEW = "review"
    RESULTS = "results"  # closed, results published

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])


class Action(enum.StrEnum):
    VIEW = "view"
    PROPOSE = "propose"  # submit an idea
    EDIT_OWN_IDEA = "edit_own_idea"
    SUPPORT = "support"  # and take a support back
    COMMENT = "comment"
    REPORT = "report"
    FOLLOW = "follow"
    MODERATE = "moderate"
    ANSWER = "answer"  # official answer from the administration
    PUBLISH_RESULTS = "publish_results"
    CONVERT = "convert"  # turn selected ideas into a prototype brief


PHASE_LABELS = {
    Phase.DRAFT: _l("Brouillon"),
    Phase.ANNOUNCED: _l("À venir"),
    Phase.SUBMISSION: _l("Dépôt des idées"),
    Phase.VOTING: _l("Vote"),
    Phase.REVIEW: _l("Étude par l'administration"),
    Phase.RESULTS: _l("Résultats"),
}

# What citizens may do in each phase (agents may also moderate and answer, see below).
CITIZEN_ACTIONS: dict[Phase, frozenset[Action]] = {
    Phase.DRAFT: frozenset(),
    Phase.ANNOUNCED: frozenset({Action.VIEW, Action.FOLLOW}),
    Phase.SUBMISSION: frozenset({Action.VIEW, Action.FOLLOW, Action.PROPOSE,
                                 Action.EDIT_OWN_IDEA, Action.COMMENT, Action.REPORT}),
    Phase.VOTING: frozenset({Action.VIEW, Action.FOLLOW, Action.SUPPORT, Action.COMMENT,
                             Action.REPORT}),
    Phase.REVIEW: frozenset({Action.VIEW, Action.FOLLOW, Action.COMMENT, Action.REPORT}),
    Phase.RESULTS: frozenset({Action.VIEW, Action.FOLLOW, Action.REPORT}),
}

# What the agents of the challenge's organisations may do, on top of the citizens' part:
# moderate and answer while there are ideas; publish the results and turn ideas into
# prototype briefs once the vote is over (results may come out after their date).
AGENT_ACTIONS: dict[Phase, frozenset[Action]] = {
    Phase.DRAFT: frozenset({Action.VIEW}),
    Phase.ANNOUNCED: frozenset({Action.VIEW}),
    Phase.SUBMISSION: frozenset({Action.MODERATE, Action.ANSWER}),
    Phase.VOTING: frozenset({Action.MODERATE, Action.ANSWER}),
    Phase.REVIEW: frozenset({Action.MODERATE, Action.ANSWER, Action.PUBLISH_RESULTS,
                             Action.CONVERT}),
    Phase.RESULTS: frozenset({Action.MODERATE, Action.ANSWER, Action.PUBLISH_RESULTS,
                              Action.CONVERT}),
}
# What needs no account: anyone may look.
WITHOUT_ACCOUNT = frozenset({Action.VIEW})

ORDER = [Phase.SUBMISSION, Phase.VOTING, Phase.REVIEW, Phase.RESULTS]
# The phases an administrator may end early, and the date that then moves to now.
CLOSABLE = {Phase.SUBMISSION: "voting_starts_at", Phase.VOTING: "review_starts_at",
            Phase.REVIEW: "results_at"}


def phase_actions(phase: Phase, *, agent: bool = False) -> frozenset[Action]:
    """What the phase allows: the citizens' part, and the agents' on top for agents."""
    return CITIZEN_ACTIONS[phase] | (AGENT_ACTIONS[phase] if agent else frozenset())


def allows(phase: Phase, action: Action, *, agent: bool = False) -> bool:
    return action in phase_actions(phase, agent=agent)
