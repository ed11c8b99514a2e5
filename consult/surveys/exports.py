"""A survey's results as a table — the results page's CSV and the open data's
« questionnaires » dataset share it: one row per question and option, value or rank,
read from the tallies in one query; counts under 5 withheld (empty, « masque »)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from consult.challenges.models import Challenge, ChallengePhase
from consult.db import db, utcnow
from consult.surveys.models import (
    ANSWERED,
    NO_CHOICE,
    NO_VALUE,
    Choice,
    Question,
    QuestionKind,
    Survey,
    Tally,
)
from consult.surveys.permissions import SMALL

# (name, Table Schema type, title)
COLUMNS = (
    ("questionnaire_id", "integer", _l("Questionnaire")),
    ("defi_id", "integer", _l("Défi")),
    ("question_id", "integer", _l("Question")),
    ("question", "string", _l("Intitulé de la question")),
    ("type", "string", _l("Type (short_text, long_text, single, multiple, scale, ranking, "
                          "yes_no, grid)")),
    ("option_id", "integer", _l("Option ou affirmation (vide : aucune)")),
    ("option", "string", _l("Libellé de l'option ou de l'affirmation")),
    ("valeur", "integer", _l("Valeur sur l'échelle, rang, ou 1 = oui et 0 = non")),
    ("reponses", "integer", _l("Nombre de réponses (vide : moins de 5, masqué)")),
    ("repondants_question", "integer", _l("Personnes ayant répondu à la question (vide : "
                                          "moins de 5)")),
    ("part", "number", _l("Réponses / personnes ayant répondu à la question")),
    ("masque", "boolean", _l("Masqué : moins de 5 réponses")),
)
PRIMARY_KEY = ["question_id", "option_id", "valeur"]


def _public_surveys() -> Any:
    """Surveys of published challenges whose phase is over (results are public)."""
    now = utcnow()
    return select(Survey.id).join(Challenge, Challenge.id == Survey.challenge_id).join(
        ChallengePhase, ChallengePhase.id == Survey.phase_id).where(
        Challenge.published_at.is_not(None), ChallengePhase.ends_at.is_not(None),
        ChallengePhase.ends_at <= now)


def rows(*, challenge_id: int | None = None, survey_id: int | None = None,
         exact: bool = False) -> Iterator[list[Any]]:
    """The table's rows, question by question, in the questionnaire's order. Without
    ``survey_id``, the public surveys only."""
    answered = select(Tally.question_id, Tally.n.label("n")).where(
        Tally.choice_key == NO_CHOICE, Tally.value_key == ANSWERED).subquery()
    query = (select(Survey.id, Survey.challenge_id, Question.id, Question.label, Question.kind,
                    Choice.id, Choice.label, Tally.value_key, Tally.n, answered.c.n)
             .join(Question, Question.survey_id == Survey.id)
             .join(Tally, and_(Tally.question_id == Question.id, Tally.value_key != ANSWERED))
             .join(answered, answered.c.question_id == Question.id)
             .outerjoin(Choice, Choice.id == Tally.choice_key)
             .where(Tally.n > 0, Question.kind.not_in(
                 [QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT]))
             .order_by(Survey.id, Question.position, Question.id, Choice.position,
                       Tally.value_key))
    if survey_id is not None:
        query = query.where(Survey.id == survey_id)
    else:
        query = query.where(Survey.id.in_(_public_surveys()))
    if challenge_id is not None:
        query = query.where(Survey.challenge_id == challenge_id)
    for (survey, challenge, question_id, label, kind, choice_id, choice, value, n,
         respondents) in db.session.execute(query):
        hidden = not exact and (n < SMALL or respondents < SMALL)
        yield [survey, challenge, question_id, label, str(kind.value), choice_id, choice or "",
               None if value == NO_VALUE else value, None if hidden else n,
               None if not exact and respondents < SMALL else respondents,
               None if hidden else round(n / respondents, 4), hidden]
