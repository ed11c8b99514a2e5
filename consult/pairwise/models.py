"""Pairs shown, votes, and the scores computed from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, utcnow


class PairShown(Base):
    """A pair of ideas shown to one person, with the one-time token its vote must carry."""

    __tablename__ = "pairwise_pairs"
    __table_args__ = (Index("ix_pairwise_pairs_user_challenge", "user_id", "challenge_id",
                            "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    left_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    right_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    shown_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]


class PairwiseVote(Base):
    """One answer to one pair: the idea chosen, or none (« je ne peux pas décider »,
    with its optional reason). Anonymous in the open data: the voter is not published."""

    __tablename__ = "pairwise_votes"
    __table_args__ = (Index("ix_pairwise_votes_challenge", "challenge_id", "id"),
                      # a person's choices (their count on each comparison page, erasure)
                      Index("ix_pairwise_votes_user_challenge", "user_id", "challenge_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairwise_pairs.id", ondelete="CASCADE"),
                                         unique=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    loser_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(String(40))  # for « cannot decide »
    reason_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairwiseScore(Base):
    """Where an idea stands: how often it was shown and compared, its score (the chance it
    beats an idea drawn at random, 0–100) and the bounds of its 95 % interval."""

    __tablename__ = "pairwise_scores"
    __table_args__ = (Index("ix_pairwise_scores_challenge_shown", "challenge_id",
                            "appearances"),)

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"),
                                         primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    appearances: Mapped[int] = mapped_column(Integer, default=0)
    wins: Mapped[int] = mapped_column(Integer, default=0)
    losses: Mapped[int] = mapped_column(Integer, default=0)
    # « je ne peux pas décider » answered on a pair with this idea (each such answer
    # counts on both ideas: the challenge's total is half the sum)
    undecided: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime | None]
