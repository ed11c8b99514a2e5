from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base

DEFAULT_CHARTER_RULES = (
    "Propos injurieux, discriminatoires ou haineux",
    "Données personnelles d'un tiers",
    "Publicité ou spam",
    "Hors sujet par rapport au défi",
    "Contenu illégal",
)


class CharterRule(Base):
    """One rule of a challenge's published moderation charter: a rejection always cites
    one, and the public figures count rejections per rule."""

    __tablename__ = "charter_rules"
    __table_args__ = (UniqueConstraint("challenge_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
