"""The statements phase of a challenge (issue 21): the published statements with their
counts, and the opinion groups' report; nobody's votes."""

from __future__ import annotations

from flask_babel import gettext as _
from pydantic import BaseModel, Field
from sqlalchemy import select

from consult.api.blueprint import bp
from consult.api.errors import ApiError
from consult.api.schemas import Utc
from consult.api.spec import api, responses
from consult.api.views import ID, visible_challenge
from consult.challenges.phases import Phase
from consult.db import db
from consult.statements.models import OpinionReport, Statement, StatementStatus


class StatementOut(BaseModel):
    id: int
    text: str
    agree: int
    disagree: int
    passed: int = Field(description="« Passer / je ne sais pas ».")


class StanceOut(BaseModel):
    statement_id: int
    stance: str = Field(description="`agree` ou `disagree`.")
    share: float = Field(description="Part (0–1) du groupe, ou du moins d'accord des "
                         "groupes pour un consensus.")


class OpinionGroupOut(BaseModel):
    number: int
    size: int
    characteristic: list[StanceOut] = Field(description="Ce qui distingue le groupe.")


class DivisiveOut(BaseModel):
    statement_id: int
    shares: list[float] = Field(description="Part d'accord dans chaque groupe, dans "
                                "l'ordre des groupes.")


class StatementsOut(BaseModel):
    challenge_id: int
    statements: list[StatementOut]
    computed_at: Utc | None = Field(description="Dernier calcul des groupes.")
    method: str | None
    participants: int = Field(description="Participants comptés dans les groupes.")
    groups: list[OpinionGroupOut]
    consensus: list[StanceOut]
    divisive: list[DivisiveOut]


@bp.get(f"/challenges/<{ID}:challenge_id>/statements")
@api.validate(resp=responses(200, StatementsOut, 404), tags=["défis"])
def statements(challenge_id: int):
    """Points d'accord et groupes d'opinion

    Les propositions publiées avec leurs comptes, les groupes d'opinion (taille, ce qui
    les distingue), les consensus et ce qui divise. `404` si le défi n'a pas de phase
    « trouver les points d'accord »."""
    found = visible_challenge(challenge_id)
    if not any(p.kind == Phase.STATEMENTS for p in found.phases):
        raise ApiError(404, "no_statements_phase",
                       _("Ce défi n'a pas de phase « trouver les points d'accord »."))
    rows = db.session.scalars(select(Statement).where(
        Statement.challenge_id == found.id, Statement.status == StatementStatus.PUBLISHED)
        .order_by(Statement.id))
    report = db.session.get(OpinionReport, found.id)
    data = report.report if report else {}
    return StatementsOut(
        challenge_id=found.id,
        statements=[StatementOut(id=s.id, text=s.text, agree=s.agree, disagree=s.disagree,
                                 passed=s.passed) for s in rows],
        computed_at=report.computed_at if report else None,
        method=report.method if report else None,
        participants=report.participants if report else 0,
        groups=[OpinionGroupOut(number=g["number"], size=g["size"], characteristic=[
            StanceOut(statement_id=e["id"], stance=e["stance"], share=e["share"])
            for e in g["statements"]]) for g in data.get("groups", [])],
        consensus=[StanceOut(statement_id=e["id"], stance=e["stance"], share=e["share"])
                   for e in data.get("consensus", [])],
        divisive=[DivisiveOut(statement_id=e["id"], shares=e["shares"])
                  for e in data.get("divisive", [])])
