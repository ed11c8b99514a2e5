"""What surveys hold about a person (the JSON export) and what account deletion does:
answers stay — the results they fed hold — but lose their link to the account. The
answers given anonymously are found with the person's key and exported too (only they
can ask for them)."""

from __future__ import annotations

from sqlalchemy import select, update

from consult.accounts.models import User
from consult.accounts.personal_data import eraser, iso, section
from consult.db import db
from consult.surveys.models import Answer, Question, Response, Survey
from consult.surveys.operations import respondent_key


@section("survey_answers")
def survey_answers(user: User) -> list[dict]:
    surveys = db.session.scalars(select(Survey)).all()
    keys = {respondent_key(s, user): s for s in surveys}
    responses = db.session.scalars(select(Response).where(
        (Response.user_id == user.id) | Response.respondent_key.in_(list(keys) or [""]))).all()
    exported = []
    for response in responses:
        rows = db.session.execute(select(Question.label, Answer.choice_id, Answer.value,
                                         Answer.text).join(Question, Question.id ==
                                                           Answer.question_id).where(
            Answer.response_id == response.id).order_by(Question.position)).all()
        exported.append({"survey_id": response.survey_id, "created_at": iso(response.created_at),
                         "updated_at": iso(response.updated_at),
                         "answers": [{"question": q, "choice_id": c, "value": v, "text": t}
                                     for q, c, v, t in rows]})
    return exported


@eraser
def unlink_survey_answers(user: User) -> None:
    db.session.execute(update(Response).where(Response.user_id == user.id).values(user_id=None))
