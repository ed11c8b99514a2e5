"""Submitting, moderating and voting on statements; the opinion groups' job."""

from __future__ import annotations

import random
from itertools import chain

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from consult.accounts.models import User
from consult.challenges.models import Challenge, ModerationMode
from consult.challenges.permissions import is_agent_for, participation_problem
from consult.challenges.phases import Action
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.sql import execute, insert_ignore, stream_rows
from consult.core.tasks import enqueue, job
from consult.core.text import forbidden_characters_message, has_forbidden_characters
from consult.db import db, utcnow
from consult.statements.models import (
    MAX_STATEMENT,
    OpinionReport,
    Statement,
    StatementStatus,
    StatementVote,
)

MIN_STATEMENT = 10
VALUES = {"agree": 1, "disagree": -1, "pass": 0}
COLUMNS = {1: "agree", -1: "disagree", 0: "passed"}
RECOMPUTE_EVERY = 100  # votes between two computations of the groups


def statement_problems(text: str) -> dict[str, str]:
    text = (text or "").strip()
    if len(text) < MIN_STATEMENT:
        return {"text": _("Écrivez une proposition d’au moins %(min)s caractères.",
                          min=MIN_STATEMENT)}
    if len(text) > MAX_STATEMENT:
        return {"text": _("%(max)s caractères au plus : une seule idée, lisible d’un coup "
                          "d’œil.", max=MAX_STATEMENT)}
    if has_forbidden_characters(text):
        return {"text": forbidden_characters_message()}
    return {}


def submit(user: User, challenge: Challenge, text: str) -> Statement:
    problem = participation_problem(user, challenge, Action.STATE)
    if problem:
        raise Refused(problem)
    problems = statement_problems(text)
    if problems:
        raise Refused(next(iter(problems.values())), "text")
    seeded = is_agent_for(user, challenge)  # the organisers' statements need no review
    published = seeded or challenge.moderation_mode == ModerationMode.POST
    statement = Statement(challenge_id=challenge.id, author_id=user.id, text=text.strip(),
                          status=StatementStatus.PUBLISHED if published
                          else StatementStatus.PENDING,
                          moderated_at=utcnow() if published else None)
    db.session.add(statement)
    db.session.flush()
    record(user, "statement.submit", statement, challenge_id=challenge.id)
    return statement


def moderate(actor: User, statement: Statement, publish: bool) -> None:
    challenge = db.session.get(Challenge, statement.challenge_id)
    if not is_agent_for(actor, challenge):
        raise Refused(_("Seuls les agents des organisations du défi modèrent ses "
                        "propositions."))
    statement.status = StatementStatus.PUBLISHED if publish else StatementStatus.REJECTED
    statement.moderated_at = utcnow()
    db.session.flush()
    record(actor, "statement.moderate", statement, challenge_id=challenge.id,
           published=publish)


def next_statement(user: User, challenge: Challenge) -> Statement | None:
    """A published statement the person has not answered: among the least answered,
    at random (every statement gets its share of votes). None: all answered."""
    answered = select(StatementVote.statement_id).where(
        StatementVote.user_id == user.id, StatementVote.challenge_id == challenge.id)
    total = Statement.agree + Statement.disagree + Statement.passed
    pool = list(db.session.scalars(select(Statement).where(
        Statement.challenge_id == challenge.id,
        Statement.status == StatementStatus.PUBLISHED,
        Statement.id.not_in(answered)).order_by(total, Statement.id).limit(12)))
    return random.SystemRandom().choice(pool) if pool else None


_votes, _statements = StatementVote.__table__, Statement.__table__
# the writes of an answer, built once: on SQLite the first of them takes the single
# writer's turn, held until the commit, so everything before them is reads and checks
_PREVIOUS = select(_votes.c.id, _votes.c.value).where(
    _votes.c.statement_id == bindparam("statement"),
    _votes.c.user_id == bindparam("person")).with_for_update()
_CHANGE = update(_votes).where(_votes.c.id == bindparam("vote_")).values(
    value=bindparam("value_"), updated_at=bindparam("now"))
_COUNT = {value: update(_statements).where(_statements.c.id == bindparam("statement")).values(
    {column: _statements.c[column] + bindparam("step")}) for value, column in COLUMNS.items()}


def vote(user: User, statement_id: int, choice: str) -> int:
    """Agree, disagree or pass; answering again changes the answer (counted once). The
    answer's id."""
    if choice not in VALUES:
        raise Refused(_("Choisissez : d’accord, pas d’accord ou passer."), "choice")
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.status != StatementStatus.PUBLISHED:
        raise Refused(_("Cette proposition n’est pas (ou plus) soumise au vote."))
    challenge = db.session.get(Challenge, statement.challenge_id)
    problem = participation_problem(user, challenge, Action.AGREE)
    if problem:
        raise Refused(problem)
    value, now = VALUES[choice], utcnow()
    mine = {"statement": statement.id, "person": user.id}
    if insert_ignore(_votes, statement_id=statement.id, challenge_id=challenge.id,
                     user_id=user.id, value=value, created_at=now, updated_at=now):
        execute(_COUNT[value], {"statement": statement.id, "step": 1})
        vote_id, _value = execute(_PREVIOUS, mine).one()
    else:  # a second answer: the old one is taken back, atomically
        vote_id, previous = execute(_PREVIOUS, mine).one()
        if previous != value:
            execute(_CHANGE, {"vote_": vote_id, "value_": value, "now": now})
            execute(_COUNT[previous], {"statement": statement.id, "step": -1})
            execute(_COUNT[value], {"statement": statement.id, "step": 1})
    db.session.expire(statement)
    if vote_id % RECOMPUTE_EVERY == 0:
        enqueue("statements.groups", challenge.id)
    return vote_id


@job("statements.groups")
def compute_groups(challenge_id: int) -> int:
    """Find the opinion groups of the challenge and keep the report; its number of
    groups."""
    import numpy as np

    from consult.statements.groups import METHOD, groups_from_votes

    statements = np.fromiter(db.session.scalars(select(Statement.id).where(
        Statement.challenge_id == challenge_id, Statement.status == StatementStatus.PUBLISHED)
        .order_by(Statement.id)), dtype=np.int64)
    users, columns, values = [], [], []  # read in chunks into arrays, never as objects
    for chunk in stream_rows(select(StatementVote.user_id, StatementVote.statement_id,
                                    StatementVote.value)
                             .where(StatementVote.challenge_id == challenge_id,
                                    StatementVote.user_id.is_not(None))):
        block = np.fromiter(chain.from_iterable(chunk), dtype=np.int64,
                            count=3 * len(chunk)).reshape(-1, 3)
        column = np.searchsorted(statements, block[:, 1])
        known = (column < len(statements)) & (
            statements[np.minimum(column, max(len(statements) - 1, 0))] == block[:, 1]) \
            if len(statements) else np.zeros(len(block), bool)
        users.append(block[known, 0].astype(np.int32))
        columns.append(column[known].astype(np.int32))
        values.append(block[known, 2].astype(np.int8))
    users_all = np.concatenate(users) if users else np.zeros(0, np.int32)
    people = np.unique(users_all, return_inverse=True)[1].astype(np.int32)
    del users
    found = groups_from_votes(people, np.concatenate(columns) if columns else people,
                              np.concatenate(values) if values else people,
                              statements.tolist())
    votes = int(users_all.size)
    report = db.session.get(OpinionReport, challenge_id) or OpinionReport(
        challenge_id=challenge_id)
    report.computed_at, report.participants, report.votes = utcnow(), found["participants"], \
        votes
    report.method, report.report = METHOD, found
    db.session.add(report)
    db.session.flush()
    return len(found["groups"])


def votes_of(user: User, challenge: Challenge) -> int:
    return db.session.scalar(select(func.count()).select_from(StatementVote).where(
        StatementVote.user_id == user.id, StatementVote.challenge_id == challenge.id)) or 0
