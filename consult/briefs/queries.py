from __future__ import annotations

from sqlalchemy import select

from consult.briefs.models import Brief, BriefStatus, brief_ideas
from consult.db import db


def public_briefs_of_idea(idea_id: int) -> list[Brief]:
    """« Cette idée est devenue ce cahier » — the other side of the lineage."""
    return list(db.session.scalars(select(Brief).join(
        brief_ideas, brief_ideas.c.brief_id == Brief.id).where(
        brief_ideas.c.idea_id == idea_id, Brief.status != BriefStatus.DRAFT)))
