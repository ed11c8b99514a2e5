"""Writes on surveys: building the questionnaire (its organisations' agents), answering
it (one response per person, changed until the phase ends; the tallies follow in the
same transaction) and hiding a free text (its moderators)."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, insert, select, update

from consult.accounts.models import User
from consult.challenges.models import ChallengePhase
from consult.challenges.operations import acting_organisation
from consult.challenges.phases import Phase
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.sql import add_to_counters, insert_ignore, read
from consult.db import db, utcnow
from consult.surveys import permissions, sus
from consult.surveys.answering import Reading
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
    Tally,
)

MAX_QUESTIONS = 60
MAX_CHOICES = 40
SCALES = {"1-5": (1, 5), "0-10": (0, 10)}


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise Refused(message)


def _log(actor: User | None, action: str, survey: Survey, **details) -> None:
    record(actor, action, survey, organisation_id=acting_organisation(actor, survey.challenge),
           challenge_id=survey.challenge_id, survey_id=survey.id, **details)


# --- Building --------------------------------------------------------------------------

def survey_of(phase: ChallengePhase) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.phase_id == phase.id))


def ensure_survey(actor: User, phase: ChallengePhase) -> Survey:
    """The phase's questionnaire, made on the first change an agent saves."""
    _require(phase.kind == Phase.SURVEY, _("Cette phase n’est pas un questionnaire."))
    _require(permissions.may_build(actor, phase.challenge),
             _("Vous ne pouvez pas modifier ce défi."))
    survey = survey_of(phase)
    if survey is None:
        insert_ignore(Survey.__table__, phase_id=phase.id, challenge_id=phase.challenge_id,
                      intro="", anonymous=False, responses_count=0, created_at=utcnow())
        survey = survey_of(phase)
    return survey


def _editable(actor: User, survey: Survey) -> None:
    _require(permissions.may_build(actor, survey), _("Vous ne pouvez pas modifier ce défi."))
    _require(not survey.locked, _("Des personnes ont déjà répondu : les questions ne "
                                  "changent plus (seuls leurs textes d’aide et "
                                  "l’introduction le peuvent)."))


def versions_for(challenge) -> list:
    """Prototype versions a test of prototype may be about: those of the briefs born
    from this challenge, and of the briefs its organisations (a lab) are in charge of;
    (version, brief title) pairs."""
    from sqlalchemy import or_

    from consult.briefs.models import Brief
    from consult.codesign.models import PrototypeVersion

    return db.session.execute(select(PrototypeVersion, Brief.title).join(
        Brief, Brief.id == PrototypeVersion.brief_id).where(or_(
            Brief.challenge_id == challenge.id,
            Brief.organisation_id.in_(challenge.organisation_ids))).order_by(
        Brief.id, PrototypeVersion.id)).all()


def update_settings(actor: User, survey: Survey, *, intro: str, anonymous: bool,
                    version_id: int | None) -> None:
    _require(permissions.may_build(actor, survey), _("Vous ne pouvez pas modifier ce défi."))
    _require(version_id is None or version_id in {
        v.id for v, _title in versions_for(survey.challenge)},
        _("Cette version de prototype n’est pas celle d’un cahier de ces organisations."))
    if anonymous != survey.anonymous:
        _require(not survey.locked, _("Des personnes ont déjà répondu : l’anonymat promis "
                                      "ne peut plus changer."))
    survey.intro, survey.anonymous, survey.version_id = intro.strip(), anonymous, version_id
    db.session.flush()
    _log(actor, "survey.settings", survey, anonymous=anonymous, version_id=version_id)


def _set_choices(question: Question, labels: list[str]) -> None:
    labels = list(dict.fromkeys(label.strip()[:300] for label in labels if label.strip()))
    if question.kind.has_choices:
        _require(2 <= len(labels) <= MAX_CHOICES if question.kind != QuestionKind.GRID
                 else 1 <= len(labels) <= MAX_CHOICES,
                 _("Donnez de 2 à %(num)d options (une par ligne).", num=MAX_CHOICES)
                 if question.kind != QuestionKind.GRID
                 else _("Donnez de 1 à %(num)d affirmations (une par ligne).",
                        num=MAX_CHOICES))
    else:
        labels = []
    question.choices = [Choice(label=label, position=n) for n, label in enumerate(labels)]


def _set_scale(question: Question, scale: str | None) -> None:
    if question.kind.has_scale:
        question.scale_min, question.scale_max = SCALES.get(scale or "", SCALES["1-5"])
    else:
        question.scale_min = question.scale_max = None


def add_question(actor: User, survey: Survey, *, kind: QuestionKind, label: str,
                 help: str = "", required: bool = True, choices: list[str] = (),
                 scale: str | None = None, low_label: str = "", high_label: str = "",
                 purpose: str | None = None) -> Question:
    _editable(actor, survey)
    _require(len(survey.questions) < MAX_QUESTIONS,
             _("%(num)d questions au plus.", num=MAX_QUESTIONS))
    question = Question(kind=kind, label=label.strip(), help=help.strip(), required=required,
                        low_label=low_label.strip(), high_label=high_label.strip(),
                        purpose=purpose,
                        position=max((q.position for q in survey.questions), default=-1) + 1)
    _set_choices(question, list(choices))
    _set_scale(question, scale)
    survey.questions.append(question)
    db.session.flush()
    _log(actor, "survey.add_question", survey, question_id=question.id, kind=str(kind))
    return question


def update_question(actor: User, question: Question, *, label: str, help: str,
                    required: bool, choices: list[str], scale: str | None,
                    low_label: str, high_label: str) -> None:
    survey = question.survey
    if survey.locked:  # the wording of the help may still be clarified
        _require(permissions.may_build(actor, survey), _("Vous ne pouvez pas modifier ce défi."))
        question.help = help.strip()
    else:
        _editable(actor, survey)
        question.label, question.help, question.required = label.strip(), help.strip(), required
        question.low_label, question.high_label = low_label.strip(), high_label.strip()
        if [c.label for c in question.choices] != [c.strip() for c in choices if c.strip()]:
            _set_choices(question, choices)
        _set_scale(question, scale)
    db.session.flush()
    _log(actor, "survey.update_question", survey, question_id=question.id)


def delete_question(actor: User, question: Question) -> None:
    survey = question.survey
    _editable(actor, survey)
    survey.questions.remove(question)
    db.session.flush()
    _log(actor, "survey.delete_question", survey, question_id=question.id)


def move_question(actor: User, question: Question, step: int) -> None:
    survey = question.survey
    _editable(actor, survey)
    order = list(survey.questions)
    index = order.index(question)
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        for position, item in enumerate(order):
            item.position = position
    db.session.flush()


def add_sus(actor: User, survey: Survey) -> Question:
    """The ten statements of the System Usability Scale, as one grid on 1–5."""
    _require(not any(q.purpose == sus.PURPOSE for q in survey.questions),
             _("Ce questionnaire a déjà l’échelle SUS."))
    return add_question(actor, survey, kind=QuestionKind.GRID, label=str(sus.LABEL),
                        choices=[str(s) for s in sus.STATEMENTS], scale="1-5",
                        low_label=str(sus.LOW_LABEL), high_label=str(sus.HIGH_LABEL),
                        purpose=sus.PURPOSE)


# --- Answering ---------------------------------------------------------------------------

def respondent_key(survey: Survey, user: User) -> str:
    """One key per person and survey, from which the account cannot be read back
    without the platform's secret."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"survey:{survey.id}:user:{user.id}".encode(),
                    hashlib.sha256).hexdigest()


def my_response(survey: Survey, user: User) -> Response | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Response).where(
        Response.survey_id == survey.id, Response.respondent_key == respondent_key(survey, user)))


def answers_of(response: Response | None) -> list[Answer]:
    if response is None:
        return []
    return list(db.session.scalars(select(Answer).where(Answer.response_id == response.id)))


def _keys(question_id: int, choice_id: int | None, value: int | None,
          text: str | None) -> list[tuple[int, int, int]]:
    if text is not None:
        return []  # a text is counted among the question's respondents only
    return [(question_id, choice_id or NO_CHOICE, NO_VALUE if value is None else value)]


AnswerRow = tuple  # (question_id, choice_id, value, text, hidden_at, hidden_by_id)
_answers = Answer.__table__
_responses = Response.__table__
_ANSWERS_OF = select(_answers.c.question_id, _answers.c.choice_id, _answers.c.value,
                     _answers.c.text, _answers.c.hidden_at, _answers.c.hidden_by_id).where(
    _answers.c.response_id == bindparam("response"))
# FOR UPDATE on PostgreSQL (the same person sending twice at once: one after the other);
# SQLite has a single writer and renders no FOR UPDATE
_RESPONSE_ID = select(_responses.c.id).where(
    _responses.c.survey_id == bindparam("survey"),
    _responses.c.respondent_key == bindparam("key")).with_for_update()


def _stored(survey_id: int, key: str) -> tuple[int | None, list[AnswerRow]]:
    """The person's response and its answers as stored now (plain rows)."""
    response_id = read(_RESPONSE_ID, survey=survey_id, key=key).scalar()
    if response_id is None:
        return None, []
    return response_id, [tuple(row) for row in read(_ANSWERS_OF, response=response_id)]


def _tally_of(answers) -> Counter:
    counted: Counter = Counter()
    answered = set()
    for question_id, choice_id, value, text, *_hidden in answers:
        for key in _keys(question_id, choice_id, value, text):
            counted[key] += 1
        answered.add(question_id)
    for question_id in answered:
        counted[(question_id, NO_CHOICE, ANSWERED)] += 1
    return counted


def _replacing(old: list[AnswerRow], sent: list[tuple]) -> tuple[list[AnswerRow], Counter]:
    """The rows that replace ``old`` (a text a moderator hid stays hidden if sent again
    unchanged) and what each tally gains or loses."""
    hidden = {(row[0], row[3]): row[4:] for row in old if row[4] is not None}
    new = [(*row, *hidden.get((row[0], row[3]), (None, None))) for row in sent]
    deltas = _tally_of(new)
    deltas.subtract(_tally_of(old))
    return new, deltas


def submit_response(user: User, survey: Survey, reading: Reading) -> bool:
    """Store the person's answers (read and checked by ``answering``), replacing theirs
    if they had answered; True for a first response.

    What costs (reading the answers stored, counting what changes) is done before the
    first write: on SQLite that write takes the single writer's turn, which lasts until
    the commit, and every other answer, support or vote of the site waits for it. Once
    the turn is taken the stored answers are read again; if they changed meanwhile (the
    same person sending from two tabs) the count is made again from them."""
    problem = permissions.respond_problem(user, survey)
    if problem is not None:
        raise Refused(problem)
    _require(not reading.errors, _("Certaines réponses sont à corriger."))
    stamp = _day(utcnow()) if survey.anonymous else utcnow()
    key = respondent_key(survey, user)
    sent = [(question_id, row.choice_id, row.value, row.text)
            for question_id, rows in reading.rows.items() for row in rows]
    _seen_id, seen = _stored(survey.id, key)
    new, deltas = _replacing(seen, sent)
    # the writes (the writer's turn on SQLite, from here to the commit)
    first = insert_ignore(_responses, survey_id=survey.id, respondent_key=key,
                          user_id=None if survey.anonymous else user.id, created_at=stamp)
    response_id, old = _stored(survey.id, key)
    if Counter(old) != Counter(seen):
        new, deltas = _replacing(old, sent)
    db.session.execute(delete(_answers).where(_answers.c.response_id == response_id))
    # one statement for every answer (a 20-question survey is 30–40 rows)
    if new:
        db.session.execute(insert(_answers), [
            {"response_id": response_id, "question_id": q, "choice_id": c, "value": v,
             "text": t, "hidden_at": hidden_at, "hidden_by_id": hidden_by}
            for q, c, v, t, hidden_at, hidden_by in new])
    # the tallies, in key order (concurrent answers lock rows in one order)
    add_to_counters(Tally.__table__, "n", ("question_id", "choice_key", "value_key"), [
        {"question_id": q, "choice_key": c, "value_key": v, "step_": delta}
        for (q, c, v), delta in sorted(deltas.items()) if delta])
    if first:
        db.session.execute(update(Survey).where(Survey.id == survey.id).values(
            responses_count=Survey.responses_count + 1))
    else:
        db.session.execute(update(_responses).where(_responses.c.id == response_id)
                           .values(updated_at=stamp))
    db.session.expire(survey, ["responses_count"])
    return first


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def hide_text(actor: User, answer: Answer, hidden: bool = True) -> None:
    question = db.session.get(Question, answer.question_id)
    survey = question.survey
    _require(permissions.may_moderate(actor, survey),
             _("Vous ne modérez pas ce questionnaire."))
    _require(answer.text is not None, _("Seules les réponses libres se masquent."))
    answer.hidden_at = utcnow() if hidden else None
    answer.hidden_by_id = actor.id if hidden else None
    db.session.flush()
    _log(actor, "survey.hide_text" if hidden else "survey.show_text", survey,
         answer_id=answer.id)

