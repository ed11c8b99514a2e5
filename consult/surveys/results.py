"""A survey's results, read from its tallies (a few rows per question, whatever the
number of respondents): counts and shares per question, means of scales, average ranks,
grids statement by statement, the free texts a moderator did not hide, and the SUS
score. Counts under 5 are withheld from the public and the open data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.db import db
from consult.surveys import sus
from consult.surveys.models import (
    ANSWERED,
    NO_CHOICE,
    NO_VALUE,
    Answer,
    Question,
    QuestionKind,
    Survey,
    Tally,
)
from consult.surveys.permissions import SMALL

TEXTS_SHOWN = 25  # the latest free texts of a question on the results page
TEXTS_MORE = 500  # when the reader asks for more of one question


@dataclass
class Line:
    label: str
    count: int | None  # None: fewer than 5, withheld
    share: float | None  # of the question's respondents
    mean: float | None = None  # a statement's mean, an option's average rank
    choice_id: int | None = None
    value: int | None = None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    withheld: bool = False  # fewer than 5 respondents: nothing published
    lines: list[Line] = field(default_factory=list)
    mean: float | None = None
    statements: list[tuple[Line, list[Line]]] = field(default_factory=list)  # grids
    texts: list[Answer] = field(default_factory=list)
    texts_count: int = 0


def tallies(survey: Survey) -> dict[int, dict[tuple[int, int], int]]:
    """question id → {(choice key, value key): count}: one query for the survey."""
    found: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    rows = db.session.execute(select(Tally.question_id, Tally.choice_key, Tally.value_key,
                                     Tally.n).join(Question, Question.id == Tally.question_id)
                              .where(Question.survey_id == survey.id, Tally.n > 0))
    for question_id, choice_key, value_key, n in rows:
        found[question_id][(choice_key, value_key)] = n
    return found


def _line(label: str, count: int, answered: int, exact: bool, **extra) -> Line:
    shown = count if exact or count == 0 or count >= SMALL else None
    share = shown / answered if shown is not None and answered else None
    return Line(label=label, count=shown, share=share, **extra)


def _mean(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    return sum(v * n for v, n in counts.items()) / total if total else None


def question_result(question: Question, counts: dict[tuple[int, int], int], *,
                    exact: bool, moderator: bool = False,
                    texts: int = TEXTS_SHOWN) -> QuestionResult:
    answered = counts.get((NO_CHOICE, ANSWERED), 0)
    result = QuestionResult(question=question, answered=answered)
    if not exact and 0 < answered < SMALL:
        result.withheld = True
        return result
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        result.lines = [_line(c.label, counts.get((c.id, NO_VALUE), 0), answered, exact,
                              choice_id=c.id) for c in question.choices]
    elif kind == QuestionKind.YES_NO:
        result.lines = [_line(_("Oui"), counts.get((NO_CHOICE, 1), 0), answered, exact,
                              value=1),
                        _line(_("Non"), counts.get((NO_CHOICE, 0), 0), answered, exact,
                              value=0)]
    elif kind == QuestionKind.SCALE:
        values = {v: counts.get((NO_CHOICE, v), 0) for v in question.scale}
        result.lines = [_line(str(v), n, answered, exact, value=v) for v, n in values.items()]
        result.mean = _mean(values)
    elif kind == QuestionKind.RANKING:
        ranks = range(1, len(question.choices) + 1)
        lines = []
        for c in question.choices:
            by_rank = {r: counts.get((c.id, r), 0) for r in ranks}
            lines.append(_line(c.label, by_rank[1], answered, exact, choice_id=c.id,
                               mean=_mean(by_rank)))
        result.lines = sorted(lines, key=lambda line: (line.mean is None, line.mean or 0))
    elif kind == QuestionKind.GRID:
        for c in question.choices:
            values = {v: counts.get((c.id, v), 0) for v in question.scale}
            total = sum(values.values())
            head = _line(c.label, total, answered, exact, choice_id=c.id, mean=_mean(values))
            result.statements.append((head, [_line(str(v), n, total, exact, value=v)
                                             for v, n in values.items()]))
    elif kind.is_text:
        # one text per person who answered: the tally counts them; the hidden are few.
        # A text question's rows are all texts: no « text IS NOT NULL », which would
        # make PostgreSQL expect a handful of rows and sort them instead of reading the
        # (question, id) index backwards
        shown = select(Answer).where(Answer.question_id == question.id)
        result.texts_count = answered
        if not moderator:
            shown = shown.where(Answer.hidden_at.is_(None))
            result.texts_count -= db.session.scalar(select(func.count()).where(
                Answer.question_id == question.id, Answer.hidden_at.is_not(None))) or 0
        result.texts = list(db.session.scalars(shown.order_by(Answer.id.desc())
                                               .limit(texts)))
    return result


def survey_results(survey: Survey, *, exact: bool, moderator: bool = False,
                   more: int | None = None) -> list[QuestionResult]:
    """Every question's result; ``more``: the question whose free texts are wanted in
    full (up to TEXTS_MORE)."""
    counted = tallies(survey)
    return [question_result(q, counted.get(q.id, {}), exact=exact, moderator=moderator,
                            texts=TEXTS_MORE if q.id == more else TEXTS_SHOWN)
            for q in survey.questions]


def sus_score(survey: Survey, *, exact: bool = False) -> tuple[float, int] | None:
    """The survey's mean SUS score and how many people gave it, if it has the scale
    and every statement has answers (and, for the public, 5 people or more)."""
    question = next((q for q in survey.questions if q.purpose == sus.PURPOSE), None)
    if question is None or len(question.choices) != len(sus.STATEMENTS):
        return None
    counts = tallies(survey).get(question.id, {})
    answered = counts.get((NO_CHOICE, ANSWERED), 0)
    if answered == 0 or (not exact and answered < SMALL):
        return None
    means = [_mean({v: counts.get((c.id, v), 0) for v in question.scale})
             for c in question.choices]
    if any(m is None for m in means):
        return None
    return sus.score(means), answered


def sus_by_version(brief_id: int) -> list[tuple[object, float, int]]:
    """Each version of the brief's prototype tested with the SUS: (version, score,
    respondents), oldest first — version 1 beside version 2."""
    from consult.challenges.models import Challenge
    from consult.codesign.models import PrototypeVersion

    rows = db.session.execute(select(Survey, PrototypeVersion).join(
        PrototypeVersion, PrototypeVersion.id == Survey.version_id).join(
        Challenge, Challenge.id == Survey.challenge_id).where(
        PrototypeVersion.brief_id == brief_id, Challenge.published_at.is_not(None))
        .order_by(PrototypeVersion.created_at, PrototypeVersion.id)).all()
    scores = []
    for survey, version in rows:
        found = sus_score(survey)
        if found is not None:
            scores.append((version, *found))
    return scores
