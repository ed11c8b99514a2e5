"""Invariants of surveys, checked by ``flask --app consult check``: every tally equals
the answers it counts, and every survey's count of responses its rows."""

from __future__ import annotations

from sqlalchemy import func, literal, literal_column, select, union_all

from consult.db import db
from consult.integrity import integrity_check
from consult.surveys.models import (
    ANSWERED,
    NO_CHOICE,
    NO_VALUE,
    Answer,
    Response,
    Survey,
    Tally,
)


def recount():
    """The tallies as the answers say they should be (a subquery)."""
    # constants written into the SQL: PostgreSQL groups by expressions, and two bound
    # parameters are two different expressions to it
    choice = func.coalesce(Answer.choice_id, literal_column(str(int(NO_CHOICE))))
    value = func.coalesce(Answer.value, literal_column(str(int(NO_VALUE))))
    closed = select(Answer.question_id.label("question_id"), choice.label("choice_key"),
                    value.label("value_key"), func.count().label("n")).where(
        Answer.text.is_(None)).group_by(Answer.question_id, choice, value)
    answered = select(Answer.question_id, literal(NO_CHOICE), literal(ANSWERED),
                      func.count(func.distinct(Answer.response_id))).group_by(Answer.question_id)
    return union_all(closed, answered).subquery()


@integrity_check
def survey_tallies_match_answers() -> list[str]:
    counted = recount()
    kept = select(Tally).where(Tally.n > 0).subquery()
    key = ((kept.c.question_id == counted.c.question_id)
           & (kept.c.choice_key == counted.c.choice_key)
           & (kept.c.value_key == counted.c.value_key))
    wrong = db.session.execute(
        select(counted.c.question_id, counted.c.choice_key, counted.c.value_key,
               counted.c.n, kept.c.n).outerjoin(kept, key).where(
            (kept.c.n.is_(None)) | (kept.c.n != counted.c.n))).all()
    extra = db.session.execute(select(kept.c.question_id, kept.c.n).outerjoin(
        counted, key).where(counted.c.n.is_(None))).all()
    return ([f"décompte de la question n° {q} ({c}, {v}) : {t} au lieu de {n}"
             for q, c, v, n, t in wrong[:20]]
            + [f"décompte de la question n° {q} sans réponse derrière ({n})"
               for q, n in extra[:20]])


@integrity_check
def survey_responses_match_rows() -> list[str]:
    counted = select(Response.survey_id, func.count().label("n")).group_by(
        Response.survey_id).subquery()
    rows = db.session.execute(select(Survey.id, Survey.responses_count,
                                     func.coalesce(counted.c.n, 0)).outerjoin(
        counted, counted.c.survey_id == Survey.id).where(
        Survey.responses_count != func.coalesce(counted.c.n, 0))).all()
    return [f"réponses du questionnaire n° {s} : compteur {c}, lignes {n}" for s, c, n in rows]
