"""What a challenge's published results may cite from its statements phase: the
statements of consensus of the last opinion report, with their text and share, frozen
in the results when the administration cites them (ideas.result_bases)."""

from __future__ import annotations

from sqlalchemy import select

from consult.db import db
from consult.ideas.result_bases import Citable, register_citable
from consult.statements.models import OpinionReport, Statement, StatementStatus


def consensus_of(challenge) -> list[dict]:
    report = db.session.get(OpinionReport, challenge.id)
    entries = (report.report or {}).get("consensus", []) if report else []
    if not entries:
        return []
    texts = dict(db.session.execute(select(Statement.id, Statement.text).where(
        Statement.id.in_([e["id"] for e in entries]),
        Statement.status == StatementStatus.PUBLISHED)).all())
    return [{"id": e["id"], "text": texts[e["id"]], "stance": e["stance"],
             "share": e["share"]} for e in entries if e["id"] in texts]


register_citable(Citable("statements", consensus_of))
