from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from consult.briefs.models import Brief, BriefStatus, brief_ideas
from consult.core.pagination import Page, paginate
from consult.db import db


def public_briefs_of_idea(idea_id: int) -> list[Brief]:
    """« Cette idée est devenue ce cahier » — the other side of the lineage."""
    return list(db.session.scalars(select(Brief).join(
        brief_ideas, brief_ideas.c.brief_id == Brief.id).where(
        brief_ideas.c.idea_id == idea_id, Brief.status != BriefStatus.DRAFT)))


# The public way of a brief, for « where does it stand »: each step's number.
PROGRESS = [BriefStatus.PUBLISHED, BriefStatus.PROTOTYPING, BriefStatus.TESTING,
            BriefStatus.ADOPTED]
PUBLIC_STATUSES = [s for s in BriefStatus if s != BriefStatus.DRAFT]


def progress_step(brief: Brief) -> int | None:
    """1 to 4 along the way to adoption; None for an abandoned brief."""
    return PROGRESS.index(brief.status) + 1 if brief.status in PROGRESS else None


@dataclass
class BriefFilters:
    organisation_id: int | None = None
    territory_id: int | None = None
    status: BriefStatus | None = None


def public_briefs(filters: BriefFilters | None = None) -> Select:
    """Every brief citizens may read, newest first (« Ce que sont devenues vos idées »)."""
    from consult.challenges.models import Challenge

    filters = filters or BriefFilters()
    query = (select(Brief).join(Challenge, Challenge.id == Brief.challenge_id)
             .where(Brief.status != BriefStatus.DRAFT, Challenge.published_at.is_not(None))
             .order_by(Brief.published_at.desc(), Brief.id.desc()))
    if filters.organisation_id:
        query = query.where(Brief.organisation_id == filters.organisation_id)
    if filters.territory_id:
        query = query.where(Challenge.territory_id == filters.territory_id)
    if filters.status is not None and filters.status != BriefStatus.DRAFT:
        query = query.where(Brief.status == filters.status)
    return query


def brief_page(filters: BriefFilters, number: int) -> Page:
    return paginate(public_briefs(filters), number, size=12)


def recent_public_briefs(limit: int = 3) -> list[Brief]:
    return list(db.session.scalars(public_briefs().limit(limit)))


def briefs_of_organisation(organisation_id: int) -> list[Brief]:
    return list(db.session.scalars(public_briefs(BriefFilters(organisation_id=organisation_id))
                                   .limit(50)))


def brief_territories() -> list:
    from consult.challenges.models import Challenge
    from consult.territories.models import Territory

    return list(db.session.scalars(select(Territory).where(Territory.id.in_(
        select(Challenge.territory_id).join(Brief, Brief.challenge_id == Challenge.id)
        .where(Brief.status != BriefStatus.DRAFT))).order_by(Territory.name)))


def search_briefs(words: str, limit: int = 20) -> list[Brief]:
    """Public briefs holding every word (stemmed as the idea search)."""
    from consult.core.search import holds_every_term, search_terms

    terms = search_terms(words)
    if not terms:
        return []
    found = []
    for brief in db.session.scalars(public_briefs().limit(5000)):
        if holds_every_term(terms, brief.title, brief.problem_statement,
                            brief.proposed_solution):
            found.append(brief)
            if len(found) == limit:
                break
    return found
