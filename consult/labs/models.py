"""A lab's partnerships, the requests its partners send, and its projects."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, enum_type, utcnow
from consult.organisations.models import Organisation


class LabPartnership(Base):
    """An organisation whose agents may call on a lab (« Solliciter le labo »)."""

    __tablename__ = "lab_partnerships"
    __table_args__ = (UniqueConstraint("lab_id", "partner_id"),
                      CheckConstraint("lab_id != partner_id", name="not_itself"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Organisation] = relationship(foreign_keys=[partner_id], lazy="joined")


class RequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    NEEDS_DETAILS = "needs_details"
    REDIRECTED = "redirected"
    DECLINED = "declined"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return str({RequestStatus.SUBMITTED: _l("À examiner"),
                    RequestStatus.NEEDS_DETAILS: _l("Précisions demandées"),
                    RequestStatus.REDIRECTED: _l("Orientée vers un autre laboratoire"),
                    RequestStatus.DECLINED: _l("Déclinée"),
                    RequestStatus.ACCEPTED: _l("Acceptée : projet ouvert")}[self])


class LabRequest(Base):
    """A service problem a partner's agent brings to the lab."""

    __tablename__ = "lab_requests"
    __table_args__ = (
        CheckConstraint("status NOT IN ('needs_details', 'redirected', 'declined') "
                        "OR reason IS NOT NULL", name="decision_has_reason"),
        CheckConstraint("status != 'redirected' OR redirected_to_id IS NOT NULL",
                        name="redirect_has_lab"),
        CheckConstraint("status != 'accepted' OR project_id IS NOT NULL",
                        name="accepted_has_project"),
        Index("ix_lab_requests_lab_status", "lab_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(  # the requesting organisation
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    service: Mapped[str] = mapped_column(String(200))
    users_concerned: Mapped[str] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)  # what goes wrong
    tried: Mapped[str] = mapped_column(Text, default="")  # what was tried
    to_involve: Mapped[str] = mapped_column(Text, default="")  # who to involve
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, "request_status", 16),
                                                  default=RequestStatus.SUBMITTED)
    reason: Mapped[str | None] = mapped_column(Text)
    redirected_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_projects.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    lab: Mapped[Organisation] = relationship(foreign_keys=[lab_id], lazy="joined")
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id],
                                                      lazy="joined")


class ProjectStage(enum.StrEnum):
    EXPLORATION = "exploration"
    CODESIGN = "codesign"
    PROTOTYPING = "prototyping"
    TEST = "test"
    DEPLOYMENT = "deployment"
    EVALUATION = "evaluation"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return str({ProjectStage.EXPLORATION: _l("Exploration"),
                    ProjectStage.CODESIGN: _l("Co-conception"),
                    ProjectStage.PROTOTYPING: _l("Prototypage"),
                    ProjectStage.TEST: _l("Test"),
                    ProjectStage.DEPLOYMENT: _l("Déploiement"),
                    ProjectStage.EVALUATION: _l("Évaluation"),
                    ProjectStage.STOPPED: _l("Arrêté")}[self])


STAGE_ORDER = [ProjectStage.EXPLORATION, ProjectStage.CODESIGN, ProjectStage.PROTOTYPING,
               ProjectStage.TEST, ProjectStage.DEPLOYMENT, ProjectStage.EVALUATION]

METHODS = {
    "interviews": _l("Entretiens"), "observation": _l("Observation"),
    "workshop": _l("Atelier de co-conception"), "survey": _l("Questionnaire"),
    "prototype": _l("Prototype"), "user_test": _l("Test avec les usagers"),
    "immersion": _l("Immersion"), "data": _l("Analyse de données"),
}

project_organisations = Table(
    "lab_project_organisations", Base.metadata,
    Column("project_id", Integer, ForeignKey("lab_projects.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class LabProject(Base):
    """A project the lab carries with the organisations involved, from exploration to
    evaluation (or stopped, with a reason)."""

    __tablename__ = "lab_projects"
    __table_args__ = (
        CheckConstraint("stage != 'stopped' OR stop_reason IS NOT NULL",
                        name="stopped_has_reason"),
        Index("ix_lab_projects_lab_stage", "lab_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text, default="")  # Markdown
    stage: Mapped[ProjectStage] = mapped_column(enum_type(ProjectStage, "project_stage", 16),
                                                default=ProjectStage.EXPLORATION)
    stop_reason: Mapped[str | None] = mapped_column(Text)
    methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    lab: Mapped[Organisation] = relationship(foreign_keys=[lab_id], lazy="joined")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=project_organisations, lazy="selectin", order_by=Organisation.name)
    journal: Mapped[list[ProjectEntry]] = relationship(
        lazy="select", cascade="all, delete-orphan",
        order_by="(ProjectEntry.created_at.desc(), ProjectEntry.id.desc())")


class ProjectEntry(Base):
    """A dated line of the project's public journal (a stage reached, a step told)."""

    __tablename__ = "lab_project_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("lab_projects.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[ProjectStage | None] = mapped_column(
        enum_type(ProjectStage, "entry_stage", 16))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkKind(enum.StrEnum):
    CHALLENGE = "challenge"
    BRIEF = "brief"
    EVENT = "event"
    SURVEY = "survey"


class ProjectLink(Base):
    """What the project holds in Consult: a challenge, a brief, an event, a survey."""

    __tablename__ = "lab_project_links"
    __table_args__ = (Index("ix_lab_project_links_target", "kind", "target_id"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("lab_projects.id", ondelete="CASCADE"),
                                            primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind, "link_kind", 16),
                                           primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Calls for projects (« appels à projets ») -----------------------------------------

call_jurors = Table(
    "lab_call_jurors", Base.metadata,
    Column("call_id", Integer, ForeignKey("lab_calls.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Call(Base):
    """A lab's call for projects: who may apply, the criteria the jury scores against,
    the questions of its form, the dates applications are open."""

    __tablename__ = "lab_calls"
    __table_args__ = (CheckConstraint("opens_at < closes_at", name="dates_ordered"),
                      CheckConstraint("scale_max BETWEEN 2 AND 20", name="scale_bounded"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"),
                                        index=True)
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    eligibility: Mapped[str] = mapped_column(Text, default="")  # told to applicants
    # Kinds of organisation that may apply (empty: any); partners only, if set.
    eligible_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    partners_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form: [{"label": ..., "required": bool}], answered in each application.
    questions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    scale_max: Mapped[int] = mapped_column(default=5)  # each criterion scored 0..scale_max
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decisions_published_at: Mapped[datetime | None]

    lab: Mapped[Organisation] = relationship(foreign_keys=[lab_id], lazy="joined")
    criteria: Mapped[list[Criterion]] = relationship(
        lazy="selectin", order_by="Criterion.position", cascade="all, delete-orphan")
    jurors: Mapped[list[User]] = relationship(secondary=call_jurors, lazy="selectin",
                                              order_by="User.id")


class Criterion(Base):
    __tablename__ = "lab_call_criteria"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 10", name="weight_bounded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("lab_calls.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(default=1)


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"

    @property
    def label(self) -> str:
        return str({ApplicationStatus.SUBMITTED: _l("Déposée"),
                    ApplicationStatus.WITHDRAWN: _l("Retirée"),
                    ApplicationStatus.SELECTED: _l("Retenue"),
                    ApplicationStatus.NOT_SELECTED: _l("Non retenue")}[self])


class Application(Base):
    """An organisation's answer to a call (one of its agents writes it)."""

    __tablename__ = "lab_applications"
    __table_args__ = (
        CheckConstraint("status NOT IN ('selected', 'not_selected') OR decision IS NOT NULL",
                        name="decision_justified"),
        Index("ix_lab_applications_call", "call_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("lab_calls.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text)
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)  # one per question
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "application_status", 16),
        default=ApplicationStatus.SUBMITTED)
    decision: Mapped[str | None] = mapped_column(Text)  # the public justification
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_projects.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    told_at: Mapped[datetime | None]  # the applicants were told of the decision (once)

    call: Mapped[Call] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def applicant_status(self) -> str:
        """What the applicants read: a decision stays « under review » until the lab
        publishes the call's decisions (they are told once, all at the same time)."""
        if self.status in (ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED) \
                and self.call.decisions_published_at is None:
            return str(_l("En cours d’examen"))
        if self.status == ApplicationStatus.SUBMITTED and self.call.closes_at <= utcnow():
            return str(_l("En cours d’examen"))
        return self.status.label


class Score(Base):
    """One juror's score of one application on one criterion, given on their own."""

    __tablename__ = "lab_scores"
    __table_args__ = (CheckConstraint("value >= 0", name="value_positive"),)

    application_id: Mapped[int] = mapped_column(
        ForeignKey("lab_applications.id", ondelete="CASCADE"), primary_key=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("lab_call_criteria.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- The shared catalogue of solutions (« essaimage ») ---------------------------------


class Solution(Base):
    """An adopted brief published to the shared catalogue, with the lab's assessment;
    its evidence (tests, feedback per version, SUS scores) is read live from the brief."""

    __tablename__ = "lab_solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"),
                                          unique=True)
    organisation_id: Mapped[int] = mapped_column(  # who publishes it (the brief's team)
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text)  # what it solves, how it works (Markdown)
    assessment: Mapped[str] = mapped_column(Text)  # the lab's assessment (Markdown)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Reuse(Base):
    """Another administration trying a solution in its territory: a linked project that
    credits the original."""

    __tablename__ = "lab_reuses"
    __table_args__ = (UniqueConstraint("solution_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("lab_solutions.id",
                                                        ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("lab_projects.id", ondelete="CASCADE"),
                                            index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    project: Mapped[LabProject] = relationship(lazy="joined")
