"""The benchmark's survey: « le grand questionnaire », 20 questions of every kind answered
by every invented citizen (100,000 at scale 1), open, so that its answer POST is measured
as people change their answers, and its results page as its agent reads them."""

from __future__ import annotations

import random
from types import SimpleNamespace

from sqlalchemy import insert, select, text

from consult.challenges.models import Challenge, ChallengePhase, challenge_organisations
from consult.challenges.phases import Phase
from consult.db import db
from consult.surveys.models import (
    ANSWERED,
    NO_CHOICE,
    NO_VALUE,
    Answer,
    Choice,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from consult.surveys.operations import respondent_key

# kind, number of questions, options (statements for grids), scale
PLAN = ((QuestionKind.SINGLE, 4, 4, None), (QuestionKind.MULTIPLE, 3, 5, None),
        (QuestionKind.SCALE, 4, 0, (0, 10)), (QuestionKind.RANKING, 2, 4, None),
        (QuestionKind.YES_NO, 3, 0, None), (QuestionKind.GRID, 2, 4, (1, 5)),
        (QuestionKind.SHORT_TEXT, 1, 0, None), (QuestionKind.LONG_TEXT, 1, 0, None))
SLUG = "grand-questionnaire"


def seed_survey(bulk, rng: random.Random, organisation_id: int, user_ids: list[int],
                now, sentence) -> dict:
    from datetime import timedelta

    challenge_id = db.session.execute(insert(Challenge).values(
        slug=SLUG, title="Le grand questionnaire du banc d'essai", service="Accueil",
        problem="Comprendre les usages.", audience="", context="", moderation_mode="post",
        moderation_charter="", auto_hide_threshold=5, published_at=now, created_at=now,
        ideas_count=0, supports_settled=0, participants_settled=0).returning(Challenge.id)
    ).scalar_one()
    db.session.execute(insert(challenge_organisations).values(
        challenge_id=challenge_id, organisation_id=organisation_id))
    phase_id = db.session.execute(insert(ChallengePhase).values(
        challenge_id=challenge_id, kind=Phase.SURVEY, title="", description="",
        starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=30), settings={},
        announced_at=now).returning(ChallengePhase.id)).scalar_one()
    survey_id = db.session.execute(insert(Survey).values(
        phase_id=phase_id, challenge_id=challenge_id, intro="", anonymous=False,
        responses_count=len(user_ids), created_at=now).returning(Survey.id)).scalar_one()
    questions = []  # (id, kind, [choice ids], scale)
    position = 0
    for kind, count, options, scale in PLAN:
        for n in range(count):
            question_id = db.session.execute(insert(Question).values(
                survey_id=survey_id, position=position, kind=kind,
                label=f"{kind.label} n° {n + 1}", help="", required=not kind.is_text,
                scale_min=scale[0] if scale else None, scale_max=scale[1] if scale else None,
                low_label="", high_label="").returning(Question.id)).scalar_one()
            position += 1
            choice_ids = [db.session.execute(insert(Choice).values(
                question_id=question_id, position=p, label=f"Option {p + 1}").returning(
                Choice.id)).scalar_one() for p in range(options)]
            questions.append((question_id, kind, choice_ids, scale))
    holder = SimpleNamespace(id=survey_id)
    responses = ({"survey_id": survey_id, "user_id": user_id, "created_at": now,
                  "respondent_key": respondent_key(holder, SimpleNamespace(id=user_id))}
                 for user_id in user_ids)
    bulk(Response.__table__, responses, len(user_ids), "réponses (questionnaire)")
    response_ids = list(db.session.scalars(select(Response.id).where(
        Response.survey_id == survey_id).order_by(Response.id)))

    def answers():
        for response_id in response_ids:
            for question_id, kind, choices, scale in questions:
                row = {"response_id": response_id, "question_id": question_id,
                       "choice_id": None, "value": None, "text": None}
                if kind == QuestionKind.SINGLE:
                    yield {**row, "choice_id": choices[min(3, int(rng.expovariate(1.0)))]}
                elif kind == QuestionKind.MULTIPLE:
                    for choice in rng.sample(choices, rng.randint(1, 3)):
                        yield {**row, "choice_id": choice}
                elif kind == QuestionKind.SCALE:
                    yield {**row, "value": rng.randint(*scale)}
                elif kind == QuestionKind.RANKING:
                    for rank, choice in enumerate(rng.sample(choices, len(choices)), start=1):
                        yield {**row, "choice_id": choice, "value": rank}
                elif kind == QuestionKind.YES_NO:
                    yield {**row, "value": rng.randint(0, 1)}
                elif kind == QuestionKind.GRID:
                    for choice in choices:
                        yield {**row, "choice_id": choice, "value": rng.randint(*scale)}
                elif rng.random() < 0.1:  # one person in ten writes something
                    yield {**row, "text": sentence(rng, 12)}

    per_person = 4 + 6 + 4 + 8 + 3 + 8
    bulk(Answer.__table__, answers(), per_person * len(response_ids), "réponses détaillées")
    # the tallies, as the answers' transactions would have kept them (0: NO_CHOICE,
    # -1: NO_VALUE, -2: ANSWERED)
    assert (NO_CHOICE, NO_VALUE, ANSWERED) == (0, -1, -2)
    db.session.execute(text(
        "INSERT INTO survey_tallies (question_id, choice_key, value_key, n) "
        "SELECT question_id, COALESCE(choice_id, 0), COALESCE(value, -1), "
        "count(*) FROM survey_answers WHERE text IS NULL AND question_id IN "
        "(SELECT id FROM survey_questions WHERE survey_id = :survey) "
        "GROUP BY question_id, COALESCE(choice_id, 0), COALESCE(value, -1)"),
        {"survey": survey_id})
    db.session.execute(text(
        "INSERT INTO survey_tallies (question_id, choice_key, value_key, n) "
        "SELECT question_id, 0, -2, count(DISTINCT response_id) "
        "FROM survey_answers WHERE question_id IN "
        "(SELECT id FROM survey_questions WHERE survey_id = :survey) GROUP BY question_id"),
        {"survey": survey_id})
    return {"survey_phase": phase_id, "respondents": len(response_ids),
            "questions": len(questions)}

