"""The statements phase in the open data: the published statements with their counts,
and every vote, anonymous (a number per participant within the challenge, never the
account; the day, not the time) — the matrix anyone can analyse again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consult.challenges.models import Challenge
from consult.db import db
from consult.statements.models import Statement, StatementStatus, StatementVote

BATCH = 5000

STATEMENT_COLUMNS = [
    ("id", "integer", _l("Identifiant de la proposition")),
    ("defi_id", "integer", _l("Défi")),
    ("texte", "string", _l("Texte de la proposition")),
    ("d_accord", "integer", _l("Réponses « d'accord »")),
    ("pas_d_accord", "integer", _l("Réponses « pas d'accord »")),
    ("passe", "integer", _l("Réponses « passer »")),
]
VOTE_COLUMNS = [
    ("id", "integer", _l("Identifiant du vote")),
    ("defi_id", "integer", _l("Défi")),
    ("proposition_id", "integer", _l("Proposition")),
    ("participant", "integer", _l("Numéro du participant dans ce défi (anonyme)")),
    ("vote", "integer", _l("1 d'accord, -1 pas d'accord, 0 passer")),
    ("date", "date", _l("Jour du vote")),
]


def _published(query, challenge_id: int | None):
    query = query.join(Challenge, Challenge.id == Statement.challenge_id).where(
        Challenge.published_at.is_not(None), Statement.status == StatementStatus.PUBLISHED)
    return query if challenge_id is None else query.where(Statement.challenge_id == challenge_id)


def statement_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    for s in db.session.scalars(_published(select(Statement), challenge_id)
                                .order_by(Statement.id)):
        yield [s.id, s.challenge_id, s.text, s.agree, s.disagree, s.passed]


def vote_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    """Participants numbered by their first vote in each challenge (1, 2, …)."""
    query = _published(select(StatementVote.id, StatementVote.challenge_id,
                              StatementVote.statement_id, StatementVote.user_id,
                              StatementVote.value, StatementVote.updated_at)
                       .join(Statement, Statement.id == StatementVote.statement_id),
                       challenge_id)
    numbers: dict[tuple[int, int | None], int] = {}
    counters: dict[int, int] = {}
    last = 0
    while True:
        batch = db.session.execute(query.where(StatementVote.id > last)
                                   .order_by(StatementVote.id).limit(BATCH)).all()
        for vid, challenge, statement, user, value, when in batch:
            key = (challenge, user)
            if key not in numbers:
                counters[challenge] = counters.get(challenge, 0) + 1
                numbers[key] = counters[challenge]
            yield [vid, challenge, statement, numbers[key], value,
                   when.date() if when else None]
        if len(batch) < BATCH:
            return
        last = batch[-1][0]
