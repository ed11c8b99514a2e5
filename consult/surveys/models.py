"""A questionnaire, its questions and choices, the responses and their answers, and the
running counts the results are read from."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.challenges.models import Challenge, ChallengePhase
from consult.db import Base, enum_type, utcnow


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE = "single"  # one choice among options
    MULTIPLE = "multiple"  # several choices among options
    SCALE = "scale"  # a number on a scale (1–5, 0–10)
    RANKING = "ranking"  # the options put in order
    YES_NO = "yes_no"
    GRID = "grid"  # several statements, each on the same scale

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def has_choices(self) -> bool:
        return self in {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING,
                        QuestionKind.GRID}

    @property
    def has_scale(self) -> bool:
        return self in {QuestionKind.SCALE, QuestionKind.GRID}

    @property
    def is_text(self) -> bool:
        return self in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Texte court"),
    QuestionKind.LONG_TEXT: _l("Texte long"),
    QuestionKind.SINGLE: _l("Choix unique"),
    QuestionKind.MULTIPLE: _l("Choix multiples"),
    QuestionKind.SCALE: _l("Échelle"),
    QuestionKind.RANKING: _l("Classement"),
    QuestionKind.YES_NO: _l("Oui / non"),
    QuestionKind.GRID: _l("Grille d’affirmations sur une échelle"),
}


class Survey(Base):
    """The questionnaire of one survey phase."""

    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint("responses_count >= 0", name="responses_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_phases.id", ondelete="CASCADE"), unique=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    intro: Mapped[str] = mapped_column(Text, default="")  # Markdown
    # Answers keep no link to the account, beyond the one-answer-per-person key.
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # The version of a brief's prototype it tests (« Test de prototype »), if any.
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("prototype_versions.id", ondelete="SET NULL"), index=True)
    responses_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    phase: Mapped[ChallengePhase] = relationship(lazy="joined")
    challenge: Mapped[Challenge] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", lazy="selectin", order_by="Question.position",
        cascade="all, delete-orphan")

    @property
    def locked(self) -> bool:
        """Once someone answered, questions and choices stay as they were answered."""
        return self.responses_count > 0


class Question(Base):
    __tablename__ = "survey_questions"
    __table_args__ = (
        CheckConstraint("(scale_min IS NULL) = (scale_max IS NULL) AND "
                        "(scale_min IS NULL OR scale_min < scale_max)", name="scale_ordered"),
        Index("ix_survey_questions_survey", "survey_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind, "question_kind", 16))
    label: Mapped[str] = mapped_column(String(300))
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    low_label: Mapped[str] = mapped_column(String(80), default="")
    high_label: Mapped[str] = mapped_column(String(80), default="")
    purpose: Mapped[str | None] = mapped_column(String(16))  # "sus": the SUS grid

    survey: Mapped[Survey] = relationship(back_populates="questions")
    choices: Mapped[list[Choice]] = relationship(
        lazy="selectin", order_by="Choice.position", cascade="all, delete-orphan")

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1) if self.scale_min is not None \
            else range(0)


class Choice(Base):
    """An option of a choice or ranking question, or a statement of a grid."""

    __tablename__ = "survey_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))


class Response(Base):
    """One person's answers to a survey. ``respondent_key`` (a keyed hash of the survey
    and the account) keeps one response per person; ``user_id`` stays empty when the
    survey is anonymous, and the dates are then kept to the day."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    respondent_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]


class Answer(Base):
    """One answer row: a choice (``choice_id``), a number (a scale, a rank, yes = 1), a
    statement with its number (a grid), or a text. Texts are moderated like comments."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_question_texts", "question_id", "hidden_at"),
        # the latest free texts of a question, read backwards without a sort
        Index("ix_survey_answers_question_recent", "question_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"))
    choice_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_choices.id", ondelete="CASCADE"))
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None]  # a free text hidden by a moderator
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))


# The keys of a tally row besides the choice and the value
NO_CHOICE = 0
NO_VALUE = -1
ANSWERED = -2  # (question, NO_CHOICE, ANSWERED): how many people answered the question


class Tally(Base):
    """How many answers carry (question, choice, value), kept in the transaction of the
    answers: the results read these few rows, whatever the number of respondents."""

    __tablename__ = "survey_tallies"
    __table_args__ = (CheckConstraint("n >= 0", name="tally_positive"),)

    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True)
    choice_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0)
