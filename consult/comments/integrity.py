"""The discussion's counters, checked by ``flask --app consult check``."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.comments.models import Comment, CommentStatus
from consult.ideas.integrity import mismatches
from consult.ideas.models import Idea
from consult.integrity import integrity_check


@integrity_check
def idea_comments_match_rows() -> list[str]:
    counted = select(Comment.idea_id, func.count().label("n")).where(
        Comment.status == CommentStatus.PUBLISHED).group_by(Comment.idea_id).subquery()
    query = select(Idea.id, Idea.comments_count, func.coalesce(counted.c.n, 0)).outerjoin(
        counted, counted.c.idea_id == Idea.id).where(
        Idea.comments_count != func.coalesce(counted.c.n, 0))
    return mismatches("commentaires de l'idée", query)
