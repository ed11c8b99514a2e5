"""The phases of a challenge and what each kind allows: one table, read by the
permissions, the pages, the API and the CLI alike.

A challenge is a sequence of typed phases stored as rows (``ChallengePhase``: kind,
title, start, end, settings). Its state at a moment follows from their dates (no
scheduler): the kinds of the phases under way — two may overlap where it makes sense,
ideas and supports at once for instance — or, when none is, whether the challenge is a
draft, not started yet, between two phases, or over. What a person may do is the union
of what the phases under way allow.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l


class Phase(enum.StrEnum):
    # The kinds of phase an organisation composes a process from
    INFORMATION = "information"  # the problem explained, nothing asked yet
    SURVEY = "survey"  # a questionnaire (consult.surveys)
    IDEAS = "ideas"  # ideas are submitted
    SUPPORTS = "supports"  # ideas are supported (limit and self-support in its settings)
    PAIRWISE = "pairwise"  # ideas compared two at a time (consult.pairwise)
    STATEMENTS = "statements"  # agree / disagree on short statements (consult.statements)
    REVIEW = "review"  # the administration studies the ideas
    RESULTS = "results"  # results published
    # The states of a challenge when no phase is under way
    DRAFT = "draft"  # not published: only its organisations see it
    ANNOUNCED = "announced"  # published, its first phase has not started
    PAUSE = "pause"  # between two phases
    CLOSED = "closed"  # every phase is over

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])

    @property
    def is_kind(self) -> bool:
        return self in KINDS


KINDS = (Phase.INFORMATION, Phase.SURVEY, Phase.IDEAS, Phase.SUPPORTS, Phase.PAIRWISE,
         Phase.STATEMENTS, Phase.REVIEW, Phase.RESULTS)


class Action(enum.StrEnum):
    VIEW = "view"
    PROPOSE = "propose"  # submit an idea
    EDIT_OWN_IDEA = "edit_own_idea"
    SUPPORT = "support"  # and take a support back
    RESPOND = "respond"  # answer a survey (and change one's answer)
    COMMENT = "comment"
    REPORT = "report"
    FOLLOW = "follow"
    MODERATE = "moderate"
    ANSWER = "answer"  # official answer from the administration
    PUBLISH_RESULTS = "publish_results"
    CONVERT = "convert"  # turn selected ideas into a prototype brief
    REGISTER = "register"  # register to one of the challenge's events (no phase needed)
    COMPARE = "compare"  # choose between two ideas (pairwise phase)
    STATE = "state"  # submit a short statement (statements phase)
    AGREE = "agree"  # agree, disagree or pass on a statement (statements phase)


PHASE_LABELS = {
    Phase.INFORMATION: _l("Information"),
    Phase.SURVEY: _l("Questionnaire"),
    Phase.IDEAS: _l("Dépôt des idées"),
    Phase.SUPPORTS: _l("Vote"),
    Phase.PAIRWISE: _l("Comparaison deux à deux"),
    Phase.STATEMENTS: _l("Trouver les points d’accord"),
    Phase.REVIEW: _l("Étude par l'administration"),
    Phase.RESULTS: _l("Résultats"),
    Phase.DRAFT: _l("Brouillon"),
    Phase.ANNOUNCED: _l("À venir"),
    Phase.PAUSE: _l("Entre deux phases"),
    Phase.CLOSED: _l("Terminé"),
}

# What citizens may do in each phase (agents may also moderate and answer, see below).
_LOOK = frozenset({Action.VIEW, Action.FOLLOW})
CITIZEN_ACTIONS: dict[Phase, frozenset[Action]] = {
    Phase.DRAFT: frozenset(),
    Phase.ANNOUNCED: _LOOK,
    Phase.INFORMATION: _LOOK | {Action.REPORT},
    Phase.SURVEY: _LOOK | {Action.RESPOND, Action.REPORT},
    Phase.IDEAS: _LOOK | {Action.PROPOSE, Action.EDIT_OWN_IDEA, Action.COMMENT, Action.REPORT},
    Phase.SUPPORTS: _LOOK | {Action.SUPPORT, Action.COMMENT, Action.REPORT},
    # compare two ideas at a time, and add one's own (through the challenge's moderation)
    Phase.PAIRWISE: _LOOK | {Action.COMPARE, Action.PROPOSE, Action.COMMENT, Action.REPORT},
    Phase.STATEMENTS: _LOOK | {Action.STATE, Action.AGREE, Action.REPORT},
    Phase.REVIEW: _LOOK | {Action.COMMENT, Action.REPORT},
    Phase.RESULTS: _LOOK | {Action.REPORT},
    Phase.PAUSE: _LOOK | {Action.REPORT},
    Phase.CLOSED: _LOOK | {Action.REPORT},
}

# What the agents of the challenge's organisations may do, on top of the citizens' part:
# moderate and answer once the challenge is public; publish the results and turn ideas
# into prototype briefs once the vote is over (results may come out after their date).
_KEEP = frozenset({Action.MODERATE, Action.ANSWER})
_DECIDE = _KEEP | {Action.PUBLISH_RESULTS, Action.CONVERT}
AGENT_ACTIONS: dict[Phase, frozenset[Action]] = {
    Phase.DRAFT: frozenset({Action.VIEW}),
    Phase.ANNOUNCED: frozenset({Action.VIEW}),
    Phase.INFORMATION: _KEEP,
    Phase.SURVEY: _KEEP,
    Phase.IDEAS: _KEEP,
    Phase.SUPPORTS: _KEEP,
    Phase.PAIRWISE: _KEEP,
    Phase.STATEMENTS: _KEEP,
    Phase.REVIEW: _DECIDE,
    Phase.RESULTS: _DECIDE,
    Phase.PAUSE: _KEEP,
    Phase.CLOSED: _DECIDE,
}
# What needs no account: anyone may look.
WITHOUT_ACCOUNT = frozenset({Action.VIEW})

# Kinds a challenge has at most once (a second vote would need a second ballot).
UNIQUE_KINDS = frozenset({Phase.IDEAS, Phase.SUPPORTS, Phase.PAIRWISE, Phase.STATEMENTS,
                          Phase.REVIEW, Phase.RESULTS})
# Kinds that may run at the same time (information goes beside anything).
OVERLAPS = frozenset({frozenset({Phase.IDEAS, Phase.SUPPORTS}),
                      frozenset({Phase.SURVEY, Phase.IDEAS}),
                      frozenset({Phase.SURVEY, Phase.SUPPORTS}),
                      frozenset({Phase.IDEAS, Phase.PAIRWISE}),
                      frozenset({Phase.SURVEY, Phase.PAIRWISE}),
                      frozenset({Phase.IDEAS, Phase.STATEMENTS}),
                      frozenset({Phase.SURVEY, Phase.STATEMENTS}),
                      frozenset({Phase.SURVEY})})
# Which kinds must have started before another starts (supports need ideas first...).
COMES_AFTER: dict[Phase, frozenset[Phase]] = {
    Phase.SUPPORTS: frozenset({Phase.IDEAS}),
    Phase.PAIRWISE: frozenset({Phase.IDEAS}),
    Phase.REVIEW: frozenset({Phase.IDEAS, Phase.SUPPORTS, Phase.PAIRWISE}),
    Phase.RESULTS: frozenset({Phase.SURVEY, Phase.IDEAS, Phase.SUPPORTS, Phase.PAIRWISE,
                              Phase.STATEMENTS, Phase.REVIEW}),
}
# Kinds whose end may be brought forward by an administrator (« clore maintenant »).
CLOSABLE = frozenset({Phase.INFORMATION, Phase.SURVEY, Phase.IDEAS, Phase.SUPPORTS,
                      Phase.PAIRWISE, Phase.STATEMENTS, Phase.REVIEW})


def may_overlap(a: Phase, b: Phase) -> bool:
    return Phase.INFORMATION in (a, b) or frozenset({a, b}) in OVERLAPS


def phase_actions(phases: Phase | Iterable[Phase], *, agent: bool = False) \
        -> frozenset[Action]:
    """What the phases under way allow together: the citizens' part, and the agents'
    on top for agents."""
    if isinstance(phases, Phase):
        phases = (phases,)
    allowed: frozenset[Action] = frozenset()
    for phase in phases:
        allowed |= CITIZEN_ACTIONS[phase] | (AGENT_ACTIONS[phase] if agent else frozenset())
    return allowed


def allows(phases: Phase | Iterable[Phase], action: Action, *, agent: bool = False) -> bool:
    return action in phase_actions(phases, agent=agent)
